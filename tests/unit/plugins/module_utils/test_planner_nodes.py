# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""NodesPlanner against captured answers: count reached, scale out, attach, remove, refusals, lost answers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._nodes import NodesPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    error,
    lost,
)

CID = answer('DescribeClusterDetail.running')['cluster_id']
NODES = answer('DescribeClusterNodes')['nodes']
NAMES = sorted(n['node_name'] for n in NODES)
SCALED = answer('DescribeClusterNodes.scaled')['nodes']
SCALE_TASK = answer('ScaleOutCluster')['task_id']
INSTANCE = answer('AttachInstances')['list'][0]['instanceId']
NEW_NODE = dict(worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
                worker_system_disk_size=120, vswitch_ids=['vsw-test0001'], key_pair='web-key')


def cluster(detail='DescribeClusterDetail.running'):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=detail)
    client.on('DescribeClusterNodes', CID, answer='DescribeClusterNodes')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


@pytest.mark.parametrize('options', [dict(count=2), dict(instances=[NODES[0]['instance_id']])])
def test_a_cluster_with_the_nodes_wanted_plans_nothing(options):
    client = cluster()
    ack = FakeAck('ack_nodes', client, cluster_id=CID, **options)
    plan = NodesPlanner(ack).plan()
    assert plan.steps == [] and plan.before == plan.after == {'worker_count': 2, 'workers': NAMES}
    result = execute(ack, plan)
    assert result['changed'] is False and result['nodes'] == NODES and result['cluster_id'] == CID
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterNodes']
    assert client.calls[1].query == {'pageNumber': '1', 'pageSize': '100'}


def test_scale_out_sends_the_difference_and_waits_for_the_new_node():
    client = cluster()
    client.on('DescribeClusterNodes', CID, answers=['DescribeClusterNodes', 'DescribeClusterNodes.scaling',
                                                    'DescribeClusterNodes.scaled'])
    client.on('DescribeTaskInfo', answers=['DescribeTaskInfo.running', 'DescribeTaskInfo.success'])
    client.on('ScaleOutCluster', CID, answer='ScaleOutCluster')
    ack = FakeAck('ack_nodes', client, cluster_id=CID, count=3, **NEW_NODE)
    plan = NodesPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['ScaleOutCluster 1']
    assert plan.after == {'worker_count': 3, 'workers': NAMES + ['(new node 1)']}
    client.forget()
    result = execute(ack, plan)
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [
        ('ScaleOutCluster', '/api/v2/clusters/%s' % CID, dict(NEW_NODE, count=1))]
    assert client.operations() == ['ScaleOutCluster', 'DescribeTaskInfo', 'DescribeTaskInfo', 'DescribeClusterDetail',
                                   'DescribeClusterNodes', 'DescribeClusterNodes', 'DescribeClusterNodes']
    assert ack.clock.now == 20  # the task running once, the new node pending once: one wait_sleep each
    assert result['changed'] and result['nodes'] == SCALED and result['task_ids'] == [SCALE_TASK]


def test_attach_sends_the_instances_not_yet_in_the_cluster():
    client = cluster()
    client.on('AttachInstances', CID, answer='AttachInstances')
    ack = FakeAck('ack_nodes', client, cluster_id=CID, key_pair='web-key',
                  instances=[NODES[0]['instance_id'], INSTANCE])
    plan = NodesPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['AttachInstances %s' % INSTANCE]
    assert plan.after == {'worker_count': 3, 'workers': NAMES + ['(instance %s)' % INSTANCE]}
    client.forget()
    plan.steps[0].run()
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [
        ('AttachInstances', '/clusters/%s/attach' % CID, {'instances': [INSTANCE], 'key_pair': 'web-key'})]


@pytest.mark.parametrize('options, removed', [
    (dict(state='absent', nodes=[NODES[0]['instance_id'], 'i-notinthecluster']), NODES[0]),
    (dict(count=1, remove_policy='newest'), NODES[-1]),  # equal creation times: the one listed last is newest
    (dict(count=1, remove_policy='oldest'), NODES[0]),
])
def test_remove_names_the_nodes_to_drain(options, removed):
    client = cluster()
    client.on('RemoveClusterNodes', CID, answer='RemoveClusterNodes')
    plan = NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, **options)).plan()
    assert [s.label for s in plan.steps] == ['RemoveClusterNodes %s' % removed['node_name']]
    assert plan.after['workers'] == [n for n in NAMES if n != removed['node_name']]
    client.forget()
    plan.steps[0].run()
    assert [(c.path, c.body) for c in client.writes()] == [
        ('/api/v2/clusters/%s/nodes/remove' % CID,
         {'nodes': [removed['node_name']], 'drain_node': True, 'release_node': False})]


def test_fewer_nodes_without_a_policy_names_the_candidates():
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, count=1)).plan()
    assert info.value.msg == (
        'cluster %s would have 2 worker nodes after this task, count is 1: 1 of these would have to go: %s; name them '
        'in nodes with state=absent, or set remove_policy (newest or oldest)' % (CID, ', '.join(NAMES)))
    assert client.writes() == []


