"""Issue #17: ack_cluster as a careless or hostile user would run it, and under a flaky network."""
import json

import pytest

from cases import assert_one_line_failure, run_cases
from conftest import run_with_faults
from test_outputs import CREATE

MINIMAL = CREATE.format(extra='key_pair: k1')


def total(emulator):
    answer = emulator.admin('GET', '/stats')
    return sum(answer['requests'].values()) + sum((answer.get('unauthenticated') or {}).values())


def writes(emulator):
    counts = emulator.stats()
    return sum(counts.get(op, 0) for op in ('CreateCluster', 'ModifyCluster', 'DeleteCluster', 'ModifyClusterTags'))


def one_task(module, args, register=True):
    lines = ['- name: The task', '  %s:' % module] + ['    %s: %s' % (k, json.dumps(v)) for k, v in args.items()]
    if register:
        lines += ['  register: r', '  ignore_errors: true', '- name: Show', '  ansible.builtin.debug:', '    var: r']
    return '\n'.join(lines) + '\n'


def failed_result(result):
    """The registered result of a task that failed, parsed from the debug output."""
    text = result.stdout
    start = text.index('"r": {')
    depth, end = 0, start + 5
    for end in range(start + 5, len(text)):
        depth += {'{': 1, '}': -1}.get(text[end], 0)
        if depth == 0:
            break
    r = json.loads(text[start + 5:end + 1])
    assert r.get('failed'), r
    assert '\n' not in r['msg'] and 'Traceback' not in text
    return r


def test_an_unknown_access_key_never_looks_like_success(playbook):
    assert playbook.run_tasks(MINIMAL).returncode == 0
    cases = [('alicloud.ack.ack_cluster', {'name': 'out-test', 'state': 'absent'}),
             ('alicloud.ack.ack_cluster_info', {'name': 'out-test'}),
             ('alicloud.ack.ack_cluster_info', {'cluster_id': 'c0123456789abcdef0123456789abcdef'})]
    results, out = run_cases(playbook, cases, ALIBABA_CLOUD_ACCESS_KEY_ID='LTAI5tUNKNOWNKEY0000')
    for r in results:
        assert_one_line_failure(r, 'InvalidAccessKeyId.NotFound', out)
        assert r['error']['code'] == 'InvalidAccessKeyId.NotFound' and r['error']['http_status'] == 404
    listed = playbook.run_tasks(one_task('alicloud.ack.ack_cluster_info', {'name': 'out-test'}))
    assert '"state": "running"' in listed.stdout  # the cluster lives on


def test_ids_are_never_path(playbook, emulator):
    before = total(emulator)
    cases = [(module, {'cluster_id': bad_id})
             for module in ('alicloud.ack.ack_cluster', 'alicloud.ack.ack_cluster_info', 'alicloud.ack.ack_kubeconfig')
             for bad_id in ('../../etc/passwd', 'c1/../../clusters', 'c123?x=1', '..', 'c%2F..')]
    results, out = run_cases(playbook, cases)
    for r in results:
        assert_one_line_failure(r, 'is not a valid id', out)
    assert total(emulator) == before  # no request sent at all


@pytest.mark.parametrize('operation,change', [
    ('ModifyClusterTags', "tags: {env: dropped}"),
    ('ModifyCluster', "deletion_protection: true"),
    ('DeleteCluster', "state: absent"),
])
def test_a_dropped_answer_on_a_repeatable_write_still_ends_right(playbook, emulator, operation, change):
    assert playbook.run_tasks(MINIMAL).returncode == 0
    emulator.faults(drop_after_apply_rate=0.6, operations=[operation], seed=7)
    result = playbook.run_tasks(CREATE.format(extra='key_pair: k1\n    ' + change))
    assert result.returncode == 0, result.stdout[-3000:]
    injected = emulator.admin('GET', '/stats')['faults_injected']
    assert any(operation in k for k in injected), injected  # the fault did happen
    emulator.faults()
    info = playbook.run_tasks(one_task('alicloud.ack.ack_cluster_info', {'name': 'out-test'}))
    if operation == 'DeleteCluster':
        assert '"clusters": []' in info.stdout
    else:
        assert ('"dropped"' if operation == 'ModifyClusterTags' else '"deletion_protection": true') in info.stdout


