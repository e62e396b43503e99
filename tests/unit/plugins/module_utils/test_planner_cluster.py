# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ClusterPlanner against captured answers: nothing to do, create, update in place, delete, refusals, a repeat."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster import ClusterPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    error,
    lost,
)

RUNNING = answer('DescribeClusterDetail.running')
CID = RUNNING['cluster_id']
TASK = answer('CreateCluster')['task_id']
MODIFY_TASK = answer('ModifyCluster')['task_id']
NEW = dict(name='web', cluster_type='ManagedKubernetes', kubernetes_version='1.28.9-aliyun.1', vpc_id='vpc-test0001',
           vswitch_ids=['vsw-test0001'], container_cidr='172.20.0.0/16', service_cidr='172.21.0.0/20', num_of_nodes=2,
           worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
           worker_system_disk_size=120, key_pair='web-key', snat_entry=True, tags={'env': 'dev'})


def existing(detail='DescribeClusterDetail.running'):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=detail)
    client.on('DescribeClustersV1', answer='DescribeClustersV1')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


def test_an_unchanged_cluster_plans_nothing_and_reads_it_once():
    client = existing()
    ack = FakeAck('ack_cluster', client, cluster_id=CID, name='web', tags={'env': 'dev'}, deletion_protection=False,
                  container_cidr='172.20.0.0/16', kubernetes_version='1.28.9-aliyun.1')
    plan = ClusterPlanner(ack).plan()
    assert plan.steps == [] and plan.before == plan.after
    result = execute(ack, plan)
    assert result['changed'] is False and result['cluster'] == RUNNING and result['task_ids'] == []
    assert client.operations() == ['DescribeClusterDetail']


def test_by_name_it_lists_once_then_reads_the_detail():
    client = existing()
    ack = FakeAck('ack_cluster', client, name='web', cluster_type='ManagedKubernetes', tags={'env': 'dev'})
    assert ClusterPlanner(ack).plan().steps == []
    assert client.operations() == ['DescribeClustersV1', 'DescribeClusterDetail']
    assert client.calls[0].query == {'name': 'web', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
                                     'page_number': '1', 'page_size': '50'}


def creating():
    client = FakeClient()
    client.on('DescribeClustersV1', answer='DescribeClustersV1.empty')
    client.on('CreateCluster', answer='CreateCluster')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    client.on('DescribeClusterDetail', CID, answer='DescribeClusterDetail.running')
    client.on('ModifyCluster', CID, answer='ModifyCluster')
    client.on('DescribeClusterResources', CID, answer=[])
    return client


def test_create_then_the_follow_up_setting_create_cannot_take():
    client = creating()
    ack = FakeAck('ack_cluster', client, ingress_loadbalancer_id='lb-ingress0001', **NEW)
    plan = ClusterPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['CreateCluster', 'ModifyCluster']
    assert all(not c.write for c in client.calls)
    assert plan.before == {}
    assert plan.after == dict(
        name='web', region_id='cn-hangzhou', cluster_type='ManagedKubernetes', kubernetes_version='1.28.9-aliyun.1',
        vpcid='vpc-test0001', vswitch_ids=['vsw-test0001'], container_cidr='172.20.0.0/16',
        service_cidr='172.21.0.0/20', num_of_nodes=2, worker_instance_types=['ecs.g7.xlarge'],
        worker_system_disk_category='cloud_essd', worker_system_disk_size=120, key_pair='web-key', snat_entry=True,
        tags=[{'key': 'env', 'value': 'dev'}], ingress_loadbalancer_id='lb-ingress0001')

    client.forget()
    result = execute(ack, plan)
    create, modify = client.writes()
    assert create.path == '/clusters' and create.body['client_token'].startswith('ansible-')
    assert dict((k, v) for k, v in create.body.items() if k != 'client_token') == dict(
        (k, v) for k, v in plan.after.items() if k != 'ingress_loadbalancer_id')
    assert (modify.operation, modify.path, modify.body) == (
        'ModifyCluster', '/api/v2/clusters/%s' % CID, {'ingress_loadbalancer_id': 'lb-ingress0001'})
    # each write awaited (its task, the cluster running), the follow-up read after the create settled
    assert client.operations() == ['CreateCluster', 'DescribeTaskInfo', 'DescribeClusterDetail',
                                   'DescribeClusterDetail', 'DescribeClusterResources', 'ModifyCluster',
                                   'DescribeTaskInfo', 'DescribeClusterDetail', 'DescribeClusterDetail']
    assert result['changed'] and result['task_ids'] == [TASK, MODIFY_TASK] and result['cluster'] == RUNNING


