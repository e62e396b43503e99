"""Cluster operations (reference 7.1-7.11 and DescribeTaskInfo): a success and the documented errors of each."""
import json
import threading

import pytest

from conftest import MANAGED_BODY

DEDICATED = {
    'name': 'test-dedicated', 'cluster_type': 'Kubernetes', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-test0001',
    'worker_vswitch_ids': ['vsw-test0001'], 'master_vswitch_ids': ['vsw-a', 'vsw-b', 'vsw-c'], 'master_count': 3,
    'master_instance_types': ['ecs.g7.xlarge'] * 3, 'master_system_disk_category': 'cloud_essd',
    'master_system_disk_size': 120, 'num_of_nodes': 1, 'worker_instance_types': ['ecs.g7.xlarge'],
    'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'container_cidr': '172.30.0.0/16',
    'service_cidr': '172.31.0.0/20', 'login_password': 'Test-Passw0rd!', 'snat_entry': True,
}
ASK = {'name': 'test-ask', 'cluster_type': 'Ask', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-test0002',
       'vswitch_ids': ['vsw-test0002'], 'zone_id': 'cn-hangzhou-i', 'nat_gateway': True, 'private_zone': True}
EDGE = {
    'name': 'test-edge', 'cluster_type': 'ManagedKubernetes', 'profile': 'Edge', 'region_id': 'cn-hangzhou',
    'vpcid': 'vpc-test0003', 'vswitch_ids': ['vsw-test0003'], 'num_of_nodes': 1,
    'worker_instance_types': ['ecs.g7.xlarge'], 'worker_system_disk_category': 'cloud_efficiency',
    'worker_system_disk_size': 120, 'key_pair': 'test-key', 'snat_entry': True,
}
SANDBOXED = {
    'name': 'test-sandboxed', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
    'vpcid': 'vpc-test0004', 'vswitch_ids': ['vsw-test0004'], 'pod_vswitch_ids': ['vsw-pod0004'],
    'num_of_nodes': 1, 'worker_instance_types': ['ecs.ebmg5s.24xlarge'],
    'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120,
    'worker_data_disks': [{'category': 'cloud_essd', 'size': 200}], 'kubernetes_version': '1.28.9-aliyun.1',
    'runtime': {'name': 'Sandboxed-Container.runv', 'version': '1.0.0'}, 'addons': [{'name': 'terway-eniip'}],
    'key_pair': 'test-key', 'snat_entry': True,
}
KINDS = {'managed': MANAGED_BODY, 'dedicated': DEDICATED, 'ask': ASK, 'edge': EDGE, 'sandboxed': SANDBOXED}


@pytest.fixture
def instant(emulator):
    """Life cycles complete by the next request (time scale 0) for tests that do not look at them."""
    emulator.set_time_scale(0)
    return emulator


def create(emulator, body):
    return emulator.signed('POST', '/clusters', body=body, action='CreateCluster')


def detail(emulator, cluster_id):
    return emulator.signed('GET', '/clusters/' + cluster_id, action='DescribeClusterDetail')


def with_(base, **changes):
    body = dict(base)
    for k, val in changes.items():
        if val is None:
            body.pop(k, None)
        else:
            body[k] = val
    return body


# -- CreateCluster ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('kind', sorted(KINDS))
def test_create_every_kind_reaches_running(emulator, kind):
    r = create(emulator, KINDS[kind])
    assert r.status == 202, r
    assert set(r.json) == {'cluster_id', 'request_id', 'task_id'}
    cid = r.json['cluster_id']
    assert cid.startswith('c') and len(cid) == 33
    first = detail(emulator, cid).json
    assert first['state'] in ('initial', 'running')
    task = emulator.wait_task(r.json['task_id'])
    assert task['state'] == 'success' and task['cluster_id'] == cid
    d = emulator.wait_cluster(cid)
    body = KINDS[kind]
    expected_type = {'ask': 'Ask', 'dedicated': 'Kubernetes'}.get(kind, 'ManagedKubernetes')
    assert d['cluster_type'] == expected_type
    assert d['name'] == body['name'] and d['region_id'] == 'cn-hangzhou'
    assert d['vpc_id'] == body['vpcid']
    assert isinstance(d['tags'], list) and {'key': 'ack.aliyun.com', 'value': cid} in d['tags']
    assert isinstance(json.loads(d['meta_data']), dict)
    assert json.loads(d['master_url'])['intranet_api_server_endpoint'].startswith('https://')
    assert not any(k.startswith('_') for k in d)
    if kind == 'edge':
        assert d['profile'] == 'Edge'
    if kind == 'sandboxed':
        assert d['current_version'] == '1.28.9-aliyun.1'
        assert d['parameters']['Runtime'] == 'Sandboxed-Container.runv'
    if kind == 'dedicated':
        assert d['size'] == 4
        assert d['parameters']['MasterCount'] == '3'
    nodes = emulator.signed('GET', '/clusters/%s/nodes' % cid, action='DescribeClusterNodes')
    if nodes.status == 200:  # E2's operation
        expected = {'dedicated': 4, 'ask': 0}.get(kind, 1 if kind != 'managed' else 2)
        assert nodes.json['page']['total_count'] == expected


