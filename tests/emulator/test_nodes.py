"""Nodes: ScaleOutCluster (ECS workers, edge ENS workers, sandboxed-container workers), DescribeClusterNodes,
RemoveClusterNodes, AttachInstances (ECS and ENS), DescribeClusterAttachScripts.

Life cycles run at a small time scale with bounded polling (emulator.wait / wait_task)."""
import json

import pytest

SANDBOX_RUNTIME = {'name': 'Sandboxed-Container.runv', 'version': '1.0.0'}
SCALE_BODY = {'count': 2, 'worker_instance_types': ['ecs.g7.xlarge'], 'login_password': 'Hello1234!',
              'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120,
              'vswitch_ids': ['vsw-test0001']}
EDGE_SCALE_BODY = {'count': 1, 'is_edge_worker': True, 'worker_instance_type': 'ens.sn1.tiny',
                   'ens_region_id': 'cn-beijing-telecom', 'worker_image_id': 'm-2QVLO2T8NYgm8CNQVg15gF',
                   'ens_internet_charge_type': 'BandwidthByDay', 'worker_period': 1, 'worker_auto_renew': True,
                   'worker_auto_renew_period': 1, 'login_password': 'Hello1234!', 'worker_system_disk_size': 20,
                   'worker_data_disk_size': 0, 'timeout_mins': 60}
SANDBOX_SCALE_BODY = {'count': 1, 'login_password': 'Hello1234!', 'worker_instance_charge_type': 'PostPaid',
                      'vswitch_ids': ['vsw-test0001'], 'worker_instance_types': ['ecs.ebmg5s.24xlarge'],
                      'worker_system_disk_category': 'cloud_efficiency', 'worker_system_disk_size': 120,
                      'worker_data_disk': True, 'worker_data_disk_category': 'cloud_efficiency',
                      'worker_data_disk_size': 200, 'tags': [], 'disable_rollback': False}


def scale(emulator, cid, body=None, **over):
    """ScaleOutCluster with ``body`` (default SCALE_BODY) updated by ``over``; a None value drops the key."""
    b = dict(SCALE_BODY if body is None else body)
    b.update(over)
    b = {k: v for k, v in b.items() if v is not None}
    return emulator.signed('POST', '/api/v2/clusters/%s' % cid, body=b, action='ScaleOutCluster')


def nodes(emulator, cid, **query):
    r = emulator.signed('GET', '/clusters/%s/nodes' % cid, query=query or None, action='DescribeClusterNodes')
    assert r.status == 200, r
    return r.json


def all_nodes(emulator, cid):
    return nodes(emulator, cid, pageSize='100')['nodes']


def edge_cluster(emulator):
    cid, _ = emulator.create_cluster(name='edge-1', profile='Edge', worker_instance_types=['ecs.g7.xlarge'])
    return cid


def sandboxed_cluster(emulator):
    cid, _ = emulator.create_cluster(name='sandbox-1', runtime=SANDBOX_RUNTIME, kubernetes_version='1.28.9-aliyun.1',
                                     addons=[{'name': 'terway-eniip'}], pod_vswitch_ids=['vsw-pod0001'],
                                     worker_instance_types=['ecs.ebmg5s.24xlarge'],
                                     worker_data_disks=[{'category': 'cloud_efficiency', 'size': 200}])
    return cid


# -- ScaleOutCluster -------------------------------------------------------------------------------------------
def test_scale_out_life_cycle(emulator):
    cid, _ = emulator.create_cluster()
    assert len(all_nodes(emulator, cid)) == 2
    emulator.set_time_scale(0.01)           # 300 s -> 3 s: long enough to observe the intermediate states
    r = scale(emulator, cid)
    assert r.status == 202, r
    assert r.json['cluster_id'] == cid and r.json['task_id'].startswith('T-') and r.json['request_id']
    assert r.json['instanceId'] in [n['instance_id'] for n in all_nodes(emulator, cid)]   # 7.2.1's answer
    assert emulator.cluster_detail(cid)['state'] == 'scaling'
    listed = all_nodes(emulator, cid)
    assert len(listed) == 4
    new = [n for n in listed if n['state'] in ('pending', 'starting')]
    assert len(new) == 2 and all(n['node_status'] == 'NotReady' for n in new)
    assert all(n['instance_type'] == 'ecs.g7.xlarge' and n['instance_role'] == 'Worker' for n in new)
    # a second scale out while scaling is refused like the real service does
    again = scale(emulator, cid)
    assert again.status == 400 and again.code == 'InvalidStatus.ClusterState'
    task = emulator.wait_task(r.json['task_id'])
    assert task['state'] == 'success'
    info = emulator.wait_cluster(cid)
    assert info['size'] == 4
    ready = all_nodes(emulator, cid)
    assert {n['state'] for n in ready} == {'running'} and {n['node_status'] for n in ready} == {'Ready'}