def test_a_rerun_of_the_same_create_sends_the_same_client_token():
    tokens = []
    for dummy in range(2):
        client = creating()
        ack = FakeAck('ack_cluster', client, **NEW)
        ClusterPlanner(ack).plan().steps[0].run()
        tokens.append(client.sent('CreateCluster')[0]['client_token'])
    assert tokens[0] == tokens[1]
    client = creating()
    other = dict(NEW)
    other['num_of_nodes'] = 3
    ClusterPlanner(FakeAck('ack_cluster', client, **other)).plan().steps[0].run()
    assert client.sent('CreateCluster')[0]['client_token'] != tokens[0]


def test_update_in_place_modifies_then_tags_keeping_system_tags():
    client = existing()
    client.on('ModifyCluster', CID, answer='ModifyCluster')
    client.on('ModifyClusterTags', CID, answer='ModifyClusterTags')
    ack = FakeAck('ack_cluster', client, cluster_id=CID, tags={'env': 'prod'}, deletion_protection=True)
    plan = ClusterPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['ModifyCluster', 'ModifyClusterTags']
    assert plan.before == {'deletion_protection': False, 'tags': {'env': 'dev'}}
    assert plan.after == {'deletion_protection': True, 'tags': {'env': 'prod'}}
    client.forget()
    for step in plan.steps:
        step.run()
    assert [(c.operation, c.body) for c in client.writes()] == [
        ('ModifyCluster', {'deletion_protection': True}),
        ('ModifyClusterTags', [{'key': 'ack.aliyun.com', 'value': CID}, {'key': 'env', 'value': 'prod'}])]


def test_check_mode_returns_the_plan_and_writes_nothing():
    client = existing()
    ack = FakeAck('ack_cluster', client, check_mode=True, cluster_id=CID, tags={'env': 'prod'})
    result = execute(ack, ClusterPlanner(ack).plan())
    assert result['changed'] and result['diff'] == {'before': {'tags': {'env': 'dev'}},
                                                    'after': {'tags': {'env': 'prod'}}}
    assert client.writes() == []


@pytest.mark.parametrize('options, message', [
    (dict(container_cidr='10.0.0.0/16'), "cannot change container_cidr of an existing cluster in place: "
                                         "container_cidr is '172.20.0.0/16', wanted '10.0.0.0/16'"),
    (dict(kubernetes_version='1.30.1-aliyun.1'), "cannot change kubernetes_version of an existing cluster in place: "
                                                 "kubernetes_version is '1.28.9-aliyun.1', wanted '1.30.1-aliyun.1' "
                                                 "(use alicloud.ack.ack_upgrade to upgrade a cluster)"),
    (dict(name='api'), "cluster %s is named 'web', wanted 'api': this module does not rename clusters" % CID),
])
def test_what_cannot_change_in_place_is_refused_before_any_write(options, message):
    client = existing()
    ack = FakeAck('ack_cluster', client, cluster_id=CID, deletion_protection=True, **options)
    with pytest.raises(AckModuleError) as info:
        ClusterPlanner(ack).plan()
    assert info.value.msg == message
    assert client.writes() == []


