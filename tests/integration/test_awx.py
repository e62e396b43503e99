"""An AWX job, as AWX runs it: ansible-runner on a private data dir, credentials injected by the custom credential
type shipped in extensions/awx/credential_type.yml (its injectors rendered the way AWX renders them)."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent.parent
CREDENTIAL_TYPE = ROOT / 'extensions' / 'awx' / 'credential_type.yml'
INJECTED = {'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN',
            'ALIBABA_CLOUD_REGION_ID', 'ALIBABA_CLOUD_ACK_ENDPOINT'}

PLAYBOOK = """
- name: AWX job - a cluster from creation to deletion
  hosts: ack_controller
  gather_facts: false
  tasks:
    - name: Create a managed cluster
      alicloud.ack.ack_cluster:
        name: "{{ cluster_name }}"
        cluster_type: ManagedKubernetes
        cluster_spec: ack.pro.small
        vpc_id: vpc-awx0001
        vswitch_ids: [vsw-awx0001]
        num_of_nodes: 1
        worker_instance_types: [ecs.g7.xlarge]
        worker_system_disk_category: cloud_essd
        worker_system_disk_size: 120
        key_pair: awx-key
        snat_entry: true
        wait_sleep: 0.2
      register: created

    - name: Read it
      alicloud.ack.ack_cluster_info:
        cluster_id: "{{ created.cluster.cluster_id }}"
      register: found

    - name: It runs
      ansible.builtin.assert:
        that:
          - found.clusters | length == 1
          - found.clusters[0].name == cluster_name
          - found.clusters[0].state == 'running'

    - name: Delete it
      alicloud.ack.ack_cluster:
        cluster_id: "{{ created.cluster.cluster_id }}"
        state: absent
        wait_sleep: 0.2
"""


def awx_inject(credential_type, inputs):
    """The environment AWX gives a job for a credential: each env injector rendered in a sandbox with the inputs
    that are set (AWX leaves empty inputs out of the namespace, so they render as empty strings)."""
    fields = {field['id']: field for field in credential_type['inputs']['fields']}
    assert set(inputs) <= set(fields)
    assert all(inputs.get(name) for name in credential_type['inputs']['required'])
    namespace = dict((name, value) for name, value in inputs.items() if value)
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type['injectors']['env'].items())


def test_credential_type_shape():
    kind = yaml.safe_load(CREDENTIAL_TYPE.read_text())
    assert kind['kind'] == 'cloud' and set(kind['injectors']) == {'env'}
    assert set(kind['injectors']['env']) == INJECTED
    secret = dict((field['id'], field.get('secret', False)) for field in kind['inputs']['fields'])
    assert secret == {'access_key_id': False, 'access_key_secret': True, 'security_token': True,
                      'region_id': False, 'endpoint': False}
    assert awx_inject(kind, {'access_key_id': 'id', 'access_key_secret': 's'}) == {
        'ALIBABA_CLOUD_ACCESS_KEY_ID': 'id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 's',
        'ALIBABA_CLOUD_SECURITY_TOKEN': '', 'ALIBABA_CLOUD_REGION_ID': '', 'ALIBABA_CLOUD_ACK_ENDPOINT': ''}
    # the docs site's AWX guide shows the file as it is
    guide = (ROOT / 'docs' / 'docsite' / 'rst' / 'awx.rst').read_text()
    assert textwrap.indent(CREDENTIAL_TYPE.read_text(), '    ') in guide


def private_data_dir(path, envvars, extravars):
    """The layout AWX hands ansible-runner."""
    (path / 'project').mkdir(parents=True)
    (path / 'project' / 'cluster_life.yml').write_text(PLAYBOOK)
    (path / 'inventory').mkdir()
    (path / 'inventory' / 'hosts').write_text(
        'ack_controller ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    (path / 'env').mkdir()
    (path / 'env' / 'envvars').write_text(yaml.safe_dump(envvars))
    (path / 'env' / 'extravars').write_text(yaml.safe_dump(extravars))
    (path / 'env' / 'settings').write_text(yaml.safe_dump({'process_isolation': False, 'job_timeout': 600}))
    # the job template's verbosity 3
    (path / 'env' / 'cmdline').write_text('-vvv')


def events(artifacts):
    found = []
    for name in sorted(os.listdir(artifacts / 'job_events'), key=lambda n: int(n.split('-')[0])):
        with open(artifacts / 'job_events' / name) as f:
            found.append(json.load(f))
    return found


def test_awx_job(emulator, tmp_path):
    emulator.reset()
    kind = yaml.safe_load(CREDENTIAL_TYPE.read_text())
    injected = awx_inject(kind, {
        'access_key_id': emulator.access_key_id,
        'access_key_secret': emulator.access_key_secret,
        'security_token': '',
        'region_id': 'cn-hangzhou',
        'endpoint': emulator.url,
    })
    pdd = tmp_path / 'job'
    private_data_dir(pdd, injected, {'cluster_name': 'awx-job-cluster'})

    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    env['HOME'] = str(tmp_path)  # no aliyun CLI profile to fall back on: only the injected credential
    runner = str(Path(sys.executable).with_name('ansible-runner'))
    result = subprocess.run([runner, 'run', str(pdd), '-p', 'cluster_life.yml', '--ident', '42'], env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    artifacts = pdd / 'artifacts' / '42'
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert (artifacts / 'status').read_text() == 'successful'
    assert (artifacts / 'rc').read_text() == '0'

    job = events(artifacts)
    tasks = dict((e['event_data']['task'], e['event_data']['res']) for e in job if e['event'] == 'runner_on_ok')
    assert tasks['Create a managed cluster']['changed'] is True
    assert tasks['Read it']['changed'] is False
    assert tasks['Delete it']['changed'] is True
    stats = [e['event_data'] for e in job if e['event'] == 'playbook_on_stats']
    assert len(stats) == 1
    assert stats[0]['changed'] == {'ack_controller': 2}
    assert stats[0]['ok'] == {'ack_controller': 4}
    assert not stats[0]['failures'] and not stats[0]['dark']
    calls = emulator.stats()
    assert calls.get('CreateCluster') == 1 and calls.get('DeleteCluster') == 1, calls

    # AWX stores the events and stdout and shows them to every job viewer: no secret there, even at -vvv.
    # ansible-runner's own `command` file records the job's environment (so the injected secret) readable by
    # its owner only; AWX deletes the private data dir after the job.
    leaks = []
    for path in artifacts.rglob('*'):
        if path.is_file() and emulator.access_key_secret.encode() in path.read_bytes():
            leaks.append(str(path.relative_to(artifacts)))
    assert leaks == ['command']
    assert (artifacts / 'command').stat().st_mode & 0o077 == 0
    assert emulator.access_key_secret not in result.stdout + result.stderr
    with open(artifacts / 'command') as f:
        command = json.load(f)
    assert command['command'][:2] == ['ansible-playbook', '-vvv'] and command['cwd'] == str(pdd / 'project')
    assert 'ESTABLISH LOCAL CONNECTION' in (artifacts / 'stdout').read_text()
