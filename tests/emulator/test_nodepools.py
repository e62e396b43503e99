"""Node pools through the official Python SDK (alibabacloud_cs20151215): the default pool CreateCluster makes, a
pool's life cycle (create, describe, desired size up and down and to 0, scale, remove nodes, upgrade, delete), each
task followed with DescribeTaskInfo through its stages, and the rules (unique names, quota, auto scaling, force,
busy pools, the control plane's version, injected failures)."""
import pytest

from alibabacloud_cs20151215 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.runtime import RuntimeOptions

from conftest import new_sdk_client
from kubetools import Kube, kubeconfig

FROM, TO = '1.28.9-aliyun.1', '1.30.1-aliyun.1'
GROUP = dict(instance_types=['ecs.g7.xlarge'], vswitch_ids=['vsw-test0001'], system_disk_category='cloud_essd',
             system_disk_size=120, key_pair='test-key')


@pytest.fixture
def cs(emulator):
    return new_sdk_client(emulator)


def call(cs, name, *args):
    """``<name>_with_options`` of the SDK -> the answer body as a dict (the SDK's model, to_map)."""
    answer = getattr(cs, name + '_with_options')(*args, {}, RuntimeOptions())
    return answer.body.to_map() if answer.body is not None else None


def refused(cs, name, *args):
    """The error an SDK call raises -> (HTTP status, code)."""
    with pytest.raises(ClientException) as caught:
        call(cs, name, *args)
    return caught.value.status_code, caught.value.code


def pool_request(name, size=None, labels=(), taints=(), auto=None, **group):
    return models.CreateClusterNodePoolRequest(
        nodepool_info=models.CreateClusterNodePoolRequestNodepoolInfo(name=name),
        scaling_group=models.CreateClusterNodePoolRequestScalingGroup(
            desired_size=size, **dict(GROUP, **group)),
        kubernetes_config=models.CreateClusterNodePoolRequestKubernetesConfig(
            labels=[models.Tag(key=k, value=v) for k, v in labels], runtime='containerd',
            taints=[models.Taint(key=k, value=v, effect=e) for k, v, e in taints]),
        auto_scaling=models.CreateClusterNodePoolRequestAutoScaling(**auto) if auto else None)


def modify(cs, cid, pid, **sections):
    return call(cs, 'modify_cluster_node_pool', cid, pid, models.ModifyClusterNodePoolRequest(**sections))


def desired(size):
    return models.ModifyClusterNodePoolRequestScalingGroup(desired_size=size)


def detail(cs, cid, pid):
    return call(cs, 'describe_cluster_node_pool_detail', cid, pid)


def pool_nodes(emulator, cid, pid):
    r = emulator.signed('GET', '/clusters/%s/nodes' % cid, query={'nodepool_id': pid, 'pageSize': 100},
                        action='DescribeClusterNodes')
    assert r.status == 200, r
    return r.json['nodes']


def follow(emulator, cs, task_id, state='success'):
    """The task through DescribeTaskInfo until it ends: its stages start in order, and it ends in ``state``."""
    seen = []

    def ended():
        task = call(cs, 'describe_task_info', task_id)
        names = [s['message'] for s in task['stages']]
        if not seen or seen[-1] != names:
            seen.append(names)
        return task if task['state'] in ('success', 'failed') else None

    task = emulator.wait(ended, timeout=30)
    assert task['state'] == state, task
    assert all(s['state'] == 'success' for s in task['stages'][:-1]), task
    assert task['stages'][-1]['state'] == ('success' if state == 'success' else 'failed'), task
    assert all(names == seen[-1][:len(names)] for names in seen), seen  # stages only ever get added
    return task


def settled(emulator, cs, cid, pid, answer, state='success'):
    """Follow the task of ``answer``; the pool is active afterwards -> its detail."""
    task = follow(emulator, cs, answer['task_id'], state)
    assert task['target'] == {'id': pid, 'type': 'nodepool'}, task
    pool = detail(cs, cid, pid)
    assert pool['status']['state'] == 'active', pool
    return pool


def create_pool(emulator, cs, cid, *args, **kw):
    answer = call(cs, 'create_cluster_node_pool', cid, pool_request(*args, **kw))
    assert set(answer) == {'nodepool_id', 'request_id', 'task_id'}, answer
    return answer['nodepool_id'], settled(emulator, cs, cid, answer['nodepool_id'], answer)


def sizes(pool):
    s = pool['status']
    return pool['scaling_group']['desired_size'], s['total_nodes'], s['healthy_nodes'], s['serving_nodes']


