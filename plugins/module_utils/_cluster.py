# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster service: find, create, update in place, tag and delete ACK clusters."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import ipaddress
import json
import re

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._state import StatefulResource, differences, user_set
from ansible_collections.alicloud.ack.plugins.module_utils._tags import dict_to_tags, is_system, merge_tags, tags_to_dict
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Waiter

CLUSTER_TYPES = ['Kubernetes', 'ManagedKubernetes', 'Ask']
GONE = ('deleted',)
FAILED = ('failed', 'delete_failed')
# States a cluster leaves by itself soon: with wait, a task waits for running before comparing.
# (upgrading is left out: an upgrade can be paused for days.)
SETTLING = ('initial', 'updating', 'scaling', 'removing', 'draining', 'waiting')

_DISK = dict(category=dict(type='str', required=True), size=dict(type='int', required=True),
             encrypted=dict(type='bool'), performance_level=dict(type='str'))
_ADDON = dict(name=dict(type='str', required=True), version=dict(type='str'), config=dict(type='str'),
              disabled=dict(type='bool'))
_TAINT = dict(key=dict(type='str', required=True, no_log=False), value=dict(type='str'),
              effect=dict(type='str', choices=['NoSchedule', 'NoExecute', 'PreferNoSchedule'], default='NoSchedule'))
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
    key_pair=dict(type='str', no_log=False),
    login_password=dict(type='str', no_log=True),
    master_count=dict(type='int', choices=[3, 5]),
    master_instance_types=dict(type='list', elements='str'),
    master_system_disk_category=dict(type='str'),
    master_system_disk_size=dict(type='int'),
    master_instance_charge_type=dict(type='str', choices=['PrePaid', 'PostPaid']),
    master_period=dict(type='int'),
    master_period_unit=dict(type='str', choices=['Month', 'Year']),
    master_auto_renew=dict(type='bool'),
    master_auto_renew_period=dict(type='int'),
    num_of_nodes=dict(type='int'),
    worker_instance_types=dict(type='list', elements='str'),
    worker_system_disk_category=dict(type='str'),
    worker_system_disk_size=dict(type='int'),
    worker_data_disks=dict(type='list', elements='dict', options=_DISK),
    worker_instance_charge_type=dict(type='str', choices=['PrePaid', 'PostPaid']),
    worker_period=dict(type='int'),
    worker_period_unit=dict(type='str', choices=['Month', 'Year']),
    worker_auto_renew=dict(type='bool'),
    worker_auto_renew_period=dict(type='int'),
    cloud_monitor_flags=dict(type='bool'),
    cpu_policy=dict(type='str', choices=['none', 'static']),
    runtime=dict(type='dict', options=_RUNTIME),
    platform=dict(type='str'),
    os_type=dict(type='str'),
    image_id=dict(type='str'),
    user_data=dict(type='str'),
    addons=dict(type='list', elements='dict', options=_ADDON),
    taints=dict(type='list', elements='dict', options=_TAINT),
    timeout_mins=dict(type='int'),
    disable_rollback=dict(type='bool'),
)
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
    name=dict(type='str'),
    tags=dict(type='dict', aliases=['resource_tags']),
    purge_tags=dict(type='bool', default=True),
    client_token=dict(type='str', no_log=False),
)
ARGSPEC.update(CREATE_ONLY)
ARGSPEC.update(MODIFIABLE)


def find_clusters(client, name=None, cluster_type=None, cluster_id=None):
    """Clusters of the client's region matching exactly, all pages followed (DescribeClustersV1); deleted ones
    left out."""
    query = {'name': name, 'cluster_type': cluster_type, 'cluster_id': cluster_id, 'region_id': client.region}
    found = []
    for c in client.paginate_pages('DescribeClustersV1', '/api/v1/clusters', query, 'clusters'):
        if name is not None and c.get('name') != name:
            continue
        if cluster_type is not None and c.get('cluster_type') != cluster_type:
            continue
        if cluster_id is not None and c.get('cluster_id') != cluster_id:
            continue
        if c.get('state') in GONE:
            continue
        found.append(c)
    return found


def describe_cluster(client, cluster_id):
    """Cluster detail, or None when the cluster does not exist."""
    try:
        return client.call('DescribeClusterDetail', 'GET', '/clusters/%s' % cluster_id)
    except AckApiError as e:
        if e.http_status == 404 or e.code == 'ErrorClusterNotFound':
            return None
        raise