def test_create_keeps_inputs_in_the_detail(emulator, instant):
    cid, _ = emulator.create_cluster(kubernetes_version='1.28.3-aliyun.1', deletion_protection=True,
                                     tags=[{'key': 'env', 'value': 'test'}], resource_group_id='rg-test0001')
    d = detail(emulator, cid).json
    assert d['current_version'] == d['init_version'] == '1.28.3-aliyun.1'
    assert d['container_cidr'] == '172.20.0.0/16' and d['service_cidr'] == '172.21.0.0/20'
    assert d['vswitch_ids'] == ['vsw-test0001'] and d['vswitch_id'] == 'vsw-test0001'
    assert 'worker_instance_types' not in d   # #21: not in the SDK's detail; parameters keeps it
    assert d['parameters']['WorkerInstanceTypes'] == 'ecs.g7.xlarge'
    assert d['parameters']['ContainerCIDR'] == '172.20.0.0/16'
    assert d['deletion_protection'] is True and d['resource_group_id'] == 'rg-test0001'
    assert {'key': 'env', 'value': 'test'} in d['tags']
    assert d['cluster_spec'] == 'ack.standard' and d['size'] == 2
    assert 'login_password' not in json.dumps(d)


def test_create_goes_through_initial(emulator):
    emulator.set_time_scale(1)
    r = create(emulator, MANAGED_BODY)
    cid = r.json['cluster_id']
    assert detail(emulator, cid).json['state'] == 'initial'
    assert emulator.signed('GET', '/tasks/' + r.json['task_id'], action='DescribeTaskInfo').json['state'] == 'running'


MISSING = [(kind, field) for kind, fields in {
    'managed': ['cluster_type', 'name', 'region_id', 'num_of_nodes', 'snat_entry', 'vswitch_ids', 'vpcid',
                'worker_system_disk_category', 'worker_system_disk_size', 'worker_instance_types', 'key_pair'],
    'dedicated': ['region_id', 'snat_entry', 'master_system_disk_category', 'master_system_disk_size',
                  'num_of_nodes', 'worker_instance_types', 'master_instance_types', 'master_vswitch_ids',
                  'worker_vswitch_ids', 'login_password'],
    'ask': ['name', 'region_id'],
    'edge': ['name', 'num_of_nodes', 'region_id', 'snat_entry', 'vswitch_ids', 'worker_system_disk_size'],
    'sandboxed': ['addons', 'kubernetes_version', 'pod_vswitch_ids', 'vpcid', 'worker_data_disks'],
}.items() for field in fields]


@pytest.mark.parametrize('kind,field', MISSING)
def test_create_missing_required_parameter(emulator, kind, field):
    r = create(emulator, with_(KINDS[kind], **{field: None}))
    assert (r.status, r.json['code']) == (400, 'MissingParameter'), r
    assert r.json['status'] == 400 and r.json['requestId']
    assert field.split('_ids')[0] in r.json['message'] or field in ('key_pair', 'login_password')
    assert emulator.signed('GET', '/clusters', action='DescribeClusters').json == []


