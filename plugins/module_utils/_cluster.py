# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster service: find, create, update in place, tag and delete ACK clusters."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import (
    ClusterRef,
    cluster_gone,
    cluster_running,
    describe_cluster,
    find_clusters,
)
from ansible_collections.alicloud.ack.plugins.module_utils._common import after_task, clean, truthy
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._maintenance import (
    ARGSPEC as SCHEDULE_ARGSPEC,
    Schedule,
    check as check_schedule,
    wanted_view,
)
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import (
    SANDBOX_MONTHS,
    check_at_least,
    check_length,
    check_name,
    check_network_plugins,
    check_password,
    check_period,
    check_private_cidr,
    check_range,
    check_required,
    check_tags,
    config_text,
    data_disks,
)
from ansible_collections.alicloud.ack.plugins.module_utils._tags import dict_to_tags, is_system, merge_tags, tags_to_dict
from ansible_collections.alicloud.ack.plugins.module_utils._worker_options import (
    SANDBOX_CREATE_INSTANCE_TYPES,
    SANDBOX_MIN_DATA_DISK,
    WORKER_ARGSPEC,
    WORKER_LIMITS,
    check_worker_limits,
)

CLUSTER_TYPES = ['Kubernetes', 'ManagedKubernetes', 'Ask']
SANDBOX_RUNTIME = 'Sandboxed-Container.runv'
# What CreateCluster requires per kind of cluster (reference 7.1.1 to 7.1.5); tuples are alternatives.
REQUIRED = dict(
    dedicated=['snat_entry', 'master_system_disk_category', 'master_system_disk_size', 'num_of_nodes',
               'worker_system_disk_category', 'worker_system_disk_size', 'worker_instance_types',
               'master_instance_types', 'master_vswitch_ids', ('worker_vswitch_ids', 'vswitch_ids')],
    managed=['num_of_nodes', 'snat_entry', ('vswitch_ids', 'worker_vswitch_ids'), 'worker_system_disk_category',
             'worker_system_disk_size', 'vpc_id', 'worker_instance_types'],
    serverless=[],
    edge=['num_of_nodes', 'snat_entry', ('vswitch_ids', 'worker_vswitch_ids'), 'worker_system_disk_category',
          'worker_system_disk_size'],
    sandboxed=['addons', 'kubernetes_version', 'num_of_nodes', 'pod_vswitch_ids', 'runtime', 'snat_entry', 'vpc_id',
               ('vswitch_ids', 'worker_vswitch_ids'), 'worker_instance_types', 'worker_system_disk_category',
               'worker_system_disk_size', 'worker_data_disks'],
)
# What a serverless cluster that makes its own VPC needs (7.1.3); service_discovery_types [PrivateZone] (the SDK's
# way) says what private_zone says.
SERVERLESS_OWN_VPC = ['zone_id', ('private_zone', 'service_discovery_types')]
KIND_WORDS = dict(dedicated='dedicated (Kubernetes)', managed='managed', serverless='serverless (Ask)', edge='edge',
                  sandboxed='sandboxed-container')


def cluster_kind(params):
    """dedicated, managed, serverless, edge or sandboxed, from cluster_type, cluster_profile and runtime."""
    if params['cluster_type'] == 'Kubernetes':
        return 'dedicated'
    if params['cluster_type'] == 'Ask':
        return 'serverless'
    if params['cluster_profile'] == 'Edge':
        return 'edge'
    if (params['runtime'] or {}).get('name') == SANDBOX_RUNTIME:
        return 'sandboxed'
    return 'managed'


_ADDON = dict(name=dict(type='str', required=True), version=dict(type='str'), config=dict(type='raw'),
              disabled=dict(type='bool'))
_RUNTIME = dict(name=dict(type='str', required=True), version=dict(type='str'))

