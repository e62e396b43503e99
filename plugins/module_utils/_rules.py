# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the reference documents about inputs, checked before any call (also in check mode).

One place for the rules; each module's planner calls the ones its inputs need. Each check raises AckModuleError
with one line naming the option.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError

# Ids that go into a URL path: the API's formats. Anything else is refused before a call is made.
ID_FORMATS = dict(
    cluster_id=(r'^c[0-9a-z]{8,40}$', 'c followed by letters and digits'),
    task_id=(r'^T-[0-9a-zA-Z]{8,40}$', 'T- followed by letters and digits'),
    template_id=(r'^[0-9a-zA-Z][0-9a-zA-Z-]{7,63}$', 'letters, digits and hyphens'),
    nodepool_id=(r'^np[0-9a-z]{8,40}$', 'np followed by letters and digits'),
    addon=(r'^[a-z0-9][a-z0-9._-]{0,62}$', 'lower case letters, digits, dots, underscores and hyphens'),
)


def check_id(option, value, kind=None):
    """Refuse an id that is not in the API's format (so no input can change which operation is called)."""
    if value is None:
        return value
    pattern, words = ID_FORMATS[kind or option]
    if not isinstance(value, str) or not re.match(pattern, value) or '..' in value:
        raise AckModuleError('%s %r is not a valid id (%s)' % (option, value, words))
    return value


PASSWORD_SPECIALS = set('()`~!@#$%^&*-_+=|{}[]:;\'<>,.?/')


def check_password(option, password):
    """8 to 30 characters of letters, digits and the documented special characters; three kinds at least."""
    if password is None:
        return
    bad = sorted(set(c for c in password if not (c.isascii() and (c.isalnum() or c in PASSWORD_SPECIALS))))
    kinds = sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                 any(c.isdigit() for c in password), any(c in PASSWORD_SPECIALS for c in password)])
    if not 8 <= len(password) <= 30 or bad or kinds < 3:
        raise AckModuleError('%s must be 8 to 30 characters and contain three of: upper case letters, lower case '
                             'letters, digits, special characters (%s)%s' % (
                                 option, ''.join(sorted(PASSWORD_SPECIALS)),
                                 '; it contains characters that are not allowed' if bad else ''))


def network(option, value):
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise AckModuleError('%s is not a CIDR block: %r' % (option, value))
