"""Cluster upgrade: UpgradeCluster, GetUpgradeStatus, PauseClusterUpgrade, ResumeUpgradeCluster,
CancelClusterUpgrade (reference 9.1-9.5), and the version catalogue DescribeKubernetesVersionMetadata (as the
official alibabacloud-cs20151215 client calls it: ``upgradable_versions`` with QueryUpgradableVersion).

One ``upgrade`` document per cluster (id = cluster id) holds the latest upgrade. An upgrade walks through the
visible ``upgrade_step``s ``prechecking`` -> ``upgrading`` (control plane, then worker nodes in batches) ->
``success``; the cluster is ``upgrading`` meanwhile and its ``current_version`` changes only on completion.

Pause freezes the time-based timeline: the future entries of the upgrade, cluster and task documents are
removed and their remaining delays remembered; resume reschedules them from now. Cancel drops them: the
cluster is ``running`` again with its version unchanged and the task ends ``failed`` (``UpgradeCanceled``).

GetUpgradeStatus values: ``status`` "" (never upgraded) | running | pause | success | fail | canceled;
``upgrade_step`` not_start | prechecking | upgrading | pause | success | canceled.
"""

import secrets

from .. import errors
from ..lifecycle import AT, iso, new_task
from ..registry import op
from .catalogue import KUBERNETES_VERSIONS, METADATA_CLUSTER_TYPES, METADATA_CLUSTER_TYPES_TEXT, RUNTIMES, \
    minors, next_versions, parse_version
from .common import body_dict, cluster_log, cluster_nodes, get_cluster, log_outcome, push_timeline, \
    require_running
from .params import boolean, integer, text

PRECHECK_SECONDS = 120
MASTER_SECONDS = 600
WORKER_BATCH_SECONDS = 180


def _target(cluster, body):
    """The version to upgrade to: ``next_version`` (the SDK), or ``version``, the target in reference 9.2 (the SDK
    calls it the deprecated spelling of next_version). Beside next_version, ``version`` may only repeat it or name
    the current version (what older clients send there)."""
    current = cluster.get('current_version') or ''
    name = 'next_version' if text(body, 'next_version') is not None else 'version'
    requested = text(body, name)
    other = text(body, 'version') if name == 'next_version' else None
    if other not in (None, requested, current):
        raise errors.bad_param('version', 'the target %s differs from next_version %s (cluster %s runs %s)'
                               % (other, requested, cluster['cluster_id'], current))
    allowed = next_versions(current)
    if requested is None:
        if not allowed:
            raise errors.ApiError(400, 'ErrorUpgradeNotAvailable', 'cluster %s runs %s, the latest version: there '
                                  'is nothing to upgrade to' % (cluster['cluster_id'], current or 'an unknown version'))
        return allowed[-1]
    if parse_version(requested) is None:
        raise errors.bad_param(name, '%s is not a Kubernetes version of ACK (e.g. 1.22.15-aliyun.1)'
                               % requested)
    if requested == current:
        raise errors.bad_param(name, 'cluster %s already runs %s' % (cluster['cluster_id'], current))
    if parse_version(current) and parse_version(requested) < parse_version(current):
        raise errors.bad_param(name, 'downgrading from %s to %s is not supported' % (current, requested))
    if requested not in KUBERNETES_VERSIONS:
        raise errors.bad_param(name, 'version %s is not supported' % requested)
    if requested not in allowed:
        raise errors.bad_param(name, 'cluster %s runs %s and can only be upgraded to %s'
                               % (cluster['cluster_id'], current, ', '.join(allowed) or 'no other version'))
    return requested


