"""Issue #16: no secret in -vvv output, registered results or ansible-runner artifacts.

One playbook runs every module's life cycle through ansible-runner (as AWX does) at -vvv with --diff, signing with
STS credentials given as module options. Afterwards none of these may appear in the runner's output, in any file
of its artifacts, or in the registered results: the AccessKey secret, the security token, the login passwords,
the kubeconfig's client key and certificate, the attach script's token.
"""
import base64
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ack_emulator.testing import EmulatorProcess
from cases import MARK

STS = {'access_key_id': 'STS.SECRETSTESTKEYID', 'access_key_secret': 'SecretsTestSecretValue0123456789',
       'security_token': 'SecretsTestSecurityToken0123456789=='}
PASSWORDS = {'cluster': 'Cluster-Passw0rd-Secret!', 'nodes': 'Nodes-Passw0rd-Secret!',
             'attach': 'Attach-Passw0rd-Secret!', 'pool': 'Pool-Passw0rd-Secret!'}
ATTACH = 'i-secretsattach01'
# registered results printed at the end (not those of no_log tasks, which the user chose to keep whole)
SHOWN = ['created', 'rerun', 'listed', 'kube', 'kube_again', 'revoked', 'kube_fresh', 'history', 'kube_removed',
         'scaled', 'attached', 'removed',
         'nodes', 'script', 'addon', 'addons', 'template', 'templates', 'template_deleted', 'upgraded', 'upgrade',
         'pool', 'pool_version', 'pools', 'pool_deleted', 'deleted']