# Options sent only by CreateCluster: {option: argspec}. API name = option name unless in API_NAMES.
CREATE_ONLY = dict(
    cluster_type=dict(type='str', choices=CLUSTER_TYPES),
    cluster_profile=dict(type='str', choices=['Default', 'Edge']),
    cluster_spec=dict(type='str'),
    kubernetes_version=dict(type='str'),
    vpc_id=dict(type='str', aliases=['vpcid']),
    vswitch_ids=dict(type='list', elements='str'),
    master_vswitch_ids=dict(type='list', elements='str'),
    worker_vswitch_ids=dict(type='list', elements='str'),
    pod_vswitch_ids=dict(type='list', elements='str'),
    zone_id=dict(type='str', aliases=['zoneid']),
    container_cidr=dict(type='str'),
    service_cidr=dict(type='str'),
    node_cidr_mask=dict(type='int'),
    proxy_mode=dict(type='str', choices=['iptables', 'ipvs']),
    node_port_range=dict(type='str'),
    security_group_id=dict(type='str'),
    is_enterprise_security_group=dict(type='bool'),
    snat_entry=dict(type='bool'),
    nat_gateway=dict(type='bool'),
    endpoint_public_access=dict(type='bool'),
    private_zone=dict(type='bool'),
    service_discovery_types=dict(type='list', elements='str'),
    master_count=dict(type='int', choices=[3, 5]),
    master_instance_types=dict(type='list', elements='str'),
    master_system_disk_category=dict(type='str'),
    master_system_disk_size=dict(type='int'),
    master_instance_charge_type=dict(type='str', choices=['PrePaid', 'PostPaid']),
    master_period=dict(type='int'),
    master_period_unit=dict(type='str', choices=['Month']),
    master_auto_renew=dict(type='bool'),
    master_auto_renew_period=dict(type='int'),
    num_of_nodes=dict(type='int'),
    runtime=dict(type='dict', options=_RUNTIME),
    platform=dict(type='str'),
    os_type=dict(type='str'),
    addons=dict(type='list', elements='dict', options=_ADDON),
    timeout_mins=dict(type='int'),
    disable_rollback=dict(type='bool'),
)
CREATE_ONLY.update(WORKER_ARGSPEC)  # the options of the nodes created with the cluster (_worker_options.py)
API_NAMES = dict(vpc_id='vpcid', cluster_profile='profile')

# Options ModifyCluster changes in place.
MODIFIABLE = dict(
    deletion_protection=dict(type='bool'),
    resource_group_id=dict(type='str'),
    api_server_eip=dict(type='bool'),
    api_server_eip_id=dict(type='str'),
    ingress_loadbalancer_id=dict(type='str'),
    ingress_domain_rebinding=dict(type='bool'),
)
# ingress_domain_rebinding is an action that goes with ingress_loadbalancer_id, not a state to compare.
NOT_COMPARED = ('ingress_domain_rebinding',)
# Modifiable options CreateCluster does not take: a create applies them with a follow-up ModifyCluster.
AFTER_CREATE = ('api_server_eip', 'api_server_eip_id', 'ingress_loadbalancer_id')
# Modifiable options the detail does not report (neither the SDK's DescribeClusterDetail nor reference 7.6 has
# them), compared with what the API does answer: api_server_eip with the public address in master_url, these two
# with the cluster's resources (DescribeClusterResources, read only when the task sets one of them).
RESOURCE_TYPES = dict(api_server_eip_id='ALIYUN::VPC::EIP', ingress_loadbalancer_id='ALIYUN::SLB::LoadBalancer')

# Create-only options the cluster detail reports back, so a difference can be named: option -> detail key.
VISIBLE = dict(
    cluster_type='cluster_type', cluster_profile='profile', cluster_spec='cluster_spec',
    kubernetes_version='current_version', vpc_id='vpc_id', zone_id='zone_id',
    container_cidr='container_cidr', service_cidr='service_cidr', proxy_mode='proxy_mode',
    security_group_id='security_group_id', private_zone='private_zone', node_cidr_mask='node_cidr_mask',
)
HINTS = dict(kubernetes_version='use alicloud.ack.ack_upgrade to upgrade a cluster',
             num_of_nodes='use alicloud.ack.ack_nodes to scale a cluster')

