"""#21: answers shaped as the real ACK API gives them. Keys neither the official SDK's response model nor the
reference documents stay internal (DescribeClusterDetail, 7.6); list answers carry their SDK list model's keys;
DescribeClusterLogs names its key ID (SDK), AttachInstances answers 8.3's keys, RemoveClusterNodes 8.2's {}."""
import json

import pytest
import requests

from ack_emulator import sdk_shapes
from ack_emulator.ops import clusters as cluster_ops
from kubetools import Kube, kubeconfig

# every ModifyCluster parameter recorded as it is (ops/modify.py MODIFY_FIELDS but the maintenance ones)
MODIFIED = {'instance_deletion_protection': True, 'resource_group_id': 'rg-shape01', 'timezone': 'Asia/Tokyo',
            'control_plane_config': {'auto_renew': False}, 'control_plane_endpoints_config': {},
            'system_events_logging': {'enabled': True}, 'rrsa_config': {'enabled': True},
            'ingress_loadbalancer_id': 'lb-shape01', 'ingress_domain_rebinding': True, 'enable_rrsa': True,
            'access_control_list': ['10.0.0.0/8'], 'api_server_custom_cert_sans': {'action': 'append'},
            'api_server_eip': True, 'api_server_eip_id': 'eip-shape01'}


def test_list_keys_are_those_of_the_sdk_list_models():
    models = pytest.importorskip('alibabacloud_cs20151215.models')
    assert sorted(cluster_ops.LIST_KEYS) == sorted(sdk_shapes.fields(models.DescribeClustersResponseBody))
    assert sorted(cluster_ops.LIST_V1_KEYS) == sorted(sdk_shapes.fields(models.DescribeClustersV1ResponseBodyClusters))


def test_detail_and_lists_answer_what_the_sdk_declares(emulator):
    pytest.importorskip('alibabacloud_cs20151215')
    emulator.set_time_scale(0)
    cid, _ = emulator.create_cluster()
    r = emulator.signed('PUT', '/api/v2/clusters/' + cid, body=MODIFIED, action='ModifyCluster')
    assert r.status == 202, r
    detail = emulator.wait_cluster(cid)
    assert sdk_shapes.differences('DescribeClusterDetail', detail, extras=True) == []
    declared = {'resource_group_id', 'timezone', 'control_plane_config', 'control_plane_endpoints_config',
                'rrsa_config'}
    assert not (set(MODIFIED) - declared) & set(detail)
    assert detail['vswitch_cidr'] == ''  # 7.6
    listed = emulator.signed('GET', '/clusters', action='DescribeClusters').json
    assert sorted(listed[0]) == sorted(cluster_ops.LIST_KEYS)
    v1 = emulator.signed('GET', '/api/v1/clusters', action='DescribeClustersV1').json
    assert sorted(v1['clusters'][0]) == sorted(cluster_ops.LIST_V1_KEYS)
    assert sdk_shapes.differences('DescribeClustersV1', v1) == []
    # what the detail does not show, DescribeClusterResources does
    resources = emulator.signed('GET', '/clusters/%s/resources' % cid, action='DescribeClusterResources').json
    found = {(x['resource_type'], x['instance_id'], x['auto_create']) for x in resources}
    assert {('ALIYUN::VPC::EIP', 'eip-shape01', 0), ('ALIYUN::SLB::LoadBalancer', 'lb-shape01', 0)} <= found


def test_the_public_port_follows_the_api_server_eip(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    assert kube.get('/version')['gitVersion'].startswith('v')
    kube.close()
    emulator.set_time_scale(0)
    r = emulator.signed('PUT', '/api/v2/clusters/' + cid, body={'api_server_eip': False}, action='ModifyCluster')
    assert r.status == 202, r
    detail = emulator.wait_cluster(cid)
    assert json.loads(detail['master_url'])['api_server_endpoint'] == ''
    with pytest.raises(requests.RequestException):  # the public port no longer answers
        Kube(kube.text, str(tmp_path / 'again')).call('GET', '/version')
    r = emulator.signed('GET', '/k8s/%s/user_config' % cid, action='DescribeClusterUserKubeconfig')
    assert (r.status, r.code) == (400, 'ErrorPublicEndpointNotFound')
    assert kubeconfig(emulator, cid, private=True)['config']


def test_logs_attach_and_remove_answer_the_documented_keys(emulator):
    cid, _ = emulator.create_cluster()
    logs = emulator.signed('GET', '/clusters/%s/logs' % cid, action='DescribeClusterLogs').json
    assert logs and all(isinstance(e['ID'], int) and 'id' not in e for e in logs)
    emulator.admin('instances', {'instances': [{'instance_id': 'i-shape0001', 'kind': 'ecs'}]})
    r = emulator.signed('POST', '/clusters/%s/attach' % cid, body={'instances': ['i-shape0001'], 'key_pair': 'k'},
                        action='AttachInstances')
    assert r.status == 202 and set(r.json) == {'list', 'task_id'}, r
    emulator.wait_task(r.json['task_id'])
    emulator.wait_cluster(cid)
    r = emulator.signed('POST', '/api/v2/clusters/%s/nodes/remove' % cid, body={'nodes': ['i-shape0001']},
                        action='RemoveClusterNodes')
    assert (r.status, r.json) == (200, {})
