"""The core seen from a playbook: one deadline per task, check mode never waits for a busy cluster, follow-up
settings of a create, kubeconfig secrets."""
import json
import time
import urllib.request

from ack_emulator.client import SignedClient
from cases import run_cases
from test_bad_inputs import SEEDED
from test_outputs import CREATE

WRITES = ('CreateCluster', 'ModifyCluster', 'DeleteCluster', 'ModifyClusterTags', 'ScaleOutCluster',
          'InstallClusterAddons')


def admin(emulator, path, body):
    request = urllib.request.Request(emulator.url + '/__emulator' + path, data=json.dumps(body).encode(),
                                     headers={'Content-Type': 'application/json'}, method='POST')
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def writes(emulator):
    counts = emulator.stats()
    return dict((op, counts.get(op, 0)) for op in WRITES)


def test_a_task_never_waits_past_its_wait_timeout(playbook, emulator):
    """A protected cluster still creating (0.6 x T left), deleted: the settle wait and the delete wait (0.9 x T)
    add up past T, and the task fails after about T, not 1.5 T or more."""
    timeout = 8
    admin(emulator, '/config', {'time_scale': 0.6 * timeout / 480})  # a managed cluster creates in 480 s
    created = playbook.run_tasks(CREATE.format(extra='key_pair: k1\n    deletion_protection: true\n    wait: false'))
    assert created.returncode == 0, created.stdout
    admin(emulator, '/config', {'time_scale': 0.9 * timeout / 180})  # and is deleted in 180 s
    start = time.monotonic()
    result = playbook.run_tasks("""
- name: Delete the protected cluster that is still settling
  alicloud.ack.ack_cluster:
    name: out-test
    state: absent
    deletion_protection: false
    wait_timeout: %d
    wait_sleep: 0.2
""" % timeout)
    elapsed = time.monotonic() - start
    assert result.returncode != 0, result.stdout
    assert 'timed out after %ds (the wait_timeout of the whole task)' % timeout in result.stdout
    assert elapsed < 1.5 * timeout + 4, elapsed  # ansible-playbook itself takes 2 to 4 s here; 2 x T would not fit
    assert emulator.stats().get('DeleteCluster') == 1  # it got as far as the delete, within one deadline


def test_check_mode_plans_from_a_busy_cluster_without_waiting(playbook, emulator):
    """A cluster kept `updating` (an EIP change at a slow time scale): check-mode tasks return within one wait_sleep
    plus start-up, each with a warning that says so, changed as planned, with no task id and no write."""
    cid = emulator.seed_clusters([SEEDED])[0]
    admin(emulator, '/config', {'time_scale': 10})  # ModifyCluster's 60 s of infrastructure take 10 minutes
    signed = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
    assert signed.call('PUT', '/api/v2/clusters/%s' % cid, body={'api_server_eip': True},
                       action='ModifyCluster').status < 300

    def state():
        return signed.call('GET', '/clusters/%s' % cid, action='DescribeClusterDetail').json['state']
    assert state() == 'updating'
    sleep = 20
    waits = dict(cluster_id=cid, wait_sleep=sleep, wait_timeout=120)
    cases = [('alicloud.ack.ack_cluster', dict(waits, tags={'team': 'core'})),
             ('alicloud.ack.ack_nodes', dict(waits, count=2, worker_instance_types=['ecs.g7.xlarge'], key_pair='k1')),
             ('alicloud.ack.ack_addon', dict(waits, addons=[{'name': 'arms-prometheus'}]))]
    before = writes(emulator)
    start = time.monotonic()
    results, out = run_cases(playbook, cases, '--check')
    elapsed = time.monotonic() - start
    assert elapsed < sleep + 15, elapsed  # a wait would take wait_timeout (120 s) per task
    warning = 'cluster %s is updating: check mode plans from it as it is now' % cid
    for r in results:
        assert not r.get('failed') and r['changed'] and r['task_ids'] == [] and 'task_id' not in r, r
        assert any(w.startswith(warning) for w in r.get('warnings') or []), r
    assert warning in ' '.join(out.split())
    assert writes(emulator) == before and state() == 'updating'


def test_create_applies_modify_only_options_and_the_rerun_is_a_no_op(playbook, emulator):
    extra = 'key_pair: k1\n    api_server_eip: false\n    ingress_loadbalancer_id: lb-core0001'
    created = playbook.run_tasks(CREATE.format(extra=extra) + '  register: c\n- name: Show\n  ansible.builtin.debug:'
                                 '\n    var: c\n', '--diff')
    assert created.returncode == 0, created.stdout
    assert '"ingress_loadbalancer_id": "lb-core0001"' in created.stdout  # in the create's diff and result
    assert writes(emulator)['ModifyCluster'] == 1
    before = writes(emulator)
    rerun = playbook.run_tasks(CREATE.format(extra=extra))
    assert rerun.returncode == 0 and 'changed: [localhost]' not in rerun.stdout, rerun.stdout
    assert writes(emulator) == before


def test_no_kubeconfig_secret_in_vvv_output_or_result(playbook, emulator, tmp_path):
    path = tmp_path / 'kube' / 'config'
    result = playbook.run_tasks(CREATE.format(extra='key_pair: k1') + """  register: c
- name: Kubeconfig into a file
  alicloud.ack.ack_kubeconfig:
    cluster_id: "{{ c.cluster.cluster_id }}"
    path: %s
  register: k
- name: Show the result
  ansible.builtin.debug:
    var: k
""" % path, '-vvv', '--diff')
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    config = path.read_text()
    secrets = [line.split(':', 1)[1].strip() for line in config.splitlines()
               if line.strip().startswith(('client-key-data', 'client-certificate-data', 'certificate-authority-data'))]
    assert len(secrets) == 3
    for secret in secrets:
        assert secret[:40] not in output