@op('DescribeKubernetesVersionMetadata', 'GET', '/api/v1/metadata/versions')
def describe_kubernetes_version_metadata(ctx):
    """The catalogue (an array), or the one entry of ``KubernetesVersion`` (any patch of a catalogued minor);
    with ``QueryUpgradableVersion=true`` and a ``KubernetesVersion`` the entry lists ``upgradable_versions``."""
    q = ctx.query
    text(q, 'Region', required=True)
    if text(q, 'ClusterType', required=True).lower() not in METADATA_CLUSTER_TYPES:
        raise errors.bad_param('ClusterType', 'valid values are %s' % METADATA_CLUSTER_TYPES_TEXT)
    text(q, 'Mode', choices=('supported', 'all'))
    wanted = text(q, 'KubernetesVersion')
    upgradable = boolean(q, 'QueryUpgradableVersion')
    if wanted is None:
        versions = list(KUBERNETES_VERSIONS)
    else:
        parsed = parse_version(wanted)
        versions = [wanted] if parsed is not None and parsed[:2] in minors() else []
    out = []
    for v in versions:
        item = {'version': v, 'creatable': v in KUBERNETES_VERSIONS, 'capabilities': {}, 'meta_data': {},
                'images': [], 'runtimes': [{'name': 'containerd', 'version': RUNTIMES['containerd']}]}
        if upgradable and wanted is not None:
            item['upgradable_versions'] = next_versions(v)
        out.append(item)
    return out


def _worker_batches(workers, max_parallelism):
    """Batches of 1, 2, 4, ... nodes up to max_parallelism (rolling_policy)."""
    batches, size, left = 0, 1, workers
    while left > 0:
        left -= size
        batches += 1
        size = min(size * 2, max_parallelism)
    return batches


def _public(up):
    return {
        'status': up.get('status', ''),
        'upgrade_step': up.get('upgrade_step', 'not_start'),
        'error_message': up.get('error_message', ''),
        'precheck_report_id': up.get('precheck_report_id', ''),
        'upgrade_task': up.get('upgrade_task') or {'status': '', 'message': ''},
    }


def _active_upgrade(ctx, cluster_id, operation, statuses):
    """``(cluster, upgrade, task)`` for Pause/Resume/Cancel: the cluster's upgrade must be in one of ``statuses``
    (400 ``InvalidStatus.ClusterUpgrade`` otherwise); ``task`` is its task document, or None."""
    cluster = get_cluster(ctx, cluster_id)
    up = ctx.db.get('upgrade', cluster_id, now=ctx.now)
    if up is None or up.get('status') not in statuses:
        raise errors.ApiError(400, 'InvalidStatus.ClusterUpgrade', 'cluster %s has no %s upgrade (upgrade status: '
                              '%s), %s is not allowed' % (cluster_id, ' or '.join(statuses),
                                                          (up or {}).get('status') or 'none', operation))
    task = ctx.db.get('task', up['task_id'], now=ctx.now) if up.get('task_id') else None
    return cluster, up, task


def _save(ctx, cluster, up, task=None):
    """Store what Pause/Resume/Cancel changed; ``task`` (when given) gets ``updated`` = now."""
    if task is not None:
        task['updated'] = iso(ctx.now)
        ctx.db.put('task', task['task_id'], task)
    ctx.db.put('upgrade', cluster['cluster_id'], up)
    ctx.db.put('cluster', cluster['cluster_id'], cluster)


