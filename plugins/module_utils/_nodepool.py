# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Node pools, one addressable resource each: found by nodepool_id or by name (unique in its cluster), created,
changed in place with one ModifyClusterNodePool (scaling group, Kubernetes settings, auto scaling, management; the
size as desired_size), named nodes removed, upgraded to a Kubernetes version, deleted. Every write waits on its
task and on the pool being active again. Also the pool reads and the named waits on a pool."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import ClusterRef, says_absent
from ansible_collections.alicloud.ack.plugins.module_utils._common import (
    DEFAULT_NODE_QUOTA,
    after_task,
    clean,
    find_node,
    list_nodes,
    list_pools,
    name_of,
    node_quota,
    parse_version,
)
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import (
    NODEPOOL_RENEW_MONTHS,
    SANDBOX_MONTHS,
    check_id,
    check_name,
    check_not_negative,
    check_password,
    check_period,
    check_range,
    check_required,
    check_tags,
)
from ansible_collections.alicloud.ack.plugins.module_utils._tags import dict_to_tags, tags_to_dict
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition
from ansible_collections.alicloud.ack.plugins.module_utils._worker_options import (
    WORKER_ARGSPEC,
    WORKER_LIMITS,
    check_worker_limits,
)

POOL_ABSENT = ('ErrorNodePoolNotFound',)
POOL_BUSY = ('InvalidStatus.NodePoolState',)  # met by a repeat of a write the pool is still carrying out
SETTLING = ('initial', 'scaling', 'removing', 'updating', 'upgrading')  # states a pool leaves by itself
FAILED = ('failed',)
MAX_INSTANCES = 2000  # auto_scaling.max_instances: [min_instances, 2000]

AUTO_SCALING = dict(
    enable=dict(type='bool'),
    min_instances=dict(type='int'),
    max_instances=dict(type='int'),
    type=dict(type='str', choices=['cpu', 'gpu', 'gpushare', 'spot']),
)
MANAGEMENT = dict(
    enable=dict(type='bool'),
    auto_repair=dict(type='bool'),
    auto_upgrade=dict(type='bool'),
    max_unavailable=dict(type='int'),
    surge=dict(type='int'),
)
ROLLING_POLICY = dict(
    max_parallelism=dict(type='int'),
    batch_interval=dict(type='int'),
    max_failed_nodes=dict(type='int'),
)
ARGSPEC = dict(
    cluster_id=dict(type='str'),
    cluster_name=dict(type='str'),
    name=dict(type='str'),
    nodepool_id=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    desired_size=dict(type='int'),
    vswitch_ids=dict(type='list', elements='str'),
    security_group_ids=dict(type='list', elements='str'),
    tags=dict(type='dict'),
    labels=dict(type='dict'),
    runtime=dict(type='str'),
    runtime_version=dict(type='str'),
    unschedulable=dict(type='bool'),
    update_nodes=dict(type='bool', default=False),
    auto_scaling=dict(type='dict', options=AUTO_SCALING),
    management=dict(type='dict', options=MANAGEMENT),
    login_as_non_root=dict(type='bool'),
    ram_role_name=dict(type='str'),
    kubernetes_version=dict(type='str'),
    rolling_policy=dict(type='dict', options=ROLLING_POLICY),
    remove_nodes=dict(type='list', elements='str'),
    drain=dict(type='bool', default=True),
    release=dict(type='bool', default=False),
    force=dict(type='bool', default=False),
)
ARGSPEC.update(WORKER_ARGSPEC)  # the options of every module that creates nodes (_worker_options.py)

