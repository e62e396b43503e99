# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Worker nodes of a cluster, a set with a count: attach named instances, remove named nodes (or the newest or
oldest), scale out the difference. On a cluster with node pools, the nodes of the default pool (those
ScaleOutCluster adds); the other pools are ack_nodepool's. One batched call per kind of write, in that order, each awaited (its task, the
cluster running again, the nodes) before the next. Also the node reads and the named waits on nodes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import (
    REF_ARGSPEC,
    ClusterRef,
    cluster_running,
    describe_cluster,
)
from ansible_collections.alicloud.ack.plugins.module_utils._common import (
    DEFAULT_NODE_QUOTA,
    after_task,
    clean,
    find_node,
    list_nodes,
    list_pools,
    name_of,
    node_quota,
)
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import (
    SANDBOX_MONTHS,
    check_id,
    check_not_negative,
    check_password,
    check_period,
    check_range,
    check_required,
    check_tags,
    data_disks,
    refuse_options,
)
from ansible_collections.alicloud.ack.plugins.module_utils._tags import dict_to_tags
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition
from ansible_collections.alicloud.ack.plugins.module_utils._worker_options import (
    SANDBOX_INSTANCE_TYPES,
    SANDBOX_MIN_DATA_DISK,
    WORKER_ARGSPEC,
    WORKER_LIMITS,
    check_worker_limits,
)

MAX_SCALE_OUT = 500   # ScaleOutCluster: count 1 to 500 per call
MAX_ATTACH = 100      # AttachInstances: instances per call
GONE_STATES = ('removing', 'released', 'deleting')  # nodes on their way out do not count
ENS_PERIODS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12)
# What ScaleOutCluster takes of a data disk (the SDK's model of its worker_data_disks; 7.2.1 documents no
# performance level there).
SCALE_OUT_DISK = ('category', 'size', 'encrypted')

# Options of new nodes (ScaleOutCluster; the API's name unless renamed by the kind's body below).
NEW_NODE = dict(
    vswitch_ids=dict(type='list', elements='str'),
    tags=dict(type='dict'),
    is_edge_worker=dict(type='bool'),
    ens_region_id=dict(type='str'),
    ens_internet_charge_type=dict(type='str', choices=['BandwidthByDay', 'BandwidthByMonth']),
    timeout_mins=dict(type='int'),
    disable_rollback=dict(type='bool'),
)
NEW_NODE.update(WORKER_ARGSPEC)  # the options every module that creates nodes shares (_worker_options.py)
ARGSPEC = dict(REF_ARGSPEC)
ARGSPEC.update(
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    count=dict(type='int'),
    nodes=dict(type='list', elements='str'),
    remove_policy=dict(type='str', choices=['newest', 'oldest']),
    drain=dict(type='bool', default=True),
    release=dict(type='bool', default=False),
    instances=dict(type='list', elements='str'),
    format_disk=dict(type='bool'),
    keep_instance_name=dict(type='bool'),
)
ARGSPEC.update(NEW_NODE)

# Options that belong to one kind of cluster (7.2.1 ECS workers, 7.2.2 ENS workers of edge clusters).
ENS_ONLY = ('ens_region_id', 'ens_internet_charge_type', 'timeout_mins')
ECS_ONLY = ('vswitch_ids', 'worker_instance_charge_type', 'worker_period_unit', 'worker_system_disk_category',
            'cloud_monitor_flags', 'disable_rollback', 'taints', 'user_data')
ECS_BODY = ('worker_instance_types', 'worker_system_disk_category', 'worker_system_disk_size', 'vswitch_ids',
            'worker_instance_charge_type', 'worker_period', 'worker_period_unit', 'worker_auto_renew',
            'worker_auto_renew_period', 'key_pair', 'login_password', 'cpu_policy', 'cloud_monitor_flags',
            'image_id', 'user_data', 'disable_rollback')
ENS_BODY = dict(ens_region_id='ens_region_id', image_id='worker_image_id',
                ens_internet_charge_type='ens_internet_charge_type', worker_period='worker_period',
                worker_auto_renew='worker_auto_renew', worker_auto_renew_period='worker_auto_renew_period',
                login_password='login_password', worker_system_disk_size='worker_system_disk_size',
                timeout_mins='timeout_mins')
REQUIRED = dict(
    ecs=['worker_instance_types', ('key_pair', 'login_password')],
    sandboxed=['worker_instance_types', ('key_pair', 'login_password'), 'vswitch_ids', 'worker_data_disks'],
    edge=['worker_instance_types', 'ens_region_id', 'image_id', 'worker_period', 'login_password',
          'worker_system_disk_size'],
)


