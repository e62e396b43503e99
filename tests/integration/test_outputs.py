"""What users see: --diff output, check mode, one-line errors, and no secret in -vvv output."""
import json
import os
import stat

import pytest

from ack_emulator.testing import EmulatorProcess

CREATE = """
- name: Create
  alicloud.ack.ack_cluster:
    name: out-test
    cluster_type: ManagedKubernetes
    vpc_id: vpc-out0001
    vswitch_ids: [vsw-out0001]
    num_of_nodes: 1
    worker_instance_types: [ecs.g7.xlarge]
    worker_system_disk_category: cloud_essd
    worker_system_disk_size: 120
    container_cidr: 172.20.0.0/16
    service_cidr: 172.21.0.0/20
    snat_entry: true
    {extra}
"""


def test_diff_shows_before_and_after(playbook):
    assert playbook.run_tasks(CREATE.format(extra='key_pair: k1\n    tags: {env: a}')).returncode == 0
    result = playbook.run_tasks(CREATE.format(extra='key_pair: k1\n    tags: {env: b}'), '--diff')
    assert result.returncode == 0, result.stdout
    assert '-    "env": "a"' in result.stdout or '-        "env": "a"' in result.stdout, result.stdout
    assert '"env": "b"' in result.stdout
    assert 'changed: [localhost]' in result.stdout


def test_check_mode_create_writes_nothing(playbook, emulator):
    result = playbook.run_tasks(CREATE.format(extra='login_password: Check-Passw0rd!'), '--check', '--diff')
    assert result.returncode == 0, result.stdout
    assert 'changed: [localhost]' in result.stdout
    assert '+    "vpcid": "vpc-out0001"' in result.stdout  # the diff shows what would be created
    assert 'Check-Passw0rd!' not in result.stdout and 'client_token' not in result.stdout
    assert emulator.stats().get('CreateCluster', 0) == 0


def test_info_on_unknown_id_fails_as_not_found(playbook):
    result = playbook.run_tasks("""
- name: Read a cluster that does not exist, by id
  alicloud.ack.ack_cluster_info:
    cluster_id: cdoesnotexist
    gather: [resources]
  register: r
""")
    assert result.returncode != 0, result.stdout
    assert '"msg": "cluster cdoesnotexist not found"' in result.stdout
    assert '"code": "ErrorClusterNotFound"' in result.stdout


def test_missing_credentials_is_a_clear_error(playbook):
    result = playbook.run_tasks("""
- name: No credentials anywhere
  alicloud.ack.ack_cluster_info:
""", ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='')
    assert result.returncode != 0
    assert 'credentials' in result.stdout.lower()
    assert 'Traceback' not in result.stdout


def test_wrong_secret_carries_error_data(playbook):
    result = playbook.run_tasks("""
- name: Wrong secret in the options
  alicloud.ack.ack_cluster_info:
    alicloud_access_key: LTAI5tACKEMULATORDEMO
    alicloud_secret_key: not-the-secret
  register: r
  ignore_errors: true
- name: Show
  ansible.builtin.debug:
    msg: "{{ r.error | to_json }}"
""")
    assert result.returncode == 0, result.stdout
    assert 'SignatureDoesNotMatch' in result.stdout
    assert 'request_id' in result.stdout and 'http_status' in result.stdout
    assert 'not-the-secret' not in result.stdout


@pytest.fixture
def sts_emulator(tmp_path):
    creds = tmp_path / 'creds.json'
    creds.write_text(json.dumps({'keys': [{
        'access_key_id': 'STS.LEAKTESTKEYID',
        'access_key_secret': 'LeakTestSecretValue0123456789',
        'security_token': 'LeakTestSecurityTokenValue==',
    }]}))
    with EmulatorProcess(time_scale=0.0, extra_args=['--credentials', str(creds)],
                         access_key_id=None, access_key_secret=None) as emu:
        yield emu


