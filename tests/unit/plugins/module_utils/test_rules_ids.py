# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""check_id: an id with a trailing newline (a regular expression's $ matches before it) is refused as any other
malformed id."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id

CID = 'c0123456789abcdef0123456789abcdef'


def test_a_valid_id_is_returned():
    assert check_id('cluster_id', CID) == CID


@pytest.mark.parametrize('value', [CID + '\n', CID + '\r\n', '\n' + CID])
def test_an_id_with_a_newline_is_refused(value):
    with pytest.raises(AckModuleError) as info:
        check_id('cluster_id', value)
    assert info.value.msg.startswith('cluster_id %r is not a valid id' % value) and '\n' not in info.value.msg