@pytest.mark.parametrize('over, code', [
    ({'count': 0}, 'InvalidParameter'),
    ({'count': 501}, 'InvalidParameter'),
    ({'count': 'two'}, 'InvalidParameter'),
    ({'count': None}, 'MissingParameter'),
    ({'login_password': 'hello'}, 'InvalidParameter'),                 # too short
    ({'login_password': 'hellohello'}, 'InvalidParameter'),            # one character class only
    ({'login_password': None}, 'MissingParameter'),                    # neither password nor key pair
    ({'key_pair': 'k1'}, 'InvalidParameter'),                          # both
    ({'worker_instance_types': None}, 'MissingParameter'),
    ({'worker_instance_types': ['g7.xlarge']}, 'InvalidParameter'),
    ({'worker_instance_charge_type': 'PrePaid'}, 'MissingParameter'),  # period unit needed
    ({'worker_instance_charge_type': 'PrePaid', 'worker_period_unit': 'Month', 'worker_period': 5},
     'InvalidParameter'),
    ({'worker_system_disk_size': 10}, 'InvalidParameter'),
    ({'vswitch_ids': ['vsw-1', 'vsw-2', 'vsw-3', 'vsw-4']}, 'InvalidParameter'),
    ({'worker_data_disks': [{'category': 'floppy', 'size': 100}]}, 'InvalidParameter'),
    ({'is_edge_worker': True}, 'InvalidParameter'),                    # not an edge cluster
    ({'taints': [{'key': 'a', 'value': 'b', 'effect': 'Sometimes'}]}, 'InvalidParameter'),
])
def test_scale_out_validation(emulator, over, code):
    cid, _ = emulator.create_cluster()
    r = scale(emulator, cid, body=SCALE_BODY, **over)
    assert r.status == 400 and r.code == code, r
    assert emulator.cluster_detail(cid)['state'] == 'running'
    assert len(all_nodes(emulator, cid)) == 2


def test_scale_out_prepaid_accepted(emulator):
    cid, _ = emulator.create_cluster()
    r = scale(emulator, cid, count=1, worker_instance_charge_type='PrePaid', worker_period_unit='Month',
              worker_period=6, worker_auto_renew=True, worker_auto_renew_period=1)
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    new = [n for n in all_nodes(emulator, cid) if n['instance_charge_type'] == 'PrePaid']
    assert len(new) == 1 and not new[0]['expired_time'].startswith('2099')


def test_scale_out_unknown_cluster(emulator):
    r = scale(emulator, 'c0123456789abcdef0123456789abcdef')
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


def test_scale_out_refused_while_cluster_initial(emulator):
    emulator.set_time_scale(1)
    cid, _ = emulator.create_cluster(wait=False)
    r = scale(emulator, cid)
    assert r.status == 400 and r.code == 'InvalidStatus.ClusterState'


def test_scale_out_node_quota(emulator):
    emulator.admin('config', {'quotas': {'node_quota': 3}})
    cid, _ = emulator.create_cluster()
    r = scale(emulator, cid, count=2)
    assert r.status == 400 and r.code == 'QuotaExceeded.Nodes'


def test_scale_out_failed_task(emulator):
    cid, _ = emulator.create_cluster()
    emulator.admin('fail-next', {'operation': 'ScaleOutCluster', 'code': 'InsufficientStock',
                                 'message': 'no stock of ecs.g7.xlarge'})
    r = scale(emulator, cid, count=1, disable_rollback=True)
    task = emulator.wait_task(r.json['task_id'])
    assert task['state'] == 'failed' and task['error']['code'] == 'InsufficientStock'
    emulator.wait_cluster(cid)
    failed = all_nodes(emulator, cid, )
    assert [n['state'] for n in failed].count('failed') == 1
    assert 'InsufficientStock' in [n for n in failed if n['state'] == 'failed'][0]['error_message']
    assert nodes(emulator, cid, state='failed')['page']['total_count'] == 1


def test_scale_out_failed_task_rolls_back(emulator):
    cid, _ = emulator.create_cluster()
    emulator.admin('fail-next', {'operation': 'ScaleOutCluster'})
    r = scale(emulator, cid, count=2, disable_rollback=False)
    assert emulator.wait_task(r.json['task_id'])['state'] == 'failed'
    info = emulator.wait_cluster(cid)
    assert info['size'] == 2 and len(all_nodes(emulator, cid)) == 2