INVALID = [
    ('cluster_type', {'cluster_type': 'Swarm'}),
    ('num_of_nodes', {'num_of_nodes': 101}),
    ('num_of_nodes', {'num_of_nodes': 'three'}),
    ('login_password', {'key_pair': None, 'login_password': 'weak'}),
    ('login_password', {'key_pair': None, 'login_password': 'alllowercase123'}),
    ('login_password', {'login_password': 'Test-Passw0rd!'}),  # with key_pair: exclusive
    ('name', {'name': '-bad_name'}),
    ('container_cidr', {'container_cidr': '8.8.0.0/16'}),
    ('container_cidr', {'container_cidr': '172.20.0.1/16'}),
    ('service_cidr', {'service_cidr': '172.20.16.0/20'}),  # inside the container CIDR
    ('worker_system_disk_size', {'worker_system_disk_size': 20}),
    ('worker_system_disk_category', {'worker_system_disk_category': 'floppy'}),
    ('worker_instance_types', {'worker_instance_types': ['g7.xlarge']}),
    ('vswitch_ids', {'vswitch_ids': ['vsw-1', 'vsw-2', 'vsw-3', 'vsw-4']}),
    ('kubernetes_version', {'kubernetes_version': '1.10.4-aliyun.1'}),
    ('kubernetes_version', {'kubernetes_version': 'latest'}),
    ('runtime', {'runtime': {'name': 'docker', 'version': '19.03.15'}, 'kubernetes_version': '1.28.9-aliyun.1'}),
    ('region_id', {'region_id': 'mars-north-1'}),
    ('tags', {'tags': [{'key': 'a', 'value': '1'}, {'key': 'a', 'value': '2'}]}),
    ('node_cidr_mask', {'node_cidr_mask': 30}),
    ('worker_period', {'worker_instance_charge_type': 'PrePaid', 'worker_period': 5, 'worker_period_unit': 'Month'}),
    ('cluster_spec', {'cluster_spec': 'ack.ultra'}),
    ('profile', {'profile': 'Lingjun'}),
]


@pytest.mark.parametrize('field,changes', INVALID, ids=['%s-%d' % (f, i) for i, (f, _) in enumerate(INVALID)])
def test_create_invalid_values(emulator, field, changes):
    r = create(emulator, with_(MANAGED_BODY, **changes))
    assert (r.status, r.json['code']) == (400, 'InvalidParameter'), r
    assert field in r.json['message']


def test_create_kind_specific_rules(emulator):
    r = create(emulator, with_(DEDICATED, master_count=4))
    assert r.json['code'] == 'InvalidParameter' and 'master_count' in r.json['message']
    r = create(emulator, with_(DEDICATED, master_instance_types=['ecs.g7.xlarge'] * 2))
    assert 'master_instance_types' in r.json['message']
    r = create(emulator, with_(SANDBOXED, worker_instance_types=['ecs.g7.xlarge']))
    assert r.json['code'] == 'InvalidParameter' and 'ebmg5s' in r.json['message']
    r = create(emulator, with_(SANDBOXED, worker_data_disks=[{'category': 'cloud_essd', 'size': 100}]))
    assert 'worker_data_disks' in r.json['message'] and '200' in r.json['message']
    r = create(emulator, with_(SANDBOXED, kubernetes_version='1.14.4-aliyun.1'))
    assert r.json['code'] == 'InvalidParameter' and 'kubernetes_version' in r.json['message']
    r = create(emulator, with_(DEDICATED, runtime={'name': 'Sandboxed-Container.runv', 'version': '1.0.0'}))
    assert r.json['code'] == 'InvalidParameter' and 'runtime' in r.json['message']
    r = create(emulator, with_(EDGE, endpoint_public_access=False))
    assert 'endpoint_public_access' in r.json['message']
    r = create(emulator, with_(EDGE, num_of_nodes=301))
    assert 'num_of_nodes' in r.json['message']
    assert create(emulator, with_(EDGE, num_of_nodes=150, name='edge-150')).status == 202
    r = create(emulator, with_(ASK, zone_id='cn-beijing-a'))
    assert 'zone_id' in r.json['message']
    r = create(emulator, with_(ASK, vpcid=None))
    assert r.json['code'] == 'MissingParameter' and 'vpcid' in r.json['message']
    r = create(emulator, with_(MANAGED_BODY, vpcid=None, vswitch_ids=None, container_cidr='192.168.0.0/16'))
    assert r.json['code'] in ('MissingParameter', 'InvalidParameter')


def test_create_cidr_overlap_in_the_same_vpc(emulator, instant):
    emulator.create_cluster(name='first')
    r = create(emulator, with_(MANAGED_BODY, name='second'))
    assert r.json['code'] == 'InvalidParameter' and 'overlaps' in r.json['message']
    # without explicit blocks the defaults move to free ones
    cid, _ = emulator.create_cluster(name='third', container_cidr=None, service_cidr=None)
    d = detail(emulator, cid).json
    assert d['container_cidr'] not in ('172.20.0.0/16', '') and d['service_cidr'] != '172.21.0.0/20'


def test_create_name_must_be_unique(emulator, instant):
    emulator.create_cluster(name='dup')
    r = create(emulator, with_(MANAGED_BODY, name='dup', vpcid='vpc-other'))
    assert (r.status, r.json['code']) == (400, 'ClusterNameAlreadyExist')


