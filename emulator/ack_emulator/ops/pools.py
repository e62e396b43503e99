"""Node pools as documents: kind ``nodepool`` (id = nodepool_id, ``cluster_id`` indexed), their nodes, their status,
and the default pool that CreateCluster, ScaleOutCluster and AttachInstances fill. The operations are in
nodepools.py, their request rules in nodepool_rules.py.

A pool document keeps the sections of the SDK's node pool model (``nodepool_info``, ``scaling_group``,
``kubernetes_config``, ``auto_scaling``, ``management``, ``tee_config``, ``node_config``, ``max_nodes``) and, inside,
``_state`` (initial, active, scaling, removing, updating, upgrading, deleting, failed) and ``_version`` (the
kubelet version of its nodes; None: the control plane's). ``scaling_group.desired_size`` and ``status`` are not
stored: they are counted from the pool's nodes when answered (a node being removed no longer counts), so every way
a node comes or goes (ScaleOutCluster, AttachInstances, RemoveClusterNodes, a rolled-back failure) keeps them true.
"""
import uuid

from .. import errors
from ..lifecycle import iso, short_id
from . import catalogue as cat
from .common import cluster_nodes, push_timeline
from .nodes import default_nodepool_id, new_ip, node_doc, schedule_ready, used_ips

DEFAULT_NAME = 'default-nodepool'
SECTIONS = ('auto_scaling', 'kubernetes_config', 'management', 'max_nodes', 'node_config', 'nodepool_info',
            'scaling_group', 'tee_config')
BUSY = ('initial', 'scaling', 'removing', 'updating', 'upgrading', 'deleting')


def new_pool_id():
    return 'np' + uuid.uuid4().hex


def cluster_pools(ctx, cluster_id):
    """The cluster's pools, in creation order."""
    return ctx.db.list('nodepool', now=ctx.now, where={'cluster_id': cluster_id})


def get_pool(ctx, cluster_id, pool_id):
    """The settled pool of the cluster; 404 ErrorNodePoolNotFound when unknown, gone or of another cluster."""
    pool = ctx.db.get('nodepool', pool_id, now=ctx.now) if pool_id else None
    if pool is None or pool.get('cluster_id') != cluster_id:
        raise errors.not_found('nodepool', pool_id)
    return pool


def put(ctx, pool):
    pool['nodepool_info']['updated'] = iso(ctx.now)
    ctx.db.put('nodepool', pool['nodepool_id'], pool)


def delete_cluster_pools(ctx, cluster_id):
    """DeleteCluster's hook: the pools go with their cluster."""
    for pool in cluster_pools(ctx, cluster_id):
        ctx.db.delete('nodepool', pool['nodepool_id'])


# -- nodes and status ------------------------------------------------------------------------------------------
def pool_nodes(ctx, cluster_id, pool_id, counted=False):
    """The pool's nodes (``counted``: those its size counts, i.e. not being removed)."""
    return [n for n in cluster_nodes(ctx, cluster_id) if n.get('nodepool_id') == pool_id
            and not (counted and n.get('state') == 'removing')]


def status(pool, nodes):
    """The SDK's ``status`` of a pool from its nodes."""
    def count(test):
        return sum(1 for n in nodes if test(n))

    def healthy(n):
        return n.get('state') == 'running' and n.get('node_status') == 'Ready'

    return {
        'state': pool.get('_state', 'active'),
        'total_nodes': len(nodes),
        'healthy_nodes': count(healthy),
        'serving_nodes': count(lambda n: healthy(n) and not n.get('unschedulable')),
        'initial_nodes': count(lambda n: n.get('state') in ('pending', 'starting')),
        'failed_nodes': count(lambda n: n.get('state') == 'failed'),
        'removing_nodes': count(lambda n: n.get('state') == 'removing'),
        'offline_nodes': count(lambda n: n.get('state') == 'running' and n.get('node_status') != 'Ready'),
    }


