"""Node pool operations: CreateClusterNodePool, DescribeClusterNodePools, DescribeClusterNodePoolDetail,
ModifyClusterNodePool, ScaleClusterNodePool, DeleteClusterNodepool, RemoveNodePoolNodes, UpgradeClusterNodepool
(AttachInstancesToNodePool is in attach.py). Paths, bodies and answers as the official SDK declares them; every
write answers a task that DescribeTaskInfo follows through its stages, and the pool is busy (its ``status.state``)
from the answer until the task ends.

Rules (the pool documents are in pools.py, the body rules in nodepool_rules.py):
- a pool name is unique in its cluster until the pool is gone (400 InvalidParameter.Name);
- ``scaling_group.desired_size`` sets the size, up or down, and 0 is a size; ScaleClusterNodePool adds ``count``;
- auto scaling (``auto_scaling.enable``) keeps the pool between min_instances and max_instances; a body that does
  not name ``enable`` leaves it as it is;
- a pool with nodes is deleted only with ``force`` (400 ErrorNodePoolNotEmpty);
- a pool upgrade never goes past the control plane's version;
- a busy pool refuses other writes (400 InvalidStatus.NodePoolState); an injected failure ends the task failed,
  undoes the change and leaves the pool active (``failed`` for a failed creation).
"""
from .. import errors
from ..lifecycle import new_task
from ..registry import op
from . import catalogue as cat, nodepool_rules as rules, pools
from .common import body_dict, get_cluster, log_outcome, push_timeline, require_state
from .nodes import _find_nodes, _removed_patch, check_quota
from .params import boolean, integer, items, mapping, text

CLUSTER_STATES = ('running', 'updating', 'scaling', 'removing')   # states in which a cluster's pools change
CREATE_SECONDS = 60              # real-world durations (seconds; scaled with ctx.duration)
NODE_SECONDS = 300               # new ECS nodes join
UPDATE_SECONDS = 60
REMOVE_SECONDS = 120
DRAIN_SECONDS = 60
DELETE_SECONDS = 120
PRECHECK_SECONDS = 60
BATCH_SECONDS = 180              # one batch of an upgrade
MAX_COUNT_PER_CALL = 500


def _cluster(ctx, cluster_id):
    return get_cluster(ctx, cluster_id, refuse_ask='serverless (Ask) cluster %s has no node pools' % cluster_id)


def _ready(cluster, pool, operation, states=('active',)):
    """The cluster can change its pools and the pool is idle, else 400 InvalidStatus."""
    require_state(cluster, CLUSTER_STATES, operation)
    if pool is not None and pool.get('_state') not in states:
        raise errors.ApiError(400, 'InvalidStatus.NodePoolState', 'node pool %s is %s, %s is not allowed in this '
                              'state' % (pool['nodepool_id'], pool.get('_state'), operation))


def _unique_name(ctx, cluster_id, name, pool_id=None):
    for other in pools.cluster_pools(ctx, cluster_id):
        if other['nodepool_info']['name'] == name and other['nodepool_id'] != pool_id:
            raise errors.ApiError(400, 'InvalidParameter.Name', 'nodepool name %s is already exist in cluster %s.'
                                  % (name, cluster_id))


def _runtime(cluster, k8s):
    """The runtime version defaults to the catalogue's; docker is refused from Kubernetes 1.24."""
    runtime = k8s.get('runtime')
    if runtime == 'docker' and cat.parse_version(cluster.get('current_version'))[:2] >= cat.CONTAINERD_FROM:
        raise errors.bad_param('kubernetes_config.runtime', 'docker is not supported from Kubernetes 1.24: use '
                                                            'containerd')
    if runtime and not k8s.get('runtime_version'):
        k8s['runtime_version'] = cat.RUNTIMES[runtime]


def _fits(pool, size):
    limit = pool.get('max_nodes') or 0
    if limit and size > limit:
        raise errors.bad_param('max_nodes', 'node pool %s holds at most %d nodes, %d asked'
                               % (pool['nodepool_id'], limit, size))


def _task(ctx, cluster, pool, task_type, seconds, fail, doing, parameters=None, stages=None):
    """The pool's task, and its start and end in the cluster log; stores the pool and the cluster."""
    pools.put(ctx, pool)
    log_outcome(cluster, ctx.now, seconds, doing, fail, doing[0].upper() + doing[1:] + ': done')
    ctx.db.put('cluster', cluster['cluster_id'], cluster)
    return new_task(ctx, cluster['cluster_id'], task_type, seconds, fail=fail, stages=stages,
                    parameters=dict(parameters or {}, nodepool_id=pool['nodepool_id']),
                    target={'id': pool['nodepool_id'], 'type': 'nodepool'})


