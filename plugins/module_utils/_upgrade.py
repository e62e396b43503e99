# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster upgrades as a state machine: read the cluster and its upgrade status, then plan the transition to the
wanted state (upgraded hop by hop, paused, canceled); and the upgrade status as ack_upgrade_info shows it.

ACK upgrades one step at a time (the versions DescribeKubernetesVersionMetadata lists as `upgradable_versions`:
newer patches and the next minor). An upgrade runs for long and can be paused for days, so a cluster that is
`upgrading` is never waited out while finding it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import (
    CLUSTER_ABSENT,
    FAILED,
    REF_ARGSPEC,
    ClusterRef,
    describe_cluster,
)
from ansible_collections.alicloud.ack.plugins.module_utils._common import after_task, parse_version
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_at_least
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition

RUNNING, PAUSED, SUCCESS, FAIL, CANCELED = 'running', 'pause', 'success', 'fail', 'canceled'
IN_PROGRESS = (RUNNING, PAUSED)
UPGRADE_WAIT_TIMEOUT = 7200  # the module's own wait_timeout default: an upgrade takes long
MAX_HOPS = 50  # a guard against a catalogue that loops

ARGSPEC = dict(REF_ARGSPEC)
ARGSPEC.update(
    version=dict(type='str'),
    state=dict(type='str', choices=['upgraded', 'paused', 'canceled'], default='upgraded'),
    master_only=dict(type='bool'),
    rolling_policy=dict(type='dict', options=dict(max_parallelism=dict(type='int', required=True))),
)
INFO_ARGSPEC = dict(REF_ARGSPEC)


def by_version(versions):
    return sorted(set(versions), key=lambda v: parse_version(v) or (0,))


# ---- reads -------------------------------------------------------------------------------------------
def upgrade_status(client, cluster_id):
    """GetUpgradeStatus; {} when the cluster is gone."""
    return client.call('GetUpgradeStatus', 'GET', '/api/v2/clusters/{}/upgrade/status', cluster_id,
                       absent=CLUSTER_ABSENT) or {}


def upgradable_versions(client, cluster, version):
    """The versions ACK upgrades `version` to in one step, oldest first (DescribeKubernetesVersionMetadata)."""
    query = dict(Region=cluster.get('region_id') or client.region, ClusterType=cluster.get('cluster_type'),
                 Profile=cluster.get('profile') or None, KubernetesVersion=version, QueryUpgradableVersion=True)
    answer = client.call('DescribeKubernetesVersionMetadata', 'GET', '/api/v1/metadata/versions', query=query)
    for item in answer or []:
        if isinstance(item, dict) and item.get('version') == version:
            return by_version(item.get('upgradable_versions') or [])
    return []


def status_view(status):
    """The upgrade status as the modules return it."""
    task = status.get('upgrade_task') or {}
    return dict(status=status.get('status') or '', step=status.get('upgrade_step') or 'not_start',
                error=status.get('error_message') or '', precheck_report_id=status.get('precheck_report_id') or '',
                task=dict(status=task.get('status') or '', message=task.get('message') or ''))


# ---- conditions --------------------------------------------------------------------------------------
def _canceled(status):
    """A cancel ends the upgrade: status canceled, or (as some answers have it) failed with UpgradeCanceled."""
    if status.get('status') == CANCELED:
        return True
    text = ' '.join([status.get('error_message') or '', (status.get('upgrade_task') or {}).get('message') or ''])
    return status.get('status') == FAIL and ('UpgradeCanceled' in text or 'cancel' in text.lower())


def _show(status):
    return 'upgrade status %s, step %s' % (status.get('status') or 'none', status.get('upgrade_step') or 'none')


def upgrade_finished(client, cluster_id, version):
    """GetUpgradeStatus until the upgrade toward `version` succeeds; it fails with the step and the error message
    when it fails, is canceled or is paused (a pause can last days: nothing to wait for)."""
    def failed(status):
        what = 'the upgrade of cluster %s to %s' % (cluster_id, version)
        if _canceled(status):
            return '%s was canceled' % what
        if status.get('status') == FAIL:
            step = status.get('upgrade_step') or 'unknown'
            return '%s failed at step %s: %s' % (what, step, status.get('error_message') or 'no error message given')
        if status.get('status') == PAUSED:
            return '%s was paused; run again with state=upgraded to resume it' % what
        return None

    return Condition('the upgrade of cluster %s to %s to finish' % (cluster_id, version),
                     lambda: upgrade_status(client, cluster_id), lambda s: s.get('status') == SUCCESS, failed, _show)


def upgrade_in(client, cluster_id, wanted, doing):
    """GetUpgradeStatus until the upgrade is paused or canceled (`wanted`); an upgrade that ended otherwise
    fails the wait."""
    done = _canceled if wanted == CANCELED else (lambda s: s.get('status') == PAUSED)

    def failed(status):
        if status.get('status') in (SUCCESS, FAIL, CANCELED) and not done(status):
            return 'the upgrade of cluster %s ended (%s) before it could be %s' % (cluster_id, status['status'], doing)
        return None

    return Condition('the upgrade of cluster %s to be %s' % (cluster_id, doing),
                     lambda: upgrade_status(client, cluster_id), done, failed, _show)


