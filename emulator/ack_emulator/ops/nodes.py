"""Cluster nodes: the node documents, CreateCluster's and DeleteCluster's hooks (``create_nodes``,
``delete_cluster_nodes``), DescribeClusterNodes, RemoveClusterNodes (and its older spelling DeleteClusterNodes).
ScaleOutCluster is in scale_out.py, AttachInstances in attach.py, the admin instance pool in instances.py.

Reference sections 8.1-8.2; protocol-notes win where they disagree.

Documents of kind ``node`` (id = instance id) belong to a cluster through ``cluster_id``. A node removed without
``release_node`` stays as a detached instance (``cluster_id`` None, ``_detached``) that AttachInstances may take
back; a released node is kept as a tombstone (``_released``) so it can neither be listed nor attached again.
"""

import hashlib
import random

from .. import errors
from ..lifecycle import iso, new_task, short_id
from ..registry import op
from . import catalogue as cat
from .common import body_dict, cluster_nodes, get_cluster, log_outcome, push_timeline, require_running, set_busy
from .params import boolean, items, paginate
from .validation import months

REMOVE_SECONDS = 120             # real-world durations (seconds; scaled with ctx.duration)
DRAIN_SECONDS = 60
MAX_NODES_PER_CLUSTER = 1000     # total nodes (masters included) a cluster may hold
NEVER = '2099-12-31T15:59:00+08:00'  # expired_time of pay-as-you-go instances
NODE_STATES = ('all', 'running', 'pending', 'starting', 'stopping', 'stopped', 'removing', 'initial', 'failed')


# --- node documents -----------------------------------------------------------------------------------------
def instance_doc(instance_id, ip, instance_type, image_id, now, **fields):
    """The fields every ECS/ENS instance has (plus ``fields``), in a cluster or not."""
    parts = (instance_type or '').split('.')
    doc = {'instance_id': instance_id, 'instance_role': 'Worker', 'host_name': short_id('iZ', 21) + 'Z',
           'ip_address': [ip], 'instance_type': instance_type,
           'instance_type_family': '.'.join(parts[:2]) if len(parts) >= 2 else instance_type,
           'image_id': image_id, 'instance_charge_type': 'PostPaid', 'expired_time': NEVER,
           'creation_time': iso(now), 'is_aliyun_node': True, 'source': 'ros', 'spot_strategy': 'NoSpot',
           'error_message': ''}
    doc.update(fields)
    return doc


def node_doc(ctx, cluster, instance_id, role, ip, instance_type, image_id, charge_type='PostPaid',
             period_months=None, nodepool_id=None, source='ros', instance_name=None, edge=False, extra=None):
    """A new (pending) node of ``cluster``."""
    cid = cluster['cluster_id']
    expired = ctx.now + period_months * 30 * 86400 if (charge_type == 'PrePaid' and period_months) else None
    doc = instance_doc(
        instance_id, ip, instance_type, image_id, ctx.now, cluster_id=cid, instance_role=role,
        instance_name=instance_name or '%s-k8s-for-cs-%s' % ('master-01' if role == 'Master' else 'worker', cid),
        node_name='%s.%s' % (cluster.get('region_id') or ctx.region, ip), instance_charge_type=charge_type,
        expired_time=iso(expired) if expired else NEVER,
        nodepool_id='' if role == 'Master' else (nodepool_id or default_nodepool_id(cid)), source=source,
        state='pending', instance_status='Pending', node_status='NotReady')
    if edge:
        doc['is_edge_worker'] = True
    doc.update(extra or {})
    return doc


def default_nodepool_id(cluster_id):
    return 'np' + hashlib.md5(('default-' + cluster_id).encode()).hexdigest()


def used_ips(ctx, cluster_id):
    ips = set()
    for n in cluster_nodes(ctx, cluster_id):
        ips.update(n.get('ip_address') or [])
    return ips


def new_ip(used, prefix='192.168'):
    """An address under ``prefix`` not in ``used`` (added to it)."""
    for _ in range(10000):
        ip = '%s.%d.%d' % (prefix, random.randint(0, 255), random.randint(2, 253))
        if ip not in used:
            used.add(ip)
            return ip
    raise errors.ApiError(500, 'InternalError', 'no free address')


def schedule_ready(node, now, seconds, fail=None):
    """The node starts halfway and is Ready after ``seconds``; with ``fail`` it ends ``failed`` then instead."""
    if fail:
        push_timeline(node, now + seconds, {'state': 'failed', 'instance_status': 'Running',
                                            'node_status': 'NotReady',
                                            'error_message': '%s: %s' % (fail.get('code'), fail.get('message'))})
        return
    push_timeline(node, now + seconds * 0.5, {'state': 'starting', 'instance_status': 'Starting'})
    push_timeline(node, now + seconds, {'state': 'running', 'instance_status': 'Running', 'node_status': 'Ready'})


