#!/usr/bin/env python3
"""Benchmark of the alicloud.ack.ack inventory plugin: `ansible-inventory --list` over 100 clusters x 20 nodes.

Not a timed test: it prints wall time and API calls (from the emulator's /__emulator/stats), cold (with 1 worker
and with the default 8) and cached, next to the fewest calls possible (cluster list pages + node list pages) and
the start-up time of ansible-inventory with an empty inventory. The emulator answers each call after
--latency-ms (its latency fault), as a remote API would. Needs the collection on ANSIBLE_COLLECTIONS_PATH
(`make bench` lays it out).

Each run is repeated (--repeat) and its shortest wall time shown, as other work on the machine adds noise.

    python benchmarks/bench_inventory.py                        # 100 clusters x 20 nodes, 30 ms per call
    python benchmarks/bench_inventory.py --clusters 50 --nodes 250 --latency-ms 0 --repeat 1
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'emulator'))  # ack_emulator

from ack_emulator.testing import EmulatorProcess  # noqa: E402

PAGE_SIZE = 100  # what the plugin asks for, the largest page ACK gives


def body(i, nodes):
    return {
        'name': 'bench-%03d' % i, 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
        'vpcid': 'vpc-bench%04d' % i, 'vswitch_ids': ['vsw-bench%04d' % i], 'container_cidr': '172.20.0.0/16',
        'service_cidr': '172.21.0.0/20', 'num_of_nodes': nodes, 'worker_instance_types': ['ecs.g7.xlarge'],
        'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'bench',
        'snat_entry': True, 'tags': [{'key': 'team', 'value': 'team%d' % (i % 5)}],
    }


def tool(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else shutil.which(name)


def run(emulator, env, args, repeat):
    """(shortest seconds, API calls per run, hosts) of `repeat` ansible-inventory runs."""
    times = []
    for _ in range(repeat):
        before = sum(emulator.stats().values())
        start = time.perf_counter()
        result = subprocess.run([tool('ansible-inventory')] + args, env=env, capture_output=True, text=True,
                                check=False)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit('ansible-inventory failed:\n%s' % result.stderr)
        made = sum(emulator.stats().values()) - before
    hosts = len(json.loads(result.stdout).get('_meta', {}).get('hostvars', {}))
    return min(times), made, hosts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--clusters', type=int, default=100)
    parser.add_argument('--nodes', type=int, default=20)
    parser.add_argument('--latency-ms', type=float, default=30)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='ack-bench-inventory-')
    try:
        with EmulatorProcess(time_scale=0) as emulator:
            emulator.admin('config', {'quotas': {'amk_cluster_quota': args.clusters, 'node_quota': args.nodes + 10}})
            start = time.perf_counter()
            emulator.seed_clusters(body(i, args.nodes) for i in range(args.clusters))
            seconds = time.perf_counter() - start
            print('created %d clusters x %d nodes in %.1f s' % (args.clusters, args.nodes, seconds))
            emulator.faults(latency_ms=args.latency_ms)
            env = dict(os.environ, ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
                       ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id,
                       ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret, HOME=work,
                       ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
            config = os.path.join(work, 'bench.ack.yml')
            cached = ('cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n'
                      'cache_timeout: 3600\n' % os.path.join(work, 'cache'))
            # the cluster list pages, each cluster's node list pages and its node pool list (the pools' names)
            minimum = math.ceil(args.clusters / PAGE_SIZE) + args.clusters * (math.ceil(args.nodes / PAGE_SIZE) + 1)
            empty = run(emulator, env, ['-i', 'localhost,', '--list'], args.repeat)[0]
            print('ansible-inventory start-up with an empty inventory: %.2f s; API latency %g ms per call'
                  % (empty, args.latency_ms))
            print('%-34s %8s %9s %7s' % ('run', 'wall s', 'API calls', 'hosts'))
            rows = [('cold, max_workers: 1', 'max_workers: 1\n', []),
                    ('cold, max_workers: 8 (default)', '', []),
                    ('cold, cache filled (--flush-cache)', cached, ['--flush-cache']),
                    ('cached (within cache_timeout)', cached, [])]
            for label, extra, flags in rows:
                with open(config, 'w') as f:
                    f.write('plugin: alicloud.ack.ack\n' + extra)
                seconds, made, hosts = run(emulator, env, ['-i', config, '--list'] + flags, args.repeat)
                print('%-34s %8.2f %9d %7d' % (label, seconds, made, hosts))
            print('fewest calls possible: %d (cluster list pages %d + node list pages and node pool lists %d)'
                  % (minimum, math.ceil(args.clusters / PAGE_SIZE), minimum - math.ceil(args.clusters / PAGE_SIZE)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
