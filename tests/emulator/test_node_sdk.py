"""The official Node.js SDKs against the emulator: tests/emulator/node/lifecycle.js runs a managed cluster's life
cycle with @alicloud/cs20151215 (ACS3-HMAC-SHA256 and the v2/ROA HMAC-SHA1 signature) and with @alicloud/pop-core's
ROAClient. The packages come from the committed package-lock.json, installed once with `npm ci` into a cache outside
the work tree keyed by the lock's hash. node and npm are required: without them these tests fail, never skip."""
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / 'node'
SCRIPT = NODE_DIR / 'lifecycle.js'
MANIFESTS = ('package.json', 'package-lock.json')
STEPS = ('create', 'wait_running', 'detail', 'list', 'scale_out', 'tag', 'delete', 'signature')
# what each life cycle sends at least (two clusters: created, listed one per page, deleted)
AT_LEAST = {'CreateCluster': 2, 'DescribeClusterDetail': 3, 'DescribeClustersV1': 2, 'DescribeClusterNodes': 2,
            'ScaleOutCluster': 1, 'ModifyClusterTags': 1, 'DeleteCluster': 2}
EXACTLY = ('CreateCluster', 'DescribeClustersV1', 'ScaleOutCluster', 'ModifyClusterTags', 'DeleteCluster')


def build_dir():
    return Path(os.environ.get('ACK_BUILD_DIR') or Path(tempfile.gettempdir()) / 'alicloud-ack-build')


@pytest.fixture(scope='module')
def node_modules():
    """The lock file's packages installed in <build>/node/<sha>/node_modules (reused when present)."""
    missing = [tool for tool in ('node', 'npm') if not shutil.which(tool)]
    if missing:
        pytest.fail('%s not found on PATH: the Node.js SDK tests need Node.js and npm (Debian: apt-get install '
                    'nodejs npm; scripts/test.sh setup installs them)' % ' and '.join(missing), pytrace=False)
    digest = hashlib.sha256(b''.join((NODE_DIR / name).read_bytes() for name in MANIFESTS)).hexdigest()[:16]
    home = build_dir() / 'node' / digest
    modules = home / 'node_modules'
    if (modules / '.package-lock.json').is_file():
        return modules
    home.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=digest + '.', dir=home.parent))
    for name in MANIFESTS:
        shutil.copy(NODE_DIR / name, work / name)
    # --ignore-scripts: @alicloud/openapi-core's postinstall only picks a TypeScript for Node 10/12
    run = subprocess.run(['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund'], cwd=str(work),
                         capture_output=True, text=True, timeout=600, check=False)
    if run.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        pytest.fail('npm ci failed (%d):\n%s%s' % (run.returncode, run.stdout, run.stderr[-4000:]), pytrace=False)
    try:
        work.rename(home)  # atomic: a concurrent run may have won, then use its copy
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    return modules


def run_lifecycle(emulator, node_modules, mode, secret=None):
    env = dict(os.environ, NODE_PATH=str(node_modules), ACK_ENDPOINT=emulator.url, ACK_WAIT_TIMEOUT='20',
               ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret or emulator.access_key_secret)
    run = subprocess.run(['node', str(SCRIPT), mode], env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    return run.returncode, run.stdout.splitlines(), run.stderr


@pytest.mark.parametrize('mode', ['v3', 'v2', 'roa'],
                         ids=['cs20151215-acs3', 'cs20151215-v2-roa', 'pop-core-roa'])
def test_life_cycle(emulator, node_modules, mode):
    rc, lines, stderr = run_lifecycle(emulator, node_modules, mode)
    report = '\n'.join(lines) + '\n' + stderr
    assert rc == 0, report
    assert [line.split(':', 1)[0] for line in lines] == ['step ' + s for s in STEPS], report
    assert all(line.split(':', 2)[1].startswith(' passed') for line in lines), report
    scheme = 'ACS3-HMAC-SHA256' if mode == 'v3' else 'acs'
    assert lines[-1] == 'step signature: passed (every request signed with %s)' % scheme
    assert 'step list: passed (2 pages of 1, total_count 2)' in lines
    assert 'step scale_out: passed (nodes 2 -> 3)' in lines
    assert 'step delete: passed (404 ErrorClusterNotFound)' in lines

    # every operation of the life cycle reached the emulator, signed correctly, from the Node client
    stats = emulator.admin('stats')
    assert stats['unauthenticated'] == {}, stats
    calls = stats['requests']
    for operation, least in AT_LEAST.items():
        assert calls.get(operation, 0) >= least, (operation, calls)
    assert {op: calls[op] for op in EXACTLY} == {op: AT_LEAST[op] for op in EXACTLY}, calls
    assert set(calls) == set(AT_LEAST), calls
    # and left nothing behind
    listed = emulator.signed('GET', '/api/v1/clusters', action='DescribeClustersV1')
    assert listed.status == 200 and listed.json['clusters'] == [], listed


@pytest.mark.parametrize('mode', ['v3', 'roa'])
def test_failure_is_reported(emulator, node_modules, mode):
    rc, lines, _ = run_lifecycle(emulator, node_modules, mode, secret='not-the-secret')
    assert rc == 1
    assert len(lines) == 1 and lines[0].startswith('step create: failed: HTTP 400 SignatureDoesNotMatch'), lines
    assert emulator.admin('stats')['unauthenticated'] == {'CreateCluster': 1}
