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
def test_node_pool_life_cycle(emulator, cs, tmp_path):
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
    assert detail(cs, cid, pid)['node_components'] == [{'name': 'kubelet', 'version': FROM}]  # the pool's version
    answer = call(cs, 'upgrade_cluster_nodepool', cid, pid, models.UpgradeClusterNodepoolRequest(
        kubernetes_version=TO, rolling_policy=models.UpgradeClusterNodepoolRequestRollingPolicy(max_parallelism=1)))
    assert set(answer) == {'RequestId', 'task_id'}, answer
    task = follow(emulator, cs, answer['task_id'])
    assert [s['message'] for s in task['stages']] == ['PreCheck', 'UpgradeNodes 1/2', 'UpgradeNodes 2/2']
    assert detail(cs, cid, pid)['node_components'] == [{'name': 'kubelet', 'version': TO}]
    versions = {n['status']['nodeInfo']['kubeletVersion'] for n in kube_nodes(emulator, cid, tmp_path).values()
                if n['metadata']['labels'].get('alibabacloud.com/nodepool-id') == pid}
    assert versions == {'v' + TO}, versions
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


# -- the rules -----------------------------------------------------------------------------------------------------
def test_names_are_unique_until_the_pool_is_gone(emulator, cs):
    cid, _ = emulator.create_cluster()
    pid, _ = create_pool(emulator, cs, cid, 'web', 1)
    assert refused(cs, 'create_cluster_node_pool', cid, pool_request('web')) == (400, 'InvalidParameter.Name')
    other, _ = create_pool(emulator, cs, cid, 'api')
    assert refused(cs, 'modify_cluster_node_pool', cid, other, models.ModifyClusterNodePoolRequest(
        nodepool_info=models.ModifyClusterNodePoolRequestNodepoolInfo(name='web'))) == (400, 'InvalidParameter.Name')
    emulator.set_time_scale(0.01)  # a deletion of seconds: the pool is `deleting` while the replacement is tried
    call(cs, 'delete_cluster_nodepool', cid, pid, models.DeleteClusterNodepoolRequest(force=True))
    assert refused(cs, 'create_cluster_node_pool', cid, pool_request('web')) == (400, 'InvalidParameter.Name')
    emulator.wait(lambda: emulator.signed('GET', '/clusters/%s/nodepools/%s' % (cid, pid),
                                          action='DescribeClusterNodePoolDetail').status == 404)
    create_pool(emulator, cs, cid, 'web')


def test_a_pool_without_nodes_is_deleted_without_force(emulator, cs):
    cid, _ = emulator.create_cluster()
    pid, pool = create_pool(emulator, cs, cid, 'empty')  # no size given: no nodes
    assert sizes(pool) == (0, 0, 0, 0)
    follow(emulator, cs, call(cs, 'delete_cluster_nodepool', cid, pid, models.DeleteClusterNodepoolRequest())[
        'task_id'])
    assert refused(cs, 'describe_cluster_node_pool_detail', cid, pid) == (404, 'ErrorNodePoolNotFound')


def test_the_node_pool_quota(emulator, cs):
    emulator.admin('config', {'quotas': {'cluster_nodepool_quota': 2}})
    cid, _ = emulator.create_cluster()  # its default pool is one
    create_pool(emulator, cs, cid, 'second')
    assert refused(cs, 'create_cluster_node_pool', cid, pool_request('third')) == (400, 'QuotaExceeded.NodePool')


