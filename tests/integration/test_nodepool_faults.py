"""ack_nodepool under injected faults: a pool created, scaled, its node removed, upgraded and deleted converges,
whether the fault hit before a write was applied (5xx, throttling) or after (answer lost). No pool is created
twice (CreateClusterNodePool has no idempotency token: a lost answer is settled by listing the pools by name), no
scaling is applied twice (desired_size is a size, not a count to add), each removal, upgrade and deletion is one
task."""
import json

import pytest

from conftest import run_with_faults

V128, V130 = '1.28.9-aliyun.1', '1.30.1-aliyun.1'
CLUSTER = {'name': 'pool-faults', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
           'vpcid': 'vpc-poolf001', 'vswitch_ids': ['vsw-poolf001'], 'num_of_nodes': 1, 'kubernetes_version': V128,
           'worker_instance_types': ['ecs.g7.xlarge'], 'worker_system_disk_category': 'cloud_essd',
           'worker_system_disk_size': 120, 'key_pair': 'k', 'snat_entry': True}
WRITES = ['CreateClusterNodePool', 'ModifyClusterNodePool', 'RemoveNodePoolNodes', 'UpgradeClusterNodepool',
          'DeleteClusterNodepool']

TASKS = """
- name: Create a pool of two nodes
  alicloud.ack.ack_nodepool:
    cluster_id: {cluster_id}
    name: faulty
    desired_size: 2
    worker_instance_types: [ecs.g7.xlarge]
    vswitch_ids: [vsw-poolf001]
    key_pair: k
    labels: {{workload: faulty}}
  register: created
- name: Three nodes
  alicloud.ack.ack_nodepool:
    cluster_id: {cluster_id}
    name: faulty
    desired_size: 3
  register: scaled
- name: The pool's nodes
  alicloud.ack.ack_nodepool_info:
    cluster_id: {cluster_id}
    name: faulty
    gather_nodes: true
  register: listed
- name: Remove one node
  alicloud.ack.ack_nodepool:
    cluster_id: {cluster_id}
    name: faulty
    remove_nodes: ["{{{{ listed.nodepools[0].nodes[0].instance_id }}}}"]
  register: removed
- name: The control plane to {new}
  alicloud.ack.ack_upgrade:
    cluster_id: {cluster_id}
    version: {new}
    master_only: true
    wait_sleep: 0.2
- name: The pool to {new}
  alicloud.ack.ack_nodepool:
    cluster_id: {cluster_id}
    name: faulty
    kubernetes_version: {new}
  register: upgraded
- name: Delete it with its nodes
  alicloud.ack.ack_nodepool:
    cluster_id: {cluster_id}
    name: faulty
    state: absent
    force: true
  register: deleted
- name: Save the results
  ansible.builtin.copy:
    content: "{{{{ dict(created=created, scaled=scaled, removed=removed, upgraded=upgraded, deleted=deleted)
                  | to_json }}}}"
    dest: "{{{{ lookup('env', 'HOME') }}}}/results.json"
    mode: "0600"
"""
RERUN = """
- name: Deleted already
  alicloud.ack.ack_nodepool:
    cluster_id: {cluster_id}
    name: faulty
    state: absent
    force: true
  register: again
- name: Nothing to do
  ansible.builtin.assert:
    that:
      - again is not changed
"""

FAULTS = {
    # every answer to a pool write is lost after the write was applied: only a re-read can tell
    'answer-lost': (dict(drop_after_apply_rate=1.0, operations=WRITES), ['drop_after_apply_rate']),
    # half the pool writes fail with 503 before being applied: read again, then send again
    'server-errors': (dict(error_rate=0.5, seed=3, operations=WRITES), ['error_rate']),
    # half the pool writes throttled: sent again after a backoff
    'throttled': (dict(throttle_rate=0.5, seed=7, operations=WRITES), ['throttle_rate']),
    # everything at once, on every operation
    'mixed': (dict(throttle_rate=0.2, error_rate=0.15, drop_after_apply_rate=0.3, seed=13), []),
}


def tasks_of(emulator, task_type):
    return [t for t in emulator.admin('GET', '/docs/task')['docs'] if t.get('task_type') == task_type]


@pytest.mark.parametrize('case', sorted(FAULTS))
def test_a_pool_life_cycle_converges_once(playbook, emulator, tmp_path, case):
    faults, expected = FAULTS[case]
    cluster_id = emulator.seed_clusters([CLUSTER])[0]
    result, injected = run_with_faults(
        emulator, lambda: playbook.run_tasks(TASKS.format(cluster_id=cluster_id, new=V130)), **faults)
    assert result.returncode == 0, result.stdout[-5000:]
    for fault in expected:
        assert any(key.startswith(fault + ':') and key.split(':')[1] in WRITES for key in injected), injected

    results = json.loads((tmp_path / 'results.json').read_text())
    npid = results['created']['nodepool_id']
    assert results['created']['changed'] and results['created']['nodepool']['status']['total_nodes'] == 2
    assert results['scaled']['nodepool']['status']['total_nodes'] == 3
    assert results['removed']['nodepool']['status']['total_nodes'] == 2
    assert results['upgraded']['changed'] and results['deleted']['changed'] and results['deleted']['nodepool'] == {}

    def mine(task_type):
        return [t for t in tasks_of(emulator, task_type) if t['parameters'].get('nodepool_id') == npid]

    # one pool named faulty was ever created, with two nodes; the scaling added one node, never more
    assert len([t for t in tasks_of(emulator, 'nodepool_create') if t['parameters'].get('name') == 'faulty']) == 1
    pool_nodes = [n for n in emulator.admin('GET', '/docs/node')['docs'] if n.get('nodepool_id') == npid]
    assert len(pool_nodes) <= 3, [n['instance_id'] for n in pool_nodes]
    assert all(t['parameters']['desired_size'] == 3 for t in mine('nodepool_update')), mine('nodepool_update')
    assert len(mine('nodepool_remove_nodes')) == 1
    assert len(mine('nodepool_upgrade')) == 1
    assert len(mine('nodepool_delete')) == 1

    before = emulator.stats()
    rerun = playbook.run_tasks(RERUN.format(cluster_id=cluster_id))
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    after = emulator.stats()
    assert [after.get(op, 0) - before.get(op, 0) for op in WRITES] == [0] * len(WRITES)
