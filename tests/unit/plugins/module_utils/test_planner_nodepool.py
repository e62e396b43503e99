# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""NodePoolPlanner against captured answers: nothing to do with the fewest reads, create, scale by desired_size,
auto scaling on and off, refusals, delete, lost answers read again."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._nodepool import NodePoolPlanner
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
POOL = answer('DescribeClusterNodePoolDetail')
NPID = POOL['nodepool_info']['nodepool_id']
CREATE_TASK = answer('CreateClusterNodePool')['task_id']
MODIFY_TASK = answer('ModifyClusterNodePool')['task_id']
POOL_NODES = answer('DescribeClusterNodes.pool')['nodes']
BY_NAME = {'NodepoolName': 'batch'}
SETTINGS = dict(desired_size=2, worker_instance_types=['ecs.g7.xlarge'], vswitch_ids=['vsw-test0001'],
                key_pair='web-key', worker_system_disk_category='cloud_essd', worker_system_disk_size=120,
                labels={'workload': 'batch'}, taints=[{'key': 'dedicated', 'value': 'batch'}])


def pool(detail='DescribeClusterNodePoolDetail', **patch):
    """A captured pool answer with sections patched: pool(auto_scaling={'enable': True})."""
    found = answer(detail)
    for section, fields in patch.items():
        found[section] = dict(found[section], **fields)
    return found


def client_with(detail='DescribeClusterNodePoolDetail', listed='DescribeClusterNodePools.batch'):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer='DescribeClusterDetail.running')
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answer=detail)
    client.on('DescribeClusterNodePools', CID, query=BY_NAME, answer=listed)
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


def planned(client, check_mode=False, **options):
    ack = FakeAck('ack_nodepool', client, check_mode=check_mode, cluster_id=CID, **options)
    return ack, NodePoolPlanner(ack).plan()


@pytest.mark.parametrize('ref, reads', [
    (dict(nodepool_id=NPID), ['DescribeClusterNodePoolDetail']),
    (dict(name='batch'), ['DescribeClusterNodePools']),
])
def test_a_pool_as_wanted_is_one_read_and_no_write(ref, reads):
    client = client_with()
    ack, plan = planned(client, **dict(SETTINGS, **ref))
    assert plan.steps == [] and plan.before == plan.after == {}
    result = execute(ack, plan)
    assert result['changed'] is False and result['nodepool_id'] == NPID and result['cluster_id'] == CID
    assert result['nodepool']['nodepool_info']['name'] == 'batch' and result['task_ids'] == []
    assert client.operations() == reads
    if 'name' in ref:
        assert client.calls[0].query == BY_NAME


def test_create_sends_the_pool_and_waits_for_its_task_and_its_nodes():
    client = client_with(listed='DescribeClusterNodePools.empty')
    client.on('CreateClusterNodePool', CID, answer='CreateClusterNodePool')
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=['DescribeClusterNodePoolDetail.scaling',
                                                                   'DescribeClusterNodePoolDetail'])
    settings = dict((k, v) for k, v in SETTINGS.items() if k != 'key_pair')
    ack, plan = planned(client, name='batch', login_password='Pool-Passw0rd!', **settings)
    assert [s.label for s in plan.steps] == ['CreateClusterNodePool batch']
    assert plan.before == {} and plan.after['desired_size'] == 2 and 'login_password' not in json.dumps(plan.after)
    assert client.operations() == ['DescribeClusterNodePools', 'DescribeClusterDetail']
    client.forget()
    result = execute(ack, plan)
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [(
        'CreateClusterNodePool', '/clusters/%s/nodepools' % CID, {
            'nodepool_info': {'name': 'batch'},
            'scaling_group': {'desired_size': 2, 'instance_types': ['ecs.g7.xlarge'], 'vswitch_ids': ['vsw-test0001'],
                              'system_disk_category': 'cloud_essd', 'system_disk_size': 120,
                              'login_password': 'Pool-Passw0rd!'},
            'kubernetes_config': {'labels': [{'key': 'workload', 'value': 'batch'}],
                                  'taints': [{'key': 'dedicated', 'value': 'batch', 'effect': 'NoSchedule'}]}})]
    assert client.operations()[1:] == ['DescribeTaskInfo', 'DescribeClusterNodePoolDetail',
                                       'DescribeClusterNodePoolDetail', 'DescribeClusterNodePoolDetail']
    assert ack.clock.now == 10  # the pool scaling once: one wait_sleep
    assert ack.hidden == ['Pool-Passw0rd!']
    assert result['changed'] and result['nodepool_id'] == NPID and result['task_ids'] == [CREATE_TASK]
    assert result['nodepool']['status']['total_nodes'] == 2