# ---- reading ------------------------------------------------------------------------------


def is_worker(node):
    return node.get('instance_role') != 'Master' and node.get('state') not in GONE_STATES


def workers_of(nodes, other_pools=()):
    """The worker nodes, those of the node pools in other_pools left out."""
    return [n for n in nodes if is_worker(n) and n.get('nodepool_id') not in other_pools]


def other_pools(client, cluster_id, workers):
    """The ids of the node pools other than the default one; read (DescribeClusterNodePools) only when the workers
    are in more than one pool."""
    if len(set(n.get('nodepool_id') for n in workers)) < 2:
        return ()
    return tuple((p.get('nodepool_info') or {}).get('nodepool_id') for p in list_pools(client, cluster_id)
                 if not (p.get('nodepool_info') or {}).get('is_default'))


def cluster_kind(cluster):
    """serverless, edge, sandboxed or ecs (dedicated and managed clusters: ECS workers)."""
    if (cluster.get('cluster_type') or '').lower() == 'ask' or (cluster.get('profile') or '') == 'Serverless':
        return 'serverless'
    if (cluster.get('profile') or '').lower() == 'edge':
        return 'edge'
    runtime = (cluster.get('parameters') or {}).get('Runtime')
    if not runtime:
        try:
            runtime = json.loads(cluster.get('meta_data') or '{}').get('Runtime')
        except (TypeError, ValueError, AttributeError):
            runtime = None
    if str(runtime or '').startswith('Sandboxed-Container'):
        return 'sandboxed'
    return 'ecs'


# ---- waits --------------------------------------------------------------------------------


def _failed_node(nodes, ids):
    for node in nodes:
        if node.get('instance_id') in ids and node.get('state') == 'failed':
            return 'node %s failed: %s' % (name_of(node), node.get('error_message') or 'no error given')
    return None


def _show_nodes(nodes):
    states = {}
    for node in workers_of(nodes or []):
        states[node.get('state')] = states.get(node.get('state'), 0) + 1
    return '%d worker nodes (%s)' % (sum(states.values()), ', '.join('%d %s' % (n, s) for s, n in sorted(
        states.items(), key=lambda i: str(i[0]))) or 'none')


def workers_ready(client, cluster_id, wanted, known_ids, others=()):
    """At least `wanted` worker nodes (those of the pools in others not counted), every one that is not in known_ids
    running; a new one failing fails."""
    def done(nodes):
        workers = workers_of(nodes, others)
        return len(workers) >= wanted and all(n.get('state') == 'running' for n in workers
                                              if n.get('instance_id') not in known_ids)

    def failed(nodes):
        return _failed_node(nodes, set(n.get('instance_id') for n in nodes) - set(known_ids))

    return Condition('%d worker nodes of cluster %s to be running' % (wanted, cluster_id),
                     lambda: list_nodes(client, cluster_id), done, failed, _show_nodes)


def instances_ready(client, cluster_id, ids):
    def done(nodes):
        running = set(n.get('instance_id') for n in nodes if n.get('state') == 'running')
        return set(ids) <= running

    return Condition('instances %s to run as nodes of cluster %s' % (', '.join(ids), cluster_id),
                     lambda: list_nodes(client, cluster_id), done, lambda nodes: _failed_node(nodes, ids), _show_nodes)


def nodes_gone(client, cluster_id, ids):
    return Condition('nodes %s to leave cluster %s' % (', '.join(ids), cluster_id), lambda: list_nodes(client, cluster_id),
                     lambda nodes: not set(ids) & set(n.get('instance_id') for n in nodes), show=_show_nodes)


# ---- planning -----------------------------------------------------------------------------


def _chunks(total, size):
    while total > 0:
        yield min(total, size)
        total -= size


