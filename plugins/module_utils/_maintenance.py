# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When the provider may maintain a cluster and whether it upgrades it by itself: ack_cluster's maintenance_window
and auto_upgrade, compared with DescribeClusterDetail's maintenance_window and operation_policy.cluster_auto_upgrade
and applied in place with ModifyCluster."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._common import truthy
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_maintenance_window, rfc3339

CHANNELS = ['patch', 'stable', 'rapid']
WINDOW_KEYS = ('enable', 'maintenance_time', 'duration', 'weekly_period', 'recurrence')
ARGSPEC = dict(
    maintenance_window=dict(type='dict', options=dict(
        enable=dict(type='bool'),
        maintenance_time=dict(type='str'),
        duration=dict(type='str'),
        weekly_period=dict(type='list', elements='str'),
        recurrence=dict(type='str'),
    )),
    auto_upgrade=dict(type='dict', options=dict(
        enabled=dict(type='bool', required=True),
        channel=dict(type='str', choices=CHANNELS),
    )),
)


def _days(text):
    return [d.strip() for d in (text or '').split(',') if d.strip()]


def _rule(text):
    return sorted(p.strip() for p in (text or '').upper().split(';'))


def _same(key, current, wanted):
    """Whether the cluster's value of a window field is the wanted one (times as instants, weekdays as a set)."""
    if key == 'enable':
        return truthy(current) == wanted
    if key == 'weekly_period':
        return sorted(d.lower() for d in _days(current)) == sorted(d.lower() for d in wanted)
    if key == 'maintenance_time':
        try:
            return rfc3339(key, current) == rfc3339(key, wanted)
        except AckModuleError:
            return current == wanted
    if key == 'recurrence':
        return _rule(current) == _rule(wanted)
    return current == wanted


def check(params):
    """The values the task sets, refused before any call when the API would refuse them."""
    return check_maintenance_window('maintenance_window', params.get('maintenance_window'))


def wanted_view(params):
    """What the task sets, as the diff of a new cluster shows it."""
    view = {}
    window = check(params)
    if window:
        view['maintenance_window'] = window
    if params.get('auto_upgrade'):
        view['auto_upgrade'] = dict((k, v) for k, v in params['auto_upgrade'].items() if v is not None)
    return view


class Schedule(object):
    """The maintenance window and automatic upgrades a task sets, against the cluster's: `before` and `after` (the
    diff, the fields the task sets only) and `body` (the ModifyCluster fields; empty when nothing changes)."""

    def __init__(self, ack, cluster):
        self.ack = ack
        self.cluster = cluster
        self.cluster_id = cluster.get('cluster_id')
        self.before, self.after, self.body = {}, {}, {}
        window = check(ack.params)
        if window:
            self.window(window)
        if ack.params.get('auto_upgrade'):
            self.auto_upgrade(ack.params['auto_upgrade'])

    def window(self, wanted):
        current = self.cluster.get('maintenance_window') or {}

        def shown(key):
            value = current.get(key)
            return truthy(value) if key == 'enable' else _days(value) if key == 'weekly_period' else value
        changed = [k for k in wanted if not _same(k, current.get(k), wanted[k])]
        self.before['maintenance_window'] = dict((k, shown(k)) for k in wanted)
        self.after['maintenance_window'] = dict((k, wanted[k] if k in changed else shown(k)) for k in wanted)
        if not changed:
            return
        # the whole window is sent, so what the task leaves out stays as it is whichever way the API merges
        window = dict((k, v) for k, v in current.items()
                      if k in WINDOW_KEYS + ('exclusions',) and v not in ('', None, []))
        window.update((k, ','.join(v) if k == 'weekly_period' else v) for k, v in wanted.items())
        if truthy(window.get('enable')) and not window.get('maintenance_time'):
            raise AckModuleError('maintenance_window.maintenance_time is required to enable the maintenance window of '
                                 'cluster %s, which has none' % self.cluster_id)
        self.body['maintenance_window'] = window

    def auto_upgrade(self, wanted):
        current = (self.cluster.get('operation_policy') or {}).get('cluster_auto_upgrade') or {}
        now = dict(enabled=truthy(current.get('enabled')), channel=current.get('channel') or '')
        keys = [k for k in ('enabled', 'channel') if wanted.get(k) is not None]
        self.before['auto_upgrade'] = dict((k, now[k]) for k in keys)
        self.after['auto_upgrade'] = dict((k, wanted[k]) for k in keys)
        channel = wanted.get('channel') or now['channel']
        if wanted['enabled'] and not channel:
            raise AckModuleError('auto_upgrade.channel (%s) is required to turn automatic upgrades on: cluster %s has '
                                 'no channel yet' % (', '.join(CHANNELS), self.cluster_id))
        if any(now[k] != wanted[k] for k in keys):
            policy = dict(enabled=wanted['enabled'], channel=channel) if channel else dict(enabled=wanted['enabled'])
            self.body['operation_policy'] = dict(cluster_auto_upgrade=policy)
        window = self.body.get('maintenance_window') or self.cluster.get('maintenance_window') or {}
        if wanted['enabled'] and not truthy(window.get('enable')):
            self.ack.warn('automatic upgrades of cluster %s run in its maintenance window, which is not enabled: set '
                          'maintenance_window.enable' % self.cluster_id)