@pytest.mark.parametrize('size', [3, 0])
def test_the_size_goes_as_desired_size_and_zero_is_a_size(size):
    client = client_with()
    client.on('ModifyClusterNodePool', CID, NPID, answer='ModifyClusterNodePool')
    patch = dict(desired_size=size, total_nodes=size)
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=[
        'DescribeClusterNodePoolDetail', pool(scaling_group=patch, status=patch)])
    ack, plan = planned(client, name='batch', desired_size=size)
    assert plan.before == {'desired_size': 2} and plan.after == {'desired_size': size}
    client.forget()
    result = execute(ack, plan)
    assert [(c.method, c.path, c.body) for c in client.writes()] == [
        ('PUT', '/clusters/%s/nodepools/%s' % (CID, NPID), {'scaling_group': {'desired_size': size}})]
    assert result['nodepool']['status']['total_nodes'] == size and result['task_ids'] == [MODIFY_TASK]


def test_the_size_wait_lasts_until_the_pool_has_its_nodes():
    client = client_with()
    client.on('ModifyClusterNodePool', CID, NPID, answer='ModifyClusterNodePool')
    client.on('DescribeTaskInfo', answers=['DescribeTaskInfo.nodepool_running', 'DescribeTaskInfo.nodepool_success'])
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=[
        'DescribeClusterNodePoolDetail', 'DescribeClusterNodePoolDetail.scaling', 'DescribeClusterNodePoolDetail.scaled'])
    ack, plan = planned(client, nodepool_id=NPID, desired_size=3)
    client.forget()
    execute(ack, plan)
    assert client.operations() == ['ModifyClusterNodePool', 'DescribeTaskInfo', 'DescribeTaskInfo',
                                   'DescribeClusterNodePoolDetail', 'DescribeClusterNodePoolDetail',
                                   'DescribeClusterNodePoolDetail']
    assert ack.clock.now == 20


def test_auto_scaling_on_sends_it_whole_and_other_edits_leave_it_alone():
    client = client_with()
    client.on('ModifyClusterNodePool', CID, NPID, answer='ModifyClusterNodePool')
    ack, plan = planned(client, name='batch', auto_scaling=dict(enable=True, min_instances=1, max_instances=3))
    plan.steps[0].run()
    on = client.writes()[-1].body
    assert set(on) == {'auto_scaling'}
    assert dict((k, on['auto_scaling'][k]) for k in ('enable', 'min_instances', 'max_instances', 'type')) == dict(
        enable=True, min_instances=1, max_instances=3, type='cpu')

    client = client_with('DescribeClusterNodePoolDetail.autoscaling')
    client.on('ModifyClusterNodePool', CID, NPID, answer='ModifyClusterNodePool')
    ack, plan = planned(client, nodepool_id=NPID, labels={'workload': 'batch', 'tier': 'spot'}, update_nodes=True)
    plan.steps[0].run()
    assert client.writes()[-1].body == {'kubernetes_config': {
        'labels': [{'key': 'tier', 'value': 'spot'}, {'key': 'workload', 'value': 'batch'}],
        'taints': [{'key': 'dedicated', 'value': 'batch', 'effect': 'NoSchedule'}]}, 'update_nodes': True}

    ack, plan = planned(client, nodepool_id=NPID, auto_scaling=dict(enable=False))
    assert plan.before['auto_scaling']['enable'] is True and plan.after['auto_scaling']['enable'] is False
    plan.steps[0].run()
    assert client.writes()[-1].body['auto_scaling']['enable'] is False