def check_quota(ctx, cluster_id, adding):
    quota = int(ctx.quotas.get('node_quota', MAX_NODES_PER_CLUSTER))
    total = len(cluster_nodes(ctx, cluster_id)) + adding
    if total > quota:
        raise errors.ApiError(400, 'QuotaExceeded.Nodes', 'cluster %s would have %d nodes, more than the quota of %d '
                              'nodes per cluster' % (cluster_id, total, quota))


def bump_size(cluster, delta):
    if 'size' in cluster:
        try:
            cluster['size'] = max(0, int(cluster.get('size') or 0) + delta)
        except (TypeError, ValueError):
            pass


# --- hooks of CreateCluster / DeleteCluster (CONTRACT.md) ---------------------------------------------------
def create_nodes(ctx, cluster, count, role='Worker', spec=None, ready_after=0, nodepool_id=None):
    """Store ``count`` new nodes of ``role`` for ``cluster``; pending until ``ready_after`` (scaled seconds)."""
    spec = spec or {}
    used = used_ips(ctx, cluster['cluster_id'])
    ids = []
    prefix = role.lower()
    types = spec.get('%s_instance_types' % prefix) or [
        cat.DEFAULT_MASTER_TYPE if role == 'Master' else cat.DEFAULT_INSTANCE_TYPE]
    if isinstance(types, str):
        types = [types]
    charge = spec.get('%s_instance_charge_type' % prefix) or 'PostPaid'
    period = months(spec.get('%s_period' % prefix), spec.get('%s_period_unit' % prefix))
    image = spec.get('image_id') or cat.DEFAULT_IMAGE
    for i in range(int(count or 0)):
        iid = short_id('i-')
        name = 'master-%02d-k8s-for-cs-%s' % (i + 1, cluster['cluster_id']) if role == 'Master' else None
        node = node_doc(ctx, cluster, iid, role, new_ip(used), types[i % len(types)], image, charge_type=charge,
                        period_months=period, nodepool_id=nodepool_id, instance_name=name)
        if ready_after and ready_after > 0:
            schedule_ready(node, ctx.now, ready_after)
        else:
            node.update({'state': 'running', 'instance_status': 'Running', 'node_status': 'Ready'})
        ctx.db.put('node', iid, node)
        ids.append(iid)
    return ids


def delete_cluster_nodes(ctx, cluster_id, release=True, at=None):
    """Drop the nodes of a deleted cluster (``release=False`` keeps them as detached instances instead);
    ``at``: when the deletion ends (they stay in the cluster until then)."""
    for node in cluster_nodes(ctx, cluster_id):
        if release and at is not None:
            push_timeline(node, at, {'_gone': True})
            ctx.db.put('node', node['instance_id'], node)
        elif release:
            ctx.db.delete('node', node['instance_id'])
        else:
            node.update({'cluster_id': None, '_detached': True, '_timeline': []})
            ctx.db.put('node', node['instance_id'], node)


# --- DescribeClusterNodes -----------------------------------------------------------------------------------
NODE_KEYS = ('creation_time', 'error_message', 'expired_time', 'host_name', 'image_id', 'instance_charge_type',
             'instance_id', 'instance_name', 'instance_role', 'instance_status', 'instance_type',
             'instance_type_family', 'ip_address', 'is_aliyun_node', 'node_name', 'node_status', 'nodepool_id',
             'source', 'spot_strategy', 'state')


def _has_labels(node, labels):
    have = dict(node.get('labels') or {})
    return all(have.get(k) == v for k, _, v in (label.partition('=') for label in labels))


@op('DescribeClusterNodes', 'GET', '/clusters/<cluster_id>/nodes')
def describe_cluster_nodes(ctx, cluster_id):
    q = ctx.query
    get_cluster(ctx, cluster_id)
    state = q.get('state') or 'all'
    if state not in NODE_STATES:
        raise errors.bad_param('state', 'valid values are %s' % ', '.join(NODE_STATES))
    nodes = cluster_nodes(ctx, cluster_id)
    if state != 'all':
        wanted = ('pending', 'starting') if state == 'initial' else (state,)
        nodes = [n for n in nodes if n.get('state') in wanted]
    if q.get('nodepool_id'):
        nodes = [n for n in nodes if n.get('nodepool_id') == q.get('nodepool_id')]
    for name, match in (('instanceIds', lambda n, vs: n.get('instance_id') in vs),
                        ('nodeIps', lambda n, vs: vs.intersection(n.get('ip_address') or [])),
                        ('nodeNames', lambda n, vs: n.get('node_name') in vs),
                        ('nodeLabels', _has_labels)):
        values = items(q, name)
        if values is not None:
            values = set(map(str, values))
            nodes = [n for n in nodes if match(n, values)]
    page, info = paginate(nodes, q, 'pageNumber', 'pageSize')
    return {'nodes': [{k: n.get(k) for k in NODE_KEYS} for n in page], 'page': info}