@pytest.mark.parametrize('drop, message', [
    ('vpc_id', 'vpc_id is required to create a managed cluster'),
    ('key_pair', 'key_pair or login_password is required to create a managed cluster'),
])
def test_a_create_missing_what_the_api_requires_is_refused(drop, message):
    client = creating()
    options = dict((k, v) for k, v in NEW.items() if k != drop)
    with pytest.raises(AckModuleError) as info:
        ClusterPlanner(FakeAck('ack_cluster', client, **options)).plan()
    assert info.value.msg == message and client.writes() == []


def test_a_protected_cluster_is_not_deleted_unless_the_task_says_so():
    client = existing('DescribeClusterDetail.protected')
    with pytest.raises(AckModuleError) as info:
        ClusterPlanner(FakeAck('ack_cluster', client, cluster_id=CID, state='absent')).plan()
    assert info.value.msg == ('cluster %s has deletion protection; set deletion_protection: false in this task to '
                              'turn it off and delete the cluster' % CID)
    assert client.operations() == ['DescribeClusterDetail']


def test_delete_turns_protection_off_then_deletes_and_waits_for_it_gone():
    client = existing()
    client.on('DescribeClusterDetail', CID, answers=['DescribeClusterDetail.protected', 'DescribeClusterDetail.running',
                                                     'DescribeClusterDetail.deleting',
                                                     error('DescribeClusterDetail.ErrorClusterNotFound')])
    client.on('ModifyCluster', CID, answer='ModifyCluster')
    client.on('DeleteCluster', CID, answer='DeleteCluster')
    ack = FakeAck('ack_cluster', client, cluster_id=CID, state='absent', deletion_protection=False)
    plan = ClusterPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['ModifyCluster', 'DeleteCluster']
    assert plan.before['cluster_id'] == CID and plan.after == {}
    result = execute(ack, plan)
    assert [(c.operation, c.body) for c in client.writes()] == [
        ('ModifyCluster', {'deletion_protection': False}), ('DeleteCluster', None)]
    assert client.operations()[-2:] == ['DescribeClusterDetail', 'DescribeClusterDetail']  # deleting, then gone
    assert ack.clock.now == 10  # one wait_sleep between the two polls
    assert result['task_ids'] == [MODIFY_TASK, answer('DeleteCluster')['task_id']]


def test_an_absent_cluster_is_nothing_to_delete():
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=error('DescribeClusterDetail.ErrorClusterNotFound'))
    ack = FakeAck('ack_cluster', client, cluster_id=CID, state='absent')
    result = execute(ack, ClusterPlanner(ack).plan())
    assert result['changed'] is False and client.operations() == ['DescribeClusterDetail']


def test_a_delete_repeated_after_a_lost_answer_that_meets_not_found_is_done():
    client = existing()
    client.on('DeleteCluster', CID, answer=error('DeleteCluster.ErrorClusterNotFound', repeated=True))
    client.on('DescribeClusterDetail', CID, answers=['DescribeClusterDetail.running',
                                                     error('DescribeClusterDetail.ErrorClusterNotFound')])
    ack = FakeAck('ack_cluster', client, cluster_id=CID, state='absent')
    result = execute(ack, ClusterPlanner(ack).plan())
    assert result['changed'] and client.operations() == ['DescribeClusterDetail', 'DeleteCluster',
                                                         'DescribeClusterDetail']


def test_a_lost_create_answer_fails_the_task_without_a_second_create():
    # CreateCluster has no recheck: the client already retried it with its client_token; a rerun finds the cluster
    client = creating()
    client.on('CreateCluster', answer=lost('CreateCluster'))
    ack = FakeAck('ack_cluster', client, **NEW)
    with pytest.raises(AckApiError) as info:
        execute(ack, ClusterPlanner(ack).plan())
    assert info.value.maybe_applied and info.value.code == 'ConnectionError'
    assert [c.operation for c in client.writes()] == ['CreateCluster']