def cluster_at(client, cluster_id, version):
    """The cluster running at `version` (a cluster running at another one after its upgrade fails the wait)."""
    def failed(cluster):
        if cluster is None:
            return 'cluster %s was deleted during its upgrade' % cluster_id
        if cluster.get('state') in FAILED:
            return 'cluster %s is %s after its upgrade to %s' % (cluster_id, cluster['state'], version)
        if cluster.get('state') == 'running' and cluster.get('current_version') != version:
            return 'cluster %s runs %s after its upgrade, not %s' % (
                cluster_id, cluster.get('current_version'), version)
        return None

    return Condition('cluster %s to run %s' % (cluster_id, version), lambda: describe_cluster(client, cluster_id),
                     lambda c: c is not None and c.get('state') == 'running' and c.get('current_version') == version,
                     failed)


def cluster_settled(client, cluster_id):
    """After a cancel: the cluster running again (at its old version)."""
    return Condition('cluster %s to be running' % cluster_id, lambda: describe_cluster(client, cluster_id),
                     lambda c: c is not None and c.get('state') == 'running',
                     lambda c: 'cluster %s was deleted' % cluster_id if c is None else None)


# ---- the planner -------------------------------------------------------------------------------------
class UpgradePlanner(object):
    """Decides from (upgrade status, wanted state) what a task does: upgrade hop by hop, wait for the upgrade
    under way, resume, pause, cancel, or nothing."""

    def __init__(self, ack):
        self.ack = ack
        self.params = ack.params
        self.client = ack.client
        version = self.params['version']
        if version not in (None, 'next') and parse_version(version) is None:
            raise AckModuleError('version %r is not a Kubernetes version of ACK (such as 1.30.1-aliyun.1) or next'
                                 % version)
        rolling = self.params['rolling_policy'] or {}
        check_at_least('rolling_policy.max_parallelism', rolling.get('max_parallelism'), 1)
        self.ref = ClusterRef(ack)
        self._offers = {}

    def plan(self):
        cluster = self.ref.require()
        status = upgrade_status(self.client, cluster['cluster_id'])
        state = self.params['state']
        if state == 'upgraded':
            return self.plan_upgraded(cluster, status)
        return self.plan_stop(cluster, status, PAUSED if state == 'paused' else CANCELED)

    # ---- reading the catalogue ---------------------------------------------------------------------
    def offers(self, cluster, version):
        if version not in self._offers:
            self._offers[version] = upgradable_versions(self.client, cluster, version)
        return self._offers[version]

    def reachable(self, cluster, current):
        """Every version the cluster can reach from `current`, oldest first (following the newest offer)."""
        found, version = [], current
        for dummy in range(MAX_HOPS):
            offered = self.offers(cluster, version)
            found.extend(offered)
            if not offered:
                break
            version = offered[-1]
        return by_version(found)

    def path(self, cluster, current, target):
        """The hops from current to target (each the newest offer not past target), or None when unreachable."""
        hops, version, goal = [], current, parse_version(target)
        for dummy in range(MAX_HOPS):
            offered = self.offers(cluster, version)
            if target in offered:
                return hops + [target]
            ahead = [v for v in offered if parse_version(v) and parse_version(v) < goal]
            if not ahead:
                return None
            version = ahead[-1]
            hops.append(version)
        return None

    # ---- state upgraded ----------------------------------------------------------------------------
    def target(self, cluster, current):
        if self.params['version'] == 'next':
            offered = self.offers(cluster, current)
            return offered[-1] if offered else current
        return self.params['version']

    def refuse(self, cluster, current, target, why):
        reachable = self.reachable(cluster, current)
        raise AckModuleError('cannot upgrade cluster %s from %s to %s: %s; versions it can reach: %s' % (
            cluster['cluster_id'], current, target, why, ', '.join(reachable) or 'none, it runs the newest version'),
            reachable_versions=reachable, cluster=cluster)

    def plan_upgraded(self, cluster, status):
        cluster_id, current = cluster['cluster_id'], cluster.get('current_version') or ''
        if parse_version(current) is None:
            raise AckModuleError('cluster %s reports no Kubernetes version (%r)' % (cluster_id, current))
        target = self.target(cluster, current)
        if target == current:
            return self.upgrade_plan(cluster, status, [], [], {})
        if parse_version(target) < parse_version(current):
            self.refuse(cluster, current, target, 'a downgrade is not possible')
        path = self.path(cluster, current, target)
        if path is None:
            self.refuse(cluster, current, target, 'ACK offers no upgrade path to it')
        under_way = status.get('status')
        if under_way not in IN_PROGRESS:
            self.ref.require_running(cluster, 'an upgrade')
        steps = []
        hops = list(path)
        if under_way == RUNNING:
            # the upgrade under way is taken for the first hop; wait for it when something follows or when asked
            hop = hops.pop(0)
            if hops or self.ack.wait:
                steps.append(Step('wait for the upgrade to %s under way' % hop, lambda: None,
                                  until=self.hop_done(cluster_id, hop)))
        elif under_way == PAUSED:
            steps.append(self.control_step(cluster_id, 'resume', until=self.hop_done(cluster_id, hops.pop(0))))
        steps.extend(self.hop_step(cluster_id, hop) for hop in hops)
        after = dict(version=target, upgrade_status=SUCCESS)
        return self.upgrade_plan(cluster, status, path, steps, after)

    def body(self, version):
        body = dict(next_version=version)
        if self.params['master_only'] is not None:
            body['master_only'] = self.params['master_only']
        if self.params['rolling_policy']:
            body['rolling_policy'] = self.params['rolling_policy']
        return body

    def hop_step(self, cluster_id, version):
        """UpgradeCluster to the next hop. It has no idempotency token: after a lost answer, recheck reads the
        upgrade status and the cluster before anything is sent again."""
        def run():
            return self.client.call('UpgradeCluster', 'POST', '/api/v2/clusters/{}/upgrade', cluster_id,
                                    body=self.body(version))

        def recheck():
            if upgrade_status(self.client, cluster_id).get('status') in IN_PROGRESS:
                return {}  # an upgrade is under way: the lost call started it
            cluster = describe_cluster(self.client, cluster_id) or {}
            return {} if cluster.get('current_version') == version else None

        return Step('UpgradeCluster to %s' % version, run, until=self.hop_done(cluster_id, version), recheck=recheck)

    def hop_done(self, cluster_id, version):
        """A hop is done when its upgrade succeeded, its task (when known) finished and the cluster runs it."""
        return lambda answer: [upgrade_finished(self.client, cluster_id, version)] + after_task(
            self.client, answer, cluster_at(self.client, cluster_id, version))

    # ---- states paused and canceled ------------------------------------------------------------------
    def plan_stop(self, cluster, status, wanted):
        cluster_id, now = cluster['cluster_id'], status.get('status')
        if now not in IN_PROGRESS:
            # nothing moves: nothing to pause or cancel (an upgrade that ended before the task is no error)
            if wanted == PAUSED:
                self.ack.warn('cluster %s has no upgrade in progress to pause (upgrade status: %s)' % (
                    cluster_id, now or 'none'))
            return self.upgrade_plan(cluster, status, [], [], {})
        if now == wanted:
            return self.upgrade_plan(cluster, status, [], [], {})
        if wanted == PAUSED:
            step = self.control_step(cluster_id, 'pause', until=lambda answer: [
                upgrade_in(self.client, cluster_id, PAUSED, 'paused')])
        else:
            step = self.control_step(cluster_id, 'cancel', until=lambda answer: [
                upgrade_in(self.client, cluster_id, CANCELED, 'canceled'), cluster_settled(self.client, cluster_id)])
        return self.upgrade_plan(cluster, status, [], [step], dict(upgrade_status=wanted))

    def control_step(self, cluster_id, what, until):
        """Pause, resume or cancel the upgrade under way. None carries a token: after a lost answer, recheck
        reads the upgrade status to tell whether it took effect."""
        operation = dict(pause='PauseClusterUpgrade', resume='ResumeUpgradeCluster', cancel='CancelClusterUpgrade')
        took_effect = dict(pause=lambda s: s.get('status') == PAUSED, cancel=_canceled,
                           resume=lambda s: s.get('status') in (RUNNING, SUCCESS))[what]

        def run():
            return self.client.call(operation[what], 'POST', '/api/v2/clusters/{}/upgrade/%s' % what, cluster_id)

        def recheck():
            return {} if took_effect(upgrade_status(self.client, cluster_id)) else None

        return Step(operation[what], run, until=until, recheck=recheck)

    # ---- the plan ----------------------------------------------------------------------------------
    def upgrade_plan(self, cluster, status, path, steps, after):
        cluster_id = cluster['cluster_id']
        upgrade = status_view(status)
        before = dict(version=cluster.get('current_version'), upgrade_status=status.get('status') or '')
        after = dict(before, **after) if steps else before

        return Plan('cluster', cluster, before, after, steps,
                    finish=lambda answers: describe_cluster(self.client, cluster_id),
                    extra=dict(upgrade=upgrade, path=list(path)),
                    extra_after=lambda: dict(upgrade=status_view(upgrade_status(self.client, cluster_id))))


# ---- ack_upgrade_info --------------------------------------------------------------------------------
def upgrade_info(ack):
    """Current and next version, the upgrade status, and whether an upgrade is in progress or paused."""
    cluster = ClusterRef(ack).require()
    status = upgrade_status(ack.client, cluster['cluster_id'])
    current = cluster.get('current_version') or ''
    offered = upgradable_versions(ack.client, cluster, current) if parse_version(current) else []
    return dict(changed=False, cluster_id=cluster['cluster_id'], state=cluster.get('state'),
                current_version=current, next_version=offered[-1] if offered else None,
                upgradable_versions=offered, upgrade=status_view(status),
                in_progress=status.get('status') in IN_PROGRESS, paused=status.get('status') == PAUSED)
