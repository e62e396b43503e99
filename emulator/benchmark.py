#!/usr/bin/env python3
"""Benchmark of the ACK emulator: signed requests per second with an official SDK client (alibabacloud-cs20151215,
keep-alive), beside trivial loopback HTTP servers measured with the same clients in the same run.

Not a timed test: it prints one table. It starts an emulator (``--time-scale 0``, a SQLite state file: WAL, one
transaction per request; signatures and nonces checked) and two trivial servers (bench_servers.py) that answer
every request with the bytes the emulator gave for the same request: stdlib ``http.server`` (HTTP/1.1, keep-alive,
TCP_NODELAY, one write per answer) and the emulator's own HTTP layer (``ack_emulator.server``) without the
application. Clients are processes (like Ansible's forks), each with one keep-alive connection per server, sending
requests one after the other; every figure is measured with 1 and with 8 concurrent clients (``--concurrency``).
Each round runs the same request mix against every server at every concurrency, in rotating order, so the drifting
load of a shared machine hits them all; a ratio is the median of the per-round ratios. CPU per request: the servers'
threads (and their children's) from /proc/PID/task/*/schedstat, the clients' thread_time. ``--candidates`` also
measures WSGI server libraries serving the emulator's application and the fixed bytes (install them first).

    python emulator/benchmark.py                        # 5 rounds x 1000 requests per server, 1 and 8 clients, v3
    python emulator/benchmark.py --rounds 9 --requests 2000 --scheme both --concurrency 1,2,8
    python emulator/benchmark.py --candidates waitress,cheroot,gunicorn
    python emulator/benchmark.py --url http://127.0.0.1:8470   # an emulator already running (demo key pair)
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from ack_emulator.auth import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET  # noqa: E402
from ack_emulator.client import SignedClient  # noqa: E402
from ack_emulator.testing import EmulatorProcess  # noqa: E402

BODY = {
    'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou', 'vswitch_ids': ['vsw-bench0001'],
    'num_of_nodes': 3, 'worker_instance_types': ['ecs.g7.xlarge'], 'worker_system_disk_category': 'cloud_essd',
    'worker_system_disk_size': 120, 'key_pair': 'bench', 'snat_entry': True,
}
LIST_PATH = '/api/v1/clusters'
PAGE_SIZE = 10


# -- servers and clients, each in a process of its own ----------------------------------------------------------
def start_server(stack, mode, data, *extra):
    """bench_servers.py serving ``mode`` ``fixed`` (``data``: the answers) or ``app`` (``data``: a state file,
    ``extra``: the key pair)."""
    path = data
    if mode == 'fixed':
        fd, path = tempfile.mkstemp(suffix='.json')
        with os.fdopen(fd, 'w') as f:
            json.dump({k: v.decode('utf-8') for k, v in data.items()}, f)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, 'bench_servers.py'), stack, mode, path] + list(extra),
                            stdout=subprocess.PIPE, text=True, process_group=0)
    line = proc.stdout.readline()
    if mode == 'fixed':
        os.unlink(path)
    if not line.strip().isdigit():
        stop_server(proc)
        raise SystemExit('%s server did not start (is it installed?)' % stack)
    return proc, 'http://127.0.0.1:%d' % int(line)


def stop_server(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its process group: gunicorn's worker too
    except OSError:
        pass
    proc.wait(10)


def cpu_seconds(pid):
    """CPU time of a process's live threads and of its children's (Linux schedstat, in ns), or None. The servers
    measured keep their connection threads for the whole run."""
    total = 0
    try:
        tasks = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return None
    for task in tasks:
        try:
            with open('/proc/%d/task/%s/schedstat' % (pid, task)) as f:
                total += int(f.read().split()[0]) / 1e9
            with open('/proc/%d/task/%s/children' % (pid, task)) as f:
                total += sum(cpu_seconds(int(child)) or 0 for child in f.read().split())
        except (OSError, ValueError, IndexError):
            pass
    return total


class Clients:
    """``n`` client processes (benchmark.py --client-worker), each with one SDK client (one keep-alive connection)
    per server URL; ``run(target, total, c)`` has the first ``c`` of them send ``total`` requests between them."""

    def __init__(self, n, key_id, secret, scheme):
        self.procs = [subprocess.Popen([sys.executable, os.path.abspath(__file__), '--client-worker', scheme,
                                        '--access-key-id', key_id, '--access-key-secret', secret],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                      for _ in range(n)]

    def run(self, target, total, c):
        """(seconds, latencies in ms, errors, client CPU seconds)"""
        procs = self.procs[:c]
        start = time.perf_counter()
        for i, proc in enumerate(procs):
            share = total // c + (i < total % c)
            proc.stdin.write(json.dumps({'url': target.url, 'ids': target.ids, 'n': share}) + '\n')
            proc.stdin.flush()
        got = [json.loads(proc.stdout.readline()) for proc in procs]
        seconds = time.perf_counter() - start
        return (seconds, [ms for g in got for ms in g['latencies']], [e for g in got for e in g['errors']],
                sum(g['cpu'] for g in got))

    def close(self):
        for proc in self.procs:
            proc.stdin.close()
            proc.wait(10)


def client_worker(key_id, secret, scheme):
    """Answers each line ``{url, ids, n}`` on stdin with ``{latencies, errors, cpu}`` once the requests are sent."""
    clients = {}
    for line in sys.stdin:
        job = json.loads(line)
        if job['url'] not in clients:
            clients[job['url']] = sdk_client(job['url'], key_id, secret, scheme)
        cpu0 = time.thread_time()
        latencies, errors = send_mix(clients[job['url']], job['ids'], job['n'])
        print(json.dumps({'latencies': latencies, 'errors': [repr(e)[:300] for e in errors],
                          'cpu': time.thread_time() - cpu0}), flush=True)


def sdk_client(url, key_id, secret, scheme):
    from alibabacloud_cs20151215.client import Client
    from alibabacloud_tea_openapi.models import Config
    kw = {'access_key_id': key_id, 'access_key_secret': secret, 'endpoint': urlsplit(url).netloc,
          'protocol': 'http', 'region_id': 'cn-hangzhou', 'read_timeout': 30000, 'connect_timeout': 5000}
    if scheme == 'v2':
        kw['signature_algorithm'] = 'v2'
    return Client(Config(**kw))


def send_mix(client, cluster_ids, total):
    """``total`` requests one after the other: 3/4 DescribeClusterDetail, 1/4 DescribeClustersV1.
    Returns (latencies in ms, errors)."""
    from alibabacloud_cs20151215.models import DescribeClustersV1Request
    latencies, errors = [], []
    for i in range(total):
        t0 = time.perf_counter()
        try:
            if i % 4 == 3:
                client.describe_clusters_v1(DescribeClustersV1Request(page_size=PAGE_SIZE))
            else:
                client.describe_cluster_detail(cluster_ids[i % len(cluster_ids)])
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)
        latencies.append((time.perf_counter() - t0) * 1000.0)
    return latencies, errors


def seed(url, key_id, secret, count):
    """Creates ``count`` clusters; returns their ids."""
    client = SignedClient(url, key_id, secret)
    stamp = '%x' % int(time.time())
    ids = []
    for i in range(count):
        body = dict(BODY, name='bench-%s-%d' % (stamp, i), vpcid='vpc-bench%s%d' % (stamp, i))
        answer = client.call('POST', '/clusters', body=body, action='CreateCluster')
        if answer.status != 202:
            raise SystemExit('CreateCluster failed: %r' % answer)
        ids.append(answer.json['cluster_id'])
    client.call('GET', '/clusters/' + ids[0], action='DescribeClusterDetail')  # settle the creates
    return ids


def percentile(sorted_values, p):
    if not sorted_values:
        return float('nan')
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


class Target:
    """One server measured with ``clients`` clients at a time."""

    def __init__(self, label, url, pid, ids, clients):
        self.label, self.url, self.pid, self.ids, self.clients = label, url, pid, ids, clients
        self.rates, self.latencies, self.errors, self.cpu, self.client_cpu = [], [], [], [], []

    def run(self, pool, total):
        c0 = cpu_seconds(self.pid) if self.pid else None
        seconds, latencies, errors, client_cpu = pool.run(self, total, self.clients)
        c1 = cpu_seconds(self.pid) if self.pid else None
        self.client_cpu.append(client_cpu / total * 1e6)
        self.rates.append(total / seconds)
        self.latencies.extend(latencies)
        self.errors.extend(errors)
        if c0 is not None and c1 is not None:
            self.cpu.append((c1 - c0) / total * 1e6)
        return total / seconds

    def p50(self):
        return percentile(sorted(self.latencies), 50)

    def row(self):
        cpu = '%.0f' % statistics.median(self.cpu) if self.cpu else '-'
        return (self.label, statistics.median(self.rates), min(self.rates), max(self.rates), self.p50(),
                percentile(sorted(self.latencies), 99), cpu, '%.0f' % statistics.median(self.client_cpu),
                len(self.errors))


def ratio_row(label, a, b, p50=True):
    """``a`` / ``b``: median, min and max of the per-round req/s ratios; p50 of ``b`` / p50 of ``a``."""
    got = [x / y for x, y in zip(a.rates, b.rates)]
    return (label, statistics.median(got), min(got), max(got), b.p50() / a.p50() if p50 else None)


def throughput(emulator_url, emulator_pid, key_id, secret, schemes, rounds, total, concurrency, cluster_ids,
               candidates=()):
    """Rows ``(label, req/s median, min, max, p50, p99, server CPU us/req, client CPU us/req, errors)`` and
    ratio rows ``(label, median, min, max, p50 of the reference / p50 of the emulator or None)``, per number of
    concurrent clients in ``concurrency`` (an int or a list; labels end with ", N clients" when N > 1). The
    labels are what benchmarks/bench_modules.py looks for. ``candidates``: WSGI server libraries
    (bench_servers.py) also measured, serving the emulator's application and fixed bytes."""
    levels = sorted(set([concurrency] if isinstance(concurrency, int) else concurrency))
    signed = SignedClient(emulator_url, key_id, secret)
    answers = {'detail': signed.call('GET', '/clusters/' + cluster_ids[0], action='DescribeClusterDetail').raw,
               'list': signed.call('GET', LIST_PATH, {'page_size': PAGE_SIZE}, action='DescribeClustersV1').raw}
    tmp = tempfile.TemporaryDirectory(prefix='ack-bench-servers-')
    procs = []
    servers = [('emulator', emulator_url, emulator_pid, cluster_ids)]
    rows = []
    try:
        for stack, name in [('stdlib', 'trivial: stdlib http.server'), ('emulator', 'trivial: emulator HTTP layer')] \
                + [(c, 'trivial: %s HTTP layer' % c) for c in candidates]:
            proc, url = start_server(stack, 'fixed', answers)
            procs.append(proc)
            servers.append((name, url, proc.pid, cluster_ids))
        for stack in candidates:
            proc, url = start_server(stack, 'app', os.path.join(tmp.name, stack + '.db'), key_id, secret)
            procs.append(proc)
            servers.append(('candidate: emulator on %s' % stack, url, proc.pid, seed(url, key_id, secret, 5)))
        for scheme in schemes:
            pool = Clients(max(levels), key_id, secret, scheme)
            try:
                rows += measure(pool, servers, levels, rounds, total, scheme)
            finally:
                pool.close()
    finally:
        for proc in procs:
            stop_server(proc)
        tmp.cleanup()
    return rows