# The settings ModifyClusterNodePool changes in place: option -> (section, the API's key).
SETTINGS = dict(
    worker_instance_types=('scaling_group', 'instance_types'),
    vswitch_ids=('scaling_group', 'vswitch_ids'),
    worker_system_disk_category=('scaling_group', 'system_disk_category'),
    worker_system_disk_size=('scaling_group', 'system_disk_size'),
    worker_data_disks=('scaling_group', 'data_disks'),
    worker_instance_charge_type=('scaling_group', 'instance_charge_type'),
    worker_period=('scaling_group', 'period'),
    worker_period_unit=('scaling_group', 'period_unit'),
    worker_auto_renew=('scaling_group', 'auto_renew'),
    worker_auto_renew_period=('scaling_group', 'auto_renew_period'),
    key_pair=('scaling_group', 'key_pair'),
    image_id=('scaling_group', 'image_id'),
    security_group_ids=('scaling_group', 'security_group_ids'),
    tags=('scaling_group', 'tags'),
    desired_size=('scaling_group', 'desired_size'),
    labels=('kubernetes_config', 'labels'),
    taints=('kubernetes_config', 'taints'),
    runtime=('kubernetes_config', 'runtime'),
    runtime_version=('kubernetes_config', 'runtime_version'),
    unschedulable=('kubernetes_config', 'unschedulable'),
    cpu_policy=('kubernetes_config', 'cpu_policy'),
    user_data=('kubernetes_config', 'user_data'),
    cloud_monitor_flags=('kubernetes_config', 'cms_enabled'),
)
# Settings CreateClusterNodePool takes and ModifyClusterNodePool does not: a change fails naming them.
CREATE_ONLY = dict(
    login_as_non_root=('scaling_group', 'login_as_non_root'),
    ram_role_name=('scaling_group', 'ram_role_name'),
)
UNORDERED = ('security_group_ids', 'taints')  # compared as sets
UPGRADE_CONFIG = ('max_unavailable', 'surge')  # management options kept in management.upgrade_config


# ---- reading ------------------------------------------------------------------------------


def pool_info(pool):
    return (pool or {}).get('nodepool_info') or {}


def pool_id_of(pool):
    return pool_info(pool).get('nodepool_id')


def pool_state(pool):
    return ((pool or {}).get('status') or {}).get('state')


def pool_version(pool):
    """The Kubernetes version of the pool's nodes: its kubelet node component's (the SDK's place for it), None
    when the pool shows none."""
    for component in (pool or {}).get('node_components') or []:
        if component.get('name') == 'kubelet' and component.get('version'):
            return component['version']
    return None


def describe_pool(client, cluster_id, nodepool_id):
    """DescribeClusterNodePoolDetail, or None when the pool does not exist."""
    return client.call('DescribeClusterNodePoolDetail', 'GET', '/clusters/{}/nodepools/{}', cluster_id, nodepool_id,
                       absent=POOL_ABSENT)


def shown(pool):
    """The pool as a result carries it: without a login password, should the API give one back."""
    if pool and (pool.get('scaling_group') or {}).get('login_password') is not None:
        pool = dict(pool, scaling_group=dict(pool['scaling_group']))
        del pool['scaling_group']['login_password']
    return pool


# ---- waits --------------------------------------------------------------------------------


def _show_pool(pool):
    if pool is None:
        return 'no such node pool'
    status = pool.get('status') or {}
    return 'state %s, %s nodes (%s healthy, %s being created, %s failed)' % (
        status.get('state'), status.get('total_nodes'), status.get('healthy_nodes'), status.get('initial_nodes'),
        status.get('failed_nodes'))


def pool_settled(client, cluster_id, nodepool_id, size=None):
    """The pool active; with size, that many nodes in it and none being created."""
    def done(pool):
        status = (pool or {}).get('status') or {}
        if pool is None or status.get('state') != 'active':
            return False
        return size is None or (status.get('total_nodes') == size and not status.get('initial_nodes'))

    def failed(pool):
        if pool is None:
            return 'node pool %s of cluster %s is gone' % (nodepool_id, cluster_id)
        if pool_state(pool) in FAILED:
            return 'node pool %s of cluster %s is %s' % (nodepool_id, cluster_id, pool_state(pool))
        return None

    what = 'node pool %s of cluster %s to be active' % (nodepool_id, cluster_id)
    return Condition(what + (' with %d nodes' % size if size is not None else ''),
                     lambda: describe_pool(client, cluster_id, nodepool_id), done, failed, _show_pool)