PLAYBOOK = """
- name: Every module's life cycle, at -vvv, with STS credentials as options
  hosts: ack_controller
  gather_facts: false
  module_defaults:
    group/alicloud.ack.ack:
      alicloud_access_key: "{{ sts.access_key_id }}"
      alicloud_secret_key: "{{ sts.access_key_secret }}"
      alicloud_security_token: "{{ sts.security_token }}"
    alicloud.ack.ack_cluster: &waits
      wait_sleep: 0.2
    alicloud.ack.ack_nodes: *waits
    alicloud.ack.ack_nodepool: *waits
    alicloud.ack.ack_addon: *waits
    alicloud.ack.ack_upgrade: *waits
  tasks:
    - name: Create a cluster with a login password
      alicloud.ack.ack_cluster: &cluster
        name: secrets-test
        cluster_type: ManagedKubernetes
        cluster_spec: ack.pro.small
        kubernetes_version: 1.28.9-aliyun.1
        vpc_id: vpc-secrets01
        vswitch_ids: [vsw-secrets01]
        num_of_nodes: 1
        worker_instance_types: [ecs.g7.xlarge]
        worker_system_disk_category: cloud_essd
        worker_system_disk_size: 120
        login_password: "{{ passwords.cluster }}"
        snat_entry: true
      register: created
    - name: The same again
      alicloud.ack.ack_cluster: *cluster
      register: rerun
    - name: Read it
      alicloud.ack.ack_cluster_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
      register: listed
    - name: Read its kubeconfig, no_log as documented
      alicloud.ack.ack_cluster_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
        gather: [kubeconfig]
      no_log: true
      register: with_kubeconfig
    - name: Keep that kubeconfig in a file
      ansible.builtin.copy:
        content: "{{ with_kubeconfig.clusters[0].kubeconfig }}"
        dest: "{{ keep_dir }}/info-kubeconfig"
        mode: "0600"
      no_log: true
    - name: Write a kubeconfig
      alicloud.ack.ack_kubeconfig: &kube
        cluster_id: "{{ created.cluster.cluster_id }}"
        path: "{{ keep_dir }}/kube/config"
      register: kube
    - name: Write it again
      alicloud.ack.ack_kubeconfig: *kube
      register: kube_again
    - name: Keep it, before it is revoked
      ansible.builtin.copy:
        src: "{{ keep_dir }}/kube/config"
        dest: "{{ keep_dir }}/revoked-kubeconfig"
        mode: "0600"
      no_log: true
    - name: Revoke the kubeconfigs
      alicloud.ack.ack_kubeconfig:
        cluster_id: "{{ created.cluster.cluster_id }}"
        state: revoked
        confirm_revoke: true
        revoked_before: "{{ now(utc=true, fmt='%%Y-%%m-%%dT%%H:%%M:%%SZ') }}"
      register: revoked
    - name: Write a fresh one
      alicloud.ack.ack_kubeconfig: *kube
      register: kube_fresh
    - name: The kubeconfigs issued and the task history
      alicloud.ack.ack_cluster_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
        gather: [kubeconfig_states, tasks]
      register: history
    - name: Scale out with a login password
      alicloud.ack.ack_nodes:
        cluster_id: "{{ created.cluster.cluster_id }}"
        count: 2
        worker_instance_types: [ecs.g7.xlarge]
        login_password: "{{ passwords.nodes }}"
      register: scaled
    - name: Attach an instance with a password
      alicloud.ack.ack_nodes:
        cluster_id: "{{ created.cluster.cluster_id }}"
        instances: ["{{ attach }}"]
        login_password: "{{ passwords.attach }}"
      register: attached
    - name: List the nodes
      alicloud.ack.ack_nodes_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
      register: nodes
    - name: The attach script, masked
      alicloud.ack.ack_nodes_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
        gather: [attach_script]
      register: script
    - name: The attach script whole, no_log
      alicloud.ack.ack_nodes_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
        gather: [attach_script]
      no_log: true
      register: script_whole
    - name: Keep the script in a file
      ansible.builtin.copy:
        content: "{{ script_whole.attach_script }}"
        dest: "{{ keep_dir }}/attach.sh"
        mode: "0600"
      no_log: true
    - name: Remove the attached node
      alicloud.ack.ack_nodes:
        cluster_id: "{{ created.cluster.cluster_id }}"
        state: absent
        nodes: ["{{ attach }}"]
      register: removed
    - name: A node pool with a login password
      alicloud.ack.ack_nodepool:
        cluster_id: "{{ created.cluster.cluster_id }}"
        name: secret-pool
        desired_size: 1
        worker_instance_types: [ecs.g7.xlarge]
        vswitch_ids: [vsw-secrets01]
        login_password: "{{ passwords.pool }}"
      register: pool
    - name: The pool at its version
      alicloud.ack.ack_nodepool:
        cluster_id: "{{ created.cluster.cluster_id }}"
        name: secret-pool
        kubernetes_version: 1.28.9-aliyun.1
      register: pool_version
    - name: The pools and their nodes
      alicloud.ack.ack_nodepool_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
        gather_nodes: true
      register: pools
    - name: Delete the pool
      alicloud.ack.ack_nodepool:
        cluster_id: "{{ created.cluster.cluster_id }}"
        name: secret-pool
        state: absent
        force: true
      register: pool_deleted
    - name: Install an add-on
      alicloud.ack.ack_addon:
        cluster_id: "{{ created.cluster.cluster_id }}"
        addons: [{name: logtail-ds}]
      register: addon
    - name: List the add-ons
      alicloud.ack.ack_addon_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
      register: addons
    - name: A template
      alicloud.ack.ack_template:
        name: secrets
        template: {apiVersion: v1, kind: ConfigMap, metadata: {name: secrets}, data: {key: value}}
      register: template
    - name: List the templates
      alicloud.ack.ack_template_info:
        name: secrets
      register: templates
    - name: Delete the template
      alicloud.ack.ack_template:
        template_id: "{{ template.template.id }}"
        state: absent
      register: template_deleted
    - name: Upgrade one hop
      alicloud.ack.ack_upgrade:
        cluster_id: "{{ created.cluster.cluster_id }}"
        version: next
      register: upgraded
    - name: Read the upgrade
      alicloud.ack.ack_upgrade_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
      register: upgrade
    - name: Remove the kubeconfig's context
      alicloud.ack.ack_kubeconfig:
        <<: *kube
        state: absent
      register: kube_removed
    - name: Delete the cluster
      alicloud.ack.ack_cluster:
        cluster_id: "{{ created.cluster.cluster_id }}"
        state: absent
      register: deleted
    - name: Every step did its work
      ansible.builtin.assert:
        that:
          - created is changed and rerun is not changed and kube is changed and kube_again is not changed
          - revoked is changed and kube_fresh is changed and history.clusters[0].tasks | length > 1
          - scaled is changed and attached is changed and removed is changed and addon is changed
          - template is changed and template_deleted is changed and upgraded is changed
          - kube_removed is changed and deleted is changed
          - pool is changed and pool_version is not changed and pool_deleted is changed
    - name: All registered results
      ansible.builtin.debug:
        msg: "%(mark)s{{ [%(shown)s] | to_json }}"
""" % {'mark': MARK, 'shown': ', '.join(SHOWN)}