def measure(pool, servers, levels, rounds, total, scheme):
    """Every round runs every server at every level, in rotating order (the drifting load of a shared machine
    hits them all)."""
    targets = {(name, c): Target(name if c == 1 else '%s, %d clients' % (name, c), url, pid, ids, c)
               for name, url, pid, ids in servers for c in levels}
    for name, url, pid, ids in servers:  # warm up: connections, imports, caches
        pool.run(Target(name, url, pid, ids, max(levels)), 50 * max(levels), max(levels))
    names = [s[0] for s in servers]
    for r in range(rounds):
        for c in levels if r % 2 == 0 else levels[::-1]:
            for name in names[r % len(names):] + names[:r % len(names)]:
                targets[name, c].run(pool, total)
    emu = 'emulator'
    targets[emu, 1].label = 'emulator, %s' % ('ACS3-HMAC-SHA256' if scheme == 'v3' else 'HMAC-SHA1')
    for c in levels:
        targets[emu, c].label = targets[emu, 1].label + ('' if c == 1 else ', %d clients' % c)
    rows = [t.row() for t in targets.values()]
    for c in levels:
        suffix = '' if c == 1 else ', %d clients' % c
        rows.append(ratio_row('ratio emulator / stdlib' + suffix, targets[emu, c],
                              targets['trivial: stdlib http.server', c]))
        rows.append(ratio_row('ratio emulator / HTTP layer' + suffix, targets[emu, c],
                              targets['trivial: emulator HTTP layer', c]))
        for name in names:
            if name.startswith('candidate: '):
                rows.append(ratio_row('ratio %s / stdlib%s' % (name.split()[-1], suffix), targets[name, c],
                                      targets['trivial: stdlib http.server', c]))
    for c in levels[1:]:
        for name in names:
            if name == emu or name.startswith('candidate: '):
                rows.append(ratio_row('ratio %s %d clients / 1' % (name.split()[-1], c), targets[name, c],
                                      targets[name, levels[0]], p50=False))
    return rows