def test_scale_out_edge_ens(emulator):
    cid = edge_cluster(emulator)
    before = len(all_nodes(emulator, cid))
    r = scale(emulator, cid, body=EDGE_SCALE_BODY, count=2)
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    emulator.wait_cluster(cid)
    listed = all_nodes(emulator, cid)
    ens = [n for n in listed if n['instance_type'] == 'ens.sn1.tiny']
    assert len(listed) == before + 2 and len(ens) == 2 and all(n['state'] == 'running' for n in ens)


@pytest.mark.parametrize('over, code', [
    ({'is_edge_worker': False}, 'InvalidParameter'),           # only ENS nodes can be added
    ({'worker_instance_type': 'ecs.g7.xlarge'}, 'InvalidParameter'),
    ({'ens_region_id': None}, 'MissingParameter'),
    ({'worker_image_id': None}, 'MissingParameter'),
    ({'worker_period': 10}, 'InvalidParameter'),
    ({'worker_system_disk_size': 25}, 'InvalidParameter'),     # multiple of 10
    ({'worker_system_disk_size': 120}, 'InvalidParameter'),    # 20..100
    ({'worker_data_disk_size': 250}, 'InvalidParameter'),      # 0 or 20..200
    ({'login_password': None}, 'MissingParameter'),
    ({'ens_internet_charge_type': 'PayByTraffic'}, 'InvalidParameter'),
])
def test_scale_out_edge_validation(emulator, over, code):
    cid = edge_cluster(emulator)
    r = scale(emulator, cid, body=EDGE_SCALE_BODY, **over)
    assert r.status == 400 and r.code == code, r


def test_scale_out_sandboxed(emulator):
    cid = sandboxed_cluster(emulator)
    r = scale(emulator, cid, body=SANDBOX_SCALE_BODY)
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    emulator.wait_cluster(cid)
    assert [n['instance_type'] for n in all_nodes(emulator, cid)].count('ecs.ebmg5s.24xlarge') >= 1


@pytest.mark.parametrize('over, code', [
    ({'worker_instance_types': ['ecs.g7.xlarge']}, 'InvalidParameter'),   # not a sandboxed-capable type
    ({'worker_data_disk_size': 100}, 'InvalidParameter'),                 # >= 200 GiB
    ({'worker_data_disk': False}, 'InvalidParameter'),
    ({'vswitch_ids': None}, 'MissingParameter'),
])
def test_scale_out_sandboxed_validation(emulator, over, code):
    cid = sandboxed_cluster(emulator)
    r = scale(emulator, cid, body=SANDBOX_SCALE_BODY, **over)
    assert r.status == 400 and r.code == code, r


# -- DescribeClusterNodes --------------------------------------------------------------------------------------
def test_describe_nodes_paging_and_filters(emulator):
    cid, _ = emulator.create_cluster(num_of_nodes=5)
    first = nodes(emulator, cid, pageNumber='1', pageSize='2')
    assert first['page'] == {'page_number': 1, 'page_size': 2, 'total_count': 5}
    assert len(first['nodes']) == 2
    third = nodes(emulator, cid, pageNumber='3', pageSize='2')
    assert len(third['nodes']) == 1
    default = nodes(emulator, cid)
    assert default['page'] == {'page_number': 1, 'page_size': 10, 'total_count': 5}
    ids = [n['instance_id'] for n in default['nodes']]
    assert len(set(ids)) == 5
    keys = {'creation_time', 'error_message', 'expired_time', 'host_name', 'image_id', 'instance_charge_type',
            'instance_id', 'instance_name', 'instance_role', 'instance_status', 'instance_type',
            'instance_type_family', 'ip_address', 'is_aliyun_node', 'node_name', 'node_status', 'nodepool_id',
            'source', 'state'}
    node = default['nodes'][0]
    assert keys <= set(node)
    assert node['instance_type_family'] == 'ecs.g7' and node['node_name'] == 'cn-hangzhou.' + node['ip_address'][0]
    picked = nodes(emulator, cid, instanceIds=','.join(ids[:2]))
    assert sorted(n['instance_id'] for n in picked['nodes']) == sorted(ids[:2])
    by_name = nodes(emulator, cid, nodeNames=default['nodes'][3]['node_name'])
    assert [n['instance_id'] for n in by_name['nodes']] == [ids[3]]
    by_ip = nodes(emulator, cid, nodeIps=default['nodes'][4]['ip_address'][0])
    assert [n['instance_id'] for n in by_ip['nodes']] == [ids[4]]
    assert nodes(emulator, cid, state='running')['page']['total_count'] == 5
    assert nodes(emulator, cid, state='removing')['page']['total_count'] == 0
    pool = default['nodes'][0]['nodepool_id']
    assert nodes(emulator, cid, nodepool_id=pool)['page']['total_count'] == 5
    assert nodes(emulator, cid, nodepool_id='np-other')['page']['total_count'] == 0


