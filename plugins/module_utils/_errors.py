# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user-facing error of the collection; importable without AnsibleModule (inventory plugin, tests)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def one_line(text):
    """Fold a message that spans lines (the API echoes strings to sign) into one line."""
    return ' '.join(str(text).split())


class AckModuleError(Exception):
    """A failure that is not an API error: bad input, a refusal, a timeout. extra goes into the result."""

    def __init__(self, msg, **extra):
        msg = one_line(msg)
        super(AckModuleError, self).__init__(msg)
        self.msg = msg
        self.extra = extra