def print_table(rows):
    """Ratio rows: req/s ratio (median of the rounds, min-max) and, under p50, the inverse ratio of the p50s."""
    line = '%-44s %8s %12s %7s %7s %11s %11s %6s'
    print(line % ('', 'req/s', 'min-max', 'p50 ms', 'p99 ms', 'server CPU', 'client CPU', 'errors'))
    print(line % ('', '', '', '', '', 'us/request', 'us/request', ''))
    for row in rows:
        if len(row) == 5:
            p50 = '' if row[4] is None else '%7.2f' % row[4]
            print('%-44s %8.2f %12s %s' % (row[0], row[1], '%.2f-%.2f' % (row[2], row[3]), p50))
        else:
            print('%-44s %8.0f %12s %7.2f %7.2f %11s %11s %6d'
                  % (row[0], row[1], '%.0f-%.0f' % (row[2], row[3]), row[4], row[5], row[6], row[7], row[8]))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--url', help='an emulator already running (default: start one); no server CPU figure then')
    p.add_argument('--access-key-id', default=DEFAULT_ACCESS_KEY_ID)
    p.add_argument('--access-key-secret', default=DEFAULT_ACCESS_KEY_SECRET)
    p.add_argument('--requests', type=int, default=1000, help='requests per server per round (default 1000)')
    p.add_argument('--rounds', type=int, default=5, help='rounds (default 5)')
    p.add_argument('--concurrency', default='1,8',
                   help='comma-separated numbers of concurrent clients, each a process with one keep-alive '
                        'connection (default 1,8)')
    p.add_argument('--scheme', choices=('v2', 'v3', 'both'), default='v3',
                   help='signature: v3 ACS3-HMAC-SHA256 (the SDK default), v2 HMAC-SHA1, or both')
    p.add_argument('--clusters', type=int, default=5, help='clusters created first (default 5)')
    p.add_argument('--candidates', default='',
                   help='comma-separated WSGI server libraries also measured (waitress, cheroot, gunicorn; '
                        'installed apart)')
    p.add_argument('--client-worker', choices=('v2', 'v3'), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.client_worker:
        return client_worker(args.access_key_id, args.access_key_secret, args.client_worker)
    try:
        levels = [int(c) for c in args.concurrency.split(',')]
    except ValueError:
        p.error('--concurrency takes numbers: 1,8')
    candidates = [c for c in args.candidates.split(',') if c]
    if not (1 <= args.requests <= 200000 and 1 <= args.rounds <= 100 and all(1 <= c <= 32 for c in levels)):
        p.error('--requests must be 1..200000, --rounds 1..100 and --concurrency 1..32')
    if set(candidates) - {'waitress', 'cheroot', 'gunicorn'}:
        p.error('--candidates: waitress, cheroot, gunicorn')

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the servers and clients started are stopped too
    emulator = None
    url, pid = args.url, None
    tmp = tempfile.TemporaryDirectory(prefix='ack-bench-')
    if not url:
        emulator = EmulatorProcess(state_file=os.path.join(tmp.name, 'state.db'), time_scale=0.0,
                                   access_key_id=args.access_key_id, access_key_secret=args.access_key_secret)
        emulator.start()
        url, pid = emulator.url, emulator.proc.pid
    try:
        ids = seed(url, args.access_key_id, args.access_key_secret, args.clusters)
        schemes = ['v3', 'v2'] if args.scheme == 'both' else [args.scheme]
        from importlib.metadata import version
        print('Emulator throughput (%s): official SDK alibabacloud-cs20151215 %s, %s concurrent client(s) (one '
              'process and one keep-alive connection each, requests one after the other)'
              % ('SQLite state file, WAL' if emulator else url, version('alibabacloud-cs20151215'),
                 ' and '.join(map(str, levels))))
        print('%d rounds x %d requests per server; 3/4 DescribeClusterDetail, 1/4 DescribeClustersV1 (%d clusters); '
              '%d cores shared by clients and servers; Python %s'
              % (args.rounds, args.requests, args.clusters, os.cpu_count() or 0, sys.version.split()[0]))
        print_table(throughput(url, pid, args.access_key_id, args.access_key_secret, schemes, args.rounds,
                               args.requests, levels, ids, candidates))
        setup = SignedClient(url, args.access_key_id, args.access_key_secret)
        for cid in ids:
            setup.call('DELETE', '/clusters/' + cid, action='DeleteCluster')
    finally:
        if emulator is not None:
            emulator.stop()
        tmp.cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
