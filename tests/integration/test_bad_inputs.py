"""Issue #16: a corpus of bad inputs across every module, run as one ansible-playbook per group.

Each case must fail with a one-line message naming the problem, without a traceback, with `error` data
({code, message, request_id, http_status}) when the API refused a read, and no write call may reach the emulator.
Types, choices and missing options are refused by the argument spec; the other rules by the planners.
"""
import threading

import pytest

from ack_emulator.client import SignedClient
from ack_emulator.testing import free_port
from cases import assert_one_line_failure, run_cases
from conftest import Playbook

V128, V126 = '1.28.9-aliyun.1', '1.26.15-aliyun.1'
UNKNOWN_CLUSTER = 'c0123456789abcdef0123456789abcdef'
UNKNOWN_TEMPLATE = '20663627-81ee-4cfe-9b69-c96fcb84a674'
WRITES = ('CreateCluster', 'ModifyCluster', 'DeleteCluster', 'ModifyClusterTags', 'ScaleOutCluster',
          'RemoveClusterNodes', 'DeleteClusterNodes', 'AttachInstances', 'UpgradeCluster', 'PauseClusterUpgrade',
          'CancelClusterUpgrade', 'ResumeUpgradeCluster', 'CreateTemplate', 'UpdateTemplate', 'DeleteTemplate',
          'InstallClusterAddons', 'UnInstallClusterAddons', 'UpgradeClusterAddons', 'CreateClusterNodePool',
          'ModifyClusterNodePool', 'ScaleClusterNodePool', 'RemoveNodePoolNodes', 'UpgradeClusterNodepool',
          'DeleteClusterNodepool', 'RevokeK8sClusterKubeConfig')
SEEDED = {'name': 'bad-inputs', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
          'vpcid': 'vpc-bad00001', 'vswitch_ids': ['vsw-bad00001'], 'num_of_nodes': 1,
          'kubernetes_version': V128, 'worker_instance_types': ['ecs.g7.xlarge'],
          'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
          'snat_entry': True, 'container_cidr': '172.20.0.0/16', 'service_cidr': '172.21.0.0/20'}
NEW = dict(name='bad-new', cluster_type='ManagedKubernetes', vpc_id='vpc-bad00002', vswitch_ids=['vsw-bad00002'],
           num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
           worker_system_disk_size=120, key_pair='k1', snat_entry=True)
SCALE = dict(worker_instance_types=['ecs.g7.xlarge'], key_pair='k1')
MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  key: value\n'
ONE_OF_CLUSTER = 'one of the following is required: cluster_id, name'
BROKEN = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n   namespace: default\n'


def key(access=None, secret=None, token=None):
    """Credentials as options: the emulator's demo pair unless told otherwise."""
    args = dict(alicloud_access_key=access or 'LTAI5tACKEMULATORDEMO',
                alicloud_secret_key=secret or 'ack-emulator-demo-secret-0123456789')
    return dict(args, alicloud_security_token=token) if token else args


def new(**change):
    """A cluster to create, with the change (None removes an option)."""
    args = dict(NEW, **change)
    return dict((k, v) for k, v in args.items() if v is not None)