class NodesPlanner(object):
    """Decides the writes of a nodes task: attach, remove, scale out."""

    def __init__(self, ack):
        self.ack = ack
        self.params = ack.params
        self.client = ack.client
        self.ref = ClusterRef(ack)
        self.others = ()  # the node pools other than the default one: their nodes are not counted

    # ---- input ---------------------------------------------------------------------------
    def check_input(self):
        """What can be refused before reading anything."""
        p = self.params
        check_not_negative('count', p['count'])
        check_password('login_password', p['login_password'])
        check_tags('tags', p['tags'])
        for instance in p['instances'] or []:
            check_id('instances', instance, 'instance_id')
        if p['state'] == 'absent':
            if p['instances']:
                raise AckModuleError('instances are attached with state=present; state=absent removes the nodes '
                                     'named in nodes')
            if not p['nodes']:
                raise AckModuleError('state=absent needs nodes: the node names, instance ids or IP addresses to '
                                     'remove')
        else:
            if p['nodes']:
                raise AckModuleError('nodes names nodes to remove: use it with state=absent (to scale down to a '
                                     'count without naming nodes, set remove_policy)')
            if p['count'] is None and not p['instances']:
                raise AckModuleError('state=present needs count (worker nodes wanted) or instances (to attach)')
        if p['remove_policy'] and p['count'] is None:
            raise AckModuleError('remove_policy chooses nodes to remove down to count: set count too')

    def check_kind(self, cluster, kind, scale_out):
        """Options of another kind of cluster are refused; the options a scale-out needs are required."""
        p = self.params
        cluster_id = cluster['cluster_id']
        if kind == 'serverless':
            raise AckModuleError('cluster %s is serverless (Ask): it has no worker nodes to manage' % cluster_id)
        if kind == 'edge':
            refuse_options(p, ECS_ONLY, 'the ENS nodes of edge cluster %s' % cluster_id)
            disks = p['worker_data_disks'] or []
            if len(disks) > 1 or any(d.get('category') for d in disks):
                raise AckModuleError('worker_data_disks: ENS nodes take one data disk, given by its size only')
            if disks:
                if disks[0]['size'] and (disks[0]['size'] % 10 or not 20 <= disks[0]['size'] <= 200):
                    raise AckModuleError('worker_data_disks: the data disk of an ENS node is 0, or 20 to 200 GiB in '
                                         'steps of 10, got %s' % disks[0]['size'])
            if p['worker_system_disk_size'] is not None and p['worker_system_disk_size'] % 10:
                raise AckModuleError('worker_system_disk_size of an ENS node must be a multiple of 10')
            check_range('worker_system_disk_size', p['worker_system_disk_size'], 20, 100, ' GiB for an ENS node')
            if p['worker_period'] is not None and p['worker_period'] not in ENS_PERIODS:
                raise AckModuleError('worker_period of ENS nodes must be one of %s months, got %s' % (
                    ', '.join(map(str, ENS_PERIODS)), p['worker_period']))
            types = p['worker_instance_types'] or []
            if len(types) > 1 or any(not t.startswith('ens.') for t in types):
                raise AckModuleError('worker_instance_types: edge cluster %s scales out with one ENS instance type '
                                     '(ens.*), got %s' % (cluster_id, ', '.join(types)))
            if scale_out and p['is_edge_worker'] is False:
                raise AckModuleError('edge cluster %s only scales out with ENS nodes (is_edge_worker true); attach '
                                     'ECS instances with instances instead' % cluster_id)
        else:
            if p['is_edge_worker']:
                raise AckModuleError('is_edge_worker: cluster %s is not an edge cluster' % cluster_id)
            refuse_options(p, ENS_ONLY, 'the ECS nodes of cluster %s (they are ENS options of edge clusters)'
                           % cluster_id)
            check_worker_limits(p, WORKER_LIMITS['scale_out'])
            check_period(p, 'worker', SANDBOX_MONTHS if kind == 'sandboxed' else None)
        if kind == 'sandboxed':
            wrong = [t for t in p['worker_instance_types'] or [] if t not in SANDBOX_INSTANCE_TYPES]
            if wrong:
                raise AckModuleError('worker_instance_types: %s cannot run sandboxed containers (cluster %s); use %s'
                                     % (', '.join(wrong), cluster_id, ', '.join(SANDBOX_INSTANCE_TYPES)))
            disks = p['worker_data_disks'] or []
            if disks and disks[0]['size'] < SANDBOX_MIN_DATA_DISK:
                raise AckModuleError('worker_data_disks: sandboxed-container nodes need a data disk of at least %d '
                                     'GiB, got %d' % (SANDBOX_MIN_DATA_DISK, disks[0]['size']))
        if scale_out:
            check_required(p, REQUIRED[kind], 'to scale out cluster %s (%s nodes)' % (
                cluster_id, dict(ecs='ECS', edge='ENS', sandboxed='sandboxed-container')[kind]))
            if kind != 'edge' and any(d.get('performance_level') for d in p['worker_data_disks'] or []):
                self.ack.warn('worker_data_disks performance_level is not sent: ScaleOutCluster takes no '
                              'performance level for data disks (the new disks get their category\'s default)')

    # ---- bodies --------------------------------------------------------------------------
    def scale_body(self, kind, count):
        p = self.params
        if kind == 'edge':
            body = dict((api, p[k]) for k, api in ENS_BODY.items() if p[k] is not None)
            body.update(count=count, is_edge_worker=True, worker_instance_type=p['worker_instance_types'][0])
            disks = p['worker_data_disks'] or []
            body['worker_data_disk_size'] = disks[0]['size'] if disks else 0
            return body
        body = dict((k, clean(p[k])) for k in ECS_BODY if p[k] is not None)
        body['count'] = count
        disks = p['worker_data_disks']
        if disks:
            body['worker_data_disk'] = True
            body['worker_data_disks'] = data_disks(disks, SCALE_OUT_DISK)
            if kind == 'sandboxed':
                body['worker_data_disk_size'] = disks[0]['size']
                if disks[0].get('category'):
                    body['worker_data_disk_category'] = disks[0]['category']
        if p['tags']:
            body['tags'] = dict_to_tags(dict((k, str(v)) for k, v in p['tags'].items()))
        if p['taints']:
            body['taints'] = clean(p['taints'])
        return body

    def attach_body(self, kind, instances):
        p = self.params
        body = dict(instances=instances)
        if kind == 'edge' and p['is_edge_worker'] is not False:
            body['is_edge_worker'] = True
            return body
        if p['login_password'] is not None:
            body['password'] = p['login_password']
        for k in ('key_pair', 'format_disk', 'keep_instance_name', 'cpu_policy'):
            if p[k] is not None:
                body[k] = p[k]
        if p['tags']:
            body['tags'] = dict_to_tags(dict((k, str(v)) for k, v in p['tags'].items()))
        return body

    # ---- the plan ------------------------------------------------------------------------
    def plan(self):
        self.check_input()
        p = self.params
        cluster = self.ref.require()
        cluster_id = cluster['cluster_id']
        kind = cluster_kind(cluster)
        if kind == 'serverless':
            self.check_kind(cluster, kind, False)
        nodes = list_nodes(self.client, cluster_id)
        self.others = other_pools(self.client, cluster_id, workers_of(nodes))
        workers = workers_of(nodes, self.others)
        listed = set(n.get('instance_id') for n in nodes if n.get('state') not in GONE_STATES)

        attach = []
        for instance in p['instances'] or []:
            if instance not in listed and instance not in attach:
                attach.append(instance)

        remove, unknown = [], []
        for key in p['nodes'] or []:
            node = find_node(nodes, key)
            if node is None or node.get('state') in GONE_STATES:
                unknown.append(key)
            elif node.get('instance_role') == 'Master':
                raise AckModuleError('node %s of cluster %s is a master node: masters cannot be removed'
                                     % (key, cluster_id))
            elif node not in remove:
                remove.append(node)

        total = len(workers) + len(attach) - len(remove)
        scale_out = 0
        if p['count'] is not None and total > p['count']:
            remove += self.choose(cluster_id, workers, remove, total - p['count'], unknown, len(attach))
        elif p['count'] is not None:
            scale_out = max(0, p['count'] - total)
        if attach or scale_out:  # the nodes the cluster will have (masters and other pools' too), before any batch
            existing = sum(1 for n in nodes if n.get('state') not in GONE_STATES)
            self.check_quota(cluster_id, existing + len(attach) - len(remove) + scale_out)

        if attach and (kind != 'edge' or p['is_edge_worker'] is False):
            check_required(p, [('key_pair', 'login_password')], 'to attach ECS instances')
        self.check_kind(cluster, kind, scale_out > 0)

        steps = []
        for start in range(0, len(attach), MAX_ATTACH):
            steps.append(self.attach_step(cluster_id, kind, attach[start:start + MAX_ATTACH]))
        if remove:
            steps.append(self.remove_step(cluster_id, remove))
        size = len(workers) + len(attach) - len(remove)
        known = set(n.get('instance_id') for n in nodes) | set(attach)
        for count in _chunks(scale_out, MAX_SCALE_OUT):
            steps.append(self.scale_step(cluster_id, kind, count, size, known))
            size += count
        if steps:
            self.ref.require_running(cluster, 'changing its nodes')

        before = dict(worker_count=len(workers), workers=sorted(name_of(n) for n in workers))
        gone = set(n.get('instance_id') for n in remove)
        after_names = sorted(name_of(n) for n in workers if n.get('instance_id') not in gone)
        after_names += ['(instance %s)' % i for i in attach]
        after_names += ['(new node %d)' % (i + 1) for i in range(max(scale_out, 0))]
        after = dict(worker_count=len(after_names), workers=after_names)
        return Plan('nodes', nodes, before, after, steps, finish=lambda answers: list_nodes(self.client, cluster_id),
                    extra=dict(cluster_id=cluster_id))

    def choose(self, cluster_id, workers, named, extra, unknown, attaching):
        """`extra` more nodes to remove by remove_policy; without one, the refusal that names the candidates."""
        policy = self.params['remove_policy']
        candidates = [n for n in workers if n not in named]
        if not policy:
            gone = ' (not in the cluster: %s)' % ', '.join(unknown) if unknown else ''
            raise AckModuleError(
                'cluster %s would have %d worker nodes after this task, count is %d: %d of these would have to go: '
                '%s%s; name them in nodes with state=absent, or set remove_policy (newest or oldest)' % (
                    cluster_id, len(workers) + attaching - len(named), self.params['count'], extra,
                    ', '.join(sorted(name_of(n) for n in candidates)), gone))
        if extra > len(candidates):
            raise AckModuleError('count %d is lower than the number of instances this task attaches' %
                                 self.params['count'])
        # by creation time; equal times in the order the API lists the nodes (the order they were made)
        order = sorted(range(len(candidates)), key=lambda i: (candidates[i].get('creation_time') or '', i),
                       reverse=policy == 'newest')
        return [candidates[i] for i in order[:extra]]

    # ---- steps ---------------------------------------------------------------------------
    def settled(self, cluster_id, answer):
        """The task of a write (when its answer names one), then the cluster running again."""
        return after_task(self.client, answer, cluster_running(self.client, cluster_id))

    def attach_step(self, cluster_id, kind, instances):
        body = self.attach_body(kind, instances)

        def recheck():
            # AttachInstances has no idempotency token: after a lost answer, the instances tell whether it was applied
            nodes = list_nodes(self.client, cluster_id)
            if set(instances) & set(n.get('instance_id') for n in nodes):
                return dict(cluster_id=cluster_id, rechecked=True)
            return None

        return Step('AttachInstances %s' % ', '.join(instances), lambda: self.client.call(
            'AttachInstances', 'POST', '/clusters/{}/attach', cluster_id, body=body),
            until=lambda answer: self.settled(cluster_id, answer) + [
                instances_ready(self.client, cluster_id, instances)],
            recheck=recheck)

    def remove_step(self, cluster_id, remove):
        ids = [n['instance_id'] for n in remove]
        body = dict(nodes=[name_of(n) for n in remove], drain_node=self.params['drain'],
                    release_node=self.params['release'])

        def recheck():
            left = [n for n in list_nodes(self.client, cluster_id) if n.get('instance_id') in ids]
            if all(n.get('state') in GONE_STATES for n in left):
                return dict(cluster_id=cluster_id, rechecked=True)
            return None

        return Step('RemoveClusterNodes %s' % ', '.join(body['nodes']), lambda: self.client.call(
            'RemoveClusterNodes', 'POST', '/api/v2/clusters/{}/nodes/remove', cluster_id, body=body),
            until=lambda answer: self.settled(cluster_id, answer) + [nodes_gone(self.client, cluster_id, ids)],
            recheck=recheck)

    def check_quota(self, cluster_id, wanted):
        """Refuse a count the cluster cannot reach (its nodes, masters too, within the account's node quota) before
        the first write; the quota is read only past its documented default."""
        if wanted <= DEFAULT_NODE_QUOTA:
            return
        quota = node_quota(self.client)
        if wanted > quota:
            p, asked = self.params, []
            if p['count'] is not None:
                asked.append('count %d' % p['count'])
            if p['instances']:
                asked.append('%d instances to attach' % len(p['instances']))
            raise AckModuleError('%s would make cluster %s %d nodes, more than the node quota per cluster (%d, '
                                 'DescribeUserQuota node_quota): nothing was changed'
                                 % (' and '.join(asked), cluster_id, wanted, quota))

    def scale_step(self, cluster_id, kind, count, size, known):
        body = self.scale_body(kind, count)

        def recheck():
            # ScaleOutCluster has no idempotency token: a cluster scaling, or more workers, means it was applied
            cluster = describe_cluster(self.client, cluster_id) or {}
            workers = workers_of(list_nodes(self.client, cluster_id), self.others)
            if cluster.get('state') == 'scaling' or len(workers) > size:
                return dict(cluster_id=cluster_id, rechecked=True)
            return None

        return Step('ScaleOutCluster %d' % count, lambda: self.client.call(
            'ScaleOutCluster', 'POST', '/api/v2/clusters/{}', cluster_id, body=body),
            until=lambda answer: self.settled(cluster_id, answer) + [
                workers_ready(self.client, cluster_id, size + count, known, self.others)],
            recheck=recheck)
