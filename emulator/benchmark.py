#!/usr/bin/env python3
"""Benchmark of the ACK emulator: signed requests per second and latency percentiles on this machine.

Not a timed test: it prints numbers. By default it starts its own emulator (``python -m ack_emulator --port 0
--time-scale 0``, in-memory state), creates a few clusters, then sends a bounded number of signed requests from
several threads with the emulator package's own signing client (a new TCP connection per request, as the
werkzeug server closes each one).

    python emulator/benchmark.py                       # 2000 requests, 4 threads, v1 and v3 signatures
    python emulator/benchmark.py --requests 5000 --concurrency 8 --scheme v3
    python emulator/benchmark.py --url http://127.0.0.1:8470   # an emulator already running (demo key pair)
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from ack_emulator.auth import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET  # noqa: E402
from ack_emulator.client import SignedClient  # noqa: E402

BODY = {
    'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou', 'vswitch_ids': ['vsw-bench0001'],
    'num_of_nodes': 3, 'worker_instance_types': ['ecs.g7.xlarge'], 'worker_system_disk_category': 'cloud_essd',
    'worker_system_disk_size': 120, 'key_pair': 'bench', 'snat_entry': True,
}


def start_emulator():
    env = dict(os.environ, PYTHONPATH=HERE + os.pathsep + os.environ.get('PYTHONPATH', ''), PYTHONUNBUFFERED='1')
    proc = subprocess.Popen([sys.executable, '-m', 'ack_emulator', '--host', '127.0.0.1', '--port', '0',
                             '--time-scale', '0'], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    line = proc.stdout.readline()
    if not line.startswith('ack-emulator listening on '):
        proc.kill()
        raise SystemExit('the emulator did not start: %r' % line)
    return proc, line.split()[3]


def percentile(sorted_values, p):
    if not sorted_values:
        return float('nan')
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def run(url, key_id, secret, scheme, total, concurrency, cluster_ids):
    latencies = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        client = SignedClient(url, key_id, secret, scheme=scheme)
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            if i % 4 == 3:
                args = ('GET', '/api/v1/clusters', {'page_size': 10}, None, 'DescribeClustersV1')
            else:
                args = ('GET', '/clusters/' + cluster_ids[i % len(cluster_ids)], None, None, 'DescribeClusterDetail')
            t0 = time.perf_counter()
            try:
                answer = client.call(*args)
                ok = answer.status == 200
            except OSError as e:
                ok, answer = False, e
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    errors.append(answer)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    lat = sorted(x * 1000.0 for x in latencies)
    return {
        'scheme': scheme, 'requests': len(lat), 'errors': len(errors), 'seconds': elapsed,
        'rps': len(lat) / elapsed if elapsed else float('nan'),
        'p50': percentile(lat, 50), 'p90': percentile(lat, 90), 'p99': percentile(lat, 99),
        'max': lat[-1] if lat else float('nan'), 'mean': statistics.fmean(lat) if lat else float('nan'),
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--url', help='an emulator already running (default: start one)')
    p.add_argument('--access-key-id', default=DEFAULT_ACCESS_KEY_ID)
    p.add_argument('--access-key-secret', default=DEFAULT_ACCESS_KEY_SECRET)
    p.add_argument('--requests', type=int, default=2000, help='signed requests per scheme (default 2000)')
    p.add_argument('--concurrency', type=int, default=4, help='client threads (default 4)')
    p.add_argument('--scheme', choices=('v1', 'v3', 'both'), default='both')
    p.add_argument('--clusters', type=int, default=5, help='clusters created first (default 5)')
    args = p.parse_args(argv)
    if args.requests < 1 or args.requests > 200000 or args.concurrency < 1 or args.concurrency > 64:
        p.error('--requests must be 1..200000 and --concurrency 1..64')

    proc = None
    url = args.url
    if not url:
        proc, url = start_emulator()
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
        schemes = ['v1', 'v3'] if args.scheme == 'both' else [args.scheme]
        print('ACK emulator benchmark: %s, %d requests per scheme, %d threads, %d cores, Python %s'
              % (url, args.requests, args.concurrency, os.cpu_count() or 0, sys.version.split()[0]))
        print('mix: 3/4 DescribeClusterDetail, 1/4 DescribeClustersV1 (page of 10); one TCP connection per request')
        print('%-6s %8s %7s %9s %9s %9s %9s %9s' % ('scheme', 'requests', 'errors', 'req/s', 'p50 ms', 'p90 ms',
                                                    'p99 ms', 'max ms'))
        for scheme in schemes:
            r = run(url, args.access_key_id, args.access_key_secret, scheme, args.requests, args.concurrency, ids)
            print('%-6s %8d %7d %9.1f %9.2f %9.2f %9.2f %9.2f' % (r['scheme'], r['requests'], r['errors'], r['rps'],
                                                                 r['p50'], r['p90'], r['p99'], r['max']))
        for cid in ids:
            setup.call('DELETE', '/clusters/' + cid, action='DeleteCluster')
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    return 0


if __name__ == '__main__':
    sys.exit(main())