@pytest.mark.parametrize('detail, options, message', [
    ('DescribeClusterNodePoolDetail.autoscaling', dict(desired_size=3),
     'desired_size: node pool %s scales automatically (auto_scaling.enable); set auto_scaling.enable: false to give '
     'it a size' % NPID),
    ('DescribeClusterNodePoolDetail', dict(login_as_non_root=True),
     'login_as_non_root cannot be changed in place (node pool %s has False): ModifyClusterNodePool does not take it; '
     'create a new node pool with it' % NPID),
    ('DescribeClusterNodePoolDetail', dict(state='absent'),
     'node pool batch (%s) has 2 nodes; set force: true to delete it with its nodes, or set its desired_size to 0 '
     'first' % NPID),
    ('DescribeClusterNodePoolDetail.scaling', dict(desired_size=4, wait=False),
     'node pool %s is scaling; changing it needs it active (wait: true waits for it)' % NPID),
])
def test_what_cannot_work_is_refused_before_any_write(detail, options, message):
    client = client_with(detail)
    with pytest.raises(AckModuleError) as info:
        planned(client, nodepool_id=NPID, **options)
    assert info.value.msg == message and client.writes() == []


@pytest.mark.parametrize('options, message', [
    (dict(name='batch', desired_size=-1), 'desired_size must not be negative, got -1'),
    (dict(name='batch', desired_size=1, auto_scaling=dict(enable=True, max_instances=3)),
     'desired_size does not apply with auto_scaling.enable: the pool sizes itself between auto_scaling.min_instances '
     'and max_instances'),
    (dict(name='batch', auto_scaling=dict(min_instances=4, max_instances=3)),
     'auto_scaling.min_instances (4) is more than auto_scaling.max_instances (3)'),
    (dict(name='batch', force=True), 'force deletes a node pool with its nodes: use it with state=absent'),
    (dict(nodepool_id='np/../x'), "nodepool_id 'np/../x' is not a valid id (np followed by letters and digits)"),
    (dict(name='batch', rolling_policy=dict(max_parallelism=2)),
     'rolling_policy goes with kubernetes_version: it says how the pool is upgraded'),
])
def test_bad_input_is_refused_before_any_read(options, message):
    client = client_with()
    with pytest.raises(AckModuleError) as info:
        planned(client, **options)
    assert info.value.msg == message and client.calls == []


def test_a_new_pool_needs_what_creating_it_takes():
    client = client_with(listed='DescribeClusterNodePools.empty')
    with pytest.raises(AckModuleError) as info:
        planned(client, name='batch', desired_size=1, key_pair='k')
    assert info.value.msg == "worker_instance_types is required to create node pool 'batch'"
    assert client.operations() == ['DescribeClusterNodePools']


def test_an_unknown_cluster_is_the_one_not_found_failure():
    client = FakeClient()
    client.on('DescribeClusterNodePoolDetail', CID, NPID,
              answer=error('DescribeClusterDetail.ErrorClusterNotFound', operation='DescribeClusterNodePoolDetail'))
    with pytest.raises(AckModuleError) as info:
        planned(client, nodepool_id=NPID, desired_size=1)
    assert info.value.msg == 'cluster %s not found' % CID
    assert info.value.extra['error']['code'] == 'ErrorClusterNotFound'


def test_check_mode_plans_and_writes_nothing():
    client = client_with()
    ack, plan = planned(client, check_mode=True, name='batch', desired_size=5)
    result = execute(ack, plan)
    assert result['changed'] and result['diff'] == {'before': {'desired_size': 2}, 'after': {'desired_size': 5}}
    assert client.writes() == [] and result['task_ids'] == []


