# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags: the Ansible `{key: value}` dict against the API's `[{key, value}]` list, with purge_tags."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

SYSTEM_PREFIXES = ('acs:', 'ack.')


def is_system(key):
    """System tags (acs:*, ack.*) belong to the service and are never changed or purged."""
    return bool(key) and key.startswith(SYSTEM_PREFIXES)


def tags_to_dict(tags, user_only=False):
    """[{key, value}] -> {key: value}; user_only leaves system tags out."""
    return dict((t['key'], t.get('value') or '') for t in tags or []
                if t.get('key') and not (user_only and is_system(t['key'])))


def dict_to_tags(tags):
    return [{'key': k, 'value': v} for k, v in sorted(tags.items())]


def merge_tags(current, wanted, purge):
    """The user tags a cluster should carry: wanted, plus the current ones unless purged."""
    merged = {} if purge else dict(current)
    merged.update(dict((k, v) for k, v in wanted.items() if not is_system(k)))
    return merged
