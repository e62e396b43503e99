"""Fixtures for the emulator test suite (tests/emulator). Stable API, also used by E2's test files.

Run: ``.venv/bin/pytest tests/emulator -q`` from the repository root.

Fixtures
--------
``emulator`` (function scope)
    A real ``python -m ack_emulator`` subprocess (shared by the session; started once on a free port with a
    temporary SQLite state file and ``--time-scale 0.001``) that is **reset before every test** (state, counters,
    faults, fail-next, quotas and time scale back to the start values). Attributes and methods:

    It is an ``ack_emulator.testing.EmulatorProcess`` (the launcher other suites use) with more helpers:

    - ``.url`` (``http://127.0.0.1:PORT``), ``.port``, ``.access_key_id``, ``.access_key_secret``, ``.state_file``,
      ``.time_scale``, ``.proc`` (the ``subprocess.Popen``), ``.stderr`` (its last stderr lines)
    - ``.admin(path, json=None, method=None)`` -> parsed JSON of ``/__emulator/<path>`` (GET without ``json``,
      POST with it); e.g. ``emulator.admin('stats')``, ``emulator.admin('faults', {'throttle_rate': 1})``;
      ``admin('GET', '/stats')`` works too; an HTTP error raises AssertionError. ``.stats()``, ``.faults(**kw)``
    - ``.signed(method, path, query=None, body=None, action=None, scheme='v1', **kw)`` -> ``Answer`` with
      ``.status``, ``.headers`` (lower-case), ``.raw``, ``.json``, ``.code`` (``code``/``Code`` of an error).
      Signs with the emulator package's own v1 (or ``scheme='v3'``) code, independent of the collection.
    - ``.cluster_detail(cluster_id)`` / ``.task_info(task_id)`` -> DescribeClusterDetail / DescribeTaskInfo JSON
      (asserting HTTP 200)
    - ``.client(**kw)`` -> ``ack_emulator.client.SignedClient`` (``access_key_id=``, ``access_key_secret=``,
      ``security_token=``, ``scheme=`` overrides)
    - ``.set_time_scale(f)`` (admin ``config``), ``.reset()``
    - ``.wait(fn, timeout=15, interval=0.01)`` -> the first truthy ``fn()`` value (AssertionError on timeout)
    - ``.wait_task(task_id)`` -> the final task JSON (success or failed)
    - ``.wait_cluster(cluster_id, state='running')`` -> the detail JSON once in ``state``
    - ``.wait_gone(cluster_id)`` -> waits until DescribeClusterDetail answers 404
    - ``.create_cluster(wait=True, **overrides)`` -> ``(cluster_id, task_id)``: a managed cluster (``MANAGED_BODY``
      plus overrides, ``None`` drops a key). ``wait=True`` creates it at time scale 0 (running, nodes ready,
      add-ons active at once; the scale is restored afterwards); ``wait=False`` creates it at the current scale.
    - ``.restart()`` (SIGTERM, start again on the same port and state file), ``.kill9()`` (SIGKILL, start again;
      ``kill9(restart=False)`` only kills), ``.stop(sig=SIGTERM)`` -> exit code, ``.start()``

``emulator_factory`` (function scope)
    ``emulator_factory(*extra_args, time_scale=0.001, state_file=None, **kw)`` starts a separate emulator
    process (own port/state; extra CLI flags such as ``'--throttle-rate', '1'``); stopped after the test.

``signed``
    ``emulator.signed`` (shortcut).

``sdk_old`` / ``sdk_new_v2`` / ``sdk_new_v3``
    Official SDK clients bound to ``emulator``: ``sdk_old`` is an ``SdkOld`` wrapper (``.client`` the
    ``AcsClient``; ``.do(request)`` sets endpoint/protocol on an aliyunsdkcs request, sends it and returns the
    parsed JSON); ``sdk_new_v2``/``sdk_new_v3`` are ``alibabacloud_cs20151215.client.Client`` objects
    (``signature_algorithm='v2'`` / default ACS3-HMAC-SHA256).

Constants: ``MANAGED_BODY`` (a valid ManagedKubernetes CreateCluster body), ``DEMO_KEY_ID``, ``DEMO_KEY_SECRET``.
"""
import json
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = ROOT / 'emulator'
if str(EMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(EMULATOR_DIR))

from ack_emulator.client import SignedClient  # noqa: E402  pylint: disable=wrong-import-position
from ack_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

DEMO_KEY_ID = 'LTAI5tACKEMULATORDEMO'
DEMO_KEY_SECRET = 'ack-emulator-demo-secret-0123456789'
DEFAULT_TIME_SCALE = 0.001

MANAGED_BODY = {
    'name': 'test-managed',
    'cluster_type': 'ManagedKubernetes',
    'region_id': 'cn-hangzhou',
    'vpcid': 'vpc-test0001',
    'vswitch_ids': ['vsw-test0001'],
    'container_cidr': '172.20.0.0/16',
    'service_cidr': '172.21.0.0/20',
    'num_of_nodes': 2,
    'worker_instance_types': ['ecs.g7.xlarge'],
    'worker_system_disk_category': 'cloud_essd',
    'worker_system_disk_size': 120,
    'key_pair': 'test-key',
    'snat_entry': True,
}