@pytest.fixture
def sts_emulator(tmp_path):
    creds = tmp_path / 'creds.json'
    creds.write_text(json.dumps({'keys': [STS]}))
    with EmulatorProcess(time_scale=0.002, extra_args=['--credentials', str(creds)], access_key_id=None,
                         access_key_secret=None) as emu:
        emu.admin('instances', {'instances': [ATTACH]})
        yield emu


def kubeconfig_secrets(path):
    """The client key and certificate of a kubeconfig: base64 as written, and a line of each PEM's body."""
    found = []
    for user in yaml.safe_load(path.read_text())['users']:
        for field in ('client-key-data', 'client-certificate-data'):
            data = user['user'][field]
            pem = base64.b64decode(data).decode()
            found += [data, pem.splitlines()[1]]
    return found


def test_no_secret_in_vvv_output_results_or_runner_artifacts(sts_emulator, tmp_path):
    keep = tmp_path / 'keep'  # what the playbook keeps on purpose, outside the runner's directory
    keep.mkdir()
    pdd = tmp_path / 'job'
    for folder in ('project', 'inventory', 'env'):
        (pdd / folder).mkdir(parents=True)
    (pdd / 'project' / 'secrets.yml').write_text(PLAYBOOK)
    (pdd / 'inventory' / 'hosts').write_text(
        'ack_controller ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    (pdd / 'env' / 'envvars').write_text(yaml.safe_dump({
        'ALIBABA_CLOUD_ACK_ENDPOINT': sts_emulator.url, 'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou'}))
    (pdd / 'env' / 'extravars').write_text(yaml.safe_dump({
        'sts': STS, 'passwords': PASSWORDS, 'attach': ATTACH, 'keep_dir': str(keep)}))
    (pdd / 'env' / 'settings').write_text(yaml.safe_dump({'process_isolation': False, 'job_timeout': 600}))
    (pdd / 'env' / 'cmdline').write_text('-vvv --diff')
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update(HOME=str(tmp_path), ANSIBLE_NOCOLOR='1')
    runner = str(Path(sys.executable).with_name('ansible-runner'))
    result = subprocess.run([runner, 'run', str(pdd), '-p', 'secrets.yml', '--ident', 'secrets'], env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    output = result.stdout + result.stderr
    artifacts = pdd / 'artifacts' / 'secrets'
    assert result.returncode == 0, output[-6000:]
    assert (artifacts / 'status').read_text() == 'successful'

    kubeconfig = keep / 'kube' / 'config'
    assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
    token = re.search(r'--openapi-token (\S+)', (keep / 'attach.sh').read_text()).group(1)
    secrets = dict(secret_key=STS['access_key_secret'], security_token=STS['security_token'], attach_token=token)
    secrets.update(('password_%s' % k, v) for k, v in PASSWORDS.items())
    kubeconfigs = [kubeconfig, keep / 'info-kubeconfig', keep / 'revoked-kubeconfig']
    for i, value in enumerate(sum((kubeconfig_secrets(path) for path in kubeconfigs), [])):
        secrets['kubeconfig_%d' % i] = value
    assert all(len(v) >= 16 for v in secrets.values()), secrets

    line = output[output.index(MARK) + len(MARK):].split('\n', 1)[0].rstrip().rstrip('"')
    results = json.dumps(dict(zip(SHOWN, json.loads(json.loads('"%s"' % line)))))
    files = [p for p in artifacts.rglob('*') if p.is_file()]
    assert any(p.name == 'stdout' for p in files) and len(files) > 20
    leaks = []
    for name, value in secrets.items():
        leaks += ['%s in the output' % name] if value in output else []
        leaks += ['%s in the registered results' % name] if value in results else []
        leaks += ['%s in %s' % (name, p.relative_to(pdd)) for p in files if value.encode() in p.read_bytes()]
    assert leaks == []
    # the secrets were there to leak: masked where a result carried them
    assert '--openapi-token ********' in output and '"kubeconfig"' in results
    assert 'ESTABLISH LOCAL CONNECTION' in output and STS['access_key_id'] in output
