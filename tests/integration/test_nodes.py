"""ack_nodes under faults (throttling, 5xx, answers lost after the write was applied): the tasks end with exactly
the wanted nodes; and no token or password of a nodes task in -vvv output."""
import json
import re

import pytest

CLUSTER = """
- name: A managed cluster with two workers
  alicloud.ack.ack_cluster:
    name: {name}
    cluster_type: ManagedKubernetes
    vpc_id: vpc-fault0001
    vswitch_ids: [vsw-fault0001]
    container_cidr: 172.20.0.0/16
    service_cidr: 172.21.0.0/20
    num_of_nodes: 2
    worker_instance_types: [ecs.g7.xlarge]
    worker_system_disk_category: cloud_essd
    worker_system_disk_size: 120
    key_pair: fault-key
    snat_entry: true
  register: c
"""

FAULTY = CLUSTER + """
- name: Faults from here on
  ansible.builtin.uri:
    url: "{{{{ ack_endpoint }}}}/__emulator/faults"
    method: POST
    body_format: json
    body: {faults}
- name: Scale 2 -> 5
  alicloud.ack.ack_nodes: &scale
    cluster_id: "{{{{ c.cluster.cluster_id }}}}"
    count: 5
    worker_instance_types: [ecs.g7.xlarge]
    key_pair: fault-key
- name: Attach two instances
  alicloud.ack.ack_nodes:
    cluster_id: "{{{{ c.cluster.cluster_id }}}}"
    instances: [i-faultattach0001, i-faultattach0002]
    key_pair: fault-key
- name: Remove one node
  alicloud.ack.ack_nodes:
    cluster_id: "{{{{ c.cluster.cluster_id }}}}"
    state: absent
    nodes: [i-faultattach0002]
- name: Scale back to seven
  alicloud.ack.ack_nodes:
    <<: *scale
    count: 7
- name: Re-run the attach and the scale-out
  alicloud.ack.ack_nodes:
    cluster_id: "{{{{ c.cluster.cluster_id }}}}"
    instances: [i-faultattach0001]
    key_pair: fault-key
    count: 7
  register: again
- name: No more faults
  ansible.builtin.uri:
    url: "{{{{ ack_endpoint }}}}/__emulator/faults"
    method: DELETE
- name: Nothing was left to do
  ansible.builtin.assert:
    that:
      - again is not changed
"""

ATTACH_IDS = ['i-faultattach0001', 'i-faultattach0002']


def cluster_nodes(emulator, name):
    """The nodes of the named cluster as the emulator stores them (not through the module under test)."""
    clusters = emulator.admin('docs/cluster')['docs']
    cid = [c for c in clusters if c['name'] == name][0]['cluster_id']
    return [n for n in emulator.admin('docs/node')['docs']
            if n.get('cluster_id') == cid and not n.get('_released') and not n.get('_detached')]


def run_faulty(playbook, emulator, name, faults):
    emulator.admin('instances', {'instances': ATTACH_IDS})
    result = playbook.run_tasks(FAULTY.format(name=name, faults=json.dumps(faults)))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    nodes = cluster_nodes(emulator, name)
    ids = [n['instance_id'] for n in nodes]
    assert len(ids) == len(set(ids)) == 7, ids
    assert all(n['state'] == 'running' for n in nodes)
    assert 'i-faultattach0001' in ids and 'i-faultattach0002' not in ids
    return emulator.admin('stats')


@pytest.mark.parametrize('seed', [3, 5, 8, 13])
def test_exact_nodes_under_throttling_errors_and_lost_answers(playbook, emulator, seed):
    stats = run_faulty(playbook, emulator, 'fault-%d' % seed, dict(
        throttle_rate=0.3, error_rate=0.1, drop_after_apply_rate=0.05, seed=seed))
    assert sum(stats['faults_injected'].values()) > 0


@pytest.mark.parametrize('operation', ['ScaleOutCluster', 'AttachInstances', 'RemoveClusterNodes'])
def test_every_answer_lost_after_the_write(playbook, emulator, operation):
    """Each write is applied and its answer lost: a re-read shows it took effect, and it is not sent again."""
    stats = run_faulty(playbook, emulator, 'lost-%s' % operation.lower(), dict(
        drop_after_apply_rate=1.0, operations=[operation]))
    sends = dict(ScaleOutCluster=2, AttachInstances=1, RemoveClusterNodes=1)[operation]
    assert stats['requests'][operation] == sends
    assert stats['faults_injected']['drop_after_apply_rate:%s' % operation] == sends


def test_write_refused_before_applying_is_sent_again(playbook, emulator):
    """Half of the scale-outs answer 503 before anything is done: the re-read shows nothing changed, so it is
    sent again, and the cluster still ends with exactly the wanted nodes."""
    stats = run_faulty(playbook, emulator, 'refused', dict(error_rate=0.5, operations=['ScaleOutCluster'], seed=1))
    assert stats['requests']['ScaleOutCluster'] == 3  # seed 1: the first call refused, sent again once


def test_no_token_or_password_in_vvv_output(playbook, emulator, tmp_path):
    script_file = tmp_path / 'attach.sh'
    tasks = CLUSTER.format(name='vvv-nodes') + """
- name: The attach script without no_log (masked)
  alicloud.ack.ack_nodes_info:
    cluster_id: "{{ c.cluster.cluster_id }}"
    gather: [attach_script]
  register: masked
- name: The attach script with no_log
  alicloud.ack.ack_nodes_info:
    cluster_id: "{{ c.cluster.cluster_id }}"
    gather: [attach_script]
  no_log: true
  register: whole
- name: Keep it in a file
  ansible.builtin.copy:
    content: "{{ whole.attach_script }}"
    dest: %s
    mode: "0600"
  no_log: true
- name: Show what can be shown
  ansible.builtin.debug:
    var: masked
- name: A scale-out with a password
  alicloud.ack.ack_nodes:
    cluster_id: "{{ c.cluster.cluster_id }}"
    count: 3
    worker_instance_types: [ecs.g7.xlarge]
    login_password: Vvv-Secret-Passw0rd
  diff: true
""" % script_file
    result = playbook.run_tasks(tasks, '-vvv')
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    token = re.search(r'--openapi-token (\S+)', script_file.read_text()).group(1)
    assert len(token) > 8 and token not in output
    assert not re.search(r'[0-9a-f]{6}\.[0-9a-f]{16}', output)
    assert '--openapi-token ********' in output
    assert 'Vvv-Secret-Passw0rd' not in output