@op('UpgradeCluster', 'POST', '/api/v2/clusters/<cluster_id>/upgrade')
def upgrade_cluster(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id)
    up = ctx.db.get('upgrade', cluster_id, now=ctx.now)
    if up is not None and up.get('status') in ('running', 'pause'):
        raise errors.ApiError(400, 'InvalidStatus.ClusterUpgrade', 'cluster %s already has an upgrade in status '
                              '%s' % (cluster_id, up['status']))
    require_running(cluster, 'UpgradeCluster')
    target = _target(cluster, body)
    master_only = boolean(body, 'master_only')
    policy = body.get('rolling_policy') or {}
    if not isinstance(policy, dict):
        raise errors.bad_param('rolling_policy', 'must be an object')
    parallel = integer(policy, 'max_parallelism', low=1, high=100, default=1,
                       label='rolling_policy.max_parallelism')
    comp = text(body, 'component_name')
    if comp not in (None, 'k8s'):
        raise errors.bad_param('component_name', 'only k8s can be upgraded with this operation')

    workers = len([n for n in cluster_nodes(ctx, cluster_id) if n.get('instance_role') == 'Worker'])
    p = ctx.duration(PRECHECK_SECONDS)
    m = ctx.duration(MASTER_SECONDS)
    w = 0
    if not master_only and workers:
        w = ctx.duration(WORKER_BATCH_SECONDS * _worker_batches(workers, parallel))
    now, total = ctx.now, p + m + w
    current = cluster.get('current_version') or ''

    up = {
        'cluster_id': cluster_id,
        'status': 'running',
        'upgrade_step': 'prechecking',
        'error_message': '',
        'precheck_report_id': secrets.token_hex(16),
        'upgrade_task': {'status': 'running', 'message': 'prechecking cluster %s for the upgrade to %s'
                         % (cluster_id, target)},
        'from_version': current,
        'to_version': target,
        'master_only': master_only,
        'created': iso(now),
        'updated': iso(now),
    }
    push_timeline(up, now + p, {'upgrade_step': 'upgrading', 'updated': AT, 'upgrade_task': {
        'status': 'running', 'message': 'upgrading the control plane to %s' % target}})
    if w:
        push_timeline(up, now + p + m, {'updated': AT, 'upgrade_task': {
            'status': 'running', 'message': 'upgrading %d worker nodes to %s' % (workers, target)}})
    fail = ctx.should_fail()
    if fail:
        message = 'upgrade to %s failed: %s: %s' % (target, fail.get('code'), fail.get('message'))
        push_timeline(up, now + total, {'status': 'fail', 'updated': AT, 'error_message': message,
                                        'upgrade_task': {'status': 'failed', 'message': message}})
        entry = [now + total, {'state': 'running', 'updated': AT}]
    else:
        push_timeline(up, now + total, {'status': 'success', 'upgrade_step': 'success', 'updated': AT,
                                        'upgrade_task': {'status': 'success',
                                                         'message': 'cluster upgraded to %s' % target}})
        entry = [now + total, {'state': 'running', 'current_version': target, 'updated': AT}]

    cluster['state'] = 'upgrading'
    cluster['updated'] = iso(now)
    log_outcome(cluster, now, total, 'upgrade the cluster from %s to %s' % (current, target), fail,
                'Upgraded the cluster from %s to %s' % (current, target))
    up['_log_entries'] = cluster['_logs'][-1:]  # the outcome: paused, resumed and canceled with the upgrade
    push_timeline(cluster, entry[0], entry[1])
    up['_cluster_entries'] = [entry]
    ctx.db.put('cluster', cluster_id, cluster)

    stages = ['precheck', 'upgrade_master'] + (['upgrade_worker'] if w else [])
    task_id = new_task(ctx, cluster_id, 'cluster_upgrade', total, stages=stages, fail=fail,
                       parameters={'version': current, 'next_version': target, 'master_only': master_only})
    up['task_id'] = task_id
    ctx.db.put('upgrade', cluster_id, up)
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


@op('GetUpgradeStatus', 'GET', '/api/v2/clusters/<cluster_id>/upgrade/status')
def get_upgrade_status(ctx, cluster_id):
    get_cluster(ctx, cluster_id)
    up = ctx.db.get('upgrade', cluster_id, now=ctx.now)
    if up is None:
        return {'error_message': '', 'precheck_report_id': '', 'status': '', 'upgrade_step': 'not_start',
                'upgrade_task': {'status': '', 'message': ''}}
    return _public(up)


def _freeze(doc, now, only=None):
    """Remove the future entries of ``doc`` (those in ``only`` when given) -> ``[[remaining, patch], ...]``."""
    keep, frozen = [], []
    for at, patch in doc.get('_timeline') or []:
        if only is not None and [at, patch] not in only:
            keep.append([at, patch])
        else:
            frozen.append([max(0.0, at - now), patch])
    doc['_timeline'] = keep
    return frozen


def _freeze_logs(cluster, up, now):
    """Take the upgrade's future log entries out of the cluster's log -> ``[[remaining, level, message], ...]``."""
    mine = [e for e in up.pop('_log_entries', None) or [] if e[0] > now]
    cluster['_logs'] = [e for e in cluster.get('_logs') or [] if e not in mine]
    return [[at - now, level, message] for at, level, message in mine]