def _remove(ctx, cluster, found, seconds, drain, release, fail):
    """Nodes leave now (``removing``; cordoned) and are gone after ``seconds`` (they stay on a failure)."""
    for node in found:
        node.update({'state': 'removing', 'unschedulable': True})
        if drain:
            push_timeline(node, ctx.now + min(seconds, ctx.duration(DRAIN_SECONDS)), {'node_status': 'NotReady'})
        patch = _removed_patch(fail, release)
        if fail:  # the node stays, uncordoned and Ready again
            patch.update(unschedulable=False, node_status=node.get('node_status'))
        push_timeline(node, ctx.now + seconds, patch)
        ctx.db.put('node', node['instance_id'], node)
    if 'size' in cluster and not fail:
        cluster['size'] = max(0, int(cluster.get('size') or 0) - len(found))


# -- CreateClusterNodePool ---------------------------------------------------------------------------------------
@op('CreateClusterNodePool', 'POST', '/clusters/<cluster_id>/nodepools')
def create_cluster_node_pool(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = _cluster(ctx, cluster_id)
    spec = rules.read_body(body, partial=False)
    group, k8s, auto = spec['scaling_group'], spec['kubernetes_config'], spec['auto_scaling']
    desired = group.pop('desired_size', None)
    if desired is None:
        desired = integer(body, 'count', 0, rules.MAX_POOL_NODES)
    _runtime(cluster, k8s)
    info = spec['nodepool_info']
    pool = pools.new_pool(ctx, cluster, pools.new_pool_id(), info['name'], group, k8s, auto_scaling=auto,
                          management=spec['management'], resource_group_id=info.get('resource_group_id'),
                          extra={k: spec[k] for k in ('node_config', 'max_nodes') if k in spec})
    pool['nodepool_info']['type'] = info.get('type') or 'ess'
    pool['tee_config'].update(spec['tee_config'])
    auto = pool['auto_scaling']
    rules.check_auto_scaling(auto)
    if auto['enable']:
        if desired is not None and not auto['min_instances'] <= desired <= auto['max_instances']:
            raise errors.bad_param('scaling_group.desired_size', 'with auto scaling, %d is outside min_instances..'
                                   'max_instances (%d..%d)' % (desired, auto['min_instances'], auto['max_instances']))
        desired = auto['min_instances'] if desired is None else desired
    desired = desired or 0
    _fits(pool, desired)
    _unique_name(ctx, cluster_id, info['name'])
    quota = int(ctx.quotas.get('cluster_nodepool_quota', 20))
    if len(pools.cluster_pools(ctx, cluster_id)) >= quota:
        raise errors.ApiError(400, 'QuotaExceeded.NodePool', 'cluster %s already has %d node pools, the quota'
                              % (cluster_id, quota))
    check_quota(ctx, cluster_id, desired)
    _ready(cluster, None, 'CreateClusterNodePool')

    fail = ctx.should_fail()
    seconds = ctx.duration(CREATE_SECONDS + (NODE_SECONDS if desired else 0))
    pools.add_nodes(ctx, cluster, pool, desired, seconds, fail)
    pool['_state'] = 'initial'
    push_timeline(pool, ctx.now + seconds, {'_state': 'failed' if fail else 'active'})
    stages = ['CreateScalingGroup'] + (['CreateNodes'] if desired else [])
    task_id = _task(ctx, cluster, pool, 'nodepool_create', seconds, fail, 'create node pool %s with %d nodes'
                    % (info['name'], desired), {'name': info['name'], 'desired_size': desired}, stages)
    return {'nodepool_id': pool['nodepool_id'], 'request_id': ctx.request_id, 'task_id': task_id}


# -- reads --------------------------------------------------------------------------------------------------------
@op('DescribeClusterNodePools', 'GET', '/clusters/<cluster_id>/nodepools')
def describe_cluster_node_pools(ctx, cluster_id):
    get_cluster(ctx, cluster_id)
    name = text(ctx.query, 'NodepoolName')
    found = [p for p in pools.cluster_pools(ctx, cluster_id) if name is None or p['nodepool_info']['name'] == name]
    return {'nodepools': [pools.answer(ctx, p) for p in found]}


@op('DescribeClusterNodePoolDetail', 'GET', '/clusters/<cluster_id>/nodepools/<nodepool_id>')
def describe_cluster_node_pool_detail(ctx, cluster_id, nodepool_id):
    get_cluster(ctx, cluster_id)
    return pools.answer(ctx, pools.get_pool(ctx, cluster_id, nodepool_id))


# -- ModifyClusterNodePool ---------------------------------------------------------------------------------------
def _merge(pool, given):
    """The given fields over the pool's sections (a list replaces a list); returns the sections as they were."""
    before = {k: pool[k] for k in pools.SECTIONS if k in pool}
    for section, fields in given.items():
        if isinstance(fields, dict) and isinstance(pool.get(section), dict) and section != 'node_config':
            pool[section] = dict(pool[section], **fields)
        elif fields != {} or section == 'node_config':
            pool[section] = fields
    return before


def _target_size(pool, desired, current):
    """The size the pool goes to: ``desired`` (0 included) or, with auto scaling, the current size within bounds."""
    auto = pool['auto_scaling']
    rules.check_auto_scaling(auto)
    if not auto['enable']:
        return current if desired is None else desired
    if desired is not None:
        raise errors.bad_param('scaling_group.desired_size', 'node pool %s scales automatically between '
                               'min_instances and max_instances: disable auto scaling to set its size'
                               % pool['nodepool_id'])
    return min(max(current, auto['min_instances']), auto['max_instances'])


@op('ModifyClusterNodePool', 'PUT', '/clusters/<cluster_id>/nodepools/<nodepool_id>')
def modify_cluster_node_pool(ctx, cluster_id, nodepool_id):
    body = body_dict(ctx)
    cluster = _cluster(ctx, cluster_id)
    pool = pools.get_pool(ctx, cluster_id, nodepool_id)
    given = rules.read_body(body, partial=True)
    update_nodes = boolean(body, 'update_nodes')
    boolean(body, 'concurrency')
    desired = given['scaling_group'].pop('desired_size', None)
    if given['kubernetes_config']:
        _runtime(cluster, given['kubernetes_config'])
    before = _merge(pool, given)
    if given['nodepool_info'].get('name'):
        _unique_name(ctx, cluster_id, given['nodepool_info']['name'], nodepool_id)
    nodes = pools.pool_nodes(ctx, cluster_id, nodepool_id, counted=True)
    target = _target_size(pool, desired, len(nodes))
    _fits(pool, target)
    delta = target - len(nodes)
    check_quota(ctx, cluster_id, max(0, delta))
    _ready(cluster, pool, 'ModifyClusterNodePool')

    fail = ctx.should_fail()
    seconds = ctx.duration(UPDATE_SECONDS + (NODE_SECONDS if delta > 0 else REMOVE_SECONDS if delta < 0 else 0))
    if delta > 0:
        pools.add_nodes(ctx, cluster, pool, delta, seconds, fail)
    elif delta < 0:  # the newest nodes go first
        _remove(ctx, cluster, nodes[delta:], seconds, drain=True, release=True, fail=fail)
    if update_nodes and not fail:
        for node in nodes[:len(nodes) + min(delta, 0)]:
            push_timeline(node, ctx.now + seconds, pools.node_fields(pool))
            ctx.db.put('node', node['instance_id'], node)
    pools.set_busy(ctx, pool, 'scaling' if delta > 0 else 'removing' if delta < 0 else 'updating', seconds,
                   before if fail else None)
    stages = ['UpdateNodePool'] + (['ScaleNodes'] if delta else []) + (['UpdateNodes'] if update_nodes else [])
    task_id = _task(ctx, cluster, pool, 'nodepool_update', seconds, fail, 'update node pool %s (%d -> %d nodes)'
                    % (pool['nodepool_info']['name'], len(nodes), target),
                    {'desired_size': target, 'update_nodes': update_nodes}, stages)
    return {'nodepool_id': nodepool_id, 'request_id': ctx.request_id, 'task_id': task_id}


# -- ScaleClusterNodePool ----------------------------------------------------------------------------------------
@op('ScaleClusterNodePool', 'POST', '/clusters/<cluster_id>/nodepools/<nodepool_id>')
def scale_cluster_node_pool(ctx, cluster_id, nodepool_id):
    body = body_dict(ctx)
    cluster = _cluster(ctx, cluster_id)
    pool = pools.get_pool(ctx, cluster_id, nodepool_id)
    count = integer(body, 'count', 1, MAX_COUNT_PER_CALL, required=True)
    if pool['auto_scaling'].get('enable'):
        raise errors.bad_param('count', 'node pool %s scales automatically: disable auto scaling to add nodes'
                               % nodepool_id)
    current = len(pools.pool_nodes(ctx, cluster_id, nodepool_id, counted=True))
    _fits(pool, current + count)
    check_quota(ctx, cluster_id, count)
    _ready(cluster, pool, 'ScaleClusterNodePool')

    fail = ctx.should_fail()
    seconds = ctx.duration(NODE_SECONDS)
    pools.add_nodes(ctx, cluster, pool, count, seconds, fail)
    pools.set_busy(ctx, pool, 'scaling', seconds)
    task_id = _task(ctx, cluster, pool, 'nodepool_scaleout', seconds, fail, 'add %d nodes to node pool %s' % (
        count, pool['nodepool_info']['name']), {'count': count}, ['CreateNodes', 'JoinCluster'])
    return {'task_id': task_id}


# -- RemoveNodePoolNodes -----------------------------------------------------------------------------------------
def _pool_members(ctx, cluster_id, pool, wanted, key):
    found = _find_nodes(ctx, cluster_id, wanted, key)
    strangers = [n.get('node_name') for n in found if n.get('nodepool_id') != pool['nodepool_id']]
    if strangers:
        raise errors.bad_param(key, 'nodes %s are not in node pool %s' % (', '.join(strangers), pool['nodepool_id']))
    busy = [n['node_name'] for n in found if n.get('state') not in ('running', 'stopped', 'failed')]
    if busy:
        raise errors.ApiError(400, 'InvalidStatus.NodeState', 'nodes %s are not in a state that allows removal'
                              % ', '.join(busy))
    return found


@op('RemoveNodePoolNodes', 'DELETE', '/clusters/<cluster_id>/nodepools/<nodepool_id>/nodes')
def remove_node_pool_nodes(ctx, cluster_id, nodepool_id):
    q = ctx.query
    cluster = _cluster(ctx, cluster_id)
    pool = pools.get_pool(ctx, cluster_id, nodepool_id)
    wanted = (items(q, 'nodes') or []) + (items(q, 'instance_ids') or [])
    if not wanted:
        raise errors.missing_param('nodes or instance_ids')
    drain, release = boolean(q, 'drain_node'), boolean(q, 'release_node')
    boolean(q, 'concurrency')
    found = _pool_members(ctx, cluster_id, pool, wanted, 'nodes' if q.get('nodes') else 'instance_ids')
    _ready(cluster, pool, 'RemoveNodePoolNodes')

    fail = ctx.should_fail()
    seconds = ctx.duration(REMOVE_SECONDS + (DRAIN_SECONDS if drain else 0))
    _remove(ctx, cluster, found, seconds, drain, release, fail)
    pools.set_busy(ctx, pool, 'removing', seconds)
    names = [n['node_name'] for n in found]
    task_id = _task(ctx, cluster, pool, 'nodepool_remove_nodes', seconds, fail, 'remove nodes %s from node pool %s '
                    '(drain %s, release %s)' % (', '.join(names), pool['nodepool_info']['name'], str(drain).lower(),
                                                 str(release).lower()),
                    {'nodes': names, 'drain_node': drain, 'release_node': release},
                    (['DrainNodes'] if drain else []) + ['RemoveNodes'])
    return {'request_id': ctx.request_id, 'task_id': task_id}


# -- DeleteClusterNodepool ---------------------------------------------------------------------------------------
@op('DeleteClusterNodepool', 'DELETE', '/clusters/<cluster_id>/nodepools/<nodepool_id>')
def delete_cluster_nodepool(ctx, cluster_id, nodepool_id):
    cluster = _cluster(ctx, cluster_id)
    pool = pools.get_pool(ctx, cluster_id, nodepool_id)
    force = boolean(ctx.query, 'force')
    nodes = pools.pool_nodes(ctx, cluster_id, nodepool_id)
    if nodes and not force:
        raise errors.ApiError(400, 'ErrorNodePoolNotEmpty', 'node pool %s has %d nodes: remove them first, or delete '
                              'it with force' % (nodepool_id, len(nodes)))
    _ready(cluster, pool, 'DeleteClusterNodepool', states=('active', 'failed'))
    busy = [n['node_name'] for n in nodes if n.get('state') == 'removing']
    if busy:
        raise errors.ApiError(400, 'InvalidStatus.NodeState', 'nodes %s are being removed' % ', '.join(busy))

    fail = ctx.should_fail()
    seconds = ctx.duration(DELETE_SECONDS + (REMOVE_SECONDS + DRAIN_SECONDS if nodes else 0))
    _remove(ctx, cluster, nodes, seconds, drain=True, release=True, fail=fail)
    push_timeline(pool, ctx.now + seconds, {'_state': pool['_state']} if fail else {'_gone': True})
    pool['_state'] = 'deleting'
    task_id = _task(ctx, cluster, pool, 'nodepool_delete', seconds, fail, 'delete node pool %s and its %d nodes'
                    % (pool['nodepool_info']['name'], len(nodes)), {'force': force},
                    (['RemoveNodes'] if nodes else []) + ['DeleteScalingGroup'])
    return {'request_id': ctx.request_id, 'task_id': task_id}


# -- UpgradeClusterNodepool --------------------------------------------------------------------------------------
def _upgrade_request(ctx, cluster, pool, body):
    """-> (target version, image, runtime patch, nodes, max_parallelism, batch interval in seconds)."""
    current = pool.get('_version') or cluster['current_version']
    target = rules.check_version(current, cluster['current_version'],
                                 text(body, 'kubernetes_version') or cluster['current_version'])
    image = text(body, 'image_id')
    runtime = {k: v for k, v in (('runtime', text(body, 'runtime_type', choices=rules.RUNTIMES)),
                                 ('runtime_version', text(body, 'runtime_version'))) if v}
    boolean(body, 'use_replace')
    boolean(body, 'ignore_warning_check')
    policy = mapping(body, 'rolling_policy') or {}
    parallel = integer(policy, 'max_parallelism', 1, 100, default=1, label='rolling_policy.max_parallelism')
    interval = integer(policy, 'batch_interval', 0, 1440, default=0, label='rolling_policy.batch_interval')
    integer(policy, 'max_failed_nodes', 0, None, label='rolling_policy.max_failed_nodes')
    text(policy, 'pause_policy', label='rolling_policy.pause_policy')
    k8s = pool['kubernetes_config']
    if target == current and image in (None, pool['scaling_group'].get('image_id')) and all(
            k8s.get(k) == v for k, v in runtime.items()):
        raise errors.bad_param('kubernetes_version', 'node pool %s already runs %s with this image and runtime'
                               % (pool['nodepool_id'], current))
    names = items(body, 'node_names')
    nodes = (_pool_members(ctx, cluster['cluster_id'], pool, names, 'node_names') if names else
             pools.pool_nodes(ctx, cluster['cluster_id'], pool['nodepool_id'], counted=True))
    return target, image, runtime, nodes, parallel, interval * 60


def _batches(nodes, parallel):
    """Rolling batches of 1, 2, 4, ... nodes, at most ``parallel`` each (as the cluster upgrade rolls)."""
    out, size = [], 1
    while nodes:
        out.append(nodes[:size])
        nodes, size = nodes[size:], min(size * 2, parallel)
    return out


@op('UpgradeClusterNodepool', 'POST', '/clusters/<cluster_id>/nodepools/<nodepool_id>/upgrade')
def upgrade_cluster_nodepool(ctx, cluster_id, nodepool_id):
    body = body_dict(ctx)
    cluster = _cluster(ctx, cluster_id)
    pool = pools.get_pool(ctx, cluster_id, nodepool_id)
    target, image, runtime, nodes, parallel, interval = _upgrade_request(ctx, cluster, pool, body)
    require_state(cluster, ('running',), 'UpgradeClusterNodepool')  # not while the control plane upgrades
    _ready(cluster, pool, 'UpgradeClusterNodepool')

    fail = ctx.should_fail()
    batches = _batches(nodes, parallel)
    at = ctx.now + ctx.duration(PRECHECK_SECONDS)
    node_patch = dict({'kubelet_version': target}, **({'image_id': image} if image else {}))
    for i, batch in enumerate(batches):
        at += ctx.duration(BATCH_SECONDS) + (ctx.duration(interval) if i else 0)
        for node in batch:
            if not fail:
                push_timeline(node, at, node_patch)
            ctx.db.put('node', node['instance_id'], node)
    seconds = at - ctx.now
    final = None
    if not fail:
        final = {'kubernetes_config': dict(pool['kubernetes_config'], **runtime),
                 'scaling_group': dict(pool['scaling_group'], **({'image_id': image} if image else {}))}
        if not body.get('node_names'):
            final['_version'] = target
    pools.set_busy(ctx, pool, 'upgrading', seconds, final)
    stages = ['PreCheck'] + ['UpgradeNodes %d/%d' % (i + 1, len(batches)) for i in range(len(batches))]
    task_id = _task(ctx, cluster, pool, 'nodepool_upgrade', seconds, fail, 'upgrade node pool %s to %s (%d nodes)'
                    % (pool['nodepool_info']['name'], target, len(nodes)),
                    {'kubernetes_version': target, 'image_id': image or '', 'max_parallelism': parallel}, stages)
    return {'RequestId': ctx.request_id, 'task_id': task_id}