def pool_gone(client, cluster_id, nodepool_id):
    return Condition('node pool %s of cluster %s to be deleted' % (nodepool_id, cluster_id),
                     lambda: describe_pool(client, cluster_id, nodepool_id), lambda pool: pool is None, show=_show_pool)


def nodes_left(client, cluster_id, nodepool_id, ids):
    """The instances are no longer nodes of the pool."""
    def done(nodes):
        return not set(ids) & set(n.get('instance_id') for n in nodes)

    return Condition('nodes %s to leave node pool %s' % (', '.join(ids), nodepool_id),
                     lambda: list_nodes(client, cluster_id, {'nodepool_id': nodepool_id}), done,
                     show=lambda nodes: '%d nodes in the pool' % len(nodes or []))


# ---- settings as the module's options -----------------------------------------------------


def _flat(value):
    """A value as compared: booleans and numbers as the API may spell them, '' as unset."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return dict((k, _flat(v)) for k, v in value.items() if _flat(v) is not None)
    if isinstance(value, list):
        return [_flat(v) for v in value]
    return value if value != '' else None


def _taint(taint):
    return dict(key=taint.get('key'), value=taint.get('value') or '', effect=taint.get('effect') or 'NoSchedule')


def current(pool, option):
    """The pool's value of a setting, in the shape of the module's option."""
    if option in ('auto_scaling', 'management'):
        section = dict(pool.get(option) or {})
        section.update((k, (section.get('upgrade_config') or {}).get(k)) for k in UPGRADE_CONFIG
                       if option == 'management')
        return dict((k, section.get(k)) for k in (AUTO_SCALING if option == 'auto_scaling' else MANAGEMENT))
    if option == 'name':
        return pool_info(pool).get('name')
    if option == 'kubernetes_version':
        return pool_version(pool)
    section, key = SETTINGS.get(option) or CREATE_ONLY[option]
    value = (pool.get(section) or {}).get(key)
    if option in ('tags', 'labels'):
        return tags_to_dict(value, user_only=option == 'tags')
    if option == 'taints':
        return [_taint(t) for t in value or []]
    return value


def same(option, wanted, have):
    """Whether the pool's value `have` is what the option wants (only the keys a dict option sets count)."""
    if option in ('auto_scaling', 'management'):
        return all(_flat(v) == _flat(have.get(k)) for k, v in wanted.items() if v is not None)
    if option == 'worker_data_disks':
        have = have or []
        return len(wanted) == len(have) and all(
            all(_flat(v) == _flat(h.get(k)) for k, v in w.items() if v is not None) for w, h in zip(wanted, have))
    if option == 'taints':
        wanted = [_taint(t) for t in wanted]
    if option in UNORDERED:
        return sorted(map(repr, _flat(wanted))) == sorted(map(repr, _flat(have or [])))
    if option in ('tags', 'labels'):
        return _flat(dict((k, '' if v is None else str(v)) for k, v in wanted.items())) == _flat(have)
    return _flat(wanted) == _flat(have)


# ---- the planner --------------------------------------------------------------------------


