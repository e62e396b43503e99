"""A recording made against the emulator at -vvv (#25): ALIBABA_CLOUD_ACK_RECORD on every task of a playbook that
handles every secret the secrets suite knows (tests/integration/test_secrets.py: the AccessKey secret, the STS
token, login passwords, the kubeconfig's client key and certificate, the attach script's token), plus the
AccessKey ID. The cassettes hold none of them, nor an Authorization header, a signature or a nonce; vcrpy reads
them; and each task's cassette, replayed through the same module on the cassette client, decides what the task
decided (changed or not, the same writes, in order, with the same bodies once scrubbed alike).
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ack_emulator.testing import EmulatorProcess
from ansible_collections.alicloud.ack.plugins.module_utils._recorder import Scrubber
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.cassette_client import (
    CassetteClient,
    cassettes,
    load,
    run_module,
)
from cases import MARK
from conftest import Playbook
from test_secrets import ATTACH, PASSWORDS, STS, kubeconfig_secrets

CLUSTER = dict(name='recorded', cluster_type='ManagedKubernetes', cluster_spec='ack.pro.small',
               kubernetes_version='1.28.9-aliyun.1', vpc_id='vpc-record01', vswitch_ids=['vsw-record01'],
               num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
               worker_system_disk_size=120, login_password=PASSWORDS['cluster'], snat_entry=True,
               tags={'env': 'recorded'})
# (module, options, extra task keywords): '@CID' is the cluster the first task makes, '@KEEP' a folder of the test
TASKS = [
    ('ack_cluster', CLUSTER, {}),
    ('ack_cluster', CLUSTER, {}),
    ('ack_cluster_info', dict(cluster_id='@CID', gather=['tags', 'quota']), {}),
    ('ack_cluster_info', dict(cluster_id='@CID', gather=['kubeconfig']), {'no_log': True}),
    ('ack_kubeconfig', dict(cluster_id='@CID', path='@KEEP/kube/config'), {}),
    ('ack_kubeconfig', dict(cluster_id='@CID', path='@KEEP/kube/config'), {}),
    ('ack_nodes', dict(cluster_id='@CID', count=2, worker_instance_types=['ecs.g7.xlarge'],
                       login_password=PASSWORDS['nodes']), {}),
    ('ack_nodes', dict(cluster_id='@CID', instances=[ATTACH], login_password=PASSWORDS['attach']), {}),
    ('ack_nodes_info', dict(cluster_id='@CID'), {}),
    ('ack_nodes_info', dict(cluster_id='@CID', gather=['attach_script']), {'no_log': True}),
    ('ack_template', dict(name='recorded', template={'apiVersion': 'v1', 'kind': 'ConfigMap',
                                                     'metadata': {'name': 'recorded'}, 'data': {'k': 'v'}}), {}),
    ('ack_cluster', dict(cluster_id='@CID', state='absent'), {}),
]
SLOW = ('ack_cluster', 'ack_nodes')
SHOW = '{{ [%s] | map(attribute="changed") | list | to_json }}'


def resolve(value, cid, keep):
    text = json.dumps(value).replace('@CID', cid).replace('@KEEP', keep)
    return json.loads(text)


def playbook(record):
    tasks = []
    for number, (module, options, extra) in enumerate(TASKS):
        task = {'name': 'Task %02d %s' % (number, module), 'alicloud.ack.' + module: options,
                'register': 'r%02d' % number,
                'environment': {'ALIBABA_CLOUD_ACK_RECORD': '%s/%02d-%s' % (record, number, module)}}
        task.update(extra)
        tasks.append(task)
        if number == 0:
            tasks.append({'name': 'The cluster', 'ansible.builtin.set_fact': {'cid': '{{ r00.cluster.cluster_id }}'}})
    registered = ', '.join('r%02d' % n for n in range(len(TASKS)))
    tasks += [
        {'name': 'Keep the attach script, as a user would', 'no_log': True,
         'ansible.builtin.copy': {'content': '{{ r09.attach_script }}', 'dest': '{{ keep }}/attach.sh',
                                  'mode': '0600'}},
        {'name': 'What each task decided', 'ansible.builtin.debug': {'msg': MARK + SHOW % registered}},
    ]
    play = {'name': 'Every secret, recorded at -vvv', 'hosts': 'localhost', 'connection': 'local',
            'gather_facts': False, 'vars': {'ansible_python_interpreter': sys.executable},
            'module_defaults': {'group/alicloud.ack.ack': {
                'alicloud_access_key': STS['access_key_id'], 'alicloud_secret_key': STS['access_key_secret'],
                'alicloud_security_token': STS['security_token']}},
            'tasks': tasks}
    for module in SLOW:
        play['module_defaults']['alicloud.ack.' + module] = {'wait_sleep': 0.2}
    text = yaml.safe_dump([play], sort_keys=False, width=200)
    return text.replace("'@CID'", "'{{ cid }}'").replace('@CID', '{{ cid }}').replace('@KEEP', '{{ keep }}')


@pytest.fixture(scope='module')
def recorded_run(tmp_path_factory):
    """The playbook run once at -vvv with recording on: (output, decisions, record folder, keep folder, cid)."""
    tmp = tmp_path_factory.mktemp('recording')
    creds = tmp / 'creds.json'
    creds.write_text(json.dumps({'keys': [STS]}))
    keep, record = tmp / 'keep', tmp / 'record'
    keep.mkdir()
    with EmulatorProcess(time_scale=0.002, extra_args=['--credentials', str(creds)], access_key_id=None,
                         access_key_secret=None) as emu:
        emu.admin('instances', {'instances': [ATTACH]})
        path = tmp / 'recorded.yml'
        path.write_text(playbook(record))
        book = Playbook(emu, tmp)
        env = book.env()
        for key in ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'):
            env.pop(key)
        cmd = [str(Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(path), '-vvv',
               '-e', 'keep=%s' % keep]
        run = subprocess.run(cmd, env=env, cwd=str(tmp), capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    line = output[output.index(MARK) + len(MARK):].split('\n', 1)[0].rstrip().rstrip('"')
    decisions = json.loads(json.loads('"%s"' % line))
    cid = re.search(r'"cluster_id": "(c[0-9a-z]+)"', output).group(1)
    return output, decisions, record, keep, cid


def test_the_recording_holds_no_secret(recorded_run):
    output, dummy, record, keep, dummy = recorded_run
    files = cassettes(str(record))
    assert len(files) >= len(TASKS) - 1
    token = re.search(r'--openapi-token (\S+)', (keep / 'attach.sh').read_text()).group(1)
    secrets = dict(access_key_id=STS['access_key_id'], secret_key=STS['access_key_secret'],
                   security_token=STS['security_token'], attach_token=token)
    secrets.update(('password_%s' % k, v) for k, v in PASSWORDS.items())
    for i, value in enumerate(kubeconfig_secrets(keep / 'kube' / 'config')):
        secrets['kubeconfig_%d' % i] = value
    assert all(len(v) >= 16 for v in secrets.values()), secrets
    assert STS['access_key_id'] in output  # -vvv shows the key id: the recording must not
    leaks = ['%s in %s' % (name, Path(f).relative_to(record)) for f in files for name, value in secrets.items()
             if value in Path(f).read_text()]
    assert leaks == []
    text = ''.join(Path(f).read_text() for f in files).lower()
    for header in ('authorization', 'x-acs-signature', 'x-acs-security-token', 'x-acs-accesskey', 'date:'):
        assert header not in text
    # the secrets were there to record: their placeholders are
    for placeholder in ('<password>', '<pem-base64>', '<attach-token>'):
        assert placeholder in text


def writes(interactions):
    scrub = Scrubber()
    return [(i.operation, i.path, scrub.data(dict((k, v) for k, v in (i.body or {}).items() if k != 'client_token'))
             if isinstance(i.body, dict) else i.body) for i in interactions if i.write]


def test_each_task_replays_to_the_same_decision(recorded_run, tmp_path):
    dummy, decisions, record, dummy, cid = recorded_run
    replayed = []
    for number, (module, options, dummy) in enumerate(TASKS):
        folder = record / ('%02d-%s' % (number, module))
        interactions = [i for path in cassettes(str(folder)) for i in load(path)[0]]
        client = CassetteClient(interactions)
        result = run_module(module, client, **resolve(options, cid, str(tmp_path)))
        sent = [(c.operation, c.path, Scrubber().data(dict((k, v) for k, v in c.body.items() if k != 'client_token'))
                 if isinstance(c.body, dict) else c.body) for c in client.writes()]
        replayed.append(bool(result.get('changed')))
        assert not result.get('failed'), (number, module, result)
        assert sent == writes(interactions), (number, module)
    assert replayed == decisions
    assert decisions[:2] == [True, False] and decisions[4:6] == [True, False]  # created, then unchanged