def test_auto_scaling_keeps_the_pool_between_its_bounds(emulator, cs):
    cid, _ = emulator.create_cluster()
    pid, pool = create_pool(emulator, cs, cid, 'auto', auto=dict(enable=True, min_instances=2, max_instances=4))
    assert sizes(pool) == (2, 2, 2, 2) and pool['auto_scaling']['enable'] is True
    # an edit that does not name `enable` leaves auto scaling on
    pool = settled(emulator, cs, cid, pid, modify(cs, cid, pid, kubernetes_config=(
        models.ModifyClusterNodePoolRequestKubernetesConfig(labels=[models.Tag(key='a', value='b')]))))
    assert pool['auto_scaling']['enable'] is True and sizes(pool) == (2, 2, 2, 2)
    pool = settled(emulator, cs, cid, pid, modify(cs, cid, pid, auto_scaling=(
        models.ModifyClusterNodePoolRequestAutoScaling(min_instances=3))))  # the size follows the bounds
    assert sizes(pool) == (3, 3, 3, 3) and pool['auto_scaling']['max_instances'] == 4
    # its size is the autoscaler's: no desired size, no scaling by hand
    assert refused(cs, 'modify_cluster_node_pool', cid, pid, models.ModifyClusterNodePoolRequest(
        scaling_group=desired(1))) == (400, 'InvalidParameter')
    assert refused(cs, 'scale_cluster_node_pool', cid, pid, models.ScaleClusterNodePoolRequest(count=1)) == (
        400, 'InvalidParameter')
    assert refused(cs, 'modify_cluster_node_pool', cid, pid, models.ModifyClusterNodePoolRequest(
        auto_scaling=models.ModifyClusterNodePoolRequestAutoScaling(min_instances=5))) == (400, 'InvalidParameter')
    # turned off, it keeps its nodes, and the size is set by hand again
    pool = settled(emulator, cs, cid, pid, modify(cs, cid, pid, auto_scaling=(
        models.ModifyClusterNodePoolRequestAutoScaling(enable=False))))
    assert pool['auto_scaling']['enable'] is False and sizes(pool) == (3, 3, 3, 3)
    assert sizes(settled(emulator, cs, cid, pid, modify(cs, cid, pid, scaling_group=desired(1)))) == (1, 1, 1, 1)


def test_a_busy_pool_refuses_other_writes_and_says_so(emulator, cs):
    cid, _ = emulator.create_cluster()
    pid, _ = create_pool(emulator, cs, cid, 'busy', 1)
    emulator.set_time_scale(0.01)  # a change of seconds
    answer = modify(cs, cid, pid, scaling_group=desired(3))
    pool = detail(cs, cid, pid)  # right after the answer, never `active` with the old size
    assert pool['status']['state'] == 'scaling' and pool['scaling_group']['desired_size'] == 3, pool
    assert call(cs, 'describe_task_info', answer['task_id'])['state'] == 'running'
    for name, args in (('modify_cluster_node_pool', (models.ModifyClusterNodePoolRequest(scaling_group=desired(1)),)),
                       ('scale_cluster_node_pool', (models.ScaleClusterNodePoolRequest(count=1),)),
                       ('delete_cluster_nodepool', (models.DeleteClusterNodepoolRequest(force=True),)),
                       ('upgrade_cluster_nodepool', (models.UpgradeClusterNodepoolRequest(image_id='img'),))):
        assert refused(cs, name, cid, pid, *args) == (400, 'InvalidStatus.NodePoolState'), name
    assert sizes(settled(emulator, cs, cid, pid, answer)) == (3, 3, 3, 3)


@pytest.mark.parametrize('operation', ['ModifyClusterNodePool', 'ScaleClusterNodePool', 'RemoveNodePoolNodes',
                                       'UpgradeClusterNodepool', 'DeleteClusterNodepool'])
def test_an_injected_failure_ends_the_task_failed_and_changes_nothing(emulator, cs, operation):
    cid, _ = emulator.create_cluster()
    pid, before = create_pool(emulator, cs, cid, 'fragile', 2, labels=[('tier', 'web')])
    node = pool_nodes(emulator, cid, pid)[0]
    emulator.admin('fail-next', {'operation': operation, 'code': 'InjectedFailure', 'message': 'injected'})
    request = {
        'ModifyClusterNodePool': ('modify_cluster_node_pool', models.ModifyClusterNodePoolRequest(
            scaling_group=desired(4), kubernetes_config=models.ModifyClusterNodePoolRequestKubernetesConfig(
                labels=[models.Tag(key='tier', value='api')]))),
        'ScaleClusterNodePool': ('scale_cluster_node_pool', models.ScaleClusterNodePoolRequest(count=2)),
        'RemoveNodePoolNodes': ('remove_node_pool_nodes', models.RemoveNodePoolNodesRequest(
            nodes=[node['node_name']], release_node=True)),
        'UpgradeClusterNodepool': ('upgrade_cluster_nodepool', models.UpgradeClusterNodepoolRequest(
            image_id='aliyun_3_x64_20G_alibase_20240819.vhd')),
        'DeleteClusterNodepool': ('delete_cluster_nodepool', models.DeleteClusterNodepoolRequest(force=True)),
    }[operation]
    task = follow(emulator, cs, call(cs, request[0], cid, pid, request[1])['task_id'], state='failed')
    assert task['error'] == {'code': 'InjectedFailure', 'message': 'injected'}, task
    after = detail(cs, cid, pid)
    assert after['status']['state'] == 'active', after
    assert sizes(after) == sizes(before) == (2, 2, 2, 2)
    assert after['kubernetes_config'] == before['kubernetes_config']
    assert after['scaling_group'] == before['scaling_group']
    assert sorted(n['instance_id'] for n in pool_nodes(emulator, cid, pid)) == sorted(
        n['instance_id'] for n in pool_nodes(emulator, cid, pid) if n['state'] == 'running')