NUMBERS = [
    ('connect_timeout', 0, 'connect_timeout must be at least 1'),
    ('read_timeout', -1, 'read_timeout must be at least 1'),
    ('api_retries', -1, 'api_retries must be at least 0'),
    ('api_retry_max_delay', 0, 'api_retry_max_delay must be at least 1'),
    ('wait_timeout', 0, 'wait_timeout must be at least 1'),
    ('wait_sleep', -1, 'wait_sleep must be at least'),
    ('endpoint', 'http://[bad', 'is not a URL'),
    ('endpoint', 'ftp://host', 'is not an http(s) URL'),
    ('alicloud_region', 'not a region', 'is not a region id'),
]


def test_out_of_range_numbers_and_bad_endpoints_fail_before_any_call(playbook, emulator):
    before = total(emulator)
    cases = [('alicloud.ack.ack_cluster', {'name': 'out-test', 'cluster_type': 'ManagedKubernetes', option: value})
             for option, value, words in NUMBERS]
    results, out = run_cases(playbook, cases)
    for (option, value, words), r in zip(NUMBERS, results):
        assert_one_line_failure(r, words, out)
    assert total(emulator) == before


def test_a_region_that_is_not_a_region_fails_in_info_too(playbook, emulator):
    r = failed_result(playbook.run_tasks(one_task('alicloud.ack.ack_cluster_info', {'alicloud_region': 'xx-nowhere'})))
    assert 'region' in r['msg'] and r['error']['code'] == 'InvalidParameter'


def test_a_multi_line_api_message_is_one_line_in_msg(playbook):
    r = failed_result(playbook.run_tasks(one_task('alicloud.ack.ack_cluster_info', {}),
                                         ALIBABA_CLOUD_ACCESS_KEY_SECRET='not-the-secret'))
    assert r['error']['code'].startswith('SignatureDoesNotMatch')
    assert '\n' in r['error']['message'] or len(r['error']['message']) >= len(r['msg']) - 200


GOOD = dict(name='rules-test', cluster_type='ManagedKubernetes', vpc_id='vpc-rules0001', vswitch_ids=['vsw-rules0001'],
            num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
            worker_system_disk_size=120, key_pair='k1', snat_entry=True)
RULES = [
    ({'name': '-starts-with-hyphen'}, 'is not valid'),
    ({'name': 'x' * 64}, 'is not valid'),
    ({'name': 'bad_underscore'}, 'is not valid'),
    ({'tags': dict(('k%d' % i, 'v') for i in range(21))}, 'at most 20 tags'),
    ({'tags': {'k' * 129: 'v'}}, '1 to 128 characters'),
    ({'tags': {'k': 'v' * 129}}, 'at most 128'),
    ({'tags': {'aliyun-x': 'v'}}, 'may not start with'),
    ({'tags': {'acs:team': 'v'}}, 'may not start with'),
    ({'container_cidr': '8.8.0.0/16'}, 'must be inside 10.0.0.0/8'),
    ({'container_cidr': '172.20.0.1/16'}, 'host bits zero'),
    ({'service_cidr': '10.0.0.0/8'}, 'prefix length'),
    ({'worker_system_disk_size': 30}, 'worker_system_disk_size must be 40 to 500'),
    ({'worker_data_disks': [{'category': 'cloud_essd', 'size': 10}]}, 'worker_data_disks size must be'),
    ({'worker_instance_charge_type': 'PrePaid', 'worker_period': 5}, 'worker_period must be one of'),
    ({'worker_instance_charge_type': 'PrePaid'}, 'worker_period is required'),
    ({'login_password': 'Abc12345\u00e9\u00e9', 'key_pair': None}, 'not allowed'),
    ({'client_token': 't' * 65}, 'client_token must be at most 64'),
    ({'vpc_id': None}, 'vpc_id is required to create a managed cluster'),
    ({'num_of_nodes': 101}, 'num_of_nodes must be 0 to 100'),
    ({'key_pair': None}, 'key_pair or login_password is required'),
]