@pytest.mark.parametrize('query', [{'pageSize': '101'}, {'pageSize': '0'}, {'pageNumber': 'x'},
                                   {'state': 'sleeping'}])
def test_describe_nodes_bad_paging(emulator, query):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('GET', '/clusters/%s/nodes' % cid, query=query, action='DescribeClusterNodes')
    assert r.status == 400 and r.code == 'InvalidParameter', r


def test_describe_nodes_unknown_cluster(emulator):
    r = emulator.signed('GET', '/clusters/cnope/nodes', action='DescribeClusterNodes')
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


def test_describe_nodes_serverless_cluster_has_none(emulator):
    cid, _ = emulator.create_cluster(name='ask-1', cluster_type='Ask', num_of_nodes=None,
                                     worker_instance_types=None, worker_system_disk_category=None,
                                     worker_system_disk_size=None, key_pair=None, snat_entry=None,
                                     container_cidr=None, service_cidr='172.21.0.0/20',
                                     zone_id='cn-hangzhou-i')
    assert nodes(emulator, cid)['page']['total_count'] == 0
    r = scale(emulator, cid)
    assert r.status == 400 and r.code == 'ErrorNotSupported'


# -- RemoveClusterNodes / AttachInstances ---------------------------------------------------------------------
def remove(emulator, cid, body):
    return emulator.signed('POST', '/api/v2/clusters/%s/nodes/remove' % cid, body=body, action='RemoveClusterNodes')


def attach(emulator, cid, body):
    return emulator.signed('POST', '/clusters/%s/attach' % cid, body=body, action='AttachInstances')


def declare(emulator, *ids, kind='ecs'):
    """Existing instances outside any cluster (admin API), so AttachInstances can take them."""
    return emulator.admin('instances', {'instances': [{'instance_id': i, 'kind': kind} for i in ids]})['instances']


def test_remove_release_and_detach_then_reattach(emulator):
    cid, _ = emulator.create_cluster(num_of_nodes=4)
    listed = all_nodes(emulator, cid)
    released, detached = listed[0], listed[1]
    emulator.set_time_scale(0.01)
    r = remove(emulator, cid, {'nodes': [released['node_name']], 'release_node': True, 'drain_node': True})
    assert r.status == 200 and r.json == {}, r   # reference 8.2 (the SDK reads no body)
    assert emulator.cluster_detail(cid)['state'] == 'removing'
    removing = nodes(emulator, cid, state='removing')['nodes']
    assert [n['instance_id'] for n in removing] == [released['instance_id']]
    busy = remove(emulator, cid, {'nodes': [detached['node_name']]})
    assert busy.status == 400 and busy.code == 'InvalidStatus.ClusterState'
    emulator.wait_cluster(cid)
    assert 'Removed nodes %s' % released['node_name'] in cluster_logs(emulator, cid)[0]
    emulator.set_time_scale(0.001)
    emulator.wait_cluster(cid)
    # nodes can also be named by instance id
    r = remove(emulator, cid, {'nodes': [detached['instance_id']], 'release_node': False})
    assert r.status == 200, r
    info = emulator.wait_cluster(cid)
    left = [n['instance_id'] for n in all_nodes(emulator, cid)]
    assert released['instance_id'] not in left and detached['instance_id'] not in left and len(left) == 2
    assert info['size'] == 2
    # the detached ECS instance still exists and can be attached again; the released one is gone
    gone = attach(emulator, cid, {'instances': [released['instance_id']], 'password': 'Hello1234!'})
    assert gone.status == 404 and gone.code == 'InvalidInstanceId.NotFound'
    back = attach(emulator, cid, {'instances': [detached['instance_id']], 'password': 'Hello1234!'})
    assert back.status == 202, back
    emulator.wait_task(back.json['task_id'])
    emulator.wait_cluster(cid)
    again = {n['instance_id']: n for n in all_nodes(emulator, cid)}
    assert again[detached['instance_id']]['state'] == 'running'
    assert again[detached['instance_id']]['ip_address'] == detached['ip_address']