def test_create_client_token_is_idempotent(emulator, instant):
    body = with_(MANAGED_BODY, client_token='token-1')
    first = create(emulator, body)
    again = create(emulator, body)
    assert again.status == 202
    assert (again.json['cluster_id'], again.json['task_id']) == (first.json['cluster_id'], first.json['task_id'])
    assert len(emulator.signed('GET', '/clusters', action='DescribeClusters').json) == 1
    r = create(emulator, with_(body, num_of_nodes=3))
    assert (r.status, r.json['code']) == (400, 'IdempotentParameterMismatch')
    # once its cluster is deleted, the token is forgotten: the same create makes a new cluster
    emulator.signed('DELETE', '/clusters/' + first.json['cluster_id'], action='DeleteCluster')
    emulator.wait_gone(first.json['cluster_id'])
    third = create(emulator, body)
    assert third.status == 202 and third.json['cluster_id'] != first.json['cluster_id']


def test_create_malformed_json_and_wrong_body_type(emulator):
    r = emulator.signed('POST', '/clusters', body=b'{"name": "x",', action='CreateCluster')
    assert (r.status, r.json['code']) == (400, 'MalformedJSON')
    assert set(r.json) == {'code', 'message', 'requestId', 'status'}
    r = emulator.signed('POST', '/clusters', body=[1, 2], action='CreateCluster')
    assert (r.status, r.json['code']) == (400, 'InvalidParameter')


def test_create_accepts_form_encoded_body(emulator, instant):
    # the old core sends form-encoded bodies unless the caller asks for JSON
    from urllib.parse import urlencode
    form = {k: (str(val) if not isinstance(val, list) else str(val)) for k, val in MANAGED_BODY.items()}
    data = urlencode(form).encode()
    c = emulator.client()
    method, target, hdrs, _ = c.build('POST', '/clusters', body=data, action='CreateCluster',
                                      headers={'content-type': 'application/x-www-form-urlencoded'})
    r = c.send(method, target, hdrs, data)
    assert r.status == 202, r
    d = detail(emulator, r.json['cluster_id']).json
    assert d['vswitch_ids'] == ['vsw-test0001'] and d['size'] == 2


def test_create_quota(emulator, instant):
    emulator.admin('config', {'quotas': {'amk_cluster_quota': 1}})
    emulator.create_cluster()
    r = create(emulator, with_(MANAGED_BODY, name='over', vpcid='vpc-other'))
    assert (r.status, r.json['code']) == (400, 'QuotaExceeded.Cluster')


def test_create_failure_reported_by_task(emulator, instant):
    emulator.admin('fail-next', {'operation': 'CreateCluster', 'code': 'QuotaExceeded.Ecs', 'message': 'no ECS'})
    r = create(emulator, MANAGED_BODY)
    task = emulator.wait_task(r.json['task_id'])
    assert task['state'] == 'failed' and task['error'] == {'code': 'QuotaExceeded.Ecs', 'message': 'no ECS'}
    assert detail(emulator, r.json['cluster_id']).json['state'] == 'failed'


def test_concurrent_creates_are_consistent(emulator, instant):
    results = []

    def worker(i, name):
        r = create(emulator, with_(MANAGED_BODY, name=name, vpcid='vpc-c%d' % i))
        results.append((name, r.status, r.json.get('code')))

    threads = [threading.Thread(target=worker, args=(i, 'par-%d' % i)) for i in range(8)]
    threads += [threading.Thread(target=worker, args=(10 + i, 'same')) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for n, s, _ in results if n != 'same') == [202] * 8
    same = [(s, c) for n, s, c in results if n == 'same']
    assert same.count((202, None)) == 1 and same.count((400, 'ClusterNameAlreadyExist')) == 5
    listed = emulator.signed('GET', '/clusters', action='DescribeClusters').json
    assert len(listed) == 9 and len({c['cluster_id'] for c in listed}) == 9


# -- DescribeClusterDetail / DescribeClusters / DescribeClustersV1 ------------------------------------------------
def test_describe_unknown_cluster(emulator):
    r = detail(emulator, 'c0000000000000000000000000000000')
    assert (r.status, r.json['code'], r.json['status']) == (404, 'ErrorClusterNotFound', 404)
    assert r.json['requestId'] == r.headers['x-acs-request-id']


