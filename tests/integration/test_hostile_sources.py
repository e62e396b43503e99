"""The inventory plugin and the event source tried as a careless or hostile user would (#28): options of the wrong
type, out of range or nested; ids that are paths; caches and credentials files that are pipes, folders or junk; an
endpoint that never answers; a stop while a poll hangs. Each refusal is one line naming the cause, before any API
call, leaves no file behind and changes none; nothing runs past its timeouts."""
import asyncio
import hashlib
import importlib.util
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent.parent
RAW = ('Traceback', 'object of type', 'maximum recursion depth', 'Errno', 'unhashable', 'not iterable',
       'has no attribute', 'timestamp too large', 'Unexpected Exception')
CAUSE = re.compile(r"\[WARNING\]: Failed to parse inventory with 'auto' plugin: (.*)\n(?:.*\n)*?"
                   r"Origin: <inventory plugin 'auto' with source '(.*?)'>")
NO_KEYS = dict(ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='')


def calls(emulator):
    return sum(emulator.stats().values())


def tree(folder):
    """Every path under folder with its kind and content digest: what a refusal must leave as it was."""
    found = {}
    for path in sorted(Path(folder).rglob('*')):
        if path.is_fifo():
            found[str(path)] = 'fifo'
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path)] = 'dir' if path.is_dir() else 'other'
    return found


def assert_clean(text):
    assert not [word for word in RAW if word in text], text[-3000:]