@pytest.mark.parametrize('body, status, code', [
    ({}, 400, 'MissingParameter'),
    ({'nodes': []}, 400, 'MissingParameter'),
    ({'nodes': ['cn-hangzhou.10.9.9.9']}, 404, 'ErrorNodeNotFound'),
    ({'nodes': 'not-a-list-{'}, 404, 'ErrorNodeNotFound'),
    ({'nodes': [1]}, 400, 'InvalidParameter'),
    ({'nodes': ['x'], 'release_node': 'maybe'}, 400, 'InvalidParameter'),
])
def test_remove_nodes_errors(emulator, body, status, code):
    cid, _ = emulator.create_cluster()
    r = remove(emulator, cid, body)
    assert r.status == status and r.code == code, r


def cluster_logs(emulator, cid):
    """The cluster's log lines, newest first."""
    return [e['cluster_log'] for e in emulator.signed('GET', '/clusters/%s/logs' % cid,
                                                      action='DescribeClusterLogs').json]


def test_old_sdk_delete_cluster_nodes(emulator, sdk_old):
    from aliyunsdkcs.request.v20151215.DeleteClusterNodesRequest import DeleteClusterNodesRequest
    cid, _ = emulator.create_cluster(num_of_nodes=3)
    victim = all_nodes(emulator, cid)[0]
    req = DeleteClusterNodesRequest()
    req.set_ClusterId(cid)
    req.add_body_params('nodes', [victim['node_name']])     # form-encoded, as the old core sends it
    req.add_body_params('release_node', True)
    answer = sdk_old.do(req)
    assert answer['task_id'] and answer['cluster_id'] == cid
    emulator.wait_task(answer['task_id'])
    emulator.wait_cluster(cid)
    assert victim['instance_id'] not in [n['instance_id'] for n in all_nodes(emulator, cid)]


def test_delete_cluster_nodes_unknown_node(emulator):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('POST', '/clusters/%s/nodes' % cid, body={'nodes': ['nope']}, action='DeleteClusterNodes')
    assert r.status == 404 and r.code == 'ErrorNodeNotFound'


def test_remove_master_nodes_refused(emulator):
    cid, _ = emulator.create_cluster(
        name='dedicated-1', cluster_type='Kubernetes', master_count=3, master_instance_types=['ecs.g7.large'],
        master_system_disk_category='cloud_essd', master_system_disk_size=120, master_vswitch_ids=['vsw-test0001'])
    listed = all_nodes(emulator, cid)
    masters = [n for n in listed if n['instance_role'] == 'Master']
    assert len(masters) == 3 and len(listed) == 5 and masters[0]['nodepool_id'] == ''
    r = remove(emulator, cid, {'nodes': [masters[0]['node_name']]})
    assert r.status == 400 and r.code == 'InvalidParameter'


def test_remove_unknown_cluster(emulator):
    r = remove(emulator, 'cnope', {'nodes': ['x']})
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


def test_remove_failed_task_keeps_nodes(emulator):
    cid, _ = emulator.create_cluster()
    victim = all_nodes(emulator, cid)[0]
    emulator.admin('fail-next', {'operation': 'RemoveClusterNodes'})
    r = remove(emulator, cid, {'nodes': [victim['node_name']], 'release_node': True})
    assert r.status == 200, r
    emulator.wait_cluster(cid)
    assert 'Failed to remove nodes' in cluster_logs(emulator, cid)[0]   # the answer has no task (reference 8.2)
    still = {n['instance_id']: n for n in all_nodes(emulator, cid)}
    assert still[victim['instance_id']]['state'] == 'running'


def test_attach_ecs_instances(emulator):
    cid, _ = emulator.create_cluster()
    declare(emulator, 'i-2zee3oiwcyoz7kwd0001', 'i-2ze0lgm3y6iylcbt0002')
    emulator.set_time_scale(0.01)
    r = attach(emulator, cid, {'instances': ['i-2zee3oiwcyoz7kwd0001', 'i-2ze0lgm3y6iylcbt0002'],
                               'password': 'Hello1234!', 'format_disk': False, 'keep_instance_name': True,
                               'tags': [], 'cpu_policy': 'none'})
    assert r.status == 202, r
    assert r.json['list'] == [
        {'code': '200', 'instanceId': 'i-2zee3oiwcyoz7kwd0001', 'message': 'successful'},
        {'code': '200', 'instanceId': 'i-2ze0lgm3y6iylcbt0002', 'message': 'successful'}]
    assert emulator.cluster_detail(cid)['state'] == 'updating'
    pending = nodes(emulator, cid, instanceIds='i-2zee3oiwcyoz7kwd0001')['nodes'][0]
    assert pending['state'] in ('pending', 'starting') and pending['source'] == 'attach'
    assert emulator.wait_task(r.json['task_id'])['state'] == 'success'
    info = emulator.wait_cluster(cid)
    assert info['size'] == 4
    dup = attach(emulator, cid, {'instances': ['i-2zee3oiwcyoz7kwd0001'], 'password': 'Hello1234!'})
    assert dup.status == 400 and dup.code == 'ErrorInstanceAlreadyInCluster'