def test_a_failed_creation_leaves_a_failed_pool_that_can_be_deleted(emulator, cs):
    cid, _ = emulator.create_cluster()
    emulator.admin('fail-next', {'operation': 'CreateClusterNodePool', 'code': 'InjectedFailure'})
    answer = call(cs, 'create_cluster_node_pool', cid, pool_request('doomed', 2))
    task = follow(emulator, cs, answer['task_id'], state='failed')
    assert task['error']['code'] == 'InjectedFailure'
    pool = detail(cs, cid, answer['nodepool_id'])
    assert pool['status']['state'] == 'failed' and sizes(pool) == (0, 0, 0, 0), pool
    assert refused(cs, 'scale_cluster_node_pool', cid, answer['nodepool_id'],
                   models.ScaleClusterNodePoolRequest(count=1)) == (400, 'InvalidStatus.NodePoolState')
    follow(emulator, cs, call(cs, 'delete_cluster_nodepool', cid, answer['nodepool_id'],
                              models.DeleteClusterNodepoolRequest())['task_id'])


def test_refusals(emulator, cs):
    cid, _ = emulator.create_cluster()
    pid, _ = create_pool(emulator, cs, cid, 'web', 1)
    assert refused(cs, 'describe_cluster_node_pool_detail', cid, 'np0000000000000000') == (
        404, 'ErrorNodePoolNotFound')
    missing = models.CreateClusterNodePoolRequest(scaling_group=models.CreateClusterNodePoolRequestScalingGroup(
        **GROUP))
    assert refused(cs, 'create_cluster_node_pool', cid, missing) == (400, 'MissingParameter')
    assert refused(cs, 'create_cluster_node_pool', cid, pool_request('x', instance_types=['m1'])) == (
        400, 'InvalidParameter')
    assert refused(cs, 'create_cluster_node_pool', cid, pool_request('x', taints=[('a', 'b', 'Sometimes')])) == (
        400, 'InvalidParameter')
    assert refused(cs, 'scale_cluster_node_pool', cid, pid, models.ScaleClusterNodePoolRequest(count=0)) == (
        400, 'InvalidParameter')
    assert refused(cs, 'remove_node_pool_nodes', cid, pid, models.RemoveNodePoolNodesRequest()) == (
        400, 'MissingParameter')
    other = [n for n in emulator.signed('GET', '/clusters/%s/nodes' % cid, action='DescribeClusterNodes').json[
        'nodes'] if n['nodepool_id'] != pid]
    assert refused(cs, 'remove_node_pool_nodes', cid, pid, models.RemoveNodePoolNodesRequest(
        nodes=[other[0]['node_name']])) == (400, 'InvalidParameter')  # a node of another pool
    ask = emulator.create_cluster(name='serverless', cluster_type='Ask', zone_id='cn-hangzhou-i', num_of_nodes=None,
                                  vpcid='vpc-ask00001', vswitch_ids=['vsw-ask00001'], container_cidr=None,
                                  service_cidr=None, worker_instance_types=None, worker_system_disk_category=None,
                                  worker_system_disk_size=None, key_pair=None, snat_entry=None)[0]
    assert refused(cs, 'create_cluster_node_pool', ask, pool_request('x')) == (400, 'ErrorNotSupported')


