"""ack_addon under injected faults: installs and upgrades (no idempotency token) converge with each add-on installed
and upgraded once, whether the fault hit before the call was applied (5xx, throttling) or after (answer lost)."""
import json

import pytest

from conftest import run_with_faults

CLUSTER = {'name': 'faults', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
           'vpcid': 'vpc-fault001', 'vswitch_ids': ['vsw-fault001'], 'num_of_nodes': 1,
           'worker_instance_types': ['ecs.g7.xlarge'], 'worker_system_disk_category': 'cloud_essd',
           'worker_system_disk_size': 120, 'key_pair': 'k', 'snat_entry': True}

TASKS = """
- name: Install two add-ons and upgrade two others
  alicloud.ack.ack_addon:
    cluster_id: {cluster_id}
    addons:
      - name: logtail-ds
      - name: ack-node-problem-detector
      - name: metrics-server
        version: latest
      - name: coredns
        version: v1.9.3.10-7dfca203-aliyun
  register: first
- name: Save the result
  ansible.builtin.copy:
    content: "{{{{ first | to_json }}}}"
    dest: "{{{{ lookup('env', 'HOME') }}}}/first.json"
    mode: "0600"
"""
RERUN = """
- name: The same again
  alicloud.ack.ack_addon:
    cluster_id: {cluster_id}
    addons:
      - name: logtail-ds
      - name: ack-node-problem-detector
      - name: metrics-server
        version: latest
      - name: coredns
        version: v1.9.3.10-7dfca203-aliyun
  register: again
- name: Nothing to do
  ansible.builtin.assert:
    that:
      - again is not changed
"""
INSTALLED = ('logtail-ds', 'ack-node-problem-detector')
UPGRADED = {'metrics-server': 'v0.3.9.7-0a3eb6b5-aliyun', 'coredns': 'v1.9.3.10-7dfca203-aliyun'}
WRITES = ['InstallClusterAddons', 'UpgradeClusterAddons']

FAULTS = {
    # every answer to a write is lost after the write was applied: only a re-read can tell
    'answer-lost': (dict(drop_after_apply_rate=1.0, operations=WRITES), ['drop_after_apply_rate']),
    # half the writes fail with 503 before being applied: read again, then send again
    'server-errors': (dict(error_rate=0.5, seed=3, operations=WRITES), ['error_rate']),
    # everything at once, on every operation
    'mixed': (dict(throttle_rate=0.2, error_rate=0.15, drop_after_apply_rate=0.3, seed=11), []),
}


def addon_tasks(emulator, task_type):
    tasks = emulator.admin('GET', '/docs/task')['docs']
    return [t for t in tasks if t.get('task_type') == task_type]


@pytest.mark.parametrize('case', sorted(FAULTS))
def test_install_and_upgrade_converge_once(playbook, emulator, tmp_path, case):
    faults, expected = FAULTS[case]
    cluster_id = emulator.seed_clusters([CLUSTER])[0]
    result, injected = run_with_faults(emulator, lambda: playbook.run_tasks(TASKS.format(cluster_id=cluster_id)),
                                       **faults)
    assert result.returncode == 0, result.stdout[-5000:]
    for fault in expected:
        assert any(key.startswith(fault + ':') and key.split(':')[1] in WRITES for key in injected), injected

    first = json.loads((tmp_path / 'first.json').read_text())
    assert first['changed']
    versions = dict((a['name'], a['version']) for a in first['addons'])
    assert set(INSTALLED) <= set(versions)
    assert all(versions[n] == v for n, v in UPGRADED.items()), versions
    assert all(a['state'] == 'active' for a in first['addons']), first['addons']

    # each add-on was installed once and upgraded once, however often a call was sent
    installs = [a['name'] for t in addon_tasks(emulator, 'addon_install') for a in t['parameters']['addons']]
    upgrades = [a['component_name'] for t in addon_tasks(emulator, 'addon_upgrade')
                for a in t['parameters']['addons']]
    assert sorted(installs) == sorted(INSTALLED), installs
    assert sorted(upgrades) == sorted(UPGRADED), upgrades

    before = emulator.stats()
    rerun = playbook.run_tasks(RERUN.format(cluster_id=cluster_id))
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    after = emulator.stats()
    assert [after.get(op, 0) - before.get(op, 0) for op in WRITES] == [0, 0]