@pytest.mark.parametrize('body, status, code', [
    ({'password': 'Hello1234!'}, 400, 'MissingParameter'),
    ({'instances': ['i-abcd0001']}, 400, 'MissingParameter'),                      # password or key pair
    ({'instances': ['i-abcd0001'], 'password': 'short'}, 400, 'InvalidParameter'),
    ({'instances': ['sg-abcd0001'], 'password': 'Hello1234!'}, 400, 'InvalidParameter'),
    ({'instances': ['i-abcd0001', 'i-abcd0001'], 'password': 'Hello1234!'}, 400, 'InvalidParameter'),
    ({'instances': ['i-abcd0001'], 'password': 'Hello1234!', 'is_edge_worker': True}, 400, 'InvalidParameter'),
    ({'instances': ['i-abcd0001'], 'key_pair': 'k', 'cpu_policy': 'dynamic'}, 400, 'InvalidParameter'),
])
def test_attach_errors(emulator, body, status, code):
    cid, _ = emulator.create_cluster()
    declare(emulator, 'i-abcd0001')
    r = attach(emulator, cid, body)
    assert r.status == status and r.code == code, r


def test_attach_unknown_cluster(emulator):
    r = attach(emulator, 'cnope', {'instances': ['i-abcd0001'], 'key_pair': 'k'})
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


def test_attach_ens_instances_to_edge_cluster(emulator):
    cid = edge_cluster(emulator)
    declare(emulator, 'i-5j2zjis0001', 'i-5j443uf0002', kind='ens')
    r = attach(emulator, cid, {'is_edge_worker': True, 'instances': ['i-5j2zjis0001', 'i-5j443uf0002']})
    assert r.status == 202, r
    assert [x['instanceId'] for x in r.json['list']] == ['i-5j2zjis0001', 'i-5j443uf0002']
    emulator.wait_task(r.json['task_id'])
    emulator.wait_cluster(cid)
    ens = nodes(emulator, cid, instanceIds='i-5j2zjis0001,i-5j443uf0002')['nodes']
    assert len(ens) == 2 and all(n['instance_type'].startswith('ens.') and n['state'] == 'running' for n in ens)


def test_declared_instances(emulator):
    made = declare(emulator, 'i-decl0001', 'i-decl0002')
    assert [d['instance_id'] for d in made] == ['i-decl0001', 'i-decl0002']
    assert all(d['state'] == 'running' and not any(k.startswith('_') for k in d) for d in made)
    again = declare(emulator, 'i-decl0001')                       # declaring again changes nothing
    assert again[0]['ip_address'] == made[0]['ip_address']
    generated = emulator.admin('instances', {'instances': [{'kind': 'ens', 'instance_type': 'ens.sn1.small'}]})
    ens = generated['instances'][0]
    assert ens['instance_id'].startswith('i-') and ens['instance_type'] == 'ens.sn1.small'
    free = {d['instance_id'] for d in emulator.admin('instances')['instances']}
    assert free == {'i-decl0001', 'i-decl0002', ens['instance_id']}
    cid, _ = emulator.create_cluster()
    r = attach(emulator, cid, {'instances': ['i-decl0001'], 'key_pair': 'k'})
    assert r.status == 202, r
    assert {d['instance_id'] for d in emulator.admin('instances')['instances']} == {'i-decl0002', ens['instance_id']}
    worker = all_nodes(emulator, cid)[0]['instance_id']
    for body in ({'instances': ['sg-1']}, {'instances': []}, {'instances': [{'kind': 'gpu'}]},
                 {'instances': [worker]}):
        with pytest.raises(AssertionError, match='400'):
            emulator.admin('instances', body)


def test_attach_refuses_unknown_instances(emulator):
    cid, _ = emulator.create_cluster()
    declare(emulator, 'i-known0001')
    r = attach(emulator, cid, {'instances': ['i-known0001', 'i-unknown0002'], 'key_pair': 'k'})
    assert r.status == 404 and r.code == 'InvalidInstanceId.NotFound' and 'i-unknown0002' in r.json['message']
    assert len(all_nodes(emulator, cid)) == 2                     # nothing attached, not even the known one
    assert emulator.cluster_detail(cid)['state'] == 'running'