def test_remove_nodes_names_them_by_instance_and_skips_strangers():
    client = client_with()
    client.on('DescribeClusterNodes', CID, query={'nodepool_id': NPID}, answer='DescribeClusterNodes.pool')
    client.on('RemoveNodePoolNodes', CID, NPID, answer='RemoveNodePoolNodes')
    node = POOL_NODES[-1]
    ack, plan = planned(client, name='batch', remove_nodes=[node['node_name'], 'cn-hangzhou.10.0.0.99'],
                        release=True)
    assert [s.label for s in plan.steps] == ['RemoveNodePoolNodes %s' % node['node_name']]
    assert plan.after['nodes'] == sorted(n['node_name'] for n in POOL_NODES[:-1])
    client.forget()
    plan.steps[0].run()
    assert [(c.method, c.path, c.query) for c in client.writes()] == [
        ('DELETE', '/clusters/%s/nodepools/%s/nodes' % (CID, NPID),
         {'instance_ids': json.dumps([node['instance_id']]), 'drain_node': 'true', 'release_node': 'true'})]


def test_remove_nodes_and_desired_size_scale_back_after_the_removal():
    client = client_with()
    client.on('DescribeClusterNodes', CID, query={'nodepool_id': NPID}, answer='DescribeClusterNodes.pool')
    ack, plan = planned(client, name='batch', remove_nodes=[POOL_NODES[0]['instance_id']], desired_size=2)
    assert [s.label.split()[0] for s in plan.steps] == ['RemoveNodePoolNodes', 'ModifyClusterNodePool']
    ack, plan = planned(client, name='batch', remove_nodes=[POOL_NODES[0]['instance_id']], desired_size=1)
    assert [s.label.split()[0] for s in plan.steps] == ['RemoveNodePoolNodes']


def test_delete_with_force_waits_until_the_pool_is_gone():
    client = client_with()
    client.on('DeleteClusterNodepool', CID, NPID, answer='DeleteClusterNodepool')
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=[
        'DescribeClusterNodePoolDetail', 'DescribeClusterNodePoolDetail.deleting',
        error('DescribeClusterNodePoolDetail.ErrorNodePoolNotFound')])
    ack, plan = planned(client, name='batch', state='absent', force=True)
    assert plan.before == {'name': 'batch', 'desired_size': 2} and plan.after == {}
    client.forget()
    result = execute(ack, plan)
    assert [(c.method, c.query) for c in client.writes()] == [('DELETE', {'force': 'true'})]
    assert result['nodepool'] == {} and result['changed']


def test_a_failed_task_fails_with_its_error():
    client = client_with()
    client.on('ModifyClusterNodePool', CID, NPID, answer='ModifyClusterNodePool')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.nodepool_failed')
    ack, plan = planned(client, nodepool_id=NPID, desired_size=4)
    with pytest.raises(AckModuleError) as info:
        execute(ack, plan)
    assert info.value.msg == 'task %s failed: the scaling group is gone' % MODIFY_TASK


def test_a_lost_create_answer_is_read_again_by_name_not_sent_again():
    client = client_with()
    client.on('DescribeClusterNodePools', CID, query=BY_NAME, answers=['DescribeClusterNodePools.empty',
                                                                       'DescribeClusterNodePools.batch'])
    client.on('CreateClusterNodePool', CID, answer=lost('CreateClusterNodePool'))
    ack, plan = planned(client, name='batch', **SETTINGS)
    result = execute(ack, plan)
    assert [c.operation for c in client.writes()] == ['CreateClusterNodePool']
    assert result['nodepool_id'] == NPID and result['task_ids'] == [] and result['changed']


def test_a_lost_create_answer_that_made_nothing_is_sent_once_more():
    client = client_with(listed='DescribeClusterNodePools.empty')
    client.on('CreateClusterNodePool', CID, answers=[lost('CreateClusterNodePool'), 'CreateClusterNodePool'])
    ack, plan = planned(client, name='batch', **SETTINGS)
    result = execute(ack, plan)
    first, second = client.writes()
    assert first.body == second.body and result['task_ids'] == [CREATE_TASK]


def test_a_modify_the_pool_is_already_carrying_out_counts_as_done():
    client = client_with()
    client.on('ModifyClusterNodePool', CID, NPID, answer=error('ModifyClusterNodePool.InvalidStatus.NodePoolState',
                                                               repeated=True))
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=[
        'DescribeClusterNodePoolDetail', 'DescribeClusterNodePoolDetail.scaling', 'DescribeClusterNodePoolDetail.scaled'])
    ack, plan = planned(client, nodepool_id=NPID, desired_size=3)
    result = execute(ack, plan)
    assert [c.operation for c in client.writes()] == ['ModifyClusterNodePool']
    assert result['task_ids'] == [] and result['nodepool']['status']['total_nodes'] == 3