def corpus(cid, tid, emulator_port, closed_port, files):
    """[(label, module, args, words in msg, API error code or None, extra task keys)]."""
    c = dict(cluster_id=cid)
    unreachable = dict(endpoint='http://127.0.0.1:%d' % closed_port, api_retries=0)
    m = 'alicloud.ack.'
    cases = [
        # -- connection, credentials and common numbers, spread over the modules ---------------------------
        ('connect_timeout type', m + 'ack_cluster_info', {'connect_timeout': 'soon'}, 'connect_timeout', None),
        ('read_timeout 0', m + 'ack_nodes_info', dict(c, read_timeout=0), 'read_timeout must be at least 1', None),
        ('api_retries -1', m + 'ack_template_info', {'api_retries': -1}, 'api_retries must be at least 0', None),
        ('api_retry_max_delay 0', m + 'ack_addon_info', dict(c, api_retry_max_delay=0),
         'api_retry_max_delay must be at least 1', None),
        ('signature_version v2', m + 'ack_upgrade_info', dict(c, signature_version='v2'), 'signature_version', None),
        ('validate_certs type', m + 'ack_kubeconfig', dict(c, validate_certs='maybe'), 'validate_certs', None),
        ('wait_timeout 0', m + 'ack_addon', dict(c, addons=[{'name': 'logtail-ds'}], wait_timeout=0),
         'wait_timeout must be at least 1', None),
        ('wait_sleep -1', m + 'ack_upgrade', dict(c, version=V128, wait_sleep=-1), 'wait_sleep must be at least',
         None),
        ('wait type', m + 'ack_nodes', dict(c, count=1, wait='sometimes'), 'wait', None),
        ('endpoint ftp', m + 'ack_cluster_info', {'endpoint': 'ftp://host'}, 'is not an http(s) URL', None),
        ('endpoint not a URL', m + 'ack_template_info', {'endpoint': 'http://[bad'}, 'is not a URL', None),
        ('endpoint without host', m + 'ack_nodes_info', dict(c, endpoint='http://'), 'is not an http(s) URL', None),
        ('region not a region', m + 'ack_upgrade_info', dict(c, alicloud_region='Hangzhou'), 'is not a region id',
         None),
        ('unknown option', m + 'ack_cluster_info', {'bogus': 1}, 'Unsupported parameters', None),
        ('unknown profile', m + 'ack_template_info', {'profile': 'nope', 'alicloud_access_key': None,
                                                      'shared_credentials_file': files['missing']}, 'nope', None),
        ('access key without secret', m + 'ack_addon_info', dict(c, alicloud_access_key='LTAI5tUNKNOWNKEY0000'),
         'give both', None),
        ('secret without access key', m + 'ack_template_info', {'alicloud_secret_key': 'not-the-secret'},
         'give both', None),
        ('token without a key', m + 'ack_upgrade_info', dict(c, alicloud_security_token='CAIS-not-sts'),
         'without access_key and secret_key', None),
        ('unknown access key', m + 'ack_addon_info', dict(c, **key(access='LTAI5tUNKNOWNKEY0000')),
         'InvalidAccessKeyId.NotFound', 'InvalidAccessKeyId.NotFound'),
        ('wrong secret', m + 'ack_template_info', key(secret='not-the-secret'), 'SignatureDoesNotMatch',
         'SignatureDoesNotMatch'),
        ('token for a plain key', m + 'ack_upgrade_info', dict(c, **key(token='CAIS-not-sts')),
         'InvalidSecurityToken', 'InvalidSecurityToken.MismatchWithAccessKey'),
        ('unknown region', m + 'ack_cluster_info', {'alicloud_region': 'xx-nowhere'}, 'region', 'InvalidParameter'),
        ('closed port', m + 'ack_cluster_info', dict(unreachable), 'ConnectionError', None),
        ('closed port, state module', m + 'ack_kubeconfig', dict(c, path=files['kube'], **unreachable),
         'ConnectionError', None),
        ('closed port, nodes', m + 'ack_nodes', dict(c, count=2, **dict(SCALE, **unreachable)), 'ConnectionError',
         None),
        ('TLS to a plain HTTP port', m + 'ack_nodes_info',
         dict(c, endpoint='https://127.0.0.1:%d' % emulator_port, api_retries=0, read_timeout=1), 'Timeout', None),
        ('no region to create', m + 'ack_cluster', new(), 'a region is required', None,
         {'environment': {'ALIBABA_CLOUD_REGION_ID': ''}}),
        # -- ack_cluster ------------------------------------------------------------------------------------
        ('state choice', m + 'ack_cluster', new(state='gone'), 'state', None),
        ('cluster_type choice', m + 'ack_cluster', new(cluster_type='Serverless'), 'cluster_type', None),
        ('num_of_nodes type', m + 'ack_cluster', new(num_of_nodes='three'), 'num_of_nodes', None),
        ('num_of_nodes 101', m + 'ack_cluster', new(num_of_nodes=101), 'num_of_nodes must be 0 to 100', None),
        ('master_count choice', m + 'ack_cluster', new(master_count=4), 'master_count', None),
        ('proxy_mode choice', m + 'ack_cluster', new(proxy_mode='nftables'), 'proxy_mode', None),
        ('name hyphen', m + 'ack_cluster', new(name='-bad'), 'is not valid', None),
        ('name too long', m + 'ack_cluster', new(name='x' * 64), 'is not valid', None),
        ('21 tags', m + 'ack_cluster', new(tags=dict(('k%d' % i, 'v') for i in range(21))), 'at most 20 tags', None),
        ('tag acs:', m + 'ack_cluster', new(tags={'acs:team': 'a'}), 'may not start with', None),
        ('tag aliyun', m + 'ack_cluster', new(tags={'aliyunTeam': 'a'}), 'may not start with', None),
        ('tag value too long', m + 'ack_cluster', new(tags={'k': 'v' * 129}), 'at most 128', None),
        ('container_cidr public', m + 'ack_cluster', new(container_cidr='8.8.0.0/16'), 'must be inside 10.0.0.0/8',
         None),
        ('container_cidr host bits', m + 'ack_cluster', new(container_cidr='172.20.0.1/16'), 'host bits zero', None),
        ('container_cidr text', m + 'ack_cluster', new(container_cidr='not-a-cidr'), 'is not a CIDR block', None),
        ('container_cidr IPv6', m + 'ack_cluster', new(container_cidr='fd00::/64'), 'must be inside', None),
        ('service_cidr prefix', m + 'ack_cluster', new(service_cidr='10.0.0.0/8'), 'prefix length', None),
        ('CIDRs overlap', m + 'ack_cluster', new(container_cidr='172.20.0.0/16', service_cidr='172.20.0.0/20'),
         'overlaps', None),
        ('node_cidr_mask 30', m + 'ack_cluster', new(node_cidr_mask=30), 'node_cidr_mask must be 24 to 28', None),
        ('system disk 30', m + 'ack_cluster', new(worker_system_disk_size=30), 'worker_system_disk_size must be',
         None),
        ('data disk 10', m + 'ack_cluster', new(worker_data_disks=[{'category': 'cloud_essd', 'size': 10}]),
         'worker_data_disks size must be', None),
        ('data disk without size', m + 'ack_cluster', new(worker_data_disks=[{'category': 'cloud_essd'}]), 'size',
         None),
        ('PrePaid period 5', m + 'ack_cluster', new(worker_instance_charge_type='PrePaid', worker_period=5),
         'worker_period must be one of', None),
        ('PrePaid without period', m + 'ack_cluster', new(worker_instance_charge_type='PrePaid'),
         'worker_period is required', None),
        ('weak password', m + 'ack_cluster', new(key_pair=None, login_password='weak'), 'login_password must be',
         None),
        ('password non-ASCII', m + 'ack_cluster', new(key_pair=None, login_password='Abc12345\u00e9\u00e9'),
         'not allowed', None),
        ('client_token 65', m + 'ack_cluster', new(client_token='t' * 65), 'client_token must be at most 64', None),
        ('no vpc_id', m + 'ack_cluster', new(vpc_id=None), 'vpc_id is required', None),
        ('no login', m + 'ack_cluster', new(key_pair=None), 'key_pair or login_password is required', None),
        ('no cluster_type', m + 'ack_cluster', new(cluster_type=None), 'cluster_type is required', None),
        ('id as path', m + 'ack_cluster', {'cluster_id': '../../etc/passwd'}, 'is not a valid id', None),
        ('id encoded slash', m + 'ack_cluster', {'cluster_id': 'c%2F..', 'state': 'absent'}, 'is not a valid id',
         None),
        ('unknown cluster_id', m + 'ack_cluster', {'cluster_id': UNKNOWN_CLUSTER}, 'not found', 'ErrorClusterNotFound'),
        ('nothing named', m + 'ack_cluster', {'tags': {'a': 'b'}}, 'name', None),
        ('other cluster_type, same name', m + 'ack_cluster',
         new(name='bad-inputs', cluster_type='Ask', key_pair=None, num_of_nodes=None, worker_instance_types=None,
             worker_system_disk_category=None, worker_system_disk_size=None), 'already exists with cluster_type',
         None),
        ('rename by id', m + 'ack_cluster', {'cluster_id': cid, 'name': 'renamed'}, 'does not rename', None),
        ('vpc_id in place', m + 'ack_cluster', {'cluster_id': cid, 'vpc_id': 'vpc-bad09999'}, 'cannot change', None),
        ('tags type', m + 'ack_cluster', {'cluster_id': cid, 'tags': ['env', 'prod']}, 'tags', None),
        ('reserved tag on update', m + 'ack_cluster', {'cluster_id': cid, 'tags': {'acs:x': '1'}},
         'may not start with', None),
        ('id and name of two clusters', m + 'ack_cluster', {'cluster_id': UNKNOWN_CLUSTER, 'name': 'bad-inputs'},
         'not found', 'ErrorClusterNotFound'),
        # -- ack_cluster: the maintenance window and automatic upgrades (#24) ---------------------------------
        ('window time format', m + 'ack_cluster', dict(c, maintenance_window={'maintenance_time': '3 am'}),
         'maintenance_window.maintenance_time must be an RFC 3339 time', None),
        ('window time out of range', m + 'ack_cluster', dict(c, maintenance_window={
            'maintenance_time': '2024-10-15T25:00:00Z'}), 'maintenance_window.maintenance_time must be', None),
        ('window duration 25h', m + 'ack_cluster', dict(c, maintenance_window={'duration': '25h'}),
         'maintenance_window.duration must be 1 to 24 hours', None),
        ('window weekday', m + 'ack_cluster', dict(c, maintenance_window={'weekly_period': ['Funday']}),
         'maintenance_window.weekly_period must name weekdays', None),
        ('window recurrence daily', m + 'ack_cluster', dict(c, maintenance_window={'recurrence': 'FREQ=DAILY'}),
         'only FREQ=WEEKLY', None),
        ('window on a new cluster', m + 'ack_cluster', new(maintenance_window={'duration': '0h'}),
         'maintenance_window.duration must be', None),
        ('window enabled without a time', m + 'ack_cluster', dict(c, maintenance_window={'enable': True}),
         'maintenance_time is required to enable', None),
        ('auto upgrade channel choice', m + 'ack_cluster', dict(c, auto_upgrade={'enabled': True, 'channel': 'fast'}),
         'channel', None),
        ('auto upgrade without enabled', m + 'ack_cluster', dict(c, auto_upgrade={'channel': 'stable'}), 'enabled',
         None),
        ('auto upgrade without a channel', m + 'ack_cluster', dict(c, auto_upgrade={'enabled': True}),
         'auto_upgrade.channel (patch, stable, rapid) is required', None),
        # -- ack_cluster_info ---------------------------------------------------------------------------------
        ('gather choice', m + 'ack_cluster_info', dict(c, gather=['everything']), 'gather', None),
        ('kubeconfig_duration type', m + 'ack_cluster_info', dict(c, kubeconfig_duration='long'),
         'kubeconfig_duration', None),
        ('kubeconfig_duration 5', m + 'ack_cluster_info', dict(c, gather=['kubeconfig'], kubeconfig_duration=5),
         'kubeconfig_duration must be 15 to 4320', None),
        ('info id as path', m + 'ack_cluster_info', {'cluster_id': '..'}, 'is not a valid id', None),
        ('info id with query', m + 'ack_cluster_info', {'cluster_id': 'c123?x=1'}, 'is not a valid id', None),
        # -- ack_nodes ----------------------------------------------------------------------------------------
        ('count -1', m + 'ack_nodes', dict(c, count=-1), 'count must not be negative', None),
        ('count type', m + 'ack_nodes', dict(c, count='many'), 'count', None),
        ('nodes state choice', m + 'ack_nodes', dict(c, state='drained', nodes=['x']), 'state', None),
        ('remove_policy choice', m + 'ack_nodes', dict(c, count=1, remove_policy='random'), 'remove_policy', None),
        ('remove_policy without count', m + 'ack_nodes',
         dict(c, instances=['i-bad00001'], key_pair='k1', remove_policy='oldest'), 'set count too', None),
        ('nodes with state present', m + 'ack_nodes', dict(c, nodes=['cn-hangzhou.10.99.99.99']), 'state=absent',
         None),
        ('absent without nodes', m + 'ack_nodes', dict(c, state='absent'), 'state=absent needs nodes', None),
        ('instances with state absent', m + 'ack_nodes', dict(c, state='absent', instances=['i-bad00001'],
                                                              nodes=['x']), 'attached with state=present', None),
        ('present with nothing', m + 'ack_nodes', dict(c), 'needs count', None),
        ('unknown node and count', m + 'ack_nodes', dict(c, state='absent', nodes=['cn-hangzhou.10.99.99.99'],
                                                         count=0), 'not in the cluster', None),
        ('ENS option on managed', m + 'ack_nodes', dict(c, count=3, ens_region_id='cn-beijing-telecom', **SCALE),
         'ens_region_id does not apply', None),
        ('edge worker on managed', m + 'ack_nodes', dict(c, count=3, is_edge_worker=True, **SCALE),
         'is not an edge cluster', None),
        ('password and key pair', m + 'ack_nodes', dict(c, count=3, login_password='Bad-Passw0rd!', **SCALE),
         'mutually exclusive', None),
        ('scale without type', m + 'ack_nodes', dict(c, count=3, key_pair='k1'),
         'worker_instance_types is required to scale out', None),
        ('nodes weak password', m + 'ack_nodes', dict(c, count=3, worker_instance_types=['ecs.g7.xlarge'],
                                                      login_password='weak'), 'login_password must be', None),
        ('instance id malformed', m + 'ack_nodes', dict(c, instances=['instance-1'], key_pair='k1'),
         'is not a valid id', None),
        ('instance id as path', m + 'ack_nodes', dict(c, instances=['i-../../x'], key_pair='k1'),
         'is not a valid id', None),
        ('count below present', m + 'ack_nodes', dict(c, count=0), 'remove_policy', None),
        ('nodes data disk without size', m + 'ack_nodes',
         dict(c, count=3, worker_data_disks=[{'category': 'cloud_essd'}], **SCALE), 'size', None),
        ('period unit choice', m + 'ack_nodes', dict(c, count=3, worker_period_unit='Year', **SCALE),
         'worker_period_unit', None),
        ('ENS charge choice', m + 'ack_nodes', dict(c, count=3, ens_internet_charge_type='Free', **SCALE),
         'ens_internet_charge_type', None),
        ('nodes unknown cluster', m + 'ack_nodes', dict(SCALE, cluster_id=UNKNOWN_CLUSTER, count=3),
         'not found', 'ErrorClusterNotFound'),
        ('nodes unknown name', m + 'ack_nodes', dict(SCALE, name='no-such-cluster', count=3), 'no-such-cluster',
         None),
        ('nodes id as path', m + 'ack_nodes', dict(SCALE, cluster_id='c1/../../clusters', count=3),
         'is not a valid id', None),
        ('nodes no cluster', m + 'ack_nodes', dict(SCALE, count=3), ONE_OF_CLUSTER, None),
        # -- ack_nodes_info -----------------------------------------------------------------------------------
        ('arch choice', m + 'ack_nodes_info', dict(c, gather=['attach_script'], arch='x86'), 'arch', None),
        ('nodes gather choice', m + 'ack_nodes_info', dict(c, gather=['secrets']), 'gather', None),
        ('nodepool_id malformed', m + 'ack_nodes_info', dict(c, nodepool_id='np/../x'), 'is not a valid id', None),
        ('nodes_info no cluster', m + 'ack_nodes_info', {}, ONE_OF_CLUSTER, None),
        ('nodes_info options type', m + 'ack_nodes_info', dict(c, options=['a']), 'options', None),
        # -- ack_nodepool, ack_nodepool_info (the seeded cluster's default pool: default-nodepool, 1 node) ------
        ('pool size -1', m + 'ack_nodepool', dict(c, name='p', desired_size=-1), 'desired_size must not be negative',
         None),
        ('pool not named', m + 'ack_nodepool', dict(c, desired_size=1),
         'one of the following is required: name, nodepool_id', None),
        ('pool no cluster', m + 'ack_nodepool', {'name': 'p', 'desired_size': 1},
         'one of the following is required: cluster_id, cluster_name', None),
        ('pool id as path', m + 'ack_nodepool', dict(c, nodepool_id='np/../x'), 'is not a valid id', None),
        ('pool name invalid', m + 'ack_nodepool', dict(c, name='-pool'), "name '-pool' is not valid", None),
        ('pool min above max', m + 'ack_nodepool', dict(c, name='p', auto_scaling={'min_instances': 3,
                                                                                   'max_instances': 1}),
         'auto_scaling.min_instances (3) is more than', None),
        ('pool size with auto scaling', m + 'ack_nodepool', dict(c, name='p', desired_size=1, auto_scaling={
            'enable': True, 'max_instances': 2}), 'desired_size does not apply with auto_scaling.enable', None),
        ('pool scaling type choice', m + 'ack_nodepool', dict(c, name='p', auto_scaling={'type': 'tpu'}), 'type',
         None),
        ('pool force with present', m + 'ack_nodepool', dict(c, name='default-nodepool', force=True),
         'use it with state=absent', None),
        ('pool rolling policy alone', m + 'ack_nodepool', dict(c, name='p', rolling_policy={'max_parallelism': 1}),
         'rolling_policy goes with kubernetes_version', None),
        ('pool version malformed', m + 'ack_nodepool', dict(c, name='default-nodepool', kubernetes_version='latest'),
         'is not a Kubernetes version', None),
        ('pool new without types', m + 'ack_nodepool', dict(c, name='new-pool', desired_size=1,
                                                            vswitch_ids=['vsw-bad00001'], key_pair='k'),
         "worker_instance_types is required to create node pool 'new-pool'", None),
        ('pool weak password', m + 'ack_nodepool', dict(c, name='p', login_password='weak'), 'login_password must be',
         None),
        ('pool password and key pair', m + 'ack_nodepool', dict(c, name='p', login_password='Bad-Passw0rd!',
                                                                key_pair='k'), 'mutually exclusive', None),
        ('pool unknown id', m + 'ack_nodepool', dict(c, nodepool_id='np0123456789abcdef0123456789abcdef',
                                                     desired_size=1), 'not found in cluster', None),
        ('pool not empty', m + 'ack_nodepool', dict(c, name='default-nodepool', state='absent'), 'set force: true',
         None),
        ('pool force-new field', m + 'ack_nodepool', dict(c, name='default-nodepool', login_as_non_root=True),
         'login_as_non_root cannot be changed in place', None),
        ('pool past the control plane', m + 'ack_nodepool', dict(c, name='default-nodepool',
                                                                 kubernetes_version='1.30.1-aliyun.1'),
         'upgrade the control plane first', None),
        ('pool taint effect choice', m + 'ack_nodepool', dict(c, name='p', taints=[{'key': 'a', 'effect': 'Never'}]),
         'effect', None),
        ('pool removal when absent', m + 'ack_nodepool', dict(c, name='p', state='absent', remove_nodes=['x']),
         'state=absent deletes the node pool', None),
        ('pool unknown cluster', m + 'ack_nodepool', {'cluster_id': UNKNOWN_CLUSTER, 'name': 'p', 'desired_size': 1},
         'not found', 'ErrorClusterNotFound'),
        ('pool unknown cluster name', m + 'ack_nodepool', {'cluster_name': 'no-such-cluster', 'name': 'p',
                                                           'desired_size': 1}, 'no-such-cluster', None),
        ('pool_info no cluster', m + 'ack_nodepool_info', {}, 'one of the following is required: cluster_id, '
                                                              'cluster_name', None),
        ('pool_info id malformed', m + 'ack_nodepool_info', dict(c, nodepool_id='pool-1'), 'is not a valid id', None),
        ('pool_info gather_nodes type', m + 'ack_nodepool_info', dict(c, gather_nodes='maybe'), 'gather_nodes', None),
        ('pool_info unknown cluster', m + 'ack_nodepool_info', {'cluster_id': UNKNOWN_CLUSTER}, 'not found',
         'ErrorClusterNotFound'),
        # -- ack_addon ----------------------------------------------------------------------------------------
        ('addons missing', m + 'ack_addon', dict(c), 'addons', None),
        ('addons as strings', m + 'ack_addon', dict(c, addons='logtail-ds'), 'dictionary requested', None),
        ('addon without name', m + 'ack_addon', dict(c, addons=[{'version': 'latest'}]), 'name', None),
        ('unknown add-on', m + 'ack_addon', dict(c, addons=[{'name': 'logtail-dss'}]), 'unknown add-on logtail-dss',
         None),
        ('version not offered', m + 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus', 'version': '9.9.9'}]),
         'is not offered', None),
        ('downgrade', m + 'ack_addon', dict(c, addons=[{'name': 'metrics-server', 'version': 'v0.3.9.1-aliyun'}]),
         'never downgraded', None),
        ('required add-on absent', m + 'ack_addon', dict(c, addons=[{'name': 'coredns', 'state': 'absent'}]),
         'coredns is required', None),
        ('config not JSON', m + 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus', 'config': '{not json'}]),
         'config of add-on arms-prometheus', None),
        ('config a list', m + 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus', 'config': '[1, 2]'}]),
         'config of add-on arms-prometheus', None),
        ('add-on twice', m + 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus'},
                                                          {'name': 'arms-prometheus', 'state': 'absent'}]),
         'listed twice', None),
        ('add-on state choice', m + 'ack_addon', dict(c, addons=[{'name': 'logtail-ds', 'state': 'removed'}]),
         'state', None),
        ('add-on name as path', m + 'ack_addon', dict(c, addons=[{'name': '../Bad/Name'}]), 'is not a valid id',
         None),
        ('add-on unknown key', m + 'ack_addon', dict(c, addons=[{'name': 'logtail-ds', 'versio': '1'}]),
         'versio', None),
        ('addon unknown cluster', m + 'ack_addon', {'cluster_id': UNKNOWN_CLUSTER, 'addons': [{'name': 'x'}]},
         'not found', 'ErrorClusterNotFound'),
        ('addon_info names malformed', m + 'ack_addon_info', dict(c, names=['BAD NAME']), 'is not a valid id', None),
        ('addon_info catalog type', m + 'ack_addon_info', dict(c, catalog='sometimes'), 'catalog', None),
        ('addon_info no cluster', m + 'ack_addon_info', {}, ONE_OF_CLUSTER, None),
        # -- ack_upgrade --------------------------------------------------------------------------------------
        ('upgrade without version', m + 'ack_upgrade', dict(c), 'version', None),
        ('upgrade state choice', m + 'ack_upgrade', dict(c, state='rolledback'), 'state', None),
        ('downgrade cluster', m + 'ack_upgrade', dict(c, version=V126), 'cannot upgrade', None),
        ('cluster version not offered', m + 'ack_upgrade', dict(c, version='1.99.0-aliyun.1'), 'cannot upgrade', None),
        ('version malformed', m + 'ack_upgrade', dict(c, version='latest'), 'is not a Kubernetes version', None),
        ('rolling_policy without max', m + 'ack_upgrade', dict(c, version='next', rolling_policy={}),
         'max_parallelism', None),
        ('wait_timeout type', m + 'ack_upgrade', dict(c, version='next', wait_timeout='forever'), 'wait_timeout',
         None),
        ('upgrade unknown cluster', m + 'ack_upgrade', {'cluster_id': UNKNOWN_CLUSTER, 'version': 'next'},
         'not found', 'ErrorClusterNotFound'),
        ('upgrade_info id malformed', m + 'ack_upgrade_info', {'cluster_id': 'c1;drop'}, 'is not a valid id', None),
        ('upgrade_info no cluster', m + 'ack_upgrade_info', {}, ONE_OF_CLUSTER, None),
        # -- ack_template ---------------------------------------------------------------------------------------
        ('manifest not YAML', m + 'ack_template', {'name': 'bad', 'template': BROKEN}, 'is not valid YAML', None),
        ('manifest is a path', m + 'ack_template', {'name': 'bad', 'template': 'files/web.yaml'},
         'is a string, not a mapping', None),
        ('manifest a list', m + 'ack_template', {'name': 'bad', 'template': '- a\n- b\n'}, 'not a mapping', None),
        ('manifest empty', m + 'ack_template', {'name': 'bad', 'template': '---\n'}, 'template is empty', None),
        ('template_id as path', m + 'ack_template', {'template_id': '../clusters', 'state': 'absent'},
         'is not a valid id', None),
        ('unknown template_id', m + 'ack_template', {'template_id': UNKNOWN_TEMPLATE, 'template': MANIFEST},
         'was not found', None),
        ('template_type choice', m + 'ack_template', {'name': 'bad', 'template': MANIFEST, 'template_type': 'helm'},
         'template_type', None),
        ('template state choice', m + 'ack_template', {'name': 'bad', 'state': 'deleted'}, 'state', None),
        ('create without manifest', m + 'ack_template', {'name': 'bad-new'}, 'template (the manifest) is required',
         None),
        ('no template named', m + 'ack_template', {'template': MANIFEST},
         'one of the following is required: template_id', None),
        ('update with broken manifest', m + 'ack_template', {'template_id': tid, 'template': BROKEN},
         'is not valid YAML', None),
        ('template name of 64', m + 'ack_template', {'name': 'w' * 64, 'template': MANIFEST}, '1 to 63 letters', None),
        ('template name underscore', m + 'ack_template', {'name': 'web_app', 'template': MANIFEST}, 'is not valid',
         None),
        ('template name hyphen first', m + 'ack_template', {'name': '-web', 'template': MANIFEST}, 'is not valid',
         None),
        ('template rename invalid', m + 'ack_template', {'template_id': tid, 'name': 'web app'}, 'is not valid', None),
        ('template tags choice', m + 'ack_template', {'name': 'bad', 'template': MANIFEST, 'tags': 'web'}, 'tags',
         None),
        ('template_info id malformed', m + 'ack_template_info', {'template_id': 'x/y'}, 'is not a valid id', None),
        ('template_info type choice', m + 'ack_template_info', {'template_type': 'swarm'}, 'template_type', None),
        ('template_info parse type', m + 'ack_template_info', {'parse': 'x'}, 'parse', None),
        # -- ack_kubeconfig ---------------------------------------------------------------------------------------
        ('kubeconfig state choice', m + 'ack_kubeconfig', dict(c, path=files['kube'], state='merged'), 'state',
         None),
        ('temporary duration 5', m + 'ack_kubeconfig', dict(c, path=files['kube'], temporary_duration_minutes=5),
         'temporary_duration_minutes must be 15 to 4320', None),
        ('not a kubeconfig', m + 'ack_kubeconfig', dict(c, path=files['not_yaml']), 'is not a kubeconfig', None),
        ('kubeconfig a list', m + 'ack_kubeconfig', dict(c, path=files['a_list']), 'a YAML mapping is expected',
         None),
        ('kubeconfig path a folder', m + 'ack_kubeconfig', dict(c, path=files['folder']), files['folder'], None),
        ('kubeconfig id malformed', m + 'ack_kubeconfig', {'cluster_id': 'c%2F..', 'path': files['kube']},
         'is not a valid id', None),
        ('kubeconfig unknown cluster', m + 'ack_kubeconfig', {'cluster_id': UNKNOWN_CLUSTER, 'path': files['kube']},
         'not found', 'ErrorClusterNotFound'),
        ('revoke unconfirmed', m + 'ack_kubeconfig', dict(c, state='revoked', revoked_before='2024-06-01T10:00:00Z'),
         'set confirm_revoke: true', None),
        ('revoke without a marker', m + 'ack_kubeconfig', dict(c, state='revoked', confirm_revoke=True),
         'revoked_before is required with state=revoked', None),
        ('revoke marker format', m + 'ack_kubeconfig',
         dict(c, state='revoked', confirm_revoke=True, revoked_before='last tuesday'),
         'revoked_before must be an RFC 3339 time', None),
        ('revoke marker in the future', m + 'ack_kubeconfig',
         dict(c, state='revoked', confirm_revoke=True, revoked_before='2999-01-01T00:00:00Z'), 'is in the future',
         None),
        ('revoke unknown cluster', m + 'ack_kubeconfig', {'cluster_id': UNKNOWN_CLUSTER, 'state': 'revoked',
                                                          'confirm_revoke': True,
                                                          'revoked_before': '2024-06-01T10:00:00Z'},
         'not found', 'ErrorClusterNotFound'),
        ('kubeconfig absent, unknown cluster', m + 'ack_kubeconfig', {'cluster_id': UNKNOWN_CLUSTER, 'state': 'absent',
                                                                      'path': files['other']}, 'set context_name',
         'ErrorClusterNotFound'),
    ]
    return [case if len(case) == 6 else case + ({},) for case in cases]


