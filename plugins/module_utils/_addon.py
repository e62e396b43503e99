# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster add-ons: read what is installed, decide installs, upgrades and uninstalls as three batches at most,
and the named waits on add-ons."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import REF_ARGSPEC, ClusterRef
from ansible_collections.alicloud.ack.plugins.module_utils._common import after_task, truthy
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id, check_network_plugins, config_text
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition

ADDON_ABSENT = ('AddonNotFound',)
BUSY = ('installing', 'upgrading', 'uninstalling')
RUNNING = {'install': 'installing', 'upgrade': 'upgrading', 'uninstall': 'uninstalling'}
DONE = {'install': 'installed', 'upgrade': 'upgraded'}
FAILED = ('failed', 'fail')

_ITEM = dict(
    name=dict(type='str', required=True),
    version=dict(type='str'),
    config=dict(type='raw'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)
ARGSPEC = dict(REF_ARGSPEC)
ARGSPEC.update(addons=dict(type='list', elements='dict', options=_ITEM, required=True))


# ---- reading ------------------------------------------------------------------------------


def version_key(version):
    """Sort key of an add-on version: the leading dotted numbers compared as numbers (v1.2.10 > v1.2.9), then
    the rest in natural order (aliyun.2 > aliyun.1)."""
    match = re.match(r'v?(\d+(?:\.\d+)*)(.*)$', version or '')
    numbers, rest = ((), version or '') if match is None else (
        tuple(int(n) for n in match.group(1).split('.')), match.group(2))
    return numbers, [(0, int(t), '') if t.isdigit() else (1, 0, t) for t in re.findall(r'\d+|\D+', rest)]


def read_versions(client, cluster_id):
    """DescribeClusterAddonsVersion: {name: entry} of every installed add-on."""
    answer = client.call('DescribeClusterAddonsVersion', 'GET', '/clusters/{}/components/version', cluster_id)
    if isinstance(answer, dict) and answer.get('component_name'):
        answer = [answer]  # one add-on's entry, as the reference's example (11.3) shows it
    entries = answer.values() if isinstance(answer, dict) else answer or []
    return dict((e['component_name'], e) for e in entries if isinstance(e, dict) and e.get('component_name'))


def read_status(client, cluster_id, names, versions=None):
    """DescribeClusterAddonsUpgradeStatus of the add-ons among names that are installed: {name: status}.
    The call fails as a whole when one of them is not installed: then the installed ones are asked again."""
    names = sorted(set(names))
    if not names:
        return {}
    if versions is not None:
        names = [n for n in names if n in versions]
        if not names:
            return {}
    answer = client.call('DescribeClusterAddonsUpgradeStatus', 'GET', '/clusters/{}/components/upgradestatus',
                         cluster_id, query={'componentIds': json.dumps(names)}, absent=ADDON_ABSENT)
    if answer is None:
        if versions is not None:
            return {}  # gone between the two reads: the next poll sees it
        return read_status(client, cluster_id, names, read_versions(client, cluster_id))
    return dict((k, v) for k, v in answer.items() if isinstance(v, dict))


def read_one_status(client, cluster_id, name):
    """DescribeClusterAddonUpgradeStatus (reference 11.4): one add-on's status, {name: status}; {} when it is not
    installed."""
    answer = client.call('DescribeClusterAddonUpgradeStatus', 'GET', '/clusters/{}/components/{}/upgradestatus',
                         cluster_id, name, absent=ADDON_ABSENT)
    return {name: answer} if isinstance(answer, dict) else {}


def state_of(status):
    """An add-on's state: the API's `state` when it gives one, else from its last operation."""
    if not status:
        return None
    if status.get('state'):
        return status['state']
    task = status.get('tasks') or {}
    result, kind = str(task.get('status', '')).lower(), str(task.get('type', '')).lower()
    if result in ('running', 'pending'):
        return RUNNING.get(kind, 'updating')
    if result in FAILED and kind == 'install':
        return 'failed'
    return 'active'


def last_failure(status, kind):
    """The message of the add-on's last operation of this kind when it failed, else None."""
    task = (status or {}).get('tasks') or {}
    if str(task.get('status', '')).lower() in FAILED and str(task.get('type', '')).lower() == kind:
        return task.get('message') or 'no message given'
    return None


def addon_view(entry, status=None, full=False):
    """One installed add-on as the modules return it."""
    can = truthy(entry.get('can_upgrade'))
    view = dict(name=entry['component_name'], version=entry.get('version'),
                next_version=(entry.get('next_version') or None) if can else None, can_upgrade=can,
                required=truthy(entry.get('required')), state=state_of(status), message=entry.get('message'))
    if full:
        view['upgrade_status'] = status
    return view


def addons_view(versions, statuses, full=False):
    return [addon_view(versions[n], statuses.get(n), full) for n in sorted(versions)]


def read_installed(client, cluster_id, full=False, names=None):
    """Every installed add-on (or those among names) with version, upgradability and state."""
    versions = read_versions(client, cluster_id)
    if names is not None:
        versions = dict((n, e) for n, e in versions.items() if n in names)
    if names is not None and len(versions) == 1:
        statuses = read_one_status(client, cluster_id, list(versions)[0])
    else:
        statuses = read_status(client, cluster_id, versions, versions)
    return addons_view(versions, statuses, full)


def read_catalogue(client, cluster, cluster_type=None):
    """DescribeAddons for the cluster's type: the answer as the API gives it."""
    query = dict(cluster_type=cluster_type or cluster.get('cluster_type'), region=cluster.get('region_id'),
                 cluster_spec=cluster.get('cluster_spec'), cluster_version=cluster.get('current_version'),
                 cluster_profile=cluster.get('profile'))
    return client.call('DescribeAddons', 'GET', '/clusters/components/metadata',
                       query=dict((k, v) for k, v in query.items() if v)) or {}


def catalogue_items(answer):
    """{name: item} of a DescribeAddons answer, from its groups and its standard add-ons. The reference (11.2)
    gives a group's items their version; the SDK declares only their name there, and the version under
    StandardComponents: an item takes each field from whichever has it."""
    items = {}
    for group in answer.get('ComponentGroups') or []:
        for item in (group.get('items') or []) if isinstance(group, dict) else []:
            if isinstance(item, dict) and item.get('name'):
                items.setdefault(item['name'], {}).update(item)
    for name, item in (answer.get('StandardComponents') or {}).items():
        if isinstance(item, dict):
            merged = items.setdefault(item.get('name') or name, {'name': item.get('name') or name})
            merged.update((k, v) for k, v in item.items() if merged.get(k) in (None, ''))
    return items


def catalogue_groups(answer):
    """The groups of a DescribeAddons answer, each item as catalogue_items completes it (its version, wherever the
    API gives it)."""
    items = catalogue_items(answer)
    return [dict(g, items=[items.get(i.get('name'), i) for i in g.get('items') or [] if isinstance(i, dict)])
            for g in answer.get('ComponentGroups') or [] if isinstance(g, dict)]


def is_serverless(cluster):
    return str(cluster.get('cluster_type') or '').lower() == 'ask'


# ---- waiting ------------------------------------------------------------------------------


def _show(statuses):
    return ', '.join('%s %s %s' % (n, state_of(s), (s.get('addon_info') or {}).get('version'))
                     for n, s in sorted(statuses.items())) or 'none of them installed'


def addons_ready(client, cluster_id, targets, kind):
    """Every add-on of targets ({name: version}) active at its version; a failed one fails with its message."""
    def done(statuses):  # a version of None: the one the API chose
        return all(state_of(statuses.get(n)) == 'active' and
                   v in (None, (statuses[n].get('addon_info') or {}).get('version')) for n, v in targets.items())

    def failed(statuses):
        problems = ['%s: %s' % (n, last_failure(statuses.get(n), kind)) for n in sorted(targets)
                    if last_failure(statuses.get(n), kind)]
        return 'add-on %s failed: %s' % (kind, '; '.join(problems)) if problems else None

    return Condition('add-ons %s of cluster %s to be %s' % (', '.join(sorted(targets)), cluster_id, DONE[kind]),
                     lambda: read_status(client, cluster_id, targets), done, failed, _show)


def addons_gone(client, cluster_id, names):
    return Condition('add-ons %s of cluster %s to be uninstalled' % (', '.join(sorted(names)), cluster_id),
                     lambda: read_versions(client, cluster_id), lambda found: not set(names) & set(found),
                     show=lambda found: 'still installed: %s' % ', '.join(sorted(set(names) & set(found))))


def addons_settled(client, cluster_id, names):
    """None of names installing, upgrading or uninstalling (an uninstalled one counts as settled)."""
    return Condition('add-ons %s of cluster %s to finish their operations' % (', '.join(sorted(names)), cluster_id),
                     lambda: read_status(client, cluster_id, names),
                     lambda statuses: not any(state_of(s) in BUSY for s in statuses.values()), show=_show)


# ---- planning -----------------------------------------------------------------------------


class AddonPlanner(object):
    """Decides what an add-on task does: one UnInstallClusterAddons, one InstallClusterAddons and one
    UpgradeClusterAddons at most, in that order (an uninstalled network plug-in makes room for another)."""

    def __init__(self, ack):
        self.ack = ack
        self.client = ack.client
        self.ref = ClusterRef(ack)
        self.items = self.check_items(ack.params['addons'])
        self._catalogue = None

    @staticmethod
    def check_items(items):
        seen = set()
        for item in items:
            check_id('addons.name', item['name'], 'addon')
            if item['name'] in seen:
                raise AckModuleError('add-on %s is listed twice in addons' % item['name'])
            seen.add(item['name'])
            item['config'] = config_text(item['name'], item['config'])
        return items

    def read(self, cluster_id):
        versions = read_versions(self.client, cluster_id)
        return versions, read_status(self.client, cluster_id, [i['name'] for i in self.items] + list(versions),
                                     versions)

    def plan(self):
        cluster = self.ref.require()
        cluster_id = cluster['cluster_id']
        versions, statuses = self.read(cluster_id)
        busy = [i['name'] for i in self.items if state_of(statuses.get(i['name'])) in BUSY]
        if busy and self.ack.wait and self.ack.check_mode:
            self.ack.warn('add-ons %s of cluster %s are busy: check mode plans from them as they are now; a run would '
                          'first wait for their operations to end' % (', '.join(sorted(busy)), cluster_id))
        elif busy and self.ack.wait:
            self.ack.waiter.wait(addons_settled(self.client, cluster_id, busy))
            versions, statuses = self.read(cluster_id)
        installed = dict((n, e) for n, e in versions.items() if state_of(statuses.get(n)) != 'uninstalling')

        remove, install, upgrade, problems = [], {}, {}, []
        for item in self.items:
            name = item['name']
            entry = installed.get(name)
            try:
                if item['state'] == 'absent':
                    if entry is not None:
                        if truthy(entry.get('required')):
                            raise AckModuleError('add-on %s is required by the cluster and cannot be uninstalled'
                                                 % name)
                        remove.append(name)
                elif entry is None:
                    install[name] = self.install_version(cluster, name, item['version'])
                else:
                    target = self.upgrade_version(cluster, entry, item['version'], statuses.get(name))
                    if target:
                        upgrade[name] = (entry['version'], target)
            except AckModuleError as e:
                problems.append(e.msg)
        if problems:
            raise AckModuleError('; '.join(problems))
        if install:
            check_network_plugins([n for n in installed if n not in remove] + list(install),
                                  'addons of cluster %s' % cluster_id)
        if remove or install or upgrade:
            self.ref.require_running(cluster, 'changing add-ons')

        configs = dict((i['name'], i['config']) for i in self.items)
        steps = []
        if remove:
            steps.append(self.uninstall_step(cluster_id, remove))
        if install:
            steps.append(self.install_step(cluster_id, install, configs))
        if upgrade:
            steps.append(self.upgrade_step(cluster_id, upgrade, configs))
        before = dict((n, e.get('version')) for n, e in installed.items())
        after = dict((n, v) for n, v in before.items() if n not in remove)
        after.update(install)
        after.update((n, t) for n, (_cur, t) in upgrade.items())
        return Plan('addons', addons_view(versions, statuses), before, after, steps,
                    finish=lambda answers: read_installed(self.client, cluster_id),
                    extra=dict(cluster_id=cluster_id))

    # ---- versions -----------------------------------------------------------------------
    def catalogue(self, cluster):
        if self._catalogue is None:
            self._catalogue = catalogue_items(read_catalogue(self.client, cluster))
        return self._catalogue

    def install_version(self, cluster, name, version):
        """The version to install: the catalogue's (the only one it offers for a new add-on). When the catalogue
        names none, the version asked for, or None (latest, or not given): none is sent, the API installs its
        default."""
        offered = self.catalogue(cluster)
        if name not in offered:
            if is_serverless(cluster) and name in catalogue_items(read_catalogue(self.client, cluster,
                                                                                 'ManagedKubernetes')):
                raise AckModuleError('add-on %s is not supported by serverless (Ask) clusters; they can install: %s'
                                     % (name, ', '.join(sorted(offered))))
            raise AckModuleError('unknown add-on %s; cluster type %s can install: %s' % (
                name, cluster.get('cluster_type'), ', '.join(sorted(offered))))
        current = offered[name].get('version') or None
        if version in (None, 'latest') or version == current:
            return current
        if current is None:
            return version
        raise AckModuleError('version %s of add-on %s is not offered; the catalogue offers %s'
                             % (version, name, current))

    def upgrade_version(self, cluster, entry, version, status):
        """The version to upgrade an installed add-on to, or None to leave it."""
        name, current = entry['component_name'], entry.get('version')
        if state_of(status) == 'failed':
            raise AckModuleError('add-on %s failed to install (%s); uninstall it (state: absent) and install it '
                                 'again' % (name, last_failure(status, 'install')))
        newest = entry.get('next_version') if truthy(entry.get('can_upgrade')) else None
        if version is None or version == current:
            return None
        if version == 'latest':
            return newest or None
        if version_key(version) <= version_key(current):
            raise AckModuleError('add-on %s runs %s; %s is not newer and add-ons are never downgraded'
                                 % (name, current, version))
        offered = [newest] if newest else []
        if version not in offered:
            listed = (self.catalogue(cluster).get(name) or {}).get('version')
            if listed and version_key(listed) > version_key(current):
                offered.append(listed)
        if version not in offered:
            raise AckModuleError('version %s of add-on %s is not offered; it runs %s and can be upgraded to: %s'
                                 % (version, name, current, ', '.join(offered) or 'nothing newer'))
        return version

    # ---- steps --------------------------------------------------------------------------
    def batch_step(self, operation, path, cluster_id, items, took_effect, until):
        """One call for a batch of add-ons (items: {name: body item}). The call has no idempotency token: after
        an ambiguous failure, recheck reads the add-ons again and drops the ones it reached from the batch."""
        pending = dict(items)

        def run():
            body = [pending[n] for n in sorted(pending)]
            return self.client.call(operation, 'POST', path, cluster_id, body=body)

        def recheck():
            versions = read_versions(self.client, cluster_id)
            statuses = read_status(self.client, cluster_id, pending, versions)
            if not all(took_effect(n, versions.get(n), statuses.get(n)) for n in pending):
                # the operation may have ended between the two reads (an upgraded add-on `active` again, an
                # uninstalled one gone): the versions read after the states tell
                versions = read_versions(self.client, cluster_id)
            for name in [n for n in pending if took_effect(n, versions.get(n), statuses.get(n))]:
                del pending[name]
            return None if pending else {'rechecked': sorted(items)}

        return Step('%s %s' % (operation, ', '.join(sorted(items))), run, until=until, recheck=recheck)

    def uninstall_step(self, cluster_id, names):
        def until(answer):
            return after_task(self.client, answer, addons_gone(self.client, cluster_id, names))
        return self.batch_step('UnInstallClusterAddons', '/clusters/{}/components/uninstall', cluster_id,
                               dict((n, {'name': n}) for n in names),
                               lambda n, entry, status: entry is None or state_of(status) == 'uninstalling', until)

    def install_step(self, cluster_id, install, configs):
        items = {}
        for name, version in install.items():
            items[name] = dict(name=name)
            if version:
                items[name]['version'] = version
            if configs.get(name):
                items[name]['config'] = configs[name]
        return self.batch_step('InstallClusterAddons', '/clusters/{}/components/install', cluster_id, items,
                               lambda n, entry, status: entry is not None,
                               self.ready_until(cluster_id, install, 'install'))

    def upgrade_step(self, cluster_id, upgrade, configs):
        items = {}
        for name, (current, target) in upgrade.items():
            items[name] = dict(component_name=name, version=current, next_version=target)
            if configs.get(name):
                items[name]['config'] = configs[name]
        targets = dict((n, t) for n, (_c, t) in upgrade.items())
        return self.batch_step('UpgradeClusterAddons', '/clusters/{}/components/upgrade', cluster_id, items,
                               lambda n, entry, status: (entry or {}).get('version') == targets[n] or
                               state_of(status) == 'upgrading',
                               self.ready_until(cluster_id, targets, 'upgrade'))

    def ready_until(self, cluster_id, targets, kind):
        """The add-ons first (a failed one fails with its own message), then the task."""
        def until(answer):
            return [addons_ready(self.client, cluster_id, targets, kind)] + after_task(self.client, answer)
        return until