def test_describe_clusters_filters(emulator, instant):
    emulator.create_cluster(name='alpha')
    emulator.create_cluster(**with_(ASK, name='beta'))
    allc = emulator.signed('GET', '/clusters', action='DescribeClusters').json
    assert isinstance(allc, list) and [c['name'] for c in allc] == ['alpha', 'beta']
    r = emulator.signed('GET', '/clusters', query={'clusterType': 'Ask'}, action='DescribeClusters')
    assert [c['name'] for c in r.json] == ['beta']
    r = emulator.signed('GET', '/clusters', query={'name': 'alp'}, action='DescribeClusters')
    assert [c['name'] for c in r.json] == ['alpha']


def test_describe_clusters_v1_paging(emulator, instant):
    for i in range(5):
        emulator.create_cluster(name='page-%d' % i, vpcid='vpc-p%d' % i)
    r = emulator.signed('GET', '/api/v1/clusters', query={'page_size': 2, 'page_number': 3},
                        action='DescribeClustersV1')
    assert r.status == 200
    assert r.json['page_info'] == {'page_number': 3, 'page_size': 2, 'total_count': 5}
    assert [c['name'] for c in r.json['clusters']] == ['page-4']
    r = emulator.signed('GET', '/api/v1/clusters', query={'name': 'page-1', 'cluster_type': 'ManagedKubernetes'},
                        action='DescribeClustersV1')
    assert [c['name'] for c in r.json['clusters']] == ['page-1']
    assert r.json['page_info']['page_size'] == 10
    for bad in ({'page_size': 0}, {'page_size': 101}, {'page_number': 'x'}):
        r = emulator.signed('GET', '/api/v1/clusters', query=bad, action='DescribeClustersV1')
        assert (r.status, r.json['code']) == (400, 'InvalidParameter')


# -- ModifyCluster ----------------------------------------------------------------------------------------------
def modify(emulator, cid, body):
    return emulator.signed('PUT', '/api/v2/clusters/' + cid, body=body, action='ModifyCluster')


def test_modify_cluster_fields(emulator):
    cid, _ = emulator.create_cluster()
    r = modify(emulator, cid, {'deletion_protection': True, 'resource_group_id': 'rg-new0001',
                               'cluster_name': 'renamed', 'maintenance_window': {'enable': True,
                                                                                 'maintenance_time': '03:00:00Z'}})
    assert r.status == 202 and set(r.json) == {'cluster_id', 'request_id', 'task_id'}
    d = detail(emulator, cid).json
    assert d['state'] == 'running'  # metadata only: no updating phase
    assert (d['deletion_protection'], d['resource_group_id'], d['name']) == (True, 'rg-new0001', 'renamed')
    assert d['maintenance_window']['enable'] is True
    assert emulator.wait_task(r.json['task_id'])['state'] == 'success'


def test_modify_infrastructure_has_an_updating_phase(emulator):
    cid, _ = emulator.create_cluster()
    r = modify(emulator, cid, {'api_server_eip': False, 'ingress_loadbalancer_id': 'lb-ingress01'})
    d = detail(emulator, cid).json
    assert d['state'] == 'updating'
    # #21: the detail does not answer ModifyCluster's inputs; DescribeClusterResources shows the SLB and the EIP
    assert not {'ingress_loadbalancer_id', 'api_server_eip', 'api_server_eip_id'} & set(d)
    assert ('lb-ingress01', 0) in resources_of(emulator, cid, 'ALIYUN::SLB::LoadBalancer')
    assert resources_of(emulator, cid, 'ALIYUN::VPC::EIP') == []
    assert json.loads(d['master_url'])['api_server_endpoint'] == ''
    r2 = modify(emulator, cid, {'deletion_protection': True})
    assert (r2.status, r2.json['code']) == (400, 'InvalidStatus.ClusterState')
    emulator.wait_task(r.json['task_id'])
    d = emulator.wait_cluster(cid)
    r = modify(emulator, cid, {'api_server_eip': True, 'api_server_eip_id': 'eip-test0001'})
    d = emulator.wait_cluster(cid)
    assert resources_of(emulator, cid, 'ALIYUN::VPC::EIP') == [('eip-test0001', 0)]
    assert json.loads(d['master_url'])['api_server_endpoint'].startswith('https://')


def resources_of(emulator, cid, rtype):
    """[(instance_id, auto_create)] of the cluster's resources of one type."""
    r = emulator.signed('GET', '/clusters/%s/resources' % cid, action='DescribeClusterResources')
    return [(x['instance_id'], x['auto_create']) for x in r.json if x['resource_type'] == rtype]