# -- the default pool --------------------------------------------------------------------------------------------
def test_a_cluster_has_a_default_pool_that_its_workers_join(emulator, cs):
    cid, _ = emulator.create_cluster()
    pools = call(cs, 'describe_cluster_node_pools', cid, models.DescribeClusterNodePoolsRequest())['nodepools']
    assert len(pools) == 1, pools
    default = pools[0]
    info = default['nodepool_info']
    assert (info['name'], info['is_default'], info['region_id']) == ('default-nodepool', True, 'cn-hangzhou')
    assert sizes(default) == (2, 2, 2, 2)
    assert default['scaling_group']['instance_types'] == ['ecs.g7.xlarge']
    pid = info['nodepool_id']
    assert len(pool_nodes(emulator, cid, pid)) == 2

    scaled = emulator.signed('POST', '/api/v2/clusters/%s' % cid, body=dict(
        count=1, key_pair='test-key', worker_instance_types=['ecs.g7.xlarge']), action='ScaleOutCluster')
    assert scaled.status == 202, scaled
    emulator.wait_task(scaled.json['task_id'])
    emulator.wait(lambda: detail(cs, cid, pid)['status']['state'] == 'active')
    assert sizes(detail(cs, cid, pid)) == (3, 3, 3, 3)
    assert len(pool_nodes(emulator, cid, pid)) == 3
    # the pool is found by its name, and by no other
    named = call(cs, 'describe_cluster_node_pools', cid, models.DescribeClusterNodePoolsRequest(
        nodepool_name='default-nodepool'))['nodepools']
    assert [p['nodepool_info']['nodepool_id'] for p in named] == [pid]
    assert call(cs, 'describe_cluster_node_pools', cid, models.DescribeClusterNodePoolsRequest(
        nodepool_name='other'))['nodepools'] == []


# -- a pool's life cycle -------------------------------------------------------------------------------------------
def test_node_pool_life_cycle(emulator, cs):
    cid, _ = emulator.create_cluster(kubernetes_version=FROM)
    pid, pool = create_pool(emulator, cs, cid, 'web', 2, labels=[('tier', 'web')],
                            taints=[('dedicated', 'web', 'NoSchedule')])
    assert pool['nodepool_info']['name'] == 'web' and pool['nodepool_info']['is_default'] is False
    assert sizes(pool) == (2, 2, 2, 2)
    assert pool['kubernetes_config']['labels'] == [{'key': 'tier', 'value': 'web'}]
    assert 'login_password' not in pool['scaling_group']

    for size in (4, 1, 0, 0, 2):  # up, down, to a real 0, again (nothing changes), up from 0
        answer = modify(cs, cid, pid, scaling_group=desired(size))
        assert answer['nodepool_id'] == pid and answer['task_id']
        pool = settled(emulator, cs, cid, pid, answer)
        assert sizes(pool) == (size, size, size, size), size
        assert len(pool_nodes(emulator, cid, pid)) == size

    answer = call(cs, 'scale_cluster_node_pool', cid, pid, models.ScaleClusterNodePoolRequest(count=2))
    assert set(answer) == {'task_id'}, answer
    assert sizes(settled(emulator, cs, cid, pid, answer)) == (4, 4, 4, 4)

    nodes = pool_nodes(emulator, cid, pid)
    answer = call(cs, 'remove_node_pool_nodes', cid, pid, models.RemoveNodePoolNodesRequest(
        nodes=[nodes[0]['node_name']], instance_ids=[nodes[1]['instance_id']], drain_node=True, release_node=True))
    assert set(answer) == {'request_id', 'task_id'}, answer
    task = follow(emulator, cs, answer['task_id'])
    assert [s['message'] for s in task['stages']] == ['DrainNodes', 'RemoveNodes']
    assert sizes(detail(cs, cid, pid)) == (2, 2, 2, 2)
    assert {n['instance_id'] for n in pool_nodes(emulator, cid, pid)} == {n['instance_id'] for n in nodes[2:]}

    # the control plane first: a pool never runs a newer version than it
    assert refused(cs, 'upgrade_cluster_nodepool', cid, pid, models.UpgradeClusterNodepoolRequest(
        kubernetes_version=TO)) == (400, 'InvalidParameter')
    up = emulator.signed('POST', '/api/v2/clusters/%s/upgrade' % cid, body={'next_version': TO, 'master_only': True},
                         action='UpgradeCluster')
    assert up.status in (200, 202), up
    emulator.wait_cluster(cid)
    emulator.wait(lambda: emulator.cluster_detail(cid)['current_version'] == TO)
    answer = call(cs, 'upgrade_cluster_nodepool', cid, pid, models.UpgradeClusterNodepoolRequest(
        kubernetes_version=TO, rolling_policy=models.UpgradeClusterNodepoolRequestRollingPolicy(max_parallelism=1)))
    assert set(answer) == {'RequestId', 'task_id'}, answer
    task = follow(emulator, cs, answer['task_id'])
    assert [s['message'] for s in task['stages']] == ['PreCheck', 'UpgradeNodes 1/2', 'UpgradeNodes 2/2']
    assert refused(cs, 'upgrade_cluster_nodepool', cid, pid, models.UpgradeClusterNodepoolRequest(
        kubernetes_version=TO)) == (400, 'InvalidParameter')  # already there

    assert refused(cs, 'delete_cluster_nodepool', cid, pid, models.DeleteClusterNodepoolRequest()) == (
        400, 'ErrorNodePoolNotEmpty')
    answer = call(cs, 'delete_cluster_nodepool', cid, pid, models.DeleteClusterNodepoolRequest(force=True))
    assert set(answer) == {'request_id', 'task_id'}, answer
    assert detail(cs, cid, pid)['status']['state'] == 'deleting'
    follow(emulator, cs, answer['task_id'])
    assert refused(cs, 'describe_cluster_node_pool_detail', cid, pid) == (404, 'ErrorNodePoolNotFound')
    assert pool_nodes(emulator, cid, pid) == []