def _token(body):
    """A client_token derived from the create inputs: a re-run or retried create finds the first cluster."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode('utf-8')).hexdigest()
    return 'ansible-%s' % digest[:32]


class ClusterService(StatefulResource):

    result_key = 'cluster'
    immutable = tuple(VISIBLE)

    # ---- lookup -----------------------------------------------------------------------
    def find(self):
        """The cluster, once it has settled when wait is on; a cluster being deleted counts as absent."""
        cluster = self.lookup()
        state = (cluster or {}).get('state')
        if state == 'deleting':
            if self.params['wait']:
                self.wait_gone(cluster['cluster_id'])
            return None
        if state in SETTLING and self.params['wait']:
            return self.settle(cluster['cluster_id'])
        return cluster

    def lookup(self):
        p = self.params
        if p['cluster_id']:
            return describe_cluster(self.client, p['cluster_id'])
        if not p['name']:
            raise AckModuleError('one of cluster_id or name is required')
        found = find_clusters(self.client, name=p['name'], cluster_type=p['cluster_type'])
        if len(found) > 1:
            raise AckModuleError('%d clusters are named %r: %s; set cluster_id (or cluster_type) to choose one' % (
                len(found), p['name'], ', '.join(sorted(c['cluster_id'] for c in found))))
        if not found:
            return None
        return describe_cluster(self.client, found[0]['cluster_id'])

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
        view = dict((k, current.get(VISIBLE.get(k, k))) for k in self.wanted() if k != 'tags')
        if self.params['tags'] is not None:
            view['tags'] = tags_to_dict(current.get('tags'), user_only=True)
        return view

    def changes(self, current, wanted):
        view = self.current_view(current)
        # A create-only option the detail does not report cannot be compared: it is used at creation only.
        compared = dict((k, v) for k, v in wanted.items()
                        if k != 'tags' and (k not in VISIBLE or VISIBLE[k] in current))
        changes = differences(view, compared)
        if 'tags' in wanted:
            tags = merge_tags(view['tags'], wanted['tags'], self.params['purge_tags'])
            if tags != view['tags']:
                changes['tags'] = tags
        if 'name' in changes:
            raise AckModuleError('cluster %s is named %r, wanted %r: this module does not rename clusters' % (
                current.get('cluster_id'), current.get('name'), wanted['name']), cluster=current)
        return changes

    def hint(self, option):
        return HINTS.get(option)

    # ---- writes -----------------------------------------------------------------------
    def check_create(self):
        """Refuse, before any write, inputs ACK would refuse: the cheap rules of the reference."""
        p = self.params
        if not p['name']:
            raise AckModuleError('name is required to create a cluster')
        if not p['cluster_type']:
            raise AckModuleError('cluster_type is required to create a cluster (one of %s)' % ', '.join(CLUSTER_TYPES))
        if not self.client.region:
            raise AckModuleError('a region is required to create a cluster: set alicloud_region, '
                                 'ALIBABA_CLOUD_REGION_ID or ALICLOUD_REGION, or region_id in the profile')
        if p['login_password'] is not None and not _strong(p['login_password']):
            raise AckModuleError('login_password must be 8 to 30 characters and contain three of: upper case '
                                 'letters, lower case letters, digits, special characters')
        if p['num_of_nodes'] is not None and p['num_of_nodes'] < 0:
            raise AckModuleError('num_of_nodes must not be negative, got %d' % p['num_of_nodes'])
        cidrs = [(k, _network(k, p[k])) for k in ('container_cidr', 'service_cidr') if p[k]]
        if len(cidrs) == 2 and cidrs[0][1].overlaps(cidrs[1][1]):
            raise AckModuleError('container_cidr %s overlaps service_cidr %s' % (p['container_cidr'], p['service_cidr']))

    def delete_view(self, current):
        keys = ('cluster_id', 'name', 'cluster_type', 'state', 'region_id', 'current_version')
        return dict((k, current.get(k)) for k in keys)

    def create_view(self):
        """The create request as the diff shows it: no password, no token."""
        return dict((k, v) for k, v in self.create_body().items() if k not in ('login_password', 'client_token'))

    def create_body(self):
        p = self.params
        body = {'name': p['name'], 'region_id': self.client.region}
        for k in CREATE_ONLY:
            if p[k] is not None:
                body[API_NAMES.get(k, k)] = _clean(p[k])
        for k in ('deletion_protection', 'resource_group_id'):
            if p[k] is not None:
                body[k] = p[k]
        if p['tags']:
            body['tags'] = dict_to_tags(dict((k, str(v)) for k, v in p['tags'].items()))
        secret_free = dict((k, v) for k, v in body.items() if k != 'login_password')
        body['client_token'] = p['client_token'] or _token(secret_free)
        return body

    def create(self):
        answer = self.client.call('CreateCluster', 'POST', '/clusters', body=self.create_body(), idempotent=True)
        cluster_id, task_id = answer['cluster_id'], answer.get('task_id')
        return self.settle(cluster_id, task_id), task_id

    def update(self, current, changes):
        cluster_id = current['cluster_id']
        task_ids = []
        modify = dict((k, v) for k, v in changes.items() if k in MODIFIABLE)
        if modify:
            if 'ingress_loadbalancer_id' in modify and self.params['ingress_domain_rebinding'] is not None:
                modify['ingress_domain_rebinding'] = self.params['ingress_domain_rebinding']
            task_ids.append(self.modify(cluster_id, modify))
        if 'tags' in changes:
            system = [t for t in current.get('tags') or [] if is_system(t.get('key'))]
            tags = system + dict_to_tags(changes['tags'])
            answer = self.client.call('ModifyClusterTags', 'POST', '/clusters/%s/tags' % cluster_id, body=tags)
            task_ids.append((answer or {}).get('task_id'))
        task_ids = [t for t in task_ids if t]
        return self.settle(cluster_id, *task_ids), (task_ids[-1] if task_ids else None)

    def modify(self, cluster_id, fields):
        answer = self.client.call('ModifyCluster', 'PUT', '/api/v2/clusters/%s' % cluster_id, body=fields)
        return (answer or {}).get('task_id')

    def check_delete(self, current):
        if current.get('deletion_protection') and self.params['deletion_protection'] is not False:
            raise AckModuleError(
                'cluster %s has deletion protection; set deletion_protection: false in this task to turn it off '
                'and delete the cluster' % current['cluster_id'], cluster=current)

    def prepare_delete(self, current):
        if current.get('deletion_protection'):
            self.settle(current['cluster_id'], self.modify(current['cluster_id'], {'deletion_protection': False}))

    def delete(self, current):
        cluster_id = current['cluster_id']
        answer = self.client.call('DeleteCluster', 'DELETE', '/clusters/%s' % cluster_id)
        task_id = (answer or {}).get('task_id')
        if self.params['wait']:
            self.wait_gone(cluster_id)
        return task_id

    # ---- waiting ----------------------------------------------------------------------
    def waiter(self):
        return Waiter(self.params['wait_timeout'], self.params['wait_sleep'])

    def wait_gone(self, cluster_id):
        self.waiter().until(lambda: describe_cluster(self.client, cluster_id),
                            lambda c: c is None or c.get('state') in GONE,
                            'cluster %s to be deleted' % cluster_id,
                            lambda c: _failure(c, 'deleted'))

    def settle(self, cluster_id, *task_ids):
        """With wait: follow the tasks, then the cluster until running. Returns the cluster detail."""
        if not self.params['wait']:
            return describe_cluster(self.client, cluster_id)
        waiter = self.waiter()
        for task_id in task_ids:
            if task_id:
                waiter.task(self.client, task_id)
        return waiter.until(lambda: describe_cluster(self.client, cluster_id),
                            lambda c: c is not None and c.get('state') == 'running',
                            'cluster %s to be running' % cluster_id,
                            lambda c: _failure(c, 'running'))


def _failure(cluster, goal):
    if cluster is not None and cluster.get('state') in FAILED:
        return 'cluster %s is %s while waiting for it to be %s' % (cluster.get('cluster_id'), cluster['state'], goal)
    return None


def _strong(password):
    kinds = [r'[A-Z]', r'[a-z]', r'[0-9]', r'[^A-Za-z0-9]']
    return 8 <= len(password) <= 30 and sum(1 for k in kinds if re.search(k, password)) >= 3


def _network(option, value):
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise AckModuleError('%s is not a CIDR block: %r' % (option, value))


def _clean(value):
    """Drop unset suboptions so the API sees only what the user wrote."""
    if isinstance(value, dict):
        return dict((k, _clean(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