def test_modify_errors(emulator):
    r = modify(emulator, 'cnothere', {'deletion_protection': True})
    assert (r.status, r.json['code']) == (404, 'ErrorClusterNotFound')
    emulator.set_time_scale(1)
    cid, _ = emulator.create_cluster(wait=False)
    r = modify(emulator, cid, {'deletion_protection': True})
    assert (r.status, r.json['code']) == (400, 'InvalidStatus.ClusterState')
    assert 'initial' in r.json['message']
    emulator.set_time_scale(0)
    emulator.create_cluster(name='taken', vpcid='vpc-taken')
    cid, _ = emulator.create_cluster(name='mine', vpcid='vpc-mine')
    for body, code in [({'resource_group_id': 'group-1'}, 'InvalidParameter'),
                       ({'deletion_protection': 'maybe'}, 'InvalidParameter'),
                       ({'no_such_field': 1}, 'InvalidParameter'),
                       ({'cluster_name': 'taken'}, 'ClusterNameAlreadyExist')]:
        r = modify(emulator, cid, body)
        assert (r.status, r.json['code']) == (400, code), body


# -- DeleteCluster ----------------------------------------------------------------------------------------------
def delete(emulator, cid, **query):
    return emulator.signed('DELETE', '/clusters/' + cid, query=query or None, action='DeleteCluster')


def test_delete_cluster(emulator):
    cid, _ = emulator.create_cluster()
    r = delete(emulator, cid, retain_all_resources='false')
    assert r.status == 202 and r.json['cluster_id'] == cid and r.json['task_id']
    assert detail(emulator, cid).json['state'] == 'deleting'
    again = delete(emulator, cid)
    assert (again.status, again.json['code']) == (400, 'InvalidStatus.ClusterState')
    emulator.wait_gone(cid)
    assert emulator.wait_task(r.json['task_id'])['state'] == 'success'
    assert (delete(emulator, cid).status, delete(emulator, cid).json['code']) == (404, 'ErrorClusterNotFound')
    assert emulator.signed('GET', '/clusters', action='DescribeClusters').json == []
    # its name and network are free again
    emulator.create_cluster()


def test_delete_refused_by_deletion_protection_and_state(emulator):
    emulator.set_time_scale(1)
    cid, _ = emulator.create_cluster(wait=False, deletion_protection=True)
    r = delete(emulator, cid)
    assert (r.status, r.json['code']) == (400, 'DeletionProtectionEnabled')
    assert 'deletion_protection' in r.json['message']
    cid2, _ = emulator.create_cluster(wait=False, name='busy', vpcid='vpc-busy')
    r = delete(emulator, cid2)
    assert (r.status, r.json['code']) == (400, 'InvalidStatus.ClusterState')
    r = emulator.signed('DELETE', '/clusters/' + cid2, query={'retain_resources': '[oops'},
                        action='DeleteCluster')
    assert r.status == 400


def test_delete_failure_by_injection(emulator, instant):
    cid, _ = emulator.create_cluster()
    emulator.admin('fail-next', {'operation': 'DeleteCluster'})
    r = delete(emulator, cid)
    assert emulator.wait_task(r.json['task_id'])['state'] == 'failed'
    assert detail(emulator, cid).json['state'] == 'delete_failed'
    r = delete(emulator, cid)
    assert r.status == 202
    emulator.wait_gone(cid)


# -- resources, agent, quota, logs, kubeconfig ------------------------------------------------------------------
def test_describe_cluster_resources(emulator, instant):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('GET', '/clusters/%s/resources' % cid, action='DescribeClusterResources')
    assert r.status == 200 and isinstance(r.json, list)
    types = {x['resource_type'] for x in r.json}
    assert 'ALIYUN::SLB::LoadBalancer' in types
    assert all(x['state'] == 'CREATE_COMPLETE' and json.loads(x['resource_info'])['PhysicalId'] == x['instance_id']
               for x in r.json)
    with_addons = emulator.signed('GET', '/clusters/%s/resources' % cid, query={'with_addon_resources': 'true'},
                                  action='DescribeClusterResources').json
    assert len(with_addons) > len(r.json)
    r = emulator.signed('GET', '/clusters/cnothere/resources', action='DescribeClusterResources')
    assert (r.status, r.json['code']) == (404, 'ErrorClusterNotFound')


