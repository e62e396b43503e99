"""playbooks/cloud_smoke.yml, the first run against a real account (#25), run here against the emulator.

Once straight through, once with the kubeconfig's API failing after the cluster exists (emulator faults on
DescribeClusterUserKubeconfig): both end with nothing tagged with the run left, as the emulator itself tells
(DescribeClustersV1, ListTagResources), and both leave scrubbed recordings vcrpy reads. `make cloud-smoke`
refuses without credentials or without the confirmation, before any API call (the emulator counts none).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from vcr import serialize
from vcr.serializers import yamlserializer

from ack_emulator.client import SignedClient
from ack_emulator.testing import EmulatorProcess
from conftest import ROOT, Playbook

PLAYBOOK = ROOT / 'playbooks' / 'cloud_smoke.yml'
TAG = 'ack-smoke-run'
SETTINGS = ['-e', 'smoke_vpc_id=vpc-smoke00000001', '-e', 'smoke_vswitch_id=vsw-smoke00000001', '-e',
            'smoke_zone_id=cn-hangzhou-i', '-e', 'smoke_image=busybox:1.36', '-e', 'smoke_wait_sleep=0.2', '-e',
            'smoke_api_retries=1', '-e', 'smoke_api_retry_max_delay=1']


@pytest.fixture
def smoke_emulator():
    # time scale 0: every step ends by the next poll, and the 15-minute kubeconfig lasts 15 real minutes
    with EmulatorProcess(time_scale=0.0) as emu:
        yield emu


def run_smoke(emulator, tmp_path, run_id, *extra):
    env = Playbook(emulator, tmp_path).env(ACK_SMOKE_RUN_ID=run_id, ALIBABA_CLOUD_ACK_RECORD=str(tmp_path / 'rec'))
    cmd = [str(Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(PLAYBOOK)] + list(extra)
    return subprocess.run(cmd, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=600, check=False)


def tagged(emulator, run_id):
    """The clusters the emulator has with the run's tag: by DescribeClustersV1, and by ListTagResources."""
    api = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret, region='cn-hangzhou')
    listed = api.call('GET', '/api/v1/clusters', query={'page_size': '100'}, action='DescribeClustersV1').json
    by_list = [c['cluster_id'] for c in listed['clusters']
               if {'key': TAG, 'value': run_id} in [{'key': t.get('key'), 'value': t.get('value')}
                                                    for t in c.get('tags') or []]]
    tags = json.dumps([{'key': TAG, 'value': run_id}])
    answer = api.call('GET', '/tags', query={'resource_type': 'CLUSTER', 'region_id': 'cn-hangzhou', 'tags': tags},
                      action='ListTagResources')
    assert answer.status == 200, answer.json
    by_tags = [r['resource_id'] for r in (answer.json.get('tag_resources') or {}).get('tag_resource') or []]
    return by_list, by_tags


def created(emulator):
    return emulator.stats().get('CreateCluster', 0)


def recordings(folder):
    """{file: [operation, ...]} of the cassettes written, read with vcrpy."""
    found = {}
    for path in sorted(Path(folder).rglob('*.yaml')):
        requests = serialize.deserialize(path.read_text(), yamlserializer)[0]
        found[path.name] = [r.headers['x-acs-action'] for r in requests]
    return found


def check_recordings(emulator, folder):
    found = recordings(folder)
    operations = [op for ops in found.values() for op in ops]
    text = ''.join(p.read_text() for p in Path(folder).rglob('*.yaml'))
    assert emulator.access_key_id not in text and emulator.access_key_secret not in text
    assert 'authorization' not in text.lower() and 'LS0tLS1' not in text
    return operations