ARGSPEC = dict(
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    cluster_id=dict(type='str', aliases=['id']),
    name=dict(type='str', aliases=['cluster_name']),
    tags=dict(type='dict', aliases=['resource_tags']),
    purge_tags=dict(type='bool', default=True),
    client_token=dict(type='str', no_log=False),
)
ARGSPEC.update(CREATE_ONLY)
ARGSPEC.update(MODIFIABLE)
ARGSPEC.update(SCHEDULE_ARGSPEC)  # maintenance_window, auto_upgrade (_maintenance.py)


def user_set(options):
    """Drop options the user did not set (None)."""
    return dict((k, v) for k, v in options.items() if v is not None)


def same(current, wanted):
    """Whether an answered value is the wanted one: booleans as the API spells them, numbers as text (the SDK's
    node_cidr_mask is a string)."""
    if isinstance(wanted, bool):
        return truthy(current) == wanted
    if isinstance(wanted, int) and current is not None and not isinstance(current, bool):
        return str(current) == str(wanted)
    return current == wanted


def differences(current, wanted):
    """Keys of `wanted` whose value differs from `current` (only keys the user set are compared)."""
    return dict((k, v) for k, v in wanted.items() if not same(current.get(k), v))


def public_endpoint(cluster):
    """Whether the API server has a public endpoint: master_url (JSON text) has an api_server_endpoint beside its
    intranet_api_server_endpoint; None when master_url does not tell (a cluster not running yet)."""
    try:
        urls = json.loads(cluster.get('master_url') or '')
    except (TypeError, ValueError):
        return None
    return bool(urls.get('api_server_endpoint')) if isinstance(urls, dict) else None


def untold(view):
    """The options of a view the answers do not tell about: api_server_eip when master_url shows no endpoints."""
    return [k for k in ('api_server_eip',) if k in view and view[k] is None]


def listed_id(resources, resource_type, wanted, skip=None):
    """The id of a resource of this type in the cluster's resources: `wanted` when it is there, else the first
    (`skip` left out, e.g. the API server's own load balancer), else ''."""
    ids = [r.get('instance_id') for r in resources if isinstance(r, dict) and r.get('resource_type') == resource_type
           and r.get('instance_id') and r.get('instance_id') != skip]
    return wanted if wanted in ids else (ids[0] if ids else '')