def test_describe_external_agent(emulator):
    emulator.set_time_scale(1)
    cid, _ = emulator.create_cluster(wait=False)
    r = emulator.signed('GET', '/k8s/%s/external/agent/deployment' % cid, action='DescribeExternalAgent')
    assert (r.status, r.json['code']) == (400, 'InvalidStatus.ClusterState')
    emulator.set_time_scale(0)
    cid, _ = emulator.create_cluster(name='agent', vpcid='vpc-agent')
    r = emulator.signed('GET', '/k8s/%s/external/agent/deployment' % cid, query={'PrivateIpAddress': 'true'},
                        action='DescribeExternalAgent')
    assert r.status == 200 and 'kind: Deployment' in r.json['config'] and cid in r.json['config']
    r = emulator.signed('GET', '/k8s/cnothere/external/agent/deployment', action='DescribeExternalAgent')
    assert r.status == 404


def test_describe_user_quota(emulator):
    r = emulator.signed('GET', '/quota', action='DescribeUserQuota')
    assert r.status == 200
    assert {'amk_cluster_quota', 'ask_cluster_quota', 'cluster_quota', 'node_quota'} <= set(r.json)
    r = emulator.signed('GET', '/quota', action='DescribeClusterDetail')
    assert r.status == 400 and r.code == 'InvalidAction.Mismatch'


def test_describe_cluster_logs(emulator):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('GET', '/clusters/%s/logs' % cid, action='DescribeClusterLogs')
    assert r.status == 200 and isinstance(r.json, list) and len(r.json) >= 3
    assert r.json[0]['cluster_log'] == 'Cluster created successfully'
    assert {'cluster_id', 'cluster_log', 'log_level', 'created'} <= set(r.json[0])
    r = emulator.signed('GET', '/clusters/cnothere/logs', action='DescribeClusterLogs')
    assert (r.status, r.json['code']) == (404, 'ErrorClusterNotFound')


def test_describe_cluster_user_kubeconfig(emulator, instant):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('GET', '/k8s/%s/user_config' % cid, action='DescribeClusterUserKubeconfig')
    assert r.status == 200 and 'kind: Config' in r.json['config'] and r.json['expiration'].endswith('Z')
    d = detail(emulator, cid).json
    assert json.loads(d['master_url'])['api_server_endpoint'] in r.json['config']
    again = emulator.signed('GET', '/k8s/%s/user_config' % cid, action='DescribeClusterUserKubeconfig')
    assert again.json == r.json  # one long-lived certificate per cluster and user
    r = emulator.signed('GET', '/k8s/%s/user_config' % cid, query={'PrivateIpAddress': 'true',
                                                                    'TemporaryDurationMinutes': 60},
                        action='DescribeClusterUserKubeconfig')
    assert json.loads(d['master_url'])['intranet_api_server_endpoint'] in r.json['config']
    temp = emulator.signed('GET', '/k8s/%s/user_config' % cid, query={'PrivateIpAddress': 'true',
                                                                       'TemporaryDurationMinutes': 60},
                           action='DescribeClusterUserKubeconfig')
    assert temp.json['config'] != r.json['config']  # temporary kubeconfigs differ per call
    r = emulator.signed('GET', '/k8s/%s/user_config' % cid, query={'TemporaryDurationMinutes': 5},
                        action='DescribeClusterUserKubeconfig')
    assert (r.status, r.json['code']) == (400, 'InvalidParameter')
    r = emulator.signed('GET', '/k8s/cnothere/user_config', action='DescribeClusterUserKubeconfig')
    assert (r.status, r.json['code']) == (404, 'ErrorClusterNotFound')


# -- tags -------------------------------------------------------------------------------------------------------
def tags_of(emulator, cid):
    return detail(emulator, cid).json['tags']


def test_modify_cluster_tags_replaces_user_tags(emulator, instant):
    cid, _ = emulator.create_cluster(tags=[{'key': 'a', 'value': '1'}, {'key': 'b', 'value': '2'}])
    r = emulator.signed('POST', '/clusters/%s/tags' % cid,
                        body=[{'key': 'b', 'value': '3'}, {'key': 'c', 'value': '4'}], action='ModifyClusterTags')
    assert r.status == 200 and r.json['cluster_id'] == cid
    assert tags_of(emulator, cid) == [{'key': 'b', 'value': '3'}, {'key': 'c', 'value': '4'},
                                      {'key': 'ack.aliyun.com', 'value': cid}]
    emulator.signed('POST', '/clusters/%s/tags' % cid, body=[], action='ModifyClusterTags')
    assert tags_of(emulator, cid) == [{'key': 'ack.aliyun.com', 'value': cid}]
    # sending the system tag back unchanged is fine; changing it is not
    ok = emulator.signed('POST', '/clusters/%s/tags' % cid, body=[{'key': 'ack.aliyun.com', 'value': cid}],
                         action='ModifyClusterTags')
    assert ok.status == 200
    r = emulator.signed('POST', '/clusters/%s/tags' % cid, body=[{'key': 'ack.aliyun.com', 'value': 'x'}],
                        action='ModifyClusterTags')
    assert (r.status, r.json['code']) == (400, 'InvalidParameter')