# -- nodes: labels and taints, attached instances ----------------------------------------------------------------
def kube_nodes(emulator, cid, tmp_path):
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path / 'kube'))
    try:
        return {n['metadata']['name']: n for n in kube.get('/api/v1/nodes')['items']}
    finally:
        kube.close()


def test_nodes_carry_their_pools_labels_and_taints(emulator, cs, tmp_path):
    cid, _ = emulator.create_cluster()
    pid, _ = create_pool(emulator, cs, cid, 'web', 2, labels=[('tier', 'web')],
                         taints=[('dedicated', 'web', 'NoSchedule')])
    names = {n['node_name'] for n in pool_nodes(emulator, cid, pid)}
    nodes = kube_nodes(emulator, cid, tmp_path)
    for name in names:
        meta, spec = nodes[name]['metadata'], nodes[name]['spec']
        assert meta['labels']['alibabacloud.com/nodepool-id'] == pid and meta['labels']['tier'] == 'web'
        assert spec['taints'] == [{'key': 'dedicated', 'value': 'web', 'effect': 'NoSchedule'}]
    # changed labels and taints reach the existing nodes only with update_nodes
    k8s = models.ModifyClusterNodePoolRequestKubernetesConfig(labels=[models.Tag(key='tier', value='api')], taints=[])
    settled(emulator, cs, cid, pid, modify(cs, cid, pid, kubernetes_config=k8s))
    assert {kube_nodes(emulator, cid, tmp_path)[n]['metadata']['labels']['tier'] for n in names} == {'web'}
    settled(emulator, cs, cid, pid, modify(cs, cid, pid, kubernetes_config=k8s, update_nodes=True))
    nodes = kube_nodes(emulator, cid, tmp_path)
    assert {nodes[n]['metadata']['labels']['tier'] for n in names} == {'api'}
    assert all('taints' not in nodes[n]['spec'] for n in names)


def test_attached_instances_join_the_pool(emulator, cs):
    cid, _ = emulator.create_cluster()
    pid, _ = create_pool(emulator, cs, cid, 'byo')
    emulator.admin('instances', {'instances': [{'instance_id': 'i-pool00000001', 'kind': 'ecs'},
                                               {'instance_id': 'i-pool00000002', 'kind': 'ecs'}]})
    answer = call(cs, 'attach_instances_to_node_pool', cid, pid, models.AttachInstancesToNodePoolRequest(
        instances=['i-pool00000001'], password='Test-Passw0rd!'))
    assert set(answer) == {'request_id', 'task_id'}, answer
    pool = settled(emulator, cs, cid, pid, answer)
    assert sizes(pool) == (1, 1, 1, 1)
    # AttachInstances: into the named pool; without one, into the default pool
    r = emulator.signed('POST', '/clusters/%s/attach' % cid, body={
        'instances': ['i-pool00000002'], 'password': 'Test-Passw0rd!', 'nodepool_id': 'np0000000000000000'},
        action='AttachInstances')
    assert (r.status, r.code) == (404, 'ErrorNodePoolNotFound'), r
    r = emulator.signed('POST', '/clusters/%s/attach' % cid, body={
        'instances': ['i-pool00000002'], 'password': 'Test-Passw0rd!'}, action='AttachInstances')
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    default = [p for p in call(cs, 'describe_cluster_node_pools', cid, models.DescribeClusterNodePoolsRequest())[
        'nodepools'] if p['nodepool_info']['is_default']][0]
    assert 'i-pool00000002' in {n['instance_id'] for n in pool_nodes(emulator, cid,
                                                                      default['nodepool_info']['nodepool_id'])}


def test_a_label_value_that_is_not_a_string_is_refused(emulator, cs):
    cid, _ = emulator.create_cluster()
    body = {'nodepool_info': {'name': 'x'}, 'scaling_group': dict(GROUP, desired_size=0),
            'kubernetes_config': {'labels': [{'key': 'a', 'value': {'b': [1]}}]}}
    r = emulator.signed('POST', '/clusters/%s/nodepools' % cid, body=body, action='CreateClusterNodePool')
    assert (r.status, r.code) == (400, 'InvalidParameter') and "the value of 'a' is not a string" in r.json['message']