def answer(ctx, pool):
    """The pool as DescribeClusterNodePoolDetail answers it (a DescribeClusterNodePools item too)."""
    nodes = pool_nodes(ctx, pool['cluster_id'], pool['nodepool_id'])
    out = {k: pool[k] for k in SECTIONS if k in pool}
    out['scaling_group'] = dict(pool['scaling_group'],
                                desired_size=sum(1 for n in nodes if n.get('state') != 'removing'))
    out['status'] = status(pool, nodes)
    version = pool.get('_version') or (ctx.db.get('cluster', pool['cluster_id'], now=ctx.now) or {}).get(
        'current_version')
    out['node_components'] = [{'name': 'kubelet', 'version': version}]  # the SDK's place for the pool's version
    return out


def node_labels(pool):
    return {t['key']: t.get('value') or '' for t in pool['kubernetes_config'].get('labels') or []}


def node_fields(pool):
    """What a node takes from its pool (kube/nodes.py reads labels, taints, unschedulable, kubelet_version)."""
    k8s = pool['kubernetes_config']
    fields = {'labels': node_labels(pool), 'taints': list(k8s.get('taints') or []),
              'unschedulable': bool(k8s.get('unschedulable')), 'tags': list(pool['scaling_group'].get('tags') or [])}
    if pool.get('_version'):
        fields['kubelet_version'] = pool['_version']
    return fields


def add_nodes(ctx, cluster, pool, count, seconds, fail=None):
    """``count`` new nodes of the pool, Ready after ``seconds`` (scaled); with ``fail`` they are rolled back then
    (and the cluster's ``size`` does not grow). Returns their instance ids; the caller stores the cluster."""
    group = pool['scaling_group']
    types = group.get('instance_types') or [cat.DEFAULT_INSTANCE_TYPE]
    used = used_ips(ctx, cluster['cluster_id'])
    ids = []
    for i in range(count):
        node = node_doc(ctx, cluster, short_id('i-'), 'Worker', new_ip(used), types[i % len(types)],
                        group.get('image_id') or cat.DEFAULT_IMAGE,
                        charge_type=group.get('instance_charge_type') or 'PostPaid',
                        nodepool_id=pool['nodepool_id'], extra=node_fields(pool))
        if fail:
            push_timeline(node, ctx.now + seconds, {'_gone': True})
        else:
            schedule_ready(node, ctx.now, seconds)
        ctx.db.put('node', node['instance_id'], node)
        ids.append(node['instance_id'])
    if 'size' in cluster and not fail:
        cluster['size'] = int(cluster.get('size') or 0) + count
    return ids


def set_busy(ctx, pool, state, seconds, final=None):
    """The pool is ``state`` now and ``active`` (plus ``final``) after ``seconds``, or later when a life cycle
    already under way ends later (a cluster-level scale out of the default pool). The caller stores it."""
    until = max(ctx.now + seconds, pool.get('_busy_until') or 0)
    patch = {}
    for entry in [e for e in pool.get('_timeline') or [] if e[1].get('_state') == 'active']:
        patch.update(entry[1])  # the end of the life cycle under way moves to the later end
        pool['_timeline'].remove(entry)
    patch.update(final or {})
    pool.update({'_state': state, '_busy_until': until})
    push_timeline(pool, until, dict(patch, _state='active'))