def test_no_secret_in_vvv_output(playbook, sts_emulator, tmp_path):
    playbook.emulator = sts_emulator
    kubeconfig = tmp_path / 'kube' / 'config'
    kubeconfig.parent.mkdir()
    sts = 'alicloud_access_key: STS.LEAKTESTKEYID\n    alicloud_secret_key: LeakTestSecretValue0123456789\n' \
          '    alicloud_security_token: LeakTestSecurityTokenValue=='
    tasks = CREATE.replace('out-test', 'leak-test').format(extra=sts + '\n    login_password: LeakTest-Passw0rd!') + """  register: c
- name: Kubeconfig to a file
  alicloud.ack.ack_kubeconfig:
    alicloud_access_key: STS.LEAKTESTKEYID
    alicloud_secret_key: LeakTestSecretValue0123456789
    alicloud_security_token: LeakTestSecurityTokenValue==
    cluster_id: "{{ c.cluster.cluster_id }}"
    path: %s
  register: k
- name: Show everything
  ansible.builtin.debug:
    var: k
""" % kubeconfig
    result = playbook.run_tasks(tasks, '-vvv', '--diff', ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='')
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    for secret in ('LeakTestSecretValue0123456789', 'LeakTestSecurityTokenValue==', 'LeakTest-Passw0rd!'):
        assert secret not in output
    config = kubeconfig.read_text()
    assert 'apiVersion' in config or 'clusters' in config
    assert stat.S_IMODE(os.stat(kubeconfig).st_mode) == 0o600
    for line in config.splitlines():
        if 'data:' in line or 'token:' in line:
            value = line.split(':', 1)[1].strip()
            if len(value) > 8:
                assert value not in output


def test_v3_signature_with_sts_from_the_environment(playbook, sts_emulator):
    playbook.emulator = sts_emulator
    sts = dict(ALIBABA_CLOUD_ACCESS_KEY_ID='STS.LEAKTESTKEYID', ALIBABA_CLOUD_ACCESS_KEY_SECRET='LeakTestSecretValue0123456789',
               ALIBABA_CLOUD_SECURITY_TOKEN='LeakTestSecurityTokenValue==')
    result = playbook.run_tasks("""
- name: List with ACS3-HMAC-SHA256 and an STS token from the environment
  alicloud.ack.ack_cluster_info:
    signature_version: v3
  register: r
- name: Check
  ansible.builtin.assert:
    that:
      - r.clusters == []
""", **sts)
    assert result.returncode == 0, result.stdout[-3000:]
    assert sts_emulator.stats().get('DescribeClustersV1') == 1


def test_credentials_from_the_aliyun_cli_profile(playbook, emulator):
    config = playbook.workdir / '.aliyun' / 'config.json'
    config.parent.mkdir()
    config.write_text(json.dumps({'current': 'other', 'profiles': [
        {'name': 'other', 'mode': 'AK', 'access_key_id': 'LTAIwrong', 'access_key_secret': 'wrong'},
        {'name': 'emu', 'mode': 'AK', 'access_key_id': emulator.access_key_id,
         'access_key_secret': emulator.access_key_secret, 'region_id': 'cn-hangzhou'},
        {'name': 'ram', 'mode': 'RamRoleArn', 'access_key_id': 'x', 'access_key_secret': 'y'},
    ]}))
    tasks = """
- name: Profile chosen by the option
  alicloud.ack.ack_cluster_info:
    profile: emu
- name: A profile mode the collection does not support
  alicloud.ack.ack_cluster_info:
    profile: ram
  register: ram
  ignore_errors: true
- name: The mode is named
  ansible.builtin.assert:
    that:
      - ram is failed
      - "'RamRoleArn' in ram.msg"
"""
    result = playbook.run_tasks(tasks, ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='',
                                ALIBABA_CLOUD_REGION_ID='')
    assert result.returncode == 0, result.stdout[-3000:]
    assert emulator.stats().get('DescribeClustersV1') == 1


def test_name_lookup_stays_in_the_region(playbook):
    beijing = CREATE.replace('vpc-out0001', 'vpc-out0002').format(extra='key_pair: k1\n    alicloud_region: cn-beijing')
    result = playbook.run_tasks(CREATE.format(extra='key_pair: k1') + beijing + """
- name: Look the name up in each region
  alicloud.ack.ack_cluster_info:
    name: out-test
    alicloud_region: "{{ item }}"
  loop: [cn-hangzhou, cn-beijing]
  register: found
- name: One cluster in each
  ansible.builtin.assert:
    that:
      - found.results | map(attribute='clusters') | map('length') | list == [1, 1]
      - found.results[0].clusters[0].region_id == 'cn-hangzhou'
      - found.results[1].clusters[0].region_id == 'cn-beijing'
""")
    assert result.returncode == 0, result.stdout[-4000:]


def test_create_without_a_region_is_refused_before_any_write(playbook, emulator):
    result = playbook.run_tasks(CREATE.format(extra='key_pair: k1'), ALIBABA_CLOUD_REGION_ID='')
    assert result.returncode != 0
    assert 'a region is required to create a cluster' in result.stdout
    assert emulator.stats().get('CreateCluster', 0) == 0
