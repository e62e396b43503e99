"""Event-Driven Ansible: ansible-rulebook runs the collection's rulebook alicloud.ack.ack_heal with the event source
alicloud.ack.ack_events against the emulator. Quiet while nothing changes; a node marked failed is replaced by the
playbook alicloud.ack.eda_replace_node; an upgrade that appears is planned in check mode."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import yaml
from ack_emulator.client import SignedClient

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent.parent
CLUSTER = {'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-eda0001',
           'vswitch_ids': ['vsw-eda0001'], 'num_of_nodes': 2, 'worker_instance_types': ['ecs.g7.xlarge'],
           'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'ops',
           'snat_entry': True, 'tags': [{'key': 'fleet', 'value': 'eda'}]}
VARS = """\
ack_interval: 1
ack_cluster_tags: {fleet: eda}
ack_node_settings: {key_pair: ops}
ack_wait_sleep: 0.3
"""
POLL = re.compile(r'ack_events: poll (\d+): \d+ clusters, (\d+) events')


class Rulebook:
    """ansible-rulebook in a process group of its own, its output in a file; stop() ends it on every path."""

    def __init__(self, workdir, env):
        self.out = workdir / 'rulebook.out'
        (workdir / 'inventory.yml').write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n')
        (workdir / 'vars.yml').write_text(VARS)
        cmd = [str(BIN / 'ansible-rulebook'), '--inventory', 'inventory.yml', '--rulebook', 'alicloud.ack.ack_heal',
               '--vars', 'vars.yml', '--print-events', '-v']
        with open(self.out, 'w') as out:
            self.proc = subprocess.Popen(cmd, cwd=str(workdir), env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def text(self):
        return self.out.read_text(errors='replace')

    def wait_for(self, what, check, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, 'ansible-rulebook ended (%s):\n%s' % (self.proc.returncode,
                                                                                   self.text()[-5000:])
            found = check()
            if found:
                return found
            time.sleep(0.5)
        raise AssertionError('no %s within %s s; ansible-rulebook said:\n%s' % (what, timeout, self.text()[-5000:]))

    def polls(self):
        return [(int(n), int(events)) for n, events in POLL.findall(self.text())]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def workers(client, cluster_id):
    answer = client.call('GET', '/clusters/%s/nodes' % cluster_id, action='DescribeClusterNodes')
    assert answer.status == 200, answer
    return [n for n in answer.json['nodes'] if n['instance_role'] == 'Worker']


def test_rulebook_heals_a_failed_node_and_plans_an_upgrade(emulator, tmp_path):
    emulator.reset()
    client = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
    [heal_id] = emulator.seed_clusters([dict(CLUSTER, name='eda-heal', kubernetes_version='1.31.1-aliyun.1',
                                             container_cidr='172.20.0.0/16', service_cidr='172.21.0.0/20')])
    env = dict(os.environ, ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret, ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
               PATH='%s:%s' % (BIN, os.environ.get('PATH', '')), HOME=str(tmp_path), ANSIBLE_NOCOLOR='1',
               ANSIBLE_FORCE_COLOR='0', ANSIBLE_LOCALHOST_WARNING='false')
    rulebook = Rulebook(tmp_path, env)
    try:
        # the baseline, then three polls in which nothing changes: no event
        rulebook.wait_for('four polls', lambda: len(rulebook.polls()) >= 4, 90)
        assert rulebook.polls()[:4] == [(1, 0), (2, 0), (3, 0), (4, 0)]
        assert '[received event]' not in rulebook.text()

        failed = workers(client, heal_id)[0]
        emulator.admin('nodes/fail', {'cluster_id': heal_id, 'node_name': failed['node_name']})

        def healed():
            nodes = workers(client, heal_id)
            return 'PLAY RECAP' in rulebook.text() and len(nodes) == 2 and all(
                n['state'] == 'running' and n['node_status'] == 'Ready' for n in nodes) and nodes
        nodes = rulebook.wait_for('healed cluster', healed, 90)
        assert failed['instance_id'] not in [n['instance_id'] for n in nodes]
        stats = emulator.stats()
        assert (stats.get('RemoveClusterNodes'), stats.get('ScaleOutCluster')) == (1, 1), stats
        text = rulebook.text()
        assert 'node %s replaced: 2 worker nodes ready' % failed['node_name'] in text
        assert text.count('PLAY [Replace a worker node that is not ready]') == 1
        # one event told the failure; the node's later states (removing, gone) are events too, but no rule's
        assert len(re.findall(r"'node_status': 'NotReady', 'state': 'failed'\},\n 'type': 'node_state_changed'",
                              text)) == 1

        # a cluster that appears with an upgrade offered: the upgrade role's plan, in check mode
        emulator.seed_clusters([dict(CLUSTER, name='eda-old', kubernetes_version='1.28.9-aliyun.1',
                                     container_cidr='172.22.0.0/16', service_cidr='172.23.0.0/20')])
        plan = re.compile(r'upgrade plan of cluster eda-old \(c[0-9a-f]+, cn-hangzhou\): '
                          r'1\.28\.9-aliyun\.1 -> 1\.30\.1-aliyun\.1')
        rulebook.wait_for('upgrade plan', lambda: plan.search(' '.join(rulebook.text().split())), 60)
        assert 'UpgradeCluster' not in emulator.stats()
        assert emulator.access_key_secret not in rulebook.text()
    finally:
        rulebook.stop()
    assert rulebook.proc.returncode is not None


def run(*cmd):
    result = subprocess.run([str(BIN / cmd[0])] + list(cmd[1:]), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_decision_environment_context(tmp_path):
    """`ansible-builder create` on extensions/eda/decision-environment.yml, laid out as in the repository with the
    tarball built at the root: ansible-rulebook, Java, and the collection with its EDA content."""
    version = yaml.safe_load((ROOT / 'galaxy.yml').read_text())['version']
    tarball = 'alicloud-ack-%s.tar.gz' % version
    tree = tmp_path / 'tree'
    (tree / 'extensions' / 'eda').mkdir(parents=True)
    definition = tree / 'extensions' / 'eda' / 'decision-environment.yml'
    shutil.copy(ROOT / 'extensions' / 'eda' / 'decision-environment.yml', definition)
    run('ansible-galaxy', 'collection', 'build', '--output-path', str(tree), str(ROOT))
    context = tmp_path / 'context'
    run('ansible-builder', 'create', '-f', str(definition), '-c', str(context), '--output-filename', 'Containerfile')

    containerfile = (context / 'Containerfile').read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert 'ENV JAVA_HOME=/usr/lib/jvm/jre-17-openjdk' in containerfile
    build = context / '_build'
    assert 'ansible-rulebook>=1.3,<2' in (build / 'requirements.txt').read_text()
    assert 'java-17-openjdk-headless [platform:rpm]' in (build / 'bindep.txt').read_text()
    requirements = yaml.safe_load((build / 'requirements.yml').read_text())
    assert requirements['collections'] == [{'name': 'collections/' + tarball, 'type': 'file'}]

    # what ansible-rulebook looks for in the installed collection (source, rulebook, playbooks by FQCN)
    with tarfile.open(build / 'collections' / tarball) as tar:
        names = set(tar.getnames())
    assert {'extensions/eda/plugins/event_source/ack_events.py', 'extensions/eda/rulebooks/ack_heal.yml',
            'playbooks/eda_replace_node.yml', 'playbooks/eda_upgrade_plan.yml',
            'plugins/module_utils/_events.py'} <= names
    assert not [n for n in names if n.endswith('.tar.gz')]