@pytest.fixture(scope='module')
def ran(emulator, tmp_path_factory):
    """Seed a cluster and a template, then run the corpus; its cases, results and the write calls made."""
    emulator.reset()
    cid = emulator.seed_clusters([SEEDED])[0]
    signed = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
    tid = signed.call('POST', '/templates', body={'name': 'bad-inputs', 'template': MANIFEST},
                      action='CreateTemplate').json['template_id']
    work = tmp_path_factory.mktemp('bad-inputs')
    files = dict(kube=str(work / 'config'), missing=str(work / 'no-such-credentials'), folder=str(work),
                 not_yaml=str(work / 'not-yaml'), a_list=str(work / 'a-list'), other=str(work / 'other'))
    (work / 'not-yaml').write_text('clusters: [\n')
    (work / 'a-list').write_text('- one\n- two\n')
    (work / 'other').write_text('apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n')
    cases = corpus(cid, tid, emulator.port, free_port(), files)
    before = emulator.stats()
    # two playbooks side by side (each its own work dir): the cases cost module start-ups, not waits
    halves = [cases[:len(cases) // 2], cases[len(cases) // 2:]]
    runs = [None, None]

    def run(i):
        (work / str(i)).mkdir()
        runs[i] = run_cases(Playbook(emulator, work / str(i)), [(c[1], c[2], c[5]) for c in halves[i]])

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = emulator.stats()
    return dict(cases=cases, results=runs[0][0] + runs[1][0], out=runs[0][1] + runs[1][1],
                writes=dict((op, after.get(op, 0) - before.get(op, 0)) for op in WRITES
                            if after.get(op, 0) != before.get(op, 0)))


def test_the_corpus_is_large_and_distinct(ran):
    cases = ran['cases']
    assert len(cases) >= 100
    assert len(set(case[0] for case in cases)) == len(cases)
    assert len(set((case[1], repr(sorted(case[2].items()))) for case in cases)) == len(cases)
    assert len(set(case[1] for case in cases)) == 13  # every module


def test_no_write_call_reached_the_emulator(ran):
    assert ran['writes'] == {}


def test_each_bad_input_fails_in_one_line(ran):
    problems = []
    for (label, module, args, words, code, _extra), r in zip(ran['cases'], ran['results']):
        try:
            assert_one_line_failure(r, words, ran['out'])
            if code:
                error = r.get('error') or {}
                assert error.get('code') == code, error
                assert error.get('request_id') and error.get('http_status') >= 400, error
            else:
                assert 'error' not in r or r['error'].get('http_status') is None, r['error']
        except AssertionError as e:
            problems.append('%s (%s %s): %s' % (label, module.split('.')[-1], args, str(e)[:400]))
    assert not problems, '\n'.join(problems)
