#!/usr/bin/env python3
"""Benchmark of the ACK emulator: signed requests per second with an official SDK client (alibabacloud-cs20151215,
keep-alive), beside trivial loopback HTTP servers measured with the same client in the same run.

Not a timed test: it prints one table. It starts an emulator (``--time-scale 0``, a SQLite state file: WAL, one
transaction per request; signatures and nonces checked) and two trivial servers that answer every request with the
bytes the emulator gave for the same request: stdlib ``http.server`` (HTTP/1.1, keep-alive, TCP_NODELAY, one write
per answer) and the emulator's own HTTP layer (``ack_emulator.server``) without the application. One client thread
sends requests one after the other (``--concurrency`` for more). Each round runs the same request mix against every
server, in rotating order, so the drifting load of a shared machine hits them all; a ratio is the median of the
per-round ratios. CPU per request: the servers' threads from /proc/PID/task/*/schedstat, the client's thread_time.

    python emulator/benchmark.py                        # 5 rounds x 1000 requests per server, 1 client thread, v3
    python emulator/benchmark.py --rounds 9 --requests 2000 --scheme both --concurrency 2
    python emulator/benchmark.py --url http://127.0.0.1:8470   # an emulator already running (demo key pair)
"""
import argparse
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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


# -- the trivial reference servers (each in its own process, like the emulator) --------------------------------
def serve_fixed(answers_file, stack):
    """Answer ``GET /api/v1/clusters...`` and every other request with fixed bytes; print the port.
    ``stack``: ``stdlib`` (http.server) or ``emulator`` (the emulator's own HTTP server, no application)."""
    with open(answers_file, 'rb') as f:
        answers = {k: v.encode('utf-8') for k, v in json.load(f).items()}
    if stack == 'emulator':
        from ack_emulator.server import Server

        def app(environ, start_response):
            body = answers['list' if environ['PATH_INFO'].startswith(LIST_PATH) else 'detail']
            start_response('200 OK', [('Content-Type', 'application/json;charset=utf-8'),
                                      ('Content-Length', str(len(body)))])
            return [body]

        server = Server(('127.0.0.1', 0), app)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        return

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):
            length = int(self.headers.get('Content-Length') or 0)
            if length:
                self.rfile.read(length)
            body = answers['list' if self.path.startswith(LIST_PATH) else 'detail']
            self.wfile.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n'
                             b'Content-Length: %d\r\n\r\n%s' % (len(body), body))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


def start_fixed(answers, stack):
    fd, path = tempfile.mkstemp(suffix='.json')
    with os.fdopen(fd, 'w') as f:
        json.dump({k: v.decode('utf-8') for k, v in answers.items()}, f)
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--serve-fixed', path, '--stack', stack],
                            stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    os.unlink(path)
    return proc, 'http://127.0.0.1:%d' % port


# -- measuring ----------------------------------------------------------------------------------------------
def cpu_seconds(pid):
    """CPU time of a process's live threads (Linux schedstat, in ns), or None. The servers measured keep their
    connection threads for the whole run."""
    total = 0
    try:
        for task in os.listdir('/proc/%d/task' % pid):
            try:
                with open('/proc/%d/task/%s/schedstat' % (pid, task)) as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        return None
    return total / 1e9


def sdk_client(url, key_id, secret, scheme):
    from alibabacloud_cs20151215.client import Client
    from alibabacloud_tea_openapi.models import Config
    kw = {'access_key_id': key_id, 'access_key_secret': secret, 'endpoint': urlsplit(url).netloc,
          'protocol': 'http', 'region_id': 'cn-hangzhou', 'read_timeout': 30000, 'connect_timeout': 5000}
    if scheme == 'v2':
        kw['signature_algorithm'] = 'v2'
    return Client(Config(**kw))