class EmulatorProc(EmulatorProcess):
    """``ack_emulator.testing.EmulatorProcess`` plus the helpers the emulator tests use (see the module docstring).
    Here ``kill9()`` starts the emulator again by default."""

    def __init__(self, state_file, time_scale=DEFAULT_TIME_SCALE, extra_args=(), access_key_id=DEMO_KEY_ID,
                 access_key_secret=DEMO_KEY_SECRET, credentials=None):
        super().__init__(state_file=state_file, time_scale=time_scale, extra_args=extra_args,
                         access_key_id=access_key_id, access_key_secret=access_key_secret, credentials=credentials)

    def kill9(self, restart=True):
        return super().kill9(restart=restart)

    # -- HTTP helpers -----------------------------------------------------------------------------------
    def set_time_scale(self, scale):
        return self.admin('config', {'time_scale': scale})

    def client(self, **kw):
        kw.setdefault('access_key_id', self.access_key_id)
        kw.setdefault('access_key_secret', self.access_key_secret)
        return SignedClient(self.url, **kw)

    def signed(self, method, path, query=None, body=None, action=None, scheme='v1', **kw):
        return self.client(scheme=scheme).call(method, path, query=query, body=body, action=action, **kw)

    def cluster_detail(self, cluster_id):
        r = self.signed('GET', '/clusters/%s' % cluster_id, action='DescribeClusterDetail')
        assert r.status == 200, r
        return r.json

    def task_info(self, task_id):
        r = self.signed('GET', '/tasks/%s' % task_id, action='DescribeTaskInfo')
        assert r.status == 200, r
        return r.json

    # -- waiting ----------------------------------------------------------------------------------------
    @staticmethod
    def wait(fn, timeout=15, interval=0.01):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = fn()
            if last:
                return last
            time.sleep(interval)
        raise AssertionError('condition not met within %ss (last value %r)' % (timeout, last))

    def wait_task(self, task_id, timeout=15):
        def done():
            task = self.task_info(task_id)
            return task if task['state'] in ('success', 'failed') else None
        return self.wait(done, timeout)

    def wait_cluster(self, cluster_id, state='running', timeout=15):
        def reached():
            cluster = self.cluster_detail(cluster_id)
            return cluster if cluster['state'] == state else None
        return self.wait(reached, timeout)

    def wait_gone(self, cluster_id, timeout=15):
        return self.wait(lambda: self.signed('GET', '/clusters/%s' % cluster_id,
                                             action='DescribeClusterDetail').status == 404, timeout)

    def create_cluster(self, wait=True, **overrides):
        """A managed cluster (MANAGED_BODY + overrides, None removes a key). ``wait=True``: created at time scale 0
        (running, nodes ready and add-ons active by the next request; the previous scale is restored), so tests
        that do not look at the create life cycle do not wait for it. ``wait=False``: created at the current
        scale, not waited for."""
        body = dict(MANAGED_BODY)
        body.update(overrides)
        body = {k: v for k, v in body.items() if v is not None}
        scale = None
        if wait:
            scale = self.admin('config')['time_scale']
            if scale:
                self.set_time_scale(0)
        try:
            r = self.signed('POST', '/clusters', body=body, action='CreateCluster')
        finally:
            if scale:
                self.set_time_scale(scale)
        assert r.status == 202, r
        if wait:
            self.wait_cluster(r.json['cluster_id'])
        return r.json['cluster_id'], r.json['task_id']


@pytest.fixture(scope='session')
def _emulator_session(tmp_path_factory):
    state = tmp_path_factory.mktemp('emulator') / 'state.db'
    emu = EmulatorProc(state).start()
    yield emu
    assert emu.stop() == 0
    # a handler bug answers 500 InternalError and prints a traceback: none may have happened in the session
    assert 'Traceback' not in emu.stderr, emu.stderr[-4000:]


@pytest.fixture
def emulator(_emulator_session):
    emu = _emulator_session
    if emu.proc is None or emu.proc.poll() is not None:
        emu.start()
    emu.reset()
    return emu


@pytest.fixture
def signed(emulator):
    return emulator.signed


@pytest.fixture
def emulator_factory(tmp_path):
    started = []

    def make(*extra_args, time_scale=DEFAULT_TIME_SCALE, state_file=None, **kw):
        n = len(started)
        emu = EmulatorProc(state_file or tmp_path / ('state-%d.db' % n), time_scale=time_scale,
                           extra_args=[str(a) for a in extra_args], **kw)
        started.append(emu)
        return emu.start()

    yield make
    for emu in started:
        emu.stop()


# -- official SDK clients -----------------------------------------------------------------------------------
class SdkOld:
    """aliyun-python-sdk-core + aliyun-python-sdk-cs bound to an emulator."""

    def __init__(self, emu, access_key_id=None, access_key_secret=None):
        from aliyunsdkcore.client import AcsClient
        self.emulator = emu
        self.client = AcsClient(access_key_id or emu.access_key_id, access_key_secret or emu.access_key_secret,
                                'cn-hangzhou', port=emu.port, auto_retry=False)

    def prepare(self, request):
        request.set_endpoint('127.0.0.1')
        request.set_protocol_type('http')
        return request

    def do(self, request):
        raw = self.client.do_action_with_exception(self.prepare(request))
        return json.loads(raw) if raw else None


def new_sdk_client(emu, algorithm=None, access_key_id=None, access_key_secret=None):
    from alibabacloud_cs20151215.client import Client
    from alibabacloud_tea_openapi.models import Config
    kw = {'access_key_id': access_key_id or emu.access_key_id,
          'access_key_secret': access_key_secret or emu.access_key_secret,
          'endpoint': '127.0.0.1:%d' % emu.port, 'protocol': 'http', 'region_id': 'cn-hangzhou'}
    if algorithm:
        kw['signature_algorithm'] = algorithm
    return Client(Config(**kw))


@pytest.fixture
def sdk_old(emulator):
    return SdkOld(emulator)


@pytest.fixture
def sdk_new_v2(emulator):
    return new_sdk_client(emulator, 'v2')


@pytest.fixture
def sdk_new_v3(emulator):
    return new_sdk_client(emulator)
