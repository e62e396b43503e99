"""The official Node.js SDK @alicloud/cs20151215 runs a node pool's life cycle against the emulator
(tests/emulator/node/nodepool.js), signed with ACS3-HMAC-SHA256 and with the v2 ROA signature. The packages are
those of test_node_sdk.py (its node_modules fixture: the committed lock file, installed once)."""
import os
import subprocess

import pytest

from test_node_sdk import NODE_DIR, node_modules  # noqa: F401  (the fixture)

STEPS = ('cluster', 'create', 'describe', 'desired_size', 'scale', 'remove_nodes', 'upgrade', 'delete')
# what one life cycle sends: each write once, its task followed
ONCE = ('CreateCluster', 'CreateClusterNodePool', 'ScaleClusterNodePool', 'RemoveNodePoolNodes',
        'UpgradeClusterNodepool', 'DeleteClusterNodepool', 'DeleteCluster')


@pytest.mark.parametrize('mode', ['v3', 'v2'])
def test_node_pool_life_cycle(emulator, node_modules, mode):  # noqa: F811
    env = dict(os.environ, NODE_PATH=str(node_modules), ACK_ENDPOINT=emulator.url, ACK_WAIT_TIMEOUT='20',
               ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret)
    run = subprocess.run(['node', str(NODE_DIR / 'nodepool.js'), mode], env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    lines = run.stdout.splitlines()
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert [line.split(':', 1)[0] for line in lines] == ['step ' + s for s in STEPS], report
    assert 'step desired_size: passed (3 nodes, then 0 nodes)' in lines, report
    assert 'step upgrade: passed (nodepool_upgrade: PreCheck > UpgradeNodes 1/1)' in lines, report
    assert 'step delete: passed (404 ErrorNodePoolNotFound)' in lines, report

    stats = emulator.admin('stats')
    assert stats['unauthenticated'] == {}, stats
    calls = stats['requests']
    assert {op: calls.get(op) for op in ONCE} == {op: 1 for op in ONCE}, calls
    assert calls['ModifyClusterNodePool'] == 2 and calls['DescribeTaskInfo'] >= 8, calls