@pytest.mark.parametrize('check', [True, False], ids=['check', 'real'])
def test_documented_rules_refused_before_any_write(playbook, emulator, check):
    cases = []
    for change, words in RULES:
        args = dict(GOOD)
        args.update(change)
        cases.append(('alicloud.ack.ack_cluster', dict((k, v) for k, v in args.items() if v is not None)))
    before = writes(emulator)
    results, out = run_cases(playbook, cases, *(['--check'] if check else []))
    for (change, words), r in zip(RULES, results):
        assert_one_line_failure(r, words, out)
    assert writes(emulator) == before


def test_reserved_tags_refused_on_update_too_and_an_unknown_id_is_named(playbook, emulator):
    assert playbook.run_tasks(MINIMAL).returncode == 0
    before = writes(emulator)
    task = one_task('alicloud.ack.ack_cluster', {'name': 'out-test', 'tags': {'acs:x': '1'}})
    r = failed_result(playbook.run_tasks(task, '--check'))
    assert 'may not start with' in r['msg']
    r = failed_result(playbook.run_tasks(one_task('alicloud.ack.ack_cluster',
                                                  {'cluster_id': 'c0123456789abcdef0123456789abcdef'})))
    assert 'c0123456789abcdef0123456789abcdef not found' in r['msg']
    assert writes(emulator) == before


def test_an_existing_name_with_another_cluster_type_is_refused(playbook, emulator):
    assert playbook.run_tasks(MINIMAL).returncode == 0
    before = writes(emulator)
    r = failed_result(playbook.run_tasks(one_task('alicloud.ack.ack_cluster', {
        'name': 'out-test', 'cluster_type': 'Ask', 'vpc_id': 'vpc-out0001', 'vswitch_ids': ['vsw-out0001']})))
    assert 'already exists with cluster_type ManagedKubernetes' in r['msg']
    assert writes(emulator) == before


LIFECYCLE = """
- name: Cluster life cycle under faults, with the default retry settings
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    cluster: %s
  tasks:
    - name: Create
      alicloud.ack.ack_cluster: "{{ cluster }}"
      register: created
    - name: Rerun
      alicloud.ack.ack_cluster: "{{ cluster }}"
      register: rerun
    - name: Change the tags
      alicloud.ack.ack_cluster: "{{ cluster | combine({'tags': {'env': 'faults'}}) }}"
      register: tagged
    - name: List every cluster
      alicloud.ack.ack_cluster_info:
      register: listed
    - name: Delete
      alicloud.ack.ack_cluster: "{{ cluster | combine({'state': 'absent'}) }}"
      register: deleted
    - name: Check
      ansible.builtin.assert:
        that:
          - created is changed and created.cluster.state == 'running'
          - rerun is not changed
          - tagged is changed
          - listed.clusters | length == 1
          - deleted is changed
"""


@pytest.mark.parametrize('seed', [11, 22, 33])
def test_cluster_life_cycle_under_faults_with_default_retries(playbook, emulator, tmp_path, seed):
    cluster = dict(GOOD, name='faults-%d' % seed, wait_sleep=0.2, wait_timeout=300)
    path = tmp_path / 'faults.yml'
    path.write_text(LIFECYCLE % json.dumps(cluster))
    result, injected = run_with_faults(emulator, lambda: playbook.run(path), throttle_rate=0.3, error_rate=0.1,
                                       drop_rate=0.05, drop_after_apply_rate=0.05, seed=seed)
    assert result.returncode == 0, result.stdout[-4000:]
    assert sum(injected.values()) >= 5, injected
    assert emulator.admin('GET', '/docs/cluster')['docs'] == []  # the one cluster made is gone