def test_a_lost_modify_answer_is_read_again():
    client = client_with()
    client.on('ModifyClusterNodePool', CID, NPID, answer=lost('ModifyClusterNodePool'))
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=[
        'DescribeClusterNodePoolDetail', 'DescribeClusterNodePoolDetail.scaled'])
    ack, plan = planned(client, nodepool_id=NPID, desired_size=3)
    result = execute(ack, plan)
    assert [c.operation for c in client.writes()] == ['ModifyClusterNodePool']
    assert result['nodepool']['scaling_group']['desired_size'] == 3


def with_kubelet(version):
    """The captured pool, its kubelet node component (the pool's Kubernetes version) at version."""
    found = answer('DescribeClusterNodePoolDetail')
    found['node_components'] = [{'name': 'kubelet', 'version': version}]
    return found


def test_an_upgrade_goes_after_the_control_plane_with_its_rolling_policy():
    client = client_with(with_kubelet('1.28.9-aliyun.1'))
    cluster = answer('DescribeClusterDetail.running')
    client.on('DescribeClusterDetail', CID, answer=dict(cluster, current_version='1.30.1-aliyun.1'))
    client.on('UpgradeClusterNodepool', CID, NPID, answer='UpgradeClusterNodepool')
    ack, plan = planned(client, nodepool_id=NPID, kubernetes_version='1.30.1-aliyun.1',
                        rolling_policy=dict(max_parallelism=2))
    assert plan.before == {'kubernetes_version': '1.28.9-aliyun.1'}
    assert plan.after == {'kubernetes_version': '1.30.1-aliyun.1'}
    client.forget()
    plan.steps[0].run()
    assert [(c.path, c.body) for c in client.writes()] == [
        ('/clusters/%s/nodepools/%s/upgrade' % (CID, NPID),
         {'kubernetes_version': '1.30.1-aliyun.1', 'rolling_policy': {'max_parallelism': 2}})]


@pytest.mark.parametrize('have, wanted, message', [
    ('1.28.9-aliyun.1', '1.31.1-aliyun.1', 'kubernetes_version 1.31.1-aliyun.1: the nodes of node pool %s cannot run '
     'a newer version than the control plane of cluster %s, 1.30.1-aliyun.1; upgrade the control plane first '
     '(alicloud.ack.ack_upgrade with master_only: true)' % (NPID, CID)),
    ('1.30.1-aliyun.1', '1.28.9-aliyun.1', 'kubernetes_version 1.28.9-aliyun.1: node pool %s runs 1.30.1-aliyun.1, '
     'and a node pool is never downgraded' % NPID),
])
def test_an_upgrade_past_the_control_plane_or_down_is_refused(have, wanted, message):
    client = client_with(with_kubelet(have))
    cluster = answer('DescribeClusterDetail.running')
    client.on('DescribeClusterDetail', CID, answer=dict(cluster, current_version='1.30.1-aliyun.1'))
    with pytest.raises(AckModuleError) as info:
        planned(client, nodepool_id=NPID, kubernetes_version=wanted)
    assert info.value.msg == message and client.writes() == []


def test_a_pool_at_the_version_is_not_upgraded():
    client = client_with()
    version = POOL['node_components'][0]['version']
    ack, plan = planned(client, nodepool_id=NPID, kubernetes_version=version)
    assert plan.steps == [] and client.operations() == ['DescribeClusterNodePoolDetail']


def test_a_pool_that_does_not_tell_its_version_cannot_be_compared():
    client = client_with(dict(POOL, node_components=[]))
    with pytest.raises(AckModuleError) as info:
        planned(client, nodepool_id=NPID, kubernetes_version='1.30.1-aliyun.1')
    assert info.value.msg == ('kubernetes_version: node pool %s does not tell its Kubernetes version (no kubelet '
                              'among its node_components), so it cannot be compared' % NPID)