@pytest.mark.parametrize('options, message, reads', [
    (dict(nodes=['x']), 'nodes names nodes to remove: use it with state=absent (to scale down to a count without '
                        'naming nodes, set remove_policy)', []),
    (dict(count=3, key_pair='web-key'), 'worker_instance_types is required to scale out cluster %s (ECS nodes)' % CID,
     ['DescribeClusterDetail', 'DescribeClusterNodes']),
    (dict(count=3, ens_region_id='cn-hangzhou-ens', **NEW_NODE),
     'ens_region_id does not apply to the ECS nodes of cluster %s (they are ENS options of edge clusters)' % CID,
     ['DescribeClusterDetail', 'DescribeClusterNodes']),
])
def test_input_that_cannot_work_is_refused_before_any_write(options, message, reads):
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, **options)).plan()
    assert info.value.msg == message and client.operations() == reads


def test_a_change_needs_the_cluster_running():
    client = cluster('DescribeClusterDetail.scaling')
    with pytest.raises(AckModuleError) as info:
        NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, wait=False, count=3, **NEW_NODE)).plan()
    assert info.value.msg == 'cluster %s is scaling; changing its nodes needs it running' % CID
    assert client.writes() == []


def scale_out_lost(detail_on_recheck):
    client = cluster()
    client.on('ScaleOutCluster', CID, answers=[error('ScaleOutCluster.ServiceUnavailable'), 'ScaleOutCluster'])
    client.on('DescribeClusterDetail', CID, answers=['DescribeClusterDetail.running', detail_on_recheck,
                                                     'DescribeClusterDetail.running'])
    client.on('DescribeClusterNodes', CID, answers=['DescribeClusterNodes', 'DescribeClusterNodes',
                                                    'DescribeClusterNodes.scaled'])
    ack = FakeAck('ack_nodes', client, cluster_id=CID, count=3, **NEW_NODE)
    return client, execute(ack, NodesPlanner(ack).plan())


def test_a_lost_scale_out_answer_is_read_again_not_sent_again_when_the_cluster_scales():
    client, result = scale_out_lost('DescribeClusterDetail.scaling')
    assert [c.operation for c in client.writes()] == ['ScaleOutCluster']
    assert client.operations()[:3] == ['DescribeClusterDetail', 'DescribeClusterNodes', 'ScaleOutCluster']
    assert client.operations()[3] == 'DescribeClusterDetail'  # the recheck: the cluster is scaling
    assert result['changed'] and result['task_ids'] == []


def test_a_lost_scale_out_answer_that_was_not_applied_is_sent_once_more():
    client, result = scale_out_lost('DescribeClusterDetail.running')
    assert client.operations()[2:6] == ['ScaleOutCluster', 'DescribeClusterDetail', 'DescribeClusterNodes',
                                        'ScaleOutCluster']
    first, second = client.writes()
    assert first.body == second.body == dict(NEW_NODE, count=1)
    assert result['task_ids'] == [SCALE_TASK] and result['nodes'] == SCALED


def test_a_lost_attach_answer_is_not_sent_again_when_the_instance_joined():
    client = cluster()
    client.on('AttachInstances', CID, answer=lost('AttachInstances'))
    client.on('DescribeClusterNodes', CID, answers=['DescribeClusterNodes', 'DescribeClusterNodes.attached'])
    ack = FakeAck('ack_nodes', client, cluster_id=CID, key_pair='web-key', instances=[INSTANCE])
    result = execute(ack, NodesPlanner(ack).plan())
    assert [c.operation for c in client.writes()] == ['AttachInstances']
    assert INSTANCE in [n['instance_id'] for n in result['nodes']]


@pytest.mark.parametrize('count, quota', [(10 ** 20, 1000), (1200, 1000), (150, None)])
def test_a_count_past_the_node_quota_is_refused_before_any_batch_is_planned(count, quota):
    client = cluster()
    client.on('DescribeUserQuota', answer={'node_quota': quota} if quota else {})
    with pytest.raises(AckModuleError) as info:
        NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, count=count, **NEW_NODE)).plan()
    assert info.value.msg.startswith('count %d would make cluster %s' % (count, CID))
    assert 'more than the node quota per cluster (%d, DescribeUserQuota node_quota)' % (quota or 100) \
        in info.value.msg
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterNodes', 'DescribeUserQuota']


def test_instances_to_attach_past_the_node_quota_are_refused_before_any_batch():
    client = cluster()
    client.on('DescribeUserQuota', answer={'node_quota': 100})
    instances = ['i-quota%05d' % n for n in range(150)]
    with pytest.raises(AckModuleError) as info:
        NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, key_pair='web-key', instances=instances)).plan()
    assert info.value.msg.startswith('150 instances to attach would make cluster %s' % CID)
    assert client.writes() == []


def test_a_count_within_a_raised_quota_plans_batches_of_500():
    client = cluster()
    client.on('DescribeUserQuota', answer={'node_quota': 2000})
    plan = NodesPlanner(FakeAck('ack_nodes', client, cluster_id=CID, count=1200, **NEW_NODE)).plan()
    labels = [s.label for s in plan.steps]
    assert labels[:2] == ['ScaleOutCluster 500', 'ScaleOutCluster 500'] and len(labels) == 3
    assert labels[2].startswith('ScaleOutCluster ') and int(labels[2].split()[1]) < 200