def _token(body):
    """A client_token derived from the create inputs: a re-run or retried create finds the first cluster."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode('utf-8')).hexdigest()
    return 'ansible-%s' % digest[:32]


class ClusterPlanner(object):
    """Decides what a cluster task does: create (plus follow-up settings), update in place, tag, delete."""

    def __init__(self, ack):
        self.ack = ack
        self.params = ack.params
        self.client = ack.client
        self.ref = ClusterRef(ack, cluster_type=self.params['cluster_type'])
        self.cluster_id = self.ref.cluster_id

    def plan(self):
        check_tags('tags', self.params['tags'])
        check_schedule(self.params)
        current = self.ref.find()
        if self.params['state'] == 'absent':
            return self.plan_absent(current)
        if current is None:
            return self.plan_create()
        return self.plan_update(current)

    # ---- comparison -------------------------------------------------------------------
    def wanted(self):
        p = self.params
        keys = list(VISIBLE) + [k for k in MODIFIABLE if k not in NOT_COMPARED]
        wanted = user_set(dict((k, p[k]) for k in keys))
        if p['name'] and p['cluster_id']:
            wanted['name'] = p['name']
        if p['tags'] is not None:
            wanted['tags'] = dict((k, str(v)) for k, v in p['tags'].items())
        return wanted

    def current_view(self, current):
        wanted = self.wanted()
        view = dict((k, current.get(VISIBLE.get(k, k))) for k in wanted if k != 'tags' and k not in MODIFIABLE)
        view.update(self.modify_view(current, [k for k in wanted if k in MODIFIABLE]))
        if untold(view):
            self.ack.warn('%s not compared: the answers about cluster %s do not tell (its master_url shows no '
                          'endpoints yet)' % (', '.join(untold(view)), current.get('cluster_id')))
        view.update((k, truthy(view[k])) for k, v in wanted.items() if isinstance(v, bool) and k not in untold(view))
        if self.params['tags'] is not None:
            view['tags'] = tags_to_dict(current.get('tags'), user_only=True)
        return view

    def modify_view(self, current, keys):
        """The current value of each modifiable option among keys, from what the API answers (RESOURCE_TYPES)."""
        view, resources = {}, None
        for k in keys:
            if k == 'api_server_eip':
                view[k] = public_endpoint(current)
            elif k in RESOURCE_TYPES:
                if resources is None:
                    resources = self.client.call('DescribeClusterResources', 'GET', '/clusters/{}/resources',
                                                 current['cluster_id'], query={'with_addon_resources': 'true'})
                    resources = resources if isinstance(resources, list) else []
                view[k] = listed_id(resources, RESOURCE_TYPES[k], self.params[k],
                                    skip=current.get('external_loadbalancer_id'))
            else:
                view[k] = current.get(k)
        return view

    def changes(self, current, wanted, view):
        # A create-only option the detail does not report cannot be compared: it is used at creation only.
        compared = dict((k, v) for k, v in wanted.items()
                        if k != 'tags' and k not in untold(view) and (k not in VISIBLE or VISIBLE[k] in current))
        changes = differences(view, compared)
        if 'tags' in wanted:
            tags = merge_tags(view['tags'], wanted['tags'], self.params['purge_tags'])
            if tags != view['tags']:
                changes['tags'] = tags
        if 'name' in changes:
            raise AckModuleError('cluster %s is named %r, wanted %r: this module does not rename clusters' % (
                current.get('cluster_id'), current.get('name'), wanted['name']), cluster=current)
        fixed = sorted(k for k in changes if k in VISIBLE)
        if fixed:
            why = ['%s is %r, wanted %r%s' % (k, view.get(k), changes[k], ' (%s)' % HINTS[k] if k in HINTS else '')
                   for k in fixed]
            raise AckModuleError('cannot change %s of an existing cluster in place: %s' % (
                ', '.join(fixed), '; '.join(why)), cluster=current)
        return changes

    # ---- steps ------------------------------------------------------------------------
    def settled(self, cluster_id):
        """The conditions after a write on a cluster: its task (when it has one), then the cluster running."""
        return lambda answer: after_task(self.client, answer, cluster_running(self.client, cluster_id()))

    def modify_step(self, cluster_id, fields, label='ModifyCluster'):
        """ModifyCluster with fields (a dict, or a function returning one at run time; empty: no call)."""
        def run():
            body = fields() if callable(fields) else fields
            if not body:
                return None
            return self.client.call('ModifyCluster', 'PUT', '/api/v2/clusters/{}', cluster_id(), body=body)
        return Step(label, run, until=self.settled(cluster_id))

    def read(self, cluster_id):
        return lambda answers: describe_cluster(self.client, cluster_id())

    # ---- present ----------------------------------------------------------------------
    def plan_create(self):
        if self.cluster_id:
            raise self.ref.not_found(hint='to create a cluster give its name (and no cluster_id)')
        self.check_create()
        created = {}

        def cluster_id():
            return created['cluster_id']

        def create():
            answer = self.client.call('CreateCluster', 'POST', '/clusters', body=self.create_body(), idempotent=True)
            created['cluster_id'] = answer['cluster_id']
            return answer

        steps = [Step('CreateCluster', create, until=self.settled(cluster_id))]
        after = self.create_view()
        later = user_set(dict((k, self.params[k]) for k in AFTER_CREATE))
        scheduled = wanted_view(self.params)  # the maintenance window and automatic upgrades, set once it runs
        if later or scheduled:
            after.update(later)
            after.update(scheduled)
            steps.append(self.modify_step(cluster_id, lambda: self.follow_up(created['cluster_id'], later)))
        return Plan('cluster', None, {}, after, steps, finish=self.read(cluster_id))

    def follow_up(self, cluster_id, later):
        """What of `later` the new cluster does not already have (read after the create settled)."""
        cluster = describe_cluster(self.client, cluster_id) or {'cluster_id': cluster_id}
        view = self.modify_view(cluster, later)
        fields = dict((k, v) for k, v in later.items() if k in untold(view) or not same(view[k], v))
        if fields.get('ingress_loadbalancer_id') and self.params['ingress_domain_rebinding'] is not None:
            fields['ingress_domain_rebinding'] = self.params['ingress_domain_rebinding']
        fields.update(Schedule(self.ack, cluster).body)
        return fields

    def plan_update(self, current):
        cluster_id = current['cluster_id']
        wanted = self.wanted()
        before = self.current_view(current)
        changes = self.changes(current, wanted, before)
        after = dict(before)
        after.update(changes)
        steps = []
        modify = dict((k, v) for k, v in changes.items() if k in MODIFIABLE)
        schedule = Schedule(self.ack, current)  # the maintenance window and automatic upgrades
        before.update(schedule.before)
        after.update(schedule.after)
        modify.update(schedule.body)
        if modify:
            if 'ingress_loadbalancer_id' in modify and self.params['ingress_domain_rebinding'] is not None:
                modify['ingress_domain_rebinding'] = self.params['ingress_domain_rebinding']
            steps.append(self.modify_step(lambda: cluster_id, modify))
        if 'tags' in changes:
            system = [t for t in current.get('tags') or [] if is_system(t.get('key'))]
            tags = system + dict_to_tags(changes['tags'])
            steps.append(Step('ModifyClusterTags', lambda: self.client.call(
                'ModifyClusterTags', 'POST', '/clusters/{}/tags', cluster_id, body=tags),
                until=self.settled(lambda: cluster_id)))
        return Plan('cluster', current, before, after, steps, finish=self.read(lambda: cluster_id))

    def check_create(self):
        """Refuse, before any write, inputs ACK would refuse: the rules of the reference (see _rules.py)."""
        p = self.params
        if not p['name']:
            raise AckModuleError('name is required to create a cluster')
        if not p['cluster_type']:
            raise AckModuleError('cluster_type is required to create a cluster (one of %s)' % ', '.join(CLUSTER_TYPES))
        if not self.client.region:
            raise AckModuleError('a region is required to create a cluster: set alicloud_region, '
                                 'ALIBABA_CLOUD_REGION_ID or ALICLOUD_REGION, or region_id in the profile')
        kind = cluster_kind(p)
        check_required(p, REQUIRED[kind], 'to create a %s cluster' % KIND_WORDS[kind])
        if kind == 'serverless' and not p['vpc_id']:
            # 7.1.3 requires both; its sample, in an existing VPC and vSwitch (whose zone it is), sends neither
            check_required(p, SERVERLESS_OWN_VPC,
                           'to create a serverless (Ask) cluster in a VPC of its own (no vpc_id)')
        if kind != 'serverless' and not (p['key_pair'] or p['login_password']):
            raise AckModuleError('key_pair or login_password is required to create a %s cluster' % KIND_WORDS[kind])
        check_name('name', p['name'])
        check_password('login_password', p['login_password'])
        check_tags('tags', p['tags'])
        check_length('client_token', p['client_token'], 64)
        check_range('num_of_nodes', p['num_of_nodes'], 0, 300 if kind == 'edge' else 100)
        check_range('master_system_disk_size', p['master_system_disk_size'], 40, 500, ' GiB')
        check_worker_limits(p, WORKER_LIMITS['create'], SANDBOX_MIN_DATA_DISK if kind == 'sandboxed' else None,
                            () if kind == 'serverless' else ('vswitch_ids', 'master_vswitch_ids'))
        check_range('node_cidr_mask', p['node_cidr_mask'], 24, 28)
        check_at_least('timeout_mins', p['timeout_mins'], 1, ' minute')
        masters = p['master_count'] or 3
        if len(p['master_instance_types'] or [masters]) not in (1, masters):  # the SDK: one per master
            raise AckModuleError('master_instance_types: give one instance type, or one per master (%d), got %d'
                                 % (masters, len(p['master_instance_types'])))
        check_period(p, 'worker', SANDBOX_MONTHS if kind == 'sandboxed' else None)
        check_period(p, 'master')
        container = check_private_cidr('container_cidr', p['container_cidr'], (8, 24))
        service = check_private_cidr('service_cidr', p['service_cidr'], (16, 24))
        if container and service and container.overlaps(service):
            raise AckModuleError('container_cidr %s overlaps service_cidr %s' % (p['container_cidr'], p['service_cidr']))
        if kind == 'sandboxed':
            odd = [t for t in p['worker_instance_types'] or [] if t not in SANDBOX_CREATE_INSTANCE_TYPES]
            if odd:
                raise AckModuleError('sandboxed containers run only on %s, not %s' % (
                    ', '.join(SANDBOX_CREATE_INSTANCE_TYPES), ', '.join(odd)))
        for addon in p['addons'] or []:
            config_text(addon['name'], addon['config'])
        check_network_plugins([a['name'] for a in p['addons'] or [] if not a.get('disabled')], 'addons')
        others = [c for c in find_clusters(self.client, name=p['name']) if c.get('cluster_type') != p['cluster_type']]
        if others:
            raise AckModuleError('a cluster named %r already exists with cluster_type %s (%s); names are unique in a '
                                 'region' % (p['name'], others[0].get('cluster_type'), others[0].get('cluster_id')))

    def create_view(self):
        """The create request as the diff shows it: no password, no token."""
        return dict((k, v) for k, v in self.create_body().items() if k not in ('login_password', 'client_token'))

    def create_body(self):
        p = self.params
        body = {'name': p['name'], 'region_id': self.client.region}
        for k in CREATE_ONLY:
            if p[k] is not None:
                body[API_NAMES.get(k, k)] = clean(p[k])
        # as the SDK sends them: node_cidr_mask and a data disk's size and encrypted as text, an add-on's config as
        # JSON text
        if p['node_cidr_mask'] is not None:
            body['node_cidr_mask'] = str(p['node_cidr_mask'])
        if p['worker_data_disks']:
            body['worker_data_disks'] = data_disks(p['worker_data_disks'])
        for addon in body.get('addons') or []:
            if isinstance(addon.get('config'), dict):  # (text is checked by check_create)
                addon['config'] = config_text(addon['name'], addon['config'])
        for k in ('deletion_protection', 'resource_group_id'):
            if p[k] is not None:
                body[k] = p[k]
        if p['tags']:
            body['tags'] = dict_to_tags(dict((k, str(v)) for k, v in p['tags'].items()))
        secret_free = dict((k, v) for k, v in body.items() if k != 'login_password')
        body['client_token'] = p['client_token'] or _token(secret_free)
        return body

    # ---- absent -----------------------------------------------------------------------
    def plan_absent(self, current):
        if current is None:
            return Plan('cluster')
        cluster_id = current['cluster_id']
        keys = ('cluster_id', 'name', 'cluster_type', 'state', 'region_id', 'current_version')
        before = dict((k, current.get(k)) for k in keys)
        steps = []
        if truthy(current.get('deletion_protection')):
            if self.params['deletion_protection'] is not False:
                raise AckModuleError(
                    'cluster %s has deletion protection; set deletion_protection: false in this task to turn it off '
                    'and delete the cluster' % cluster_id, cluster=current)
            steps.append(self.modify_step(lambda: cluster_id, {'deletion_protection': False}))
        steps.append(Step('DeleteCluster',
                          lambda: self.client.call('DeleteCluster', 'DELETE', '/clusters/{}', cluster_id),
                          until=lambda answer: [cluster_gone(self.client, cluster_id)],
                          done_codes=('ErrorClusterNotFound', 'InvalidStatus.ClusterState')))
        return Plan('cluster', current, before, {}, steps)