def test_create_refuses_system_tags_as_modify_does(emulator, instant):
    for key in ('acs:team', 'ack.aliyun.com', 'aliyun-x'):
        r = emulator.signed('POST', '/clusters', body=dict(MANAGED_BODY, name='systag', tags=[{'key': key, 'value': 'v'}]),
                            action='CreateCluster')
        assert (r.status, r.json['code']) == (400, 'InvalidParameter'), key


def test_list_refuses_an_unknown_region(emulator, instant):
    r = emulator.signed('GET', '/api/v1/clusters', query={'region_id': 'xx-nowhere'}, action='DescribeClustersV1')
    assert (r.status, r.json['code']) == (400, 'InvalidParameter')


def test_modify_cluster_tags_errors(emulator, instant):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('POST', '/clusters/%s/tags' % cid, body={'key': 'a'}, action='ModifyClusterTags')
    assert (r.status, r.json['code']) == (400, 'InvalidParameter')
    r = emulator.signed('POST', '/clusters/%s/tags' % cid, body=[{'value': 'no key'}], action='ModifyClusterTags')
    assert r.status == 400
    r = emulator.signed('POST', '/clusters/%s/tags' % cid, body=[{'key': 'k%d' % i, 'value': 'v'} for i in range(21)],
                        action='ModifyClusterTags')
    assert r.status == 400
    r = emulator.signed('POST', '/clusters/cnothere/tags', body=[], action='ModifyClusterTags')
    assert (r.status, r.json['code']) == (404, 'ErrorClusterNotFound')


def test_list_tag_resources(emulator, instant):
    a, _ = emulator.create_cluster(name='ta', tags=[{'key': 'env', 'value': 'dev'}, {'key': 'team', 'value': 'x'}])
    b, _ = emulator.create_cluster(name='tb', vpcid='vpc-tb', tags=[{'key': 'env', 'value': 'prod'}])
    r = emulator.signed('GET', '/tags', query={'resource_type': 'CLUSTER', 'resource_ids': json.dumps([a])},
                        action='ListTagResources')
    assert r.status == 200 and r.json['request_id']
    rows = r.json['tag_resources']['tag_resource']
    assert {(x['resource_id'], x['tag_key'], x['tag_value']) for x in rows} == {
        (a, 'env', 'dev'), (a, 'team', 'x'), (a, 'ack.aliyun.com', a)}
    assert all(x['resource_type'] == 'ALIYUN::CS::CLUSTER' for x in rows)
    r = emulator.signed('GET', '/tags', query={'resource_type': 'CLUSTER',
                                               'tags': json.dumps([{'key': 'env', 'value': 'prod'}])},
                        action='ListTagResources')
    assert {x['resource_id'] for x in r.json['tag_resources']['tag_resource']} == {b}
    for query, code in [({'resource_ids': json.dumps([a])}, 'MissingParameter'),
                        ({'resource_type': 'CLUSTER'}, 'MissingParameter'),
                        ({'resource_type': 'CLUSTER', 'resource_ids': '[not json'}, 'InvalidParameter'),
                        ({'resource_type': 'NODE', 'resource_ids': json.dumps([a])}, 'InvalidParameter')]:
        r = emulator.signed('GET', '/tags', query=query, action='ListTagResources')
        assert (r.status, r.json['code']) == (400, code), query


# -- DescribeTaskInfo -------------------------------------------------------------------------------------------
def test_describe_task_info(emulator):
    r = create(emulator, MANAGED_BODY)
    t = emulator.signed('GET', '/tasks/' + r.json['task_id'], action='DescribeTaskInfo')
    assert t.status == 200 and t.json['task_id'] == r.json['task_id']
    assert t.json['state'] in ('running', 'success') and t.json['target'] == {'id': r.json['cluster_id'],
                                                                             'type': 'cluster'}
    assert 'error' not in t.json
    done = emulator.wait_task(r.json['task_id'])
    assert done['task_type'] == 'cluster_create' and done['stages']
    t = emulator.signed('GET', '/tasks/T-doesnotexist', action='DescribeTaskInfo')
    assert (t.status, t.json['code']) == (404, 'ErrorTaskNotFound')