class HangingServer(object):
    """Accepts TCP connections on 127.0.0.1 and never answers; counts them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(50)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def hanging():
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def inventory(playbook):
    """run(configs, strict=True, **env): ansible-inventory --list on each config (text after the plugin line), each
    in a folder of its own; strict: one run per config with unparsed sources failing it (as a user would), else one
    run with every config as a source. Returns [(CompletedProcess, folder)] or (CompletedProcess, {folder: cause})."""
    counter = iter(range(10 ** 6))

    def write(config, folder=None):
        folder = folder or playbook.workdir / ('case%d' % next(counter))
        folder.mkdir(exist_ok=True)
        path = folder / 'x.ack.yml'
        path.write_text('plugin: alicloud.ack.ack\n' + config)
        return path

    def one(paths, env):
        cmd = [str(BIN / 'ansible-inventory')] + [a for p in paths for a in ('-i', str(p))] + ['--list']
        return subprocess.run(cmd, env=playbook.env(**env), cwd=str(playbook.workdir), capture_output=True, text=True,
                              timeout=50, check=False)

    def run(configs, strict=True, folder=None, **env):
        paths = [write(c, folder) for c in configs]
        if not strict:
            result = one(paths, env)
            causes = dict((str(Path(source).parent), cause) for cause, source in CAUSE.findall(result.stderr))
            return result, causes
        env['ANSIBLE_INVENTORY_UNPARSED_FAILED'] = 'true'
        with ThreadPoolExecutor(2) as pool:
            return [(r, p.parent) for r, p in zip(pool.map(lambda p: one([p], env), paths), paths)]
    return run


# ---------------------------------------------------------------- the inventory plugin


OPTION_CASES = [  # (config, what the one line says)
    ('max_workers: 0\n', 'max_workers must be a whole number from 1 to 64, got 0'),
    ('max_workers: -1\n', 'max_workers must be a whole number from 1 to 64, got -1'),
    ('max_workers: 100000000000000000000\n', 'max_workers must be a whole number from 1 to 64'),
    ('cluster_ids: ["c0123456789abcdef\\n"]\n', "cluster_ids: 'c0123456789abcdef\\n' is not valid"),
    ('cluster_ids: [../x]\n', "cluster_ids '../x' is not a valid id"),
    ('cluster_ids: [c0123456/abcdef]\n', "cluster_ids 'c0123456/abcdef' is not a valid id"),
    ('cluster_ids: [c0123456%2Fabcdef]\n', "cluster_ids 'c0123456%2Fabcdef' is not a valid id"),
    ('cluster_ids: ["c0123456?x=1"]\n', "cluster_ids 'c0123456?x=1' is not a valid id"),
    ('cluster_ids: [[1]]\n', 'cluster_ids takes text, not a list'),
    ('cluster_ids: [{a: 1}]\n', 'cluster_ids takes text, not a mapping'),
    ('cluster_names: [7]\n', 'cluster_names takes text, not a number'),
    ('regions: ["cn-hangzhou\\n"]\n', "regions: 'cn-hangzhou\\n' is not valid"),
    ('regions: [[cn-hangzhou]]\n', 'regions takes text, not a list'),
    ('cluster_tags: {env: [1, 2]}\n', 'cluster_tags: the value of env must be text, a number or null, not a list'),
    ('keyed_groups: [{key: [1]}]\n', 'keyed_groups entry 1 must be a mapping with a key expression (text)'),
    ('keyed_groups: [{key: x, prefix: {a: 1}}]\n', 'keyed_groups entry 1: prefix takes text, not a mapping'),
    ('compose: {ansible_user: [1]}\n', 'compose: ansible_user must be an expression (text), not a list'),
    ('groups: {big: {a: 1}}\n', 'groups: big must be an expression (text), not a mapping'),
    ('include_masters: maybe\n', "include_masters must be true or false, got 'maybe'"),
    ('strict: sometimes\n', "strict must be true or false, got 'sometimes'"),
    ('alicloud_access_key: "LTAI\\nx"\nalicloud_secret_key: s\n', 'module options sets access_key with spaces'),
]


def test_bad_options_are_one_line_before_any_call(inventory, emulator):
    before = calls(emulator)
    result, causes = inventory([case[0] for case in OPTION_CASES], strict=False)
    assert calls(emulator) == before  # no API call for any of them
    assert_clean(result.stderr)
    folders = sorted(causes, key=lambda f: int(f.rsplit('case', 1)[1]))
    assert len(folders) == len(OPTION_CASES), result.stderr[-3000:]
    for folder, (config, said) in zip(folders, OPTION_CASES):
        assert said in causes[folder], (config, causes[folder])
        assert [p.name for p in Path(folder).iterdir()] == ['x.ack.yml']  # nothing left behind


def test_bad_caches_and_credentials_files_fail_cleanly(inventory, emulator, playbook):
    junk = playbook.workdir / 'junk'
    junk.mkdir()
    os.mkfifo(str(junk / 'pipe'))
    (junk / 'binary.json').write_bytes(b'\xff\xfe\x00not utf-8')
    (junk / 'deep.json').write_text('[' * 100000 + ']' * 100000)
    (junk / 'odd.json').write_text('{"profiles": 5}')
    (junk / 'typed.json').write_text('{"profiles": [{"name": "default", "access_key_id": [1], '
                                     '"access_key_secret": "s"}]}')
    cache = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n'
    cases = [
        (cache % (junk / 'pipe'), 'cache_connection %s is not a folder' % (junk / 'pipe')),
        (cache % (junk / 'binary.json'), 'is not a folder'),
        (cache % '/proc/no-such-dir/cache', "cache dir '/proc/no-such-dir/cache': No such file or directory"),
        (cache % "''", 'cache_connection is empty'),
        (cache % junk + 'cache_prefix: ../escaped_\n', "cache_prefix '../escaped_' may not hold a /"),
        ('shared_credentials_file: %s\n' % (junk / 'pipe'), 'pipe: not a regular file'),
        ('shared_credentials_file: %s\n' % junk, 'junk: Is a directory'),
        ('shared_credentials_file: %s\n' % (junk / 'binary.json'), 'binary.json: not UTF-8'),
        ('shared_credentials_file: %s\n' % (junk / 'deep.json'), 'deep.json: nested too deep'),
        ('shared_credentials_file: %s\n' % (junk / 'odd.json'), 'not a JSON object with a list of profiles'),
        ('shared_credentials_file: %s\n' % (junk / 'typed.json'), "profile 'default' has access_key_id that is not"),
    ]
    before, files = calls(emulator), tree(junk)
    started = time.monotonic()
    results = inventory([case[0] for case in cases], **NO_KEYS)
    assert time.monotonic() - started < 45  # the pipe is never waited on
    assert calls(emulator) == before
    assert tree(junk) == files  # not changed, nothing added
    assert not list(playbook.workdir.glob('*alicloud.ack.ack*'))  # no cache written in the current folder or beside
    for (config, said), (result, folder) in zip(cases, results):
        assert result.returncode != 0, config
        assert said in result.stderr, (config, result.stderr[-2000:])
        assert_clean(result.stderr)
        assert [p.name for p in folder.iterdir()] == ['x.ack.yml']


def test_a_cache_entry_that_is_a_pipe_is_refused_not_read(inventory, emulator, playbook):
    cache = playbook.workdir / 'cache'
    config = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % cache
    first = inventory([config], folder=playbook.workdir / 'cached')[0][0]
    assert first.returncode == 0, first.stderr
    [entry] = list(cache.iterdir())
    entry.unlink()
    os.mkfifo(str(entry))
    before = calls(emulator)
    second = inventory([config], folder=playbook.workdir / 'cached')[0][0]
    assert second.returncode != 0 and 'is not a regular file' in second.stderr, second.stderr[-2000:]
    assert calls(emulator) == before and entry.is_fifo()
    assert_clean(second.stderr)


def test_an_endpoint_that_never_answers_ends_within_the_timeouts(inventory, hanging):
    started = time.monotonic()
    result = inventory(['endpoint: %s\nregions: [cn-hangzhou, cn-beijing, cn-shanghai]\nread_timeout: 1\n'
                        'connect_timeout: 1\napi_retries: 1\napi_retry_max_delay: 1\n' % hanging.url])[0][0]
    assert time.monotonic() - started < 30
    assert result.returncode != 0 and 'DescribeClustersV1 failed: Timeout' in result.stderr, result.stderr[-2000:]
    assert_clean(result.stderr)


def test_hostile_answers_fail_in_one_line_within_the_retries(inventory, emulator):
    emulator.seed_clusters([{
        'name': 'web', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-hs00001',
        'vswitch_ids': ['vsw-hs00001'], 'zone_id': 'cn-hangzhou-h', 'container_cidr': '172.20.0.0/16',
        'service_cidr': '172.21.0.0/20', 'num_of_nodes': 1, 'worker_instance_types': ['ecs.g7.xlarge'],
        'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
        'snat_entry': True}])
    config = 'read_timeout: 1\napi_retries: 1\napi_retry_max_delay: 1\n'
    try:
        for faults, said in ((dict(error_rate=1.0), 'failed: '), (dict(drop_rate=1.0), 'failed: ConnectionError'),
                             (dict(latency_ms=3000), 'failed: Timeout')):
            emulator.faults(operations=['DescribeClusterNodes'], **faults)
            started = time.monotonic()
            result = inventory([config])[0][0]
            assert time.monotonic() - started < 30
            assert result.returncode != 0 and 'DescribeClusterNodes ' + said in result.stderr, result.stderr[-2000:]
            assert_clean(result.stderr)
    finally:
        emulator.faults()


# ---------------------------------------------------------------- the event source


def load_source():
    path = ROOT / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'ack_events.py'
    spec = importlib.util.spec_from_file_location('ack_events_hostile', str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Queue(object):
    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append(event)


async def run_for(module, args, seconds, queue=None):
    """main() for some seconds, then stopped as ansible-rulebook stops a source (cancelled)."""
    task = asyncio.ensure_future(module.main(queue or Queue(), args))
    await asyncio.sleep(seconds)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


SOURCE_CASES = [  # (args, what the one line says)
    (dict(interval=0), 'interval must be more than 0 and at most 86400, got 0'),
    (dict(interval=-1), 'interval must be more than 0'),
    (dict(interval=10 ** 20), 'interval must be more than 0 and at most 86400'),
    (dict(interval=float('nan')), 'interval must be more than 0'),
    (dict(interval='soon'), "interval must be a number, got 'soon'"),
    (dict(interval=[1]), 'interval must be a number, not a list'),
    (dict(max_backoff=0), 'max_backoff must be more than 0'),
    (dict(max_workers=0), 'max_workers must be at least 1 and at most 64, got 0'),
    (dict(max_workers=10 ** 20), 'max_workers must be at least 1 and at most 64'),
    (dict(max_workers=1.5), 'max_workers must be a whole number, not a number'),
    (dict(watch='nodes'), 'watch must be a list of nodes, tasks, upgrades, addons'),
    (dict(watch=[['nodes']]), 'watch must be a list of'),
    (dict(emit_initial='maybe'), 'emit_initial must be true or false, not text'),
    (dict(validate_certs=[True]), 'validate_certs must be true or false, not a list'),
    (dict(cluster_ids=['c0123456789abcdef\n']), "cluster_ids: 'c0123456789abcdef\\n' is not valid"),
    (dict(cluster_ids=['../x']), "cluster_ids '../x' is not a valid id"),
    (dict(cluster_ids='c0123456789abcdef'), 'cluster_ids must be a list, not text'),
    (dict(cluster_ids=[[1]]), 'cluster_ids takes text, not a list'),
    (dict(cluster_tags=['env']), 'cluster_tags must be a mapping of tag keys to values, not a list'),
    (dict(regions=['cn-hangzhou\n']), "regions: 'cn-hangzhou\\n' is not valid"),
    (dict(connect_timeout='soon'), "connect_timeout must be a number, got 'soon'"),
    (dict(read_timeout=0), 'read_timeout must be at least 1, got 0'),
    (dict(endpoint=['http://x']), 'endpoint takes text, not a list'),
    (dict(signature_version='v9'), "signature_version takes v1 or v3, not 'v9'"),
    (dict(intervall=5), 'unknown option intervall'),
]


def test_event_source_refuses_bad_options_in_one_line_before_any_call(emulator):
    module = load_source()
    connection = dict(endpoint=emulator.url, alicloud_access_key=emulator.access_key_id,
                      alicloud_secret_key=emulator.access_key_secret, alicloud_region='cn-hangzhou')
    before, threads = calls(emulator), set(threading.enumerate())
    for args, said in SOURCE_CASES:
        with pytest.raises(ValueError) as error:
            asyncio.run(module.main(Queue(), dict(connection, **args)))
        message = str(error.value)
        assert message.startswith('ack_events: ') and said in message and '\n' not in message, (args, message)
        assert_clean(message)
    assert calls(emulator) == before
    assert set(threading.enumerate()) <= threads


def test_event_source_through_ansible_rulebook_refuses_in_one_line(emulator, tmp_path):
    (tmp_path / 'inventory.yml').write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n')
    rule = ('  rules:\n    - name: any\n      condition: event.type == "never"\n      action:\n'
            '        debug:\n')
    cases = [('{interval: "0"}', 'ack_events: interval must be more than 0 and at most 86400, got 0.0'),
             ('{cluster_ids: ["c0123456789abcdef\\n"]}', "ack_events: cluster_ids: 'c0123456789abcdef\\n' is not valid")]
    env = dict(os.environ, ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret, ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
               PATH='%s:%s' % (BIN, os.environ.get('PATH', '')), HOME=str(tmp_path))

    def run(number, args):
        path = tmp_path / ('rules%d.yml' % number)
        path.write_text('- name: hostile\n  hosts: all\n  sources:\n    - alicloud.ack.ack_events: %s\n%s' % (args, rule))
        return subprocess.run([str(BIN / 'ansible-rulebook'), '-i', 'inventory.yml', '-r', path.name], cwd=str(tmp_path),
                              env=env, capture_output=True, text=True, timeout=50, stdin=subprocess.DEVNULL,
                              check=False)

    before = calls(emulator)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, range(len(cases)), [case[0] for case in cases]))
    assert calls(emulator) == before
    for (args, said), result in zip(cases, results):
        output = result.stdout + result.stderr
        assert result.returncode != 0 and said in output, (args, output[-3000:])
        assert_clean(output)


def test_event_source_stops_at_once_while_a_poll_hangs(hanging):
    module = load_source()
    args = dict(endpoint=hanging.url, alicloud_access_key='LTAI5tHOSTILE', alicloud_secret_key='s',
                alicloud_region='cn-hangzhou', read_timeout=3, api_retries=2, interval=1)
    threads = set(threading.enumerate())
    started = time.monotonic()
    asyncio.run(run_for(module, args, 1))
    assert time.monotonic() - started < 2.5  # the poll in flight does not hold the loop's end
    assert all(t.daemon for t in set(threading.enumerate()) - threads)
    made = len(hanging.conns)
    deadline = time.monotonic() + 6
    while set(threading.enumerate()) - threads and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not set(threading.enumerate()) - threads  # the call in flight ended at its read timeout
    assert len(hanging.conns) == made  # and no retry followed


def test_event_source_warns_once_of_an_unknown_cluster(emulator, caplog):
    module = load_source()
    caplog.set_level(logging.WARNING, logger='alicloud.ack.ack_events')
    args = dict(endpoint=emulator.url, alicloud_access_key=emulator.access_key_id,
                alicloud_secret_key=emulator.access_key_secret, alicloud_region='cn-hangzhou',
                cluster_ids=['c0123456789abcdef'], interval=0.2)
    asyncio.run(run_for(module, args, 1.5))
    said = [r.getMessage() for r in caplog.records if 'c0123456789abcdef' in r.getMessage()]
    assert said == ['ack_events: cluster c0123456789abcdef not found (cluster_ids); its events come when it appears']
    assert emulator.stats().get('DescribeClustersV1', 0) >= 2  # it kept polling


def test_event_source_tells_hostile_answers_as_one_line_events(emulator):
    module = load_source()
    args = dict(endpoint=emulator.url, alicloud_access_key=emulator.access_key_id,
                alicloud_secret_key=emulator.access_key_secret, alicloud_region='cn-hangzhou', interval=0.3,
                max_backoff=1, api_retries=1, api_retry_max_delay=1, read_timeout=1)
    cases = [(dict(error_rate=1.0), 'ServiceUnavailable'), (dict(drop_rate=1.0), 'ConnectionError'),
             (dict(latency_ms=2500), 'Timeout'),
             (dict(throttle_rate=1.0, retry_after_ms=10 ** 9), 'Throttling')]  # an 11-day retry-after is not waited
    try:
        for faults, code in cases:
            emulator.faults(**faults)
            queue = Queue()
            asyncio.run(run_for(module, args, 3.5, queue))
            errors = [e for e in queue.events if e['type'] == 'api_error']
            assert errors and errors[0]['code'].startswith(code), (faults, queue.events)
            assert '\n' not in errors[0]['message']
            assert_clean(json.dumps(queue.events))
    finally:
        emulator.faults()