class NodePoolPlanner(object):
    """Decides the writes of a node pool task: create, or remove nodes / modify / upgrade, or delete."""

    def __init__(self, ack):
        self.ack = ack
        self.params = ack.params
        self.client = ack.client
        self.ref = ClusterRef(ack, name_option='cluster_name')
        self.unsettled = False  # check mode saw the pool busy and did not wait for it
        self.created = None  # the id of the pool a create step made

    # ---- input ---------------------------------------------------------------------------
    def check_input(self):
        """What can be refused before reading anything."""
        p = self.params
        check_id('nodepool_id', p['nodepool_id'])
        if p['name'] is not None:
            check_name('name', p['name'])
        check_not_negative('desired_size', p['desired_size'])
        check_password('login_password', p['login_password'])
        check_tags('tags', p['tags'])
        check_tags('labels', p['labels'])
        check_period(p, 'worker', SANDBOX_MONTHS, NODEPOOL_RENEW_MONTHS)
        scaling = p['auto_scaling'] or {}
        for key in ('min_instances', 'max_instances'):
            check_range('auto_scaling.%s' % key, scaling.get(key), 0, MAX_INSTANCES)
        if None not in (scaling.get('min_instances'), scaling.get('max_instances')) and \
                scaling['min_instances'] > scaling['max_instances']:
            raise AckModuleError('auto_scaling.min_instances (%d) is more than auto_scaling.max_instances (%d)' % (
                scaling['min_instances'], scaling['max_instances']))
        if scaling.get('enable') and p['desired_size'] is not None:
            raise AckModuleError('desired_size does not apply with auto_scaling.enable: the pool sizes itself '
                                 'between auto_scaling.min_instances and max_instances')
        management, rolling = p['management'] or {}, p['rolling_policy'] or {}
        check_range('management.max_unavailable', management.get('max_unavailable'), 1, 1000)  # the SDK's bounds
        check_not_negative('management.surge', management.get('surge'))
        check_range('rolling_policy.max_parallelism', rolling.get('max_parallelism'), 1, 10)
        if rolling.get('batch_interval') not in (None, 0):
            check_range('rolling_policy.batch_interval', rolling['batch_interval'], 5, 120, ' minutes (or 0)')
        check_not_negative('rolling_policy.max_failed_nodes', rolling.get('max_failed_nodes'))
        check_worker_limits(p, WORKER_LIMITS['nodepool'])
        if p['kubernetes_version'] is not None and parse_version(p['kubernetes_version']) is None:
            raise AckModuleError('kubernetes_version %r is not a Kubernetes version of ACK (such as 1.30.1-aliyun.1)'
                                 % p['kubernetes_version'])
        if p['rolling_policy'] and not p['kubernetes_version']:
            raise AckModuleError('rolling_policy goes with kubernetes_version: it says how the pool is upgraded')
        if p['state'] == 'absent':
            given = [k for k in ('remove_nodes', 'kubernetes_version', 'desired_size') if p[k] not in (None, [])]
            if given:
                raise AckModuleError('%s: state=absent deletes the node pool' % ', '.join(given))
        elif p['force']:
            raise AckModuleError('force deletes a node pool with its nodes: use it with state=absent')

    # ---- reads ---------------------------------------------------------------------------
    def cluster_id(self):
        cluster_id = self.ref.find_id()
        if cluster_id is None:
            raise self.ref.not_found()
        return cluster_id

    def read(self, func, *args):
        """A pool read; the cluster's not-found answer is the one unknown-cluster failure."""
        try:
            return func(self.client, *args)
        except AckApiError as e:
            if says_absent(e):
                raise self.ref.not_found(e)
            raise

    def lookup(self, cluster_id):
        p = self.params
        if p['nodepool_id']:
            return self.read(describe_pool, cluster_id, p['nodepool_id'])
        pools = self.read(list_pools, cluster_id, p['name'])
        if len(pools) > 1:
            raise AckModuleError('%d node pools of cluster %s are named %r: %s; set nodepool_id to choose one' % (
                len(pools), cluster_id, p['name'], ', '.join(sorted(pool_id_of(x) for x in pools))))
        return pools[0] if pools else None

    def find(self, cluster_id):
        """The pool once settled (with wait); one being deleted counts as absent, once gone (with wait)."""
        pool = self.lookup(cluster_id)
        state = pool_state(pool)
        if state not in SETTLING + ('deleting',):
            return pool
        npid = pool_id_of(pool)
        if not self.ack.wait:
            if state == 'deleting' and self.params['state'] == 'absent':
                return None  # on its way out already
            if state == 'deleting':
                raise AckModuleError('node pool %s (%s) of cluster %s is being deleted; with wait: true the task '
                                     'waits for it to be gone first' % (pool_info(pool).get('name'), npid, cluster_id))
            return pool
        goal = 'deleted' if state == 'deleting' else 'active'
        if self.ack.check_mode:
            self.unsettled = True
            self.ack.warn('node pool %s is %s: check mode plans from it as it is now; a run would first wait for '
                          'it to be %s' % (npid, state, goal))
            return None if state == 'deleting' else pool
        if state == 'deleting':
            self.ack.waiter.wait(pool_gone(self.client, cluster_id, npid))
            return None
        return self.ack.waiter.wait(pool_settled(self.client, cluster_id, npid))

    def cluster(self, cluster_id, doing):
        """The cluster detail (waited out when settling), which must be running for `doing`."""
        self.ref.cluster_id = cluster_id
        cluster = self.ref.require()
        self.ref.require_running(cluster, doing)
        return cluster

    # ---- the plan ------------------------------------------------------------------------
    def plan(self):
        self.check_input()
        size = self.params['desired_size']
        quota = node_quota(self.client) if size is not None and size > DEFAULT_NODE_QUOTA else None
        if quota is not None and size > quota:  # the quota is read only past its documented default
            raise AckModuleError('desired_size %d is more than the node quota per cluster (%d, DescribeUserQuota '
                                 'node_quota): nothing was changed' % (size, quota))
        self.ack.hide([self.params['login_password']])
        cluster_id = self.cluster_id()
        pool = self.find(cluster_id)
        extra = dict(cluster_id=cluster_id, nodepool_id=pool_id_of(pool))
        if self.params['state'] == 'absent':
            return self.plan_delete(cluster_id, pool, extra)
        if pool is None:
            return self.plan_create(cluster_id, extra)
        return self.plan_update(cluster_id, pool, extra)

    def view(self, pool, options):
        return dict((o, current(pool, o)) for o in options)

    def wanted(self):
        """The settings the task sets: {option: value}."""
        p = self.params
        options = list(SETTINGS) + list(CREATE_ONLY) + ['auto_scaling', 'management', 'kubernetes_version']
        wanted = dict((o, clean(p[o])) for o in options if p[o] is not None)
        if p['name'] is not None:
            wanted['name'] = p['name']
        return wanted

    # ---- create --------------------------------------------------------------------------
    def plan_create(self, cluster_id, extra):
        p = self.params
        if p['nodepool_id']:
            raise AckModuleError('node pool %s not found in cluster %s; to create a node pool, name it (name) '
                                 'without nodepool_id' % (p['nodepool_id'], cluster_id))
        doing = 'to create node pool %r' % p['name']
        check_required(p, ['worker_instance_types', 'vswitch_ids', ('key_pair', 'login_password')], doing)
        if p['remove_nodes']:
            raise AckModuleError('remove_nodes: node pool %r does not exist yet' % p['name'])
        cluster = self.cluster(cluster_id, 'creating a node pool')
        if p['kubernetes_version'] and p['kubernetes_version'] != cluster.get('current_version'):
            raise AckModuleError('kubernetes_version %s: a new node pool runs the version of its cluster, %s; '
                                 'create it, then upgrade it' % (p['kubernetes_version'], cluster.get('current_version')))
        wanted = self.wanted()
        body = self.create_body(wanted)
        size = None if (p['auto_scaling'] or {}).get('enable') else p['desired_size']

        def recheck():
            # CreateClusterNodePool has no idempotency token: after a lost answer the pool's name tells
            pools = list_pools(self.client, cluster_id, p['name'])
            return dict(nodepool_id=pool_id_of(pools[0]), rechecked=True) if pools else None

        def finish(answers):
            created = (answers[0] or {}).get('nodepool_id')
            self.created = created
            return shown(describe_pool(self.client, cluster_id, created))

        step = Step('CreateClusterNodePool %s' % p['name'], lambda: self.client.call(
            'CreateClusterNodePool', 'POST', '/clusters/{}/nodepools', cluster_id, body=body),
            until=lambda answer: after_task(self.client, answer, pool_settled(
                self.client, cluster_id, answer['nodepool_id'], size)),
            recheck=recheck)
        wanted.pop('kubernetes_version', None)
        return Plan('nodepool', {}, {}, wanted, [step], finish=finish, extra=extra,
                    extra_after=lambda: dict(nodepool_id=self.created))

    def create_body(self, wanted):
        """CreateClusterNodePool's body: the wanted settings, and the login password."""
        body = dict(nodepool_info=dict(name=self.params['name']))
        for option, value in wanted.items():
            self.put(body, option, value)
        if self.params['login_password']:
            body.setdefault('scaling_group', {})['login_password'] = self.params['login_password']
        return body

    def put(self, body, option, value):
        """Set an option's value in a request body, in the API's section and shape."""
        if option == 'name':
            body.setdefault('nodepool_info', {})['name'] = value
        elif option == 'auto_scaling':
            body['auto_scaling'] = clean(value)
        elif option == 'management':
            section = dict((k, v) for k, v in value.items() if k not in UPGRADE_CONFIG and v is not None)
            upgrade = dict((k, value[k]) for k in UPGRADE_CONFIG if value.get(k) is not None)
            if upgrade:
                section['upgrade_config'] = upgrade
            body['management'] = section
        elif option != 'kubernetes_version':
            section, key = SETTINGS.get(option) or CREATE_ONLY[option]
            if option in ('tags', 'labels'):
                value = dict_to_tags(dict((k, '' if v is None else str(v)) for k, v in value.items()))
            elif option == 'worker_data_disks':  # a disk's encrypted is text in the SDK's DataDisk
                value = [dict(d, encrypted=_flat(d['encrypted'])) if d.get('encrypted') is not None else d
                         for d in value]
            body.setdefault(section, {})[key] = value

    # ---- update --------------------------------------------------------------------------
    def changes(self, pool):
        """{option: value} of the settings that differ; a setting the API cannot change in place is refused."""
        p = self.params
        wanted = self.wanted()
        if not p['nodepool_id']:
            wanted.pop('name', None)
        wanted.pop('kubernetes_version', None)
        changed = {}
        for option, value in wanted.items():
            have = current(pool, option)
            if same(option, value, have):
                continue
            if option in CREATE_ONLY:
                raise AckModuleError('%s cannot be changed in place (node pool %s has %r): ModifyClusterNodePool '
                                     'does not take it; create a new node pool with it' % (
                                         option, pool_id_of(pool), have))
            if option in ('auto_scaling', 'management'):
                value = dict(have, **dict((k, v) for k, v in value.items() if v is not None))
            changed[option] = value
        return changed

    def plan_update(self, cluster_id, pool, extra):
        p = self.params
        npid = pool_id_of(pool)
        changed = self.changes(pool)
        scaling = dict(current(pool, 'auto_scaling'), **changed.get('auto_scaling', {}))
        if scaling.get('enable') and p['desired_size'] is not None:
            raise AckModuleError('desired_size: node pool %s scales automatically (auto_scaling.enable); set '
                                 'auto_scaling.enable: false to give it a size' % npid)
        removing, nodes = self.nodes_to_remove(cluster_id, npid)
        if removing and p['desired_size'] is not None:
            # a removal lowers the pool's size by the nodes removed; desired_size is the size after the task
            left = (current(pool, 'desired_size') or 0) - len(removing)
            changed.pop('desired_size', None)
            if p['desired_size'] != left:
                changed['desired_size'] = p['desired_size']
        upgrade, version = self.upgrade_to(pool)
        steps = []
        if removing:
            steps.append(self.remove_step(cluster_id, npid, removing))
        if changed:
            steps.append(self.modify_step(cluster_id, pool, changed, None if scaling.get('enable') else
                                          p['desired_size']))
        if upgrade:
            steps.append(self.upgrade_step(cluster_id, npid, upgrade))
        if steps:
            self.require_active(pool)
            cluster = self.cluster(cluster_id, 'changing its node pools')
            if upgrade:
                self.check_upgrade(cluster, pool, upgrade, version)
        before = self.view(pool, sorted(changed))
        after = dict(before, **changed)
        if upgrade:
            before['kubernetes_version'], after['kubernetes_version'] = version, upgrade
        if removing:
            gone = set(n.get('instance_id') for n in removing)
            before['nodes'] = sorted(name_of(n) for n in nodes)
            after['nodes'] = sorted(name_of(n) for n in nodes if n.get('instance_id') not in gone)
        return Plan('nodepool', shown(pool), before, after, steps,
                    finish=lambda answers: shown(describe_pool(self.client, cluster_id, npid)), extra=extra)

    def require_active(self, pool, also=()):
        if pool_state(pool) not in ('active',) + also and not self.unsettled:
            raise AckModuleError('node pool %s is %s; changing it needs it active (wait: true waits for it)' % (
                pool_id_of(pool), pool_state(pool)))

    def nodes_to_remove(self, cluster_id, npid):
        """(the pool's nodes that remove_nodes names, the pool's nodes); the nodes are read only for a removal."""
        names = self.params['remove_nodes']
        if not names:
            return [], []
        nodes = [n for n in list_nodes(self.client, cluster_id, {'nodepool_id': npid})
                 if n.get('state') not in ('removing', 'released', 'deleting')]
        removing = []
        for key in names:
            node = find_node(nodes, key)
            if node is not None and node not in removing:
                removing.append(node)
        return removing, nodes

    def upgrade_to(self, pool):
        """(the version to upgrade the pool to, or None; the pool's version)."""
        wanted = self.params['kubernetes_version']
        if not wanted:
            return None, None
        have = pool_version(pool)
        if have is None:
            raise AckModuleError('kubernetes_version: node pool %s does not tell its Kubernetes version (no kubelet '
                                 'among its node_components), so it cannot be compared' % pool_id_of(pool))
        return (wanted if have != wanted else None), have

    def check_upgrade(self, cluster, pool, version, have):
        control = cluster.get('current_version')
        if parse_version(control) is not None and parse_version(version) > parse_version(control):
            raise AckModuleError('kubernetes_version %s: the nodes of node pool %s cannot run a newer version than '
                                 'the control plane of cluster %s, %s; upgrade the control plane first '
                                 '(alicloud.ack.ack_upgrade with master_only: true)' % (
                                     version, pool_id_of(pool), cluster['cluster_id'], control))
        if have and parse_version(version) < parse_version(have):
            raise AckModuleError('kubernetes_version %s: node pool %s runs %s, and a node pool is never downgraded'
                                 % (version, pool_id_of(pool), have))

    # ---- steps ---------------------------------------------------------------------------
    def modify_step(self, cluster_id, pool, changed, size):
        npid = pool_id_of(pool)
        body = {}
        for option, value in changed.items():
            self.put(body, option, value)
        if 'kubernetes_config' in body:
            # labels and taints go whole with any Kubernetes setting (the SDK sends them empty otherwise)
            for option in ('labels', 'taints'):
                if option not in changed:
                    self.put(body, option, current(pool, option))
            if self.params['update_nodes']:
                body['update_nodes'] = True
        if 'desired_size' not in changed:
            size = None

        def recheck():
            # a lost answer of the repeatable ModifyClusterNodePool: applied when the pool has the settings
            again = describe_pool(self.client, cluster_id, npid)
            return dict(rechecked=True) if again is not None and not self.changes(again) else None

        return Step('ModifyClusterNodePool %s' % npid, lambda: self.client.call(
            'ModifyClusterNodePool', 'PUT', '/clusters/{}/nodepools/{}', cluster_id, npid, body=body),
            until=lambda answer: after_task(self.client, answer, pool_settled(self.client, cluster_id, npid, size)),
            recheck=recheck, done_codes=POOL_BUSY)

    def remove_step(self, cluster_id, npid, removing):
        ids = [n['instance_id'] for n in removing]
        query = dict(instance_ids=ids, drain_node=self.params['drain'], release_node=self.params['release'])

        def recheck():
            # RemoveNodePoolNodes has no idempotency token: the pool's nodes tell whether it was applied
            left = [n for n in list_nodes(self.client, cluster_id, {'nodepool_id': npid})
                    if n.get('instance_id') in ids and n.get('state') != 'removing']
            return None if left else dict(rechecked=True)

        return Step('RemoveNodePoolNodes %s' % ', '.join(name_of(n) for n in removing), lambda: self.client.call(
            'RemoveNodePoolNodes', 'DELETE', '/clusters/{}/nodepools/{}/nodes', cluster_id, npid, query=query),
            until=lambda answer: after_task(self.client, answer, pool_settled(self.client, cluster_id, npid),
                                            nodes_left(self.client, cluster_id, npid, ids)),
            recheck=recheck)

    def upgrade_step(self, cluster_id, npid, version):
        body = dict(kubernetes_version=version)
        if self.params['rolling_policy']:
            body['rolling_policy'] = clean(self.params['rolling_policy'])

        def recheck():
            # UpgradeClusterNodepool has no idempotency token: the pool upgrading, or at the version, took it
            pool = describe_pool(self.client, cluster_id, npid)
            taken = pool is not None and (pool_state(pool) == 'upgrading' or pool_version(pool) == version)
            return dict(rechecked=True) if taken else None

        return Step('UpgradeClusterNodepool %s to %s' % (npid, version), lambda: self.client.call(
            'UpgradeClusterNodepool', 'POST', '/clusters/{}/nodepools/{}/upgrade', cluster_id, npid, body=body),
            until=lambda answer: after_task(self.client, answer, pool_settled(self.client, cluster_id, npid)),
            recheck=recheck)

    # ---- delete --------------------------------------------------------------------------
    def plan_delete(self, cluster_id, pool, extra):
        p = self.params
        if pool is None:
            return Plan('nodepool', {}, {}, {}, [], extra=extra)
        npid = pool_id_of(pool)
        total = ((pool.get('status') or {}).get('total_nodes')) or 0
        if total and not p['force']:
            raise AckModuleError('node pool %s (%s) has %d nodes; set force: true to delete it with its nodes, or '
                                 'set its desired_size to 0 first' % (pool_info(pool).get('name'), npid, total))
        self.require_active(pool, FAILED)
        self.cluster(cluster_id, 'deleting its node pools')
        before = self.view(pool, ['name', 'desired_size'])
        return Plan('nodepool', shown(pool), before, {}, [self.delete_step(cluster_id, npid)],
                    finish=lambda answers: {}, extra=extra)

    def delete_step(self, cluster_id, npid):
        def recheck():
            # a lost answer: the pool being deleted, or gone, took it
            again = describe_pool(self.client, cluster_id, npid)
            return dict(rechecked=True) if again is None or pool_state(again) == 'deleting' else None

        return Step('DeleteClusterNodepool %s' % npid, lambda: self.client.call(
            'DeleteClusterNodepool', 'DELETE', '/clusters/{}/nodepools/{}', cluster_id, npid,
            query=dict(force='true' if self.params['force'] else None)),
            until=lambda answer: after_task(self.client, answer, pool_gone(self.client, cluster_id, npid)),
            recheck=recheck, done_codes=POOL_ABSENT)