def test_straight_through_the_smoke_run_leaves_nothing_tagged(smoke_emulator, tmp_path):
    run = run_smoke(smoke_emulator, tmp_path, 'straight', '-e', 'i_understand_this_costs_money=true', *SETTINGS)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    assert created(smoke_emulator) == 1
    assert 'nothing tagged %s=straight is left' % TAG in out
    assert tagged(smoke_emulator, 'straight') == ([], [])
    operations = check_recordings(smoke_emulator, tmp_path / 'rec')
    for op in ('DescribeUserQuota', 'CreateCluster', 'DescribeClusterUserKubeconfig', 'DeleteCluster'):
        assert op in operations
    # the kubeconfig asked for was a temporary one, of 15 minutes
    kube = [p for p in (tmp_path / 'rec').rglob('*.yaml') if 'DescribeClusterUserKubeconfig' in p.read_text()]
    assert 'TemporaryDurationMinutes=15' in kube[0].read_text()


def test_a_failure_after_the_cluster_exists_still_leaves_nothing_tagged(smoke_emulator, tmp_path):
    smoke_emulator.admin('faults', {'error_rate': 1, 'operations': ['DescribeClusterUserKubeconfig']})
    run = run_smoke(smoke_emulator, tmp_path, 'broken', '-e', 'i_understand_this_costs_money=true', *SETTINGS)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out[-6000:]
    assert 'DescribeClusterUserKubeconfig failed: ServiceUnavailable' in out
    assert created(smoke_emulator) == 1  # the cluster existed when the failure came
    assert 'TASK [Teardown - delete each of them' in out and 'nothing tagged %s=broken is left' % TAG in out
    assert tagged(smoke_emulator, 'broken') == ([], [])
    assert 'DeleteCluster' in check_recordings(smoke_emulator, tmp_path / 'rec')


def test_without_the_confirmation_the_playbook_refuses_before_any_call(smoke_emulator, tmp_path):
    run = run_smoke(smoke_emulator, tmp_path, 'unconfirmed', *SETTINGS)
    assert run.returncode != 0 and 'i_understand_this_costs_money=true' in run.stdout
    assert smoke_emulator.stats() == {} and not (tmp_path / 'rec').exists()


def make_cloud_smoke(emulator, tmp_path, args, **env):
    clean = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    clean.update(HOME=str(tmp_path), ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ACK_BUILD_DIR=str(tmp_path / 'build'))
    clean.update(env)
    return subprocess.run(['make', '-s', 'cloud-smoke', 'ARGS=%s' % args], cwd=str(ROOT), env=clean,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize('args, env, says', [
    ('-e i_understand_this_costs_money=true', {}, 'cloud-smoke needs credentials'),
    ('-e smoke_vpc_id=vpc-x', {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'LTAI5tACKEMULATORDEMO',
                               'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'ack-emulator-demo-secret-0123456789',
                               'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou'}, 'confirm with'),
    ('-e i_understand_this_costs_money=false', {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'LTAI5tACKEMULATORDEMO',
                                                'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'x'}, 'confirm with'),
], ids=['no-credentials', 'no-confirmation', 'confirmation-false'])
def test_make_cloud_smoke_refuses_before_any_api_call(smoke_emulator, tmp_path, args, env, says):
    run = make_cloud_smoke(smoke_emulator, tmp_path, args, **env)
    assert run.returncode != 0 and says in run.stderr, run.stdout + run.stderr
    stats = smoke_emulator.admin('stats')
    assert stats['requests'] == {} and stats.get('unauthenticated', {}) == {}
    assert not (tmp_path / 'build').exists()  # nothing set up either


def test_the_playbook_is_documented_as_a_real_account_run():
    text = PLAYBOOK.read_text()
    assert 'REAL Alibaba Cloud account' in text and 'make cloud-smoke' in text
    plays = yaml.safe_load(text)
    assert plays[0]['tasks'][0]['ansible.builtin.assert']['that'].startswith('i_understand_this_costs_money')
    assert plays[1]['environment'] == {'ALIBABA_CLOUD_ACK_RECORD': '{{ smoke_record_dir }}'}