def test_attach_ens_and_ecs_instances_by_their_kind(emulator):
    cid = edge_cluster(emulator)
    declare(emulator, 'i-ens00001', kind='ens')
    declare(emulator, 'i-ecs00001')
    ens_as_ecs = attach(emulator, cid, {'instances': ['i-ens00001'], 'password': 'Hello1234!'})
    assert ens_as_ecs.status == 400 and ens_as_ecs.code == 'InvalidParameter', ens_as_ecs
    ecs_as_ens = attach(emulator, cid, {'instances': ['i-ecs00001'], 'is_edge_worker': True})
    assert ecs_as_ens.status == 400 and ecs_as_ens.code == 'InvalidParameter', ecs_as_ens
    cloud_node = attach(emulator, cid, {'instances': ['i-ecs00001'], 'password': 'Hello1234!'})
    assert cloud_node.status == 202, cloud_node


def test_scale_out_nodes_carry_tags_and_taints(emulator):
    cid, _ = emulator.create_cluster()
    tags = [{'key': 'tier', 'value': 'batch'}]
    taints = [{'key': 'dedicated', 'value': 'batch', 'effect': 'NoSchedule'}]
    r = scale(emulator, cid, count=2, tags=tags, taints=taints)
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    docs = {d['instance_id']: d for d in emulator.admin('docs/node')['docs'] if d.get('cluster_id') == cid}
    new = [d for d in docs.values() if d.get('source') == 'ros' and d.get('tags')]
    assert len(new) == 2 and all(d['tags'] == tags and d['taints'] == taints for d in new)
    # what DescribeClusterNodes answers is unchanged (the reference's node fields)
    assert all('tags' not in n and 'taints' not in n for n in all_nodes(emulator, cid))


def test_node_operations_write_cluster_logs(emulator):
    cid, _ = emulator.create_cluster()
    declare(emulator, 'i-logs0001')

    def logs():
        r = emulator.signed('GET', '/clusters/%s/logs' % cid, action='DescribeClusterLogs')
        return [entry['cluster_log'] for entry in r.json]

    for call in (lambda: scale(emulator, cid, count=1),
                 lambda: attach(emulator, cid, {'instances': ['i-logs0001'], 'key_pair': 'k'}),
                 lambda: remove(emulator, cid, {'nodes': ['i-logs0001'], 'release_node': True})):
        r = call()
        assert r.status in (200, 202), r
        if 'task_id' in r.json:   # RemoveClusterNodes answers {} (reference 8.2)
            emulator.wait_task(r.json['task_id'])
        emulator.wait_cluster(cid)
    text = '\n'.join(logs())
    for line in ('Start to scale out the cluster by 1 ECS nodes', 'Scaled out the cluster by 1 ECS nodes',
                 'Start to attach instances i-logs0001', 'Attached instances i-logs0001',
                 'Start to remove nodes', 'Removed nodes'):
        assert line in text, text
    emulator.admin('fail-next', {'operation': 'ScaleOutCluster', 'code': 'InsufficientStock'})
    r = scale(emulator, cid, count=1)
    emulator.wait_task(r.json['task_id'])
    assert 'Failed to scale out the cluster by 1 ECS nodes: InsufficientStock' in logs()[0]


# -- DescribeClusterAttachScripts -----------------------------------------------------------------------------
def test_attach_scripts_answers_a_string(emulator):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('POST', '/clusters/%s/attachscript' % cid, body={'arch': 'arm64', 'format_disk': True},
                        action='DescribeClusterAttachScripts')
    assert r.status == 200, r
    text = r.raw.decode()
    assert text.startswith('curl ') and 'attach_node.sh' in text and '--arch arm64' in text
    assert '--openapi-token' in text and '/dev/vdb' in text
    assert r.headers['content-type'].startswith('text/plain')


@pytest.mark.parametrize('body, code', [({'arch': 'sparc'}, 'InvalidParameter'),
                                        ({'expired': 1}, 'InvalidParameter'),
                                        ({'options': '{not json'}, 'InvalidParameter')])
def test_attach_scripts_errors(emulator, body, code):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('POST', '/clusters/%s/attachscript' % cid, body=body, action='DescribeClusterAttachScripts')
    assert r.status == 400 and r.code == code, r


def test_attach_scripts_edge_needs_options(emulator):
    cid = edge_cluster(emulator)
    r = emulator.signed('POST', '/clusters/%s/attachscript' % cid, body={'arch': 'amd64'},
                        action='DescribeClusterAttachScripts')
    assert r.status == 400 and r.code == 'MissingParameter'
    ok = emulator.signed('POST', '/clusters/%s/attachscript' % cid,
                         body={'arch': 'amd64', 'options': json.dumps({'enableIptables': True})},
                         action='DescribeClusterAttachScripts')
    assert ok.status == 200 and 'edgeadm join' in ok.raw.decode()