def test_ack_nodes_counts_the_default_pool_only():
    """A cluster's worker count (ack_nodes) is its default pool's: the nodes of other pools are not counted or
    chosen for removal."""
    listed = answer('DescribeClusterNodePools')['nodepools']
    default, other = [p['nodepool_info']['nodepool_id'] for p in listed]
    nodes = answer('DescribeClusterNodes')
    for node in nodes['nodes']:
        if node['instance_role'] == 'Worker':
            node['nodepool_id'] = default
    pool_node = dict(POOL_NODES[0], nodepool_id=other)
    nodes['nodes'].append(pool_node)
    nodes['page']['total_count'] = len(nodes['nodes'])
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer='DescribeClusterDetail.running')
    client.on('DescribeClusterNodes', CID, answer=nodes)
    client.on('DescribeClusterNodePools', CID, answer='DescribeClusterNodePools')
    workers = [n['node_name'] for n in nodes['nodes'] if n['instance_role'] == 'Worker' and n is not pool_node]
    ack = FakeAck('ack_nodes', client, cluster_id=CID, count=len(workers))
    plan = NodesPlanner(ack).plan()
    assert plan.steps == [] and plan.before['workers'] == sorted(workers)
    ack = FakeAck('ack_nodes', client, cluster_id=CID, count=len(workers) - 1, remove_policy='newest')
    plan = NodesPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['RemoveClusterNodes %s' % workers[-1]]


def deleting_pool_client():
    client = client_with()
    client.on('DescribeClusterNodePools', CID, query=BY_NAME, answer={
        'nodepools': [answer('DescribeClusterNodePoolDetail.deleting')]})
    client.on('DescribeClusterNodePoolDetail', CID, NPID, answers=[
        'DescribeClusterNodePoolDetail.deleting', error('DescribeClusterNodePoolDetail.ErrorNodePoolNotFound')])
    return client


def test_a_pool_being_deleted_is_waited_out_before_one_of_its_name_is_made():
    client = deleting_pool_client()
    ack, plan = planned(client, name='batch', **SETTINGS)
    assert [s.label for s in plan.steps] == ['CreateClusterNodePool batch']
    assert client.operations() == ['DescribeClusterNodePools', 'DescribeClusterNodePoolDetail',
                                   'DescribeClusterNodePoolDetail', 'DescribeClusterDetail']
    assert ack.clock.now == 10


@pytest.mark.parametrize('state, steps', [('present', None), ('absent', [])])
def test_without_wait_a_pool_being_deleted_is_refused_to_create_and_gone_to_delete(state, steps):
    client = deleting_pool_client()
    options = dict(SETTINGS, name='batch', wait=False) if state == 'present' else dict(
        name='batch', wait=False, state='absent', force=True)
    if steps is None:
        with pytest.raises(AckModuleError) as info:
            planned(client, **options)
        assert info.value.msg == ('node pool batch (%s) of cluster %s is being deleted; with wait: true the task '
                                  'waits for it to be gone first' % (NPID, CID))
    else:
        ack, plan = planned(client, **options)
        assert plan.steps == steps
    assert client.writes() == []


@pytest.mark.parametrize('size, quota', [(10 ** 20, 1000), (1200, '1000'), (150, None)])
def test_a_desired_size_past_the_node_quota_is_refused_before_any_write(size, quota):
    client = client_with()
    client.on('DescribeUserQuota', answer={'node_quota': quota} if quota else {})
    with pytest.raises(AckModuleError) as info:
        planned(client, name='batch', desired_size=size)
    assert info.value.msg == ('desired_size %d is more than the node quota per cluster (%d, DescribeUserQuota '
                              'node_quota): nothing was changed' % (size, int(quota or 100)))
    assert client.writes() == []


def test_a_label_whose_value_is_not_text_is_refused_before_any_read():
    client = client_with()
    with pytest.raises(AckModuleError) as info:
        planned(client, name='batch', labels={'a': {'b': [1, [2]]}})
    assert info.value.msg == "labels: the value of 'a' is a dict; tag and label values are text"
    assert client.calls == []