# -- the default pool --------------------------------------------------------------------------------------------
def default_pool(ctx, cluster, ready_after=0):
    """The cluster's default pool (``default-nodepool``), created from its create spec when it has none yet.
    The caller stores it when it changes it further."""
    pool_id = default_nodepool_id(cluster['cluster_id'])
    pool = ctx.db.get('nodepool', pool_id, now=ctx.now)
    if pool is not None:
        return pool
    spec = cluster.get('_spec') or {}
    runtime = spec.get('runtime') or {'name': 'containerd', 'version': cat.RUNTIMES['containerd']}
    group = {
        'instance_types': list(spec.get('worker_instance_types') or cluster.get('worker_instance_types') or
                               [cat.DEFAULT_INSTANCE_TYPE]),
        'vswitch_ids': list(spec.get('vswitch_ids') or cluster.get('vswitch_ids') or []),
        'system_disk_category': spec.get('worker_system_disk_category') or 'cloud_efficiency',
        'system_disk_size': int(spec.get('worker_system_disk_size') or 120),
        'data_disks': [dict(d, encrypted=str(d['encrypted']).lower()) if 'encrypted' in d else d
                       for d in spec.get('worker_data_disks') or []],
        'instance_charge_type': spec.get('worker_instance_charge_type') or 'PostPaid',
        'image_id': spec.get('image_id') or cat.DEFAULT_IMAGE, 'key_pair': spec.get('key_pair') or '',
        'security_group_id': cluster.get('security_group_id') or '', 'tags': [],
    }
    k8s = {'runtime': runtime['name'], 'runtime_version': runtime['version'], 'labels': [],
           'taints': list(spec.get('taints') or []), 'cpu_policy': spec.get('cpu_policy') or 'none',
           'cms_enabled': bool(spec.get('cloud_monitor_flags')), 'unschedulable': False}
    pool = new_pool(ctx, cluster, pool_id, DEFAULT_NAME, group, k8s, is_default=True)
    pool['_version'] = None  # the default pool's nodes follow the control plane
    if ready_after:
        pool['_state'] = 'initial'
        push_timeline(pool, ctx.now + ready_after, {'_state': 'active'})
    ctx.db.put('nodepool', pool_id, pool)
    return pool


def new_pool(ctx, cluster, pool_id, name, group, k8s, auto_scaling=None, management=None, is_default=False,
             resource_group_id=None, extra=None):
    """A pool document with the given sections over the defaults (not stored)."""
    now = iso(ctx.now)
    pool = {
        'cluster_id': cluster['cluster_id'], 'nodepool_id': pool_id,
        'nodepool_info': {'name': name, 'nodepool_id': pool_id, 'is_default': is_default, 'type': 'ess',
                          'region_id': cluster.get('region_id') or ctx.region, 'created': now, 'updated': now,
                          'resource_group_id': resource_group_id or cluster.get('resource_group_id') or ''},
        'scaling_group': dict({'scaling_group_id': short_id('asg-'), 'scaling_policy': 'release',
                               'multi_az_policy': 'PRIORITY', 'spot_strategy': 'NoSpot', 'platform': 'AliyunLinux',
                               'image_type': 'AliyunLinux3', 'internet_charge_type': 'PayByTraffic',
                               'internet_max_bandwidth_out': 0, 'auto_renew': False, 'auto_renew_period': 0,
                               'period': 0, 'period_unit': 'Month', 'data_disks': [], 'tags': [],
                               'security_group_ids': [], 'rds_instances': [], 'login_as_non_root': False},
                              **group),
        'kubernetes_config': dict({'runtime': 'containerd', 'runtime_version': cat.RUNTIMES['containerd'],
                                   'labels': [], 'taints': [], 'cpu_policy': 'none', 'cms_enabled': False,
                                   'unschedulable': False, 'node_name_mode': '', 'user_data': '',
                                   'pre_user_data': ''}, **k8s),
        'auto_scaling': dict({'enable': False, 'min_instances': 0, 'max_instances': 0, 'type': 'cpu',
                              'is_bond_eip': False, 'eip_bandwidth': 0, 'eip_internet_charge_type': ''},
                             **(auto_scaling or {})),
        'management': dict({'enable': False, 'auto_repair': False, 'auto_upgrade': False, 'auto_vul_fix': False,
                            'upgrade_config': {'auto_upgrade': False, 'max_unavailable': 0, 'surge': 0,
                                               'surge_percentage': 0}}, **(management or {})),
        'tee_config': {'tee_enable': False}, 'max_nodes': 0,
        '_state': 'active', '_version': cluster.get('current_version'),
    }
    pool.update(extra or {})
    return pool