def send_mix(clients, cluster_ids, total):
    """``total`` requests from one thread per client: 3/4 DescribeClusterDetail, 1/4 DescribeClustersV1.
    Returns (seconds, latencies in ms, errors, client CPU seconds)."""
    from alibabacloud_cs20151215.models import DescribeClustersV1Request
    latencies, errors, cpu = [], [], []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker(client):
        mine = []
        cpu0 = time.thread_time()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t0 = time.perf_counter()
            try:
                if i % 4 == 3:
                    client.describe_clusters_v1(DescribeClustersV1Request(page_size=PAGE_SIZE))
                else:
                    client.describe_cluster_detail(cluster_ids[i % len(cluster_ids)])
            except Exception as e:  # pylint: disable=broad-except
                with lock:
                    errors.append(e)
            mine.append((time.perf_counter() - t0) * 1000.0)
        with lock:
            latencies.extend(mine)
            cpu.append(time.thread_time() - cpu0)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors, sum(cpu)


def percentile(sorted_values, p):
    if not sorted_values:
        return float('nan')
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


class Target:
    def __init__(self, name, url, pid):
        self.name, self.url, self.pid = name, url, pid
        self.rates, self.latencies, self.errors, self.cpu, self.client_cpu = [], [], [], [], []

    def run(self, clients, cluster_ids, total):
        c0 = cpu_seconds(self.pid) if self.pid else None
        seconds, latencies, errors, client_cpu = send_mix(clients, cluster_ids, total)
        self.client_cpu.append(client_cpu / total * 1e6)
        c1 = cpu_seconds(self.pid) if self.pid else None
        self.rates.append(total / seconds)
        self.latencies.extend(latencies)
        self.errors.extend(errors)
        if c0 is not None and c1 is not None:
            self.cpu.append((c1 - c0) / total * 1e6)
        return total / seconds

    def row(self):
        lat = sorted(self.latencies)
        cpu = '%.0f' % statistics.median(self.cpu) if self.cpu else '-'
        return (statistics.median(self.rates), min(self.rates), max(self.rates), percentile(lat, 50),
                percentile(lat, 99), cpu, '%.0f' % statistics.median(self.client_cpu), len(self.errors))


def throughput(emulator_url, emulator_pid, key_id, secret, schemes, rounds, total, concurrency, cluster_ids):
    """Rows ``(label, req/s median, min, max, p50, p99, server CPU us/req, client CPU us/req, errors)`` and
    ratio rows ``(label, median, min, max, p50 of the reference / p50 of the emulator)``. The labels are what
    bench_modules.py looks for."""
    signed = SignedClient(emulator_url, key_id, secret)
    answers = {'detail': signed.call('GET', '/clusters/' + cluster_ids[0], action='DescribeClusterDetail').raw,
               'list': signed.call('GET', LIST_PATH, {'page_size': PAGE_SIZE}, action='DescribeClustersV1').raw}
    fixed = [start_fixed(answers, stack) for stack in ('stdlib', 'emulator')]
    rows = []
    try:
        for scheme in schemes:
            emu = Target('emulator', emulator_url, emulator_pid)
            refs = [Target(stack, url, proc.pid) for stack, (proc, url) in zip(('stdlib', 'emulator'), fixed)]
            targets = [emu] + refs
            clients = {t: [sdk_client(t.url, key_id, secret, scheme) for _ in range(concurrency)] for t in targets}
            for t in targets:  # warm up: connections, imports, caches
                send_mix(clients[t], cluster_ids, 100 * concurrency)
            ratios = [[] for _ in refs]
            for r in range(rounds):
                order = targets[r % len(targets):] + targets[:r % len(targets)]
                got = {t: t.run(clients[t], cluster_ids, total) for t in order}
                for i, ref in enumerate(refs):
                    ratios[i].append(got[emu] / got[ref])
            name = 'ACS3-HMAC-SHA256' if scheme == 'v3' else 'HMAC-SHA1'
            rows.append(('emulator, %s' % name,) + emu.row())
            rows.append(('trivial: stdlib http.server',) + refs[0].row())
            rows.append(('trivial: emulator HTTP layer',) + refs[1].row())
            for label, ref, got in (('ratio emulator / stdlib', refs[0], ratios[0]),
                                    ('ratio emulator / HTTP layer', refs[1], ratios[1])):
                p50 = percentile(sorted(ref.latencies), 50) / percentile(sorted(emu.latencies), 50)
                rows.append((label, statistics.median(got), min(got), max(got), p50))
    finally:
        for proc, _ in fixed:
            proc.kill()
            proc.wait(10)
    return rows


