# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks every option of a module gets from its argument spec, before the module's own rules and any call:

- text holds no control character (a trailing newline from a lookup, a NUL), except the free text of MULTILINE;
- integers fit the API's Integer (32 bits): a larger one reached the API or failed with Python's own text;
- lists and mappings are nested at most MAX_DEPTH levels (deeper data ends in a recursion error elsewhere).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._safe_load import check_depth

MULTILINE = frozenset(('user_data', 'template', 'description'))  # free text: scripts, manifests, prose
INTEGER_MAX = 2 ** 31 - 1


def check_text(label, value, secret=False):
    if isinstance(value, str) and re.search(u'[\x00-\x1f\x7f]', value):
        shown = '' if secret else ' %r' % (value if len(value) <= 80 else value[:80] + '...')
        raise AckModuleError('%s%s contains a control character (a line break, tab or NUL): remove it (a lookup '
                             'or a file read often leaves a trailing newline)' % (label, shown))


def check_integer(label, value):
    if isinstance(value, int) and not isinstance(value, bool) and not -INTEGER_MAX - 1 <= value <= INTEGER_MAX:
        raise AckModuleError('%s must be within a 32-bit integer (at most %d), got %s' % (label, INTEGER_MAX, value))


def check_options(spec, params, prefix=''):
    """Walk the options given (suboptions and list elements included) and refuse the first bad one, naming it."""
    for name, option in spec.items():
        value = params.get(name)
        if value is None:
            continue
        label, kind = prefix + name, option.get('type', 'str')
        if kind in ('list', 'dict', 'raw'):
            check_depth(value, label)
        items = value if kind == 'list' and isinstance(value, list) else [value]
        element = option.get('elements') if kind == 'list' else kind
        for item in items:
            if option.get('options') and isinstance(item, dict):
                check_options(option['options'], item, label + '.')
            elif element in ('str', 'path') and name not in MULTILINE:
                check_text(label, item, option.get('no_log'))
            elif element == 'int':
                check_integer(label, item)