@op('PauseClusterUpgrade', 'POST', '/api/v2/clusters/<cluster_id>/upgrade/pause')
def pause_cluster_upgrade(ctx, cluster_id):
    cluster, up, task = _active_upgrade(ctx, cluster_id, 'PauseClusterUpgrade', ('running',))
    now = ctx.now
    frozen = {'upgrade': _freeze(up, now),
              'cluster': _freeze(cluster, now, only=up.get('_cluster_entries') or [])}
    if task is not None:
        frozen['task'] = _freeze(task, now)
    frozen['logs'] = _freeze_logs(cluster, up, now)
    cluster_log(cluster, now, 'Paused the upgrade of the cluster to %s' % up.get('to_version'))
    up['_paused'] = frozen
    up['_step_before_pause'] = up.get('upgrade_step')
    up['_task_before_pause'] = up.get('upgrade_task')
    up.update({'status': 'pause', 'upgrade_step': 'pause', 'updated': iso(now),
               'upgrade_task': {'status': 'pause', 'message': 'the upgrade is paused'}})
    up['_cluster_entries'] = []
    _save(ctx, cluster, up, task)
    return None


@op('ResumeUpgradeCluster', 'POST', '/api/v2/clusters/<cluster_id>/upgrade/resume')
def resume_upgrade_cluster(ctx, cluster_id):
    cluster, up, task = _active_upgrade(ctx, cluster_id, 'ResumeUpgradeCluster', ('pause',))
    now = ctx.now
    frozen = up.pop('_paused', None) or {}
    for rem, patch in frozen.get('upgrade', []):
        push_timeline(up, now + rem, patch)
    entries = []
    for rem, patch in frozen.get('cluster', []):
        push_timeline(cluster, now + rem, patch)
        entries.append([now + rem, patch])
    if task is not None:
        for rem, patch in frozen.get('task', []):
            push_timeline(task, now + rem, patch)
    cluster_log(cluster, now, 'Resumed the upgrade of the cluster to %s' % up.get('to_version'))
    up['_log_entries'] = [[now + rem, level, message] for rem, level, message in frozen.get('logs', [])]
    cluster['_logs'].extend(up['_log_entries'])
    up.update({'status': 'running', 'upgrade_step': up.pop('_step_before_pause', None) or 'upgrading',
               'upgrade_task': up.pop('_task_before_pause', None) or {'status': 'running', 'message': ''},
               'updated': iso(now)})
    up['_cluster_entries'] = entries
    _save(ctx, cluster, up, task)
    return None


@op('CancelClusterUpgrade', 'POST', '/api/v2/clusters/<cluster_id>/upgrade/cancel')
def cancel_cluster_upgrade(ctx, cluster_id):
    cluster, up, task = _active_upgrade(ctx, cluster_id, 'CancelClusterUpgrade', ('running', 'pause'))
    now = ctx.now
    _freeze(up, now)
    _freeze(cluster, now, only=up.get('_cluster_entries') or [])
    _freeze_logs(cluster, up, now)
    cluster_log(cluster, now, 'Canceled the upgrade of the cluster to %s; it stays at %s'
                % (up.get('to_version'), up.get('from_version')))
    for key in ('_paused', '_step_before_pause', '_task_before_pause'):
        up.pop(key, None)
    up.update({'status': 'canceled', 'upgrade_step': 'canceled', 'updated': iso(now), '_cluster_entries': [],
               'upgrade_task': {'status': 'canceled', 'message': 'the upgrade to %s was canceled; the cluster '
                                'stays at %s' % (up.get('to_version'), up.get('from_version'))}})
    if cluster.get('state') == 'upgrading':
        cluster['state'] = 'running'
    cluster['updated'] = iso(now)
    if task is not None and task.get('state') == 'running':
        _freeze(task, now)
        task.update({'state': 'failed',
                     'error': {'code': 'UpgradeCanceled', 'message': 'the upgrade was canceled by the user'}})
    else:
        task = None   # finished already: left as it is
    _save(ctx, cluster, up, task)
    return {'RequestId': ctx.request_id}