def test_attach_scripts_unknown_cluster(emulator):
    r = emulator.signed('POST', '/clusters/cnope/attachscript', body={}, action='DescribeClusterAttachScripts')
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


# -- the official SDKs -----------------------------------------------------------------------------------------
def test_old_sdk_scale_out_and_list_nodes(emulator, sdk_old):
    from aliyunsdkcs.request.v20151215.DescribeClusterNodesRequest import DescribeClusterNodesRequest
    from aliyunsdkcs.request.v20151215.ScaleOutClusterRequest import ScaleOutClusterRequest
    cid, _ = emulator.create_cluster()
    req = ScaleOutClusterRequest()
    req.set_ClusterId(cid)
    req.set_count(1)
    req.set_login_password('Hello1234!')
    req.set_worker_system_disk_size(120)
    req.add_body_params('worker_instance_types', ['ecs.g7.2xlarge'])   # form-encoded, as the old core sends it
    answer = sdk_old.do(req)
    assert answer['cluster_id'] == cid and answer['task_id']
    emulator.wait_task(answer['task_id'])
    emulator.wait_cluster(cid)
    lst = DescribeClusterNodesRequest()
    lst.set_ClusterId(cid)
    lst.set_pageSize('2')
    lst.set_pageNumber('2')
    page = sdk_old.do(lst)
    assert page['page'] == {'page_number': 2, 'page_size': 2, 'total_count': 3}
    assert page['nodes'][0]['instance_type'] == 'ecs.g7.2xlarge'


def test_old_sdk_json_scale_out_error(emulator, sdk_old):
    from aliyunsdkcore.acs_exception.exceptions import ServerException
    from aliyunsdkcs.request.v20151215.ScaleOutClusterRequest import ScaleOutClusterRequest
    cid, _ = emulator.create_cluster()
    req = ScaleOutClusterRequest()
    req.set_ClusterId(cid)
    req.set_content_type('application/json')
    req.set_count(0)
    req.set_key_pair('k')
    req.add_body_params('worker_instance_types', ['ecs.g7.2xlarge'])
    with pytest.raises(ServerException) as info:
        sdk_old.do(req)
    assert info.value.get_http_status() == 400


@pytest.mark.parametrize('client_fixture', ['sdk_new_v2', 'sdk_new_v3'])
def test_new_sdk_scale_out_list_remove_attach(emulator, request, client_fixture):
    from alibabacloud_cs20151215 import models
    client = request.getfixturevalue(client_fixture)
    cid, _ = emulator.create_cluster()
    out = client.scale_out_cluster(cid, models.ScaleOutClusterRequest(
        count=2, key_pair='test-key', worker_instance_types=['ecs.g7.xlarge'], vswitch_ids=['vsw-test0001'],
        worker_system_disk_category='cloud_essd', worker_system_disk_size=120,
        worker_data_disks=[models.ScaleOutClusterRequestWorkerDataDisks(category='cloud_essd', size='200')],
        tags=[models.Tag(key='tier', value='backend')]))
    assert out.status_code == 202 and out.body.cluster_id == cid and out.body.task_id
    emulator.wait_task(out.body.task_id)
    emulator.wait_cluster(cid)
    page = client.describe_cluster_nodes(cid, models.DescribeClusterNodesRequest(page_number='1', page_size='3'))
    assert page.body.page.total_count == 4 and len(page.body.nodes) == 3
    assert page.body.nodes[0].node_status == 'Ready'
    victim = page.body.nodes[0]
    rm = client.remove_cluster_nodes(cid, models.RemoveClusterNodesRequest(
        nodes=[victim.node_name], drain_node=True, release_node=False))
    assert rm.status_code == 200
    emulator.wait_cluster(cid, timeout=15)
    emulator.wait(lambda: nodes(emulator, cid)['page']['total_count'] == 3)
    at = client.attach_instances(cid, models.AttachInstancesRequest(instances=[victim.instance_id],
                                                                    password='Hello1234!'))
    assert at.body.task_id and at.body.list[0].instance_id == victim.instance_id and at.body.list[0].code == '200'
    emulator.wait_task(at.body.task_id)
    script = client.describe_cluster_attach_scripts(cid,
                                                    models.DescribeClusterAttachScriptsRequest(arch='amd64'))
    assert isinstance(script.body, str) and 'attach_node.sh' in script.body


def test_new_sdk_errors(emulator, sdk_new_v3):
    from alibabacloud_cs20151215 import models
    from Tea.exceptions import TeaException
    with pytest.raises(TeaException) as info:
        sdk_new_v3.describe_cluster_nodes('cnope', models.DescribeClusterNodesRequest())
    assert info.value.code == 'ErrorClusterNotFound' and info.value.statusCode == 404