def print_table(rows):
    """Ratio rows: req/s ratio (median of the rounds, min-max) and, under p50, the inverse ratio of the p50s."""
    line = '%-32s %8s %12s %7s %7s %11s %11s %6s'
    print(line % ('', 'req/s', 'min-max', 'p50 ms', 'p99 ms', 'server CPU', 'client CPU', 'errors'))
    print(line % ('', '', '', '', '', 'us/request', 'us/request', ''))
    for row in rows:
        if len(row) == 5:
            print('%-32s %8.2f %12s %7.2f' % (row[0], row[1], '%.2f-%.2f' % (row[2], row[3]), row[4]))
        else:
            print('%-32s %8.0f %12s %7.2f %7.2f %11s %11s %6d'
                  % (row[0], row[1], '%.0f-%.0f' % (row[2], row[3]), row[4], row[5], row[6], row[7], row[8]))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--url', help='an emulator already running (default: start one); no server CPU figure then')
    p.add_argument('--access-key-id', default=DEFAULT_ACCESS_KEY_ID)
    p.add_argument('--access-key-secret', default=DEFAULT_ACCESS_KEY_SECRET)
    p.add_argument('--requests', type=int, default=1000, help='requests per server per round (default 1000)')
    p.add_argument('--rounds', type=int, default=5, help='rounds (default 5)')
    p.add_argument('--concurrency', type=int, default=1, help='client threads, one connection each (default 1)')
    p.add_argument('--scheme', choices=('v2', 'v3', 'both'), default='v3',
                   help='signature: v3 ACS3-HMAC-SHA256 (the SDK default), v2 HMAC-SHA1, or both')
    p.add_argument('--clusters', type=int, default=5, help='clusters created first (default 5)')
    p.add_argument('--serve-fixed', metavar='FILE', help=argparse.SUPPRESS)
    p.add_argument('--stack', choices=('stdlib', 'emulator'), default='stdlib', help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve_fixed:
        return serve_fixed(args.serve_fixed, args.stack)
    if not (1 <= args.requests <= 200000 and 1 <= args.rounds <= 100 and 1 <= args.concurrency <= 32):
        p.error('--requests must be 1..200000, --rounds 1..100 and --concurrency 1..32')

    emulator = None
    url, pid = args.url, None
    tmp = tempfile.TemporaryDirectory(prefix='ack-bench-')
    if not url:
        emulator = EmulatorProcess(state_file=os.path.join(tmp.name, 'state.db'), time_scale=0.0,
                                   access_key_id=args.access_key_id, access_key_secret=args.access_key_secret)
        emulator.start()
        url, pid = emulator.url, emulator.proc.pid
    try:
        setup = SignedClient(url, args.access_key_id, args.access_key_secret)
        stamp = '%x' % int(time.time())
        ids = []
        for i in range(args.clusters):
            body = dict(BODY, name='bench-%s-%d' % (stamp, i), vpcid='vpc-bench%s%d' % (stamp, i))
            answer = setup.call('POST', '/clusters', body=body, action='CreateCluster')
            if answer.status != 202:
                raise SystemExit('CreateCluster failed: %r' % answer)
            ids.append(answer.json['cluster_id'])
        setup.call('GET', '/clusters/' + ids[0], action='DescribeClusterDetail')  # settle the creates
        schemes = ['v3', 'v2'] if args.scheme == 'both' else [args.scheme]
        from importlib.metadata import version
        print('Emulator throughput (%s): official SDK alibabacloud-cs20151215 %s, %d client thread(s), keep-alive'
              % ('SQLite state file, WAL' if emulator else url, version('alibabacloud-cs20151215'), args.concurrency))
        print('%d rounds x %d requests per server; 3/4 DescribeClusterDetail, 1/4 DescribeClustersV1 (%d clusters); '
              '%d cores shared by client and servers; Python %s'
              % (args.rounds, args.requests, args.clusters, os.cpu_count() or 0, sys.version.split()[0]))
        print_table(throughput(url, pid, args.access_key_id, args.access_key_secret, schemes, args.rounds,
                               args.requests, args.concurrency, ids))
        for cid in ids:
            setup.call('DELETE', '/clusters/' + cid, action='DeleteCluster')
    finally:
        if emulator is not None:
            emulator.stop()
        tmp.cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