# --- RemoveClusterNodes -------------------------------------------------------------------------------------
def _find_nodes(ctx, cluster_id, wanted, key='nodes'):
    by = {}
    for n in cluster_nodes(ctx, cluster_id):
        by[n.get('node_name')] = n
        by[n.get('instance_id')] = n
    found = []
    for w in wanted:
        if not isinstance(w, str) or not w:
            raise errors.bad_param(key, 'each node must be a node name or instance ID')
        node = by.get(w)
        if node is None:
            raise errors.ApiError(404, errors.NOT_FOUND_CODES['node'],
                                  'node %s not found in cluster %s' % (w, cluster_id))
        if node not in found:
            found.append(node)
    return found


@op('RemoveClusterNodes', 'POST', '/api/v2/clusters/<cluster_id>/nodes/remove')
def remove_cluster_nodes(ctx, cluster_id):
    """Answers ``{}`` (reference 8.2; the official SDK reads no body): the removal shows in the cluster's state,
    its nodes and its log (a ``cluster_remove_nodes`` task is still recorded)."""
    _remove_nodes(ctx, cluster_id, 'RemoveClusterNodes')
    return {}


@op('DeleteClusterNodes', 'POST', '/clusters/<cluster_id>/nodes')
def delete_cluster_nodes_op(ctx, cluster_id):
    """The older spelling of RemoveClusterNodes (same body, same behaviour)."""
    return _remove_nodes(ctx, cluster_id, 'DeleteClusterNodes')


def _removed_patch(fail, release):
    """What a node becomes when its removal ends."""
    if fail:  # the removal failed: the node stays in the cluster (cordoned when it was drained)
        return {'state': 'running', 'error_message': '%s: %s' % (fail.get('code'), fail.get('message'))}
    if release:  # the ECS instance is released: a tombstone is kept so it cannot be attached again
        return {'cluster_id': None, '_released': True, 'state': 'released', 'instance_status': 'Released'}
    # only detached: the ECS instance keeps running outside the cluster and may be attached again
    return {'cluster_id': None, '_detached': True, 'state': 'running', 'instance_status': 'Running',
            'node_status': 'Unknown', 'nodepool_id': ''}


def _remove_nodes(ctx, cluster_id, operation):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id)
    wanted = items(body, 'nodes', required=True)
    drain = boolean(body, 'drain_node')
    release = boolean(body, 'release_node')
    found = _find_nodes(ctx, cluster_id, wanted)
    masters = [n['node_name'] for n in found if n.get('instance_role') == 'Master']
    if masters:
        raise errors.bad_param('nodes', 'master nodes cannot be removed: %s' % ', '.join(masters))
    require_running(cluster, operation)
    busy = [n['node_name'] for n in found if n.get('state') not in ('running', 'stopped', 'failed')]
    if busy:
        raise errors.ApiError(400, 'InvalidStatus.NodeState', 'nodes %s are not in a state that allows removal'
                              % ', '.join(busy))
    duration = ctx.duration(REMOVE_SECONDS + (DRAIN_SECONDS if drain else 0))
    fail = ctx.should_fail()
    for node in found:
        node['state'] = 'removing'
        if drain:
            push_timeline(node, ctx.now + ctx.duration(DRAIN_SECONDS), {'node_status': 'NotReady'})
        push_timeline(node, ctx.now + duration, _removed_patch(fail, release))
        ctx.db.put('node', node['instance_id'], node)
    size_patch = {}
    if 'size' in cluster and not fail:
        size_patch['size'] = max(0, int(cluster.get('size') or 0) - len(found))
    names = ', '.join(n['node_name'] for n in found)
    log_outcome(cluster, ctx.now, duration, 'remove nodes %s (drain %s, release %s)' % (
        names, str(drain).lower(), str(release).lower()), fail, 'Removed nodes %s' % names)
    set_busy(ctx, cluster, 'removing', duration, size_patch)
    task_id = new_task(ctx, cluster_id, 'cluster_remove_nodes', duration, fail=fail,
                       parameters={'nodes': [n['node_name'] for n in found], 'drain_node': drain,
                                   'release_node': release})
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}
