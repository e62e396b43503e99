#!/usr/bin/env python3
"""`make bench`: one table of what users feel, each figure beside its reference measured in the same run.

Not a timed test: it prints numbers (and fails only when a run it needs fails). Rows:

* API calls of an unchanged task, per module (from /__emulator/stats), beside the fewest that module could make;
* wall time of N looped `_info` tasks beside N looped `ansible.builtin.uri` tasks against the same emulator;
* how long after the state change each kind of wait returns, beside wait_sleep; tasks whose wait_timeout runs out,
  beside wait_timeout;
* emulator signed requests per second (official SDK, keep-alive) beside a trivial loopback server (benchmark.py);
* the inventory plugin over 100 clusters x 20 nodes beside the fewest calls (bench_inventory.py);
* the long form of the fault suite (tests/integration/test_reliability.py, more seeds) beside the same life cycles
  without faults;
* a fleet of 100 clusters (fleet.yml with --forks 1, 10, 25; throttled; the fleet report), the emulator with 1,000
  clusters, and the controller's cost per task (bench_fleet.py).

Run from the laid-out collection with the collection on ANSIBLE_COLLECTIONS_PATH (`make bench` does):

    python benchmarks/bench_modules.py
    python benchmarks/bench_modules.py --skip inventory,faults --loop 10
    python benchmarks/bench_modules.py --skip faults,fleet --scale 200x20      # the long parts left out or smaller
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / 'emulator')]  # bench_inventory; ack_emulator and its benchmark.py

import bench_fleet  # noqa: E402
import bench_inventory  # noqa: E402
import benchmark  # noqa: E402
from ack_emulator.testing import EmulatorProcess  # noqa: E402

MARK = 'ACK-BENCH-JSON:'
V126, V128 = '1.26.15-aliyun.1', '1.28.9-aliyun.1'
FAULT_SEEDS = '11,22,33,44,55,66,77,88'

# The fewest calls an unchanged task can make: the reads of each kind of state the task compares, where the API
# has no cheaper way to tell (by name: a list filtered by name; by id: one read).
MINIMUM = [
    ('ack_cluster', 'by name', 2, 'list by name (the id) + detail (parameters compared)'),
    ('ack_cluster', 'by id', 1, 'DescribeClusterDetail'),
    ('ack_nodes', 'count', 3, 'cluster detail (type, state) + node list + node pools (the default one counts)'),
    ('ack_nodepool', 'by name', 1, "the cluster's pools filtered by name (DescribeClusterNodePools)"),
    ('ack_nodepool', 'by id', 1, 'DescribeClusterNodePoolDetail'),
    ('ack_addon', 'one add-on', 3, 'cluster + installed versions + add-on states'),
    ('ack_upgrade', 'at the version', 2, 'cluster detail + upgrade status'),
    ('ack_template', 'by name and type', 1, 'DescribeTemplates of that type'),
    ('ack_kubeconfig', 'by id', 2, 'cluster detail (context name) + kubeconfig'),
    ('ack_cluster_info', 'by id', 1, 'DescribeClusterDetail'),
    ('ack_nodes_info', 'by id', 1, 'DescribeClusterNodes (a page of 100)'),
    ('ack_nodepool_info', 'by id', 1, 'DescribeClusterNodePools'),
    ('ack_addon_info', 'by id', 2, 'installed versions + add-on states'),
    ('ack_template_info', 'by name and type', 1, 'DescribeTemplates of that type'),
    ('ack_upgrade_info', 'by id', 3, 'cluster detail + upgradable versions + upgrade status'),
]
MANIFEST = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'bench'}, 'data': {'key': 'value'}}


def cluster_args(name, vpc, version):
    return dict(name=name, cluster_type='ManagedKubernetes', cluster_spec='ack.pro.small', kubernetes_version=version,
                vpc_id=vpc, vswitch_ids=['vsw-bench0001'], container_cidr='172.20.0.0/16',
                service_cidr='172.21.0.0/20', num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'],
                worker_system_disk_category='cloud_essd', worker_system_disk_size=120, key_pair='bench',
                snat_entry=True)


def task(name, module, args, register=None, **keys):
    out = {'name': name, module: args}
    if register:
        out['register'] = register
    out.update(keys)
    return out


def stamp(key):
    return task('Stamp %s' % key, 'ansible.builtin.set_fact',
                {'t': "{{ t | default({}) | combine({'%s': now().timestamp()}) }}" % key})


def playbook(url, loop, wait_sleep, kube_path):
    """The module figures as one play: changes (waits timed), unchanged tasks (calls counted), loops, timeouts."""
    a = cluster_args('bench-a', 'vpc-bench0001', V128)
    cid = '{{ created.cluster.cluster_id }}'
    ack = 'alicloud.ack.'
    stats = task('Read the call counts', 'ansible.builtin.uri', {'url': url + '/__emulator/stats'})
    tasks = [stamp('start'),
             task('Create', ack + 'ack_cluster', a, 'created'), stamp('create'),
             task('Scale out', ack + 'ack_nodes', dict(cluster_id=cid, count=2, worker_instance_types=[
                 'ecs.g7.xlarge'], key_pair='bench'), 'scaled'), stamp('scale'),
             task('Install an add-on', ack + 'ack_addon', dict(cluster_id=cid, addons=[{'name': 'logtail-ds'}]),
                  'addon'), stamp('addon'),
             task('Upgrade one hop', ack + 'ack_upgrade', dict(cluster_id=cid, version='next'), 'upgraded'),
             stamp('upgrade'),
             task('Template', ack + 'ack_template', dict(name='bench', template_type='kubernetes',
                                                         template=MANIFEST)),
             task('Kubeconfig', ack + 'ack_kubeconfig', dict(cluster_id=cid, path=kube_path)),
             task('Node pool', ack + 'ack_nodepool', dict(cluster_id=cid, name='bench', desired_size=1,
                                                          worker_instance_types=['ecs.g7.xlarge'],
                                                          vswitch_ids=['vsw-bench0001'], key_pair='bench'), 'pool')]
    unchanged = {
        ('ack_cluster', 'by name'): dict((k, v) for k, v in a.items() if k != 'kubernetes_version'),  # upgraded
        ('ack_cluster', 'by id'): dict(cluster_id=cid, deletion_protection=False),
        ('ack_nodes', 'count'): dict(cluster_id=cid, count=2),
        ('ack_nodepool', 'by name'): dict(cluster_id=cid, name='bench', desired_size=1),
        ('ack_nodepool', 'by id'): dict(cluster_id=cid, nodepool_id='{{ pool.nodepool_id }}', desired_size=1),
        ('ack_addon', 'one add-on'): dict(cluster_id=cid, addons=[{'name': 'logtail-ds'}]),
        ('ack_upgrade', 'at the version'): dict(cluster_id=cid, version='{{ upgraded.cluster.current_version }}'),
        ('ack_template', 'by name and type'): dict(name='bench', template_type='kubernetes', template=MANIFEST),
        ('ack_kubeconfig', 'by id'): dict(cluster_id=cid, path=kube_path),
        ('ack_cluster_info', 'by id'): dict(cluster_id=cid),
        ('ack_nodes_info', 'by id'): dict(cluster_id=cid),
        ('ack_nodepool_info', 'by id'): dict(cluster_id=cid),
        ('ack_addon_info', 'by id'): dict(cluster_id=cid),
        ('ack_template_info', 'by name and type'): dict(name='bench', template_type='kubernetes'),
        ('ack_upgrade_info', 'by id'): dict(cluster_id=cid),
    }
    assert list(unchanged) == [m[:2] for m in MINIMUM]
    tasks.append(dict(stats, register='calls_0'))
    for i, (module, how) in enumerate(unchanged, 1):
        tasks += [task('Unchanged %s %s' % (module, how), ack + module, unchanged[module, how], 'same_%d' % i),
                  dict(stats, register='calls_%d' % i)]
    tasks += [stamp('loop_info'),
              task('Info x%d' % loop, ack + 'ack_cluster_info', dict(cluster_id=cid), loop=list(range(loop))),
              stamp('loop_uri'),
              task('uri x%d' % loop, 'ansible.builtin.uri', {'url': url + '/__emulator/health'},
                   loop=list(range(loop))),
              stamp('loop_end'),
              task('Delete', ack + 'ack_cluster', dict(cluster_id=cid, state='absent'), 'deleted'), stamp('delete'),
              # wait_timeout bounds a whole task: a two-hop upgrade (hops of about 4.5 s here) and a create (2.4 s)
              task('A cluster two hops behind', ack + 'ack_cluster', cluster_args('bench-b', 'vpc-bench0002', V126),
                   'behind'), stamp('hops_start'),
              task('Two hops in 6 s', ack + 'ack_upgrade', dict(cluster_id='{{ behind.cluster.cluster_id }}',
                                                                 version='1.30.1-aliyun.1', wait_timeout=6),
                   'hops', ignore_errors=True), stamp('hops_end'),
              task('Create in 1 s', ack + 'ack_cluster', dict(cluster_args('bench-c', 'vpc-bench0003', V128),
                                                              wait_timeout=1), 'slow', ignore_errors=True),
              stamp('slow_end')]
    shown = ['created', 'scaled', 'addon', 'upgraded', 'deleted', 'hops', 'slow', 't']
    shown += ['calls_%d' % i for i in range(len(unchanged) + 1)] + ['same_%d' % i for i in range(1, len(unchanged) + 1)]
    tasks.append(task('Results', 'ansible.builtin.debug', {
        'msg': '%s{{ {%s} | to_json }}' % (MARK, ', '.join("'%s': %s" % (n, n) for n in shown))}))
    waits = dict(wait_sleep=wait_sleep, wait_timeout=600)
    play = {'name': 'Module figures', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
            'module_defaults': dict((ack + m, waits) for m in ('ack_cluster', 'ack_nodes', 'ack_nodepool',
                                                                 'ack_addon', 'ack_upgrade')),
            'tasks': tasks}
    return [play]


class TaskEnds(threading.Thread):
    """Reads the emulator's task documents every `every` seconds and keeps each task's end time (the last entry of
    its timeline, known as soon as the task starts), before settling consumes it."""

    def __init__(self, emulator, every=0.05):
        super().__init__(daemon=True)
        self.emulator, self.every, self.ends, self.stopped = emulator, every, {}, threading.Event()

    def run(self):
        while not self.stopped.wait(self.every):
            try:
                docs = self.emulator.admin('GET', '/docs/task')['docs']
            except Exception:  # pylint: disable=broad-except  # the emulator is stopping
                continue
            for doc in docs:
                if doc.get('_timeline') and doc['task_id'] not in self.ends:
                    self.ends[doc['task_id']] = max(at for at, _ in doc['_timeline'])


def run_playbook(plays, work, env):
    path = work / 'bench.yml'
    path.write_text(json.dumps(plays, indent=1))
    result = subprocess.run([str(Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(path)],
                            env=env, cwd=str(work), capture_output=True, text=True, timeout=1800, check=False)
    out = result.stdout
    if result.returncode != 0 or MARK not in out:
        raise SystemExit('the module figures playbook failed:\n%s%s' % (out[-5000:], result.stderr[-2000:]))
    line = out[out.index(MARK) + len(MARK):].split('\n', 1)[0].rstrip().rstrip('"')
    return json.loads(json.loads('"%s"' % line))


def module_rows(loop, wait_sleep, time_scale):
    rows = []
    with tempfile.TemporaryDirectory(prefix='ack-bench-modules-') as tmp, \
            EmulatorProcess(time_scale=time_scale) as emulator:
        work = Path(tmp)
        env = dict(os.environ, ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
                   ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id, HOME=tmp, ANSIBLE_NOCOLOR='1',
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret, ANSIBLE_LOCALHOST_WARNING='false')
        plays = playbook(emulator.url, loop, wait_sleep, str(work / 'kube' / 'config'))
        ends = TaskEnds(emulator)
        ends.start()
        try:
            r = run_playbook(plays, work, env)
        finally:
            ends.stopped.set()
        t = dict((k, float(v)) for k, v in r['t'].items())

        for i, (module, how, fewest, what) in enumerate(MINIMUM, 1):
            before, after = r['calls_%d' % (i - 1)]['json']['requests'], r['calls_%d' % i]['json']['requests']
            calls = dict((op, after.get(op, 0) - before.get(op, 0)) for op in after if after.get(op, 0) !=
                         before.get(op, 0))
            changed = ' CHANGED' if r['same_%d' % i].get('changed') else ''
            rows.append(('API calls, unchanged %s (%s)%s' % (module, how, changed), '%d' % sum(calls.values()),
                         'fewest %d: %s' % (fewest, what), ', '.join('%s %d' % kv for kv in sorted(calls.items()))))

        info, uri = t['loop_uri'] - t['loop_info'], t['loop_end'] - t['loop_uri']
        rows.append(('%d looped ack_cluster_info tasks (one loop)' % loop, '%.2f s (%.0f ms each)' % (
            info, 1000 * info / loop), '%d looped ansible.builtin.uri: %.2f s (%.0f ms each)' % (
                loop, uri, 1000 * uri / loop), 'ratio %.2f' % (info / uri)))

        for key, registered, label in (('create', 'created', 'ack_cluster create'),
                                       ('scale', 'scaled', 'ack_nodes scale-out'),
                                       ('addon', 'addon', 'ack_addon install'),
                                       ('upgrade', 'upgraded', 'ack_upgrade one hop'),
                                       ('delete', 'deleted', 'ack_cluster delete')):
            done = [ends.ends[i] for i in r[registered].get('task_ids') or [] if i in ends.ends]
            rows.append(('wait: %s, returned after the change' % label,
                         '%.2f s' % (t[key] - max(done)) if done else 'no task end seen',
                         'wait_sleep %g s' % wait_sleep, 'to the task end the playbook sees'))
        for key, start, label, limit in (('hops', 'hops_start', 'ack_upgrade two hops (about 9 s)', 6),
                                         ('slow', 'hops_end', 'ack_cluster create (2.4 s)', 1)):
            end = t['hops_end' if key == 'hops' else 'slow_end']
            failed = r[key].get('failed') and 'timed out' in r[key].get('msg', '')
            rows.append(('wait_timeout: %s' % label, '%.2f s, %s' % (end - t[start], 'timed out' if failed else
                                                                      'DID NOT TIME OUT'),
                         'wait_timeout %d s' % limit, 'task wall time, module start included'))
    return rows


def throughput_rows(rounds, requests):
    """benchmark.py's emulator and trivial-server figures (v3 signatures, keep-alive SDK clients), with 1 and with
    8 concurrent clients (processes)."""
    with tempfile.TemporaryDirectory(prefix='ack-bench-') as tmp:
        emulator = EmulatorProcess(state_file=os.path.join(tmp, 'state.db'), time_scale=0.0)
        emulator.start()
        try:
            ids = emulator.seed_clusters(dict(benchmark.BODY, name='bench-%d' % i, vpcid='vpc-bench%04d' % i)
                                         for i in range(5))
            rows = benchmark.throughput(emulator.url, emulator.proc.pid, emulator.access_key_id,
                                        emulator.access_key_secret, ['v3'], rounds, requests, [1, 8], ids)
        finally:
            emulator.stop()
    got = dict((row[0], row) for row in rows)
    emu, emu8 = got['emulator, ACS3-HMAC-SHA256'], got['emulator, ACS3-HMAC-SHA256, 8 clients']
    ref, ref8 = got['trivial: stdlib http.server'], got['trivial: stdlib http.server, 8 clients']
    ratio, scale = got['ratio emulator / stdlib'], got['ratio emulator 8 clients / 1']
    return [('emulator signed req/s, 1 client (SDK, keep-alive, v3; median of %d rounds)' % rounds, '%.0f' % emu[1],
             'trivial loopback server: %.0f' % ref[1], 'ratio %.2f (%.2f-%.2f), goal 0.8; p50 %.2f ms vs %.2f ms' % (
                 ratio[1], ratio[2], ratio[3], emu[4], ref[4])),
            ('emulator signed req/s, 8 concurrent clients (processes)', '%.0f' % emu8[1], '1 client: %.0f' % emu[1],
             'ratio %.2f (%.2f-%.2f), goal 1; trivial server with 8 clients: %.0f' % (
                 scale[1], scale[2], scale[3], ref8[1]))]


def inventory_rows(clusters, nodes, latency, repeat):
    """bench_inventory.py's runs: cold (1 and 8 workers) and cached, beside the fewest calls."""
    rows = []
    work = tempfile.mkdtemp(prefix='ack-bench-inventory-')
    with EmulatorProcess(time_scale=0) as emulator:
        emulator.admin('config', {'quotas': {'amk_cluster_quota': clusters, 'node_quota': nodes + 10}})
        emulator.seed_clusters(bench_inventory.body(i, nodes) for i in range(clusters))
        emulator.faults(latency_ms=latency)
        env = dict(os.environ, ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
                   ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id, HOME=work,
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret, ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
        pages = bench_inventory.PAGE_SIZE
        fewest = math.ceil(clusters / pages) + clusters * (math.ceil(nodes / pages) + 1)  # + the node pool names
        empty = bench_inventory.run(emulator, env, ['-i', 'localhost,', '--list'], repeat)[0]
        config = os.path.join(work, 'bench.ack.yml')
        cached = ('cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 3600\n'
                  % os.path.join(work, 'cache'))
        for label, extra, flags in (('cold, max_workers 1', 'max_workers: 1\n', []), ('cold, max_workers 8', '', []),
                                    ('cache filled', cached, ['--flush-cache']), ('cached', cached, [])):
            with open(config, 'w') as f:
                f.write('plugin: alicloud.ack.ack\n' + extra)
            seconds, made, hosts = bench_inventory.run(emulator, env, ['-i', config, '--list'] + flags, repeat)
            rows.append(('inventory %d x %d nodes (%g ms/call), %s' % (clusters, nodes, latency, label),
                         '%.2f s, %d calls, %d hosts' % (seconds, made, hosts),
                         'fewest calls %d; empty inventory %.2f s' % (fewest, empty),
                         'best of %d' % repeat))
    return rows


def fault_rows(seeds, parallel):
    """The long form of the fault suite (pytest), then the same life cycles once without faults."""
    tests = ROOT / 'tests' / 'integration'
    report = Path(tempfile.mkdtemp(prefix='ack-bench-faults-')) / 'faults.json'
    env = dict(os.environ, ACK_FAULT_SEEDS=seeds, ACK_FAULT_REPORT=str(report), ACK_FAULT_PARALLEL=str(parallel))
    start = time.monotonic()
    result = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                             str(tests / 'test_reliability.py')], cwd=str(ROOT), env=env, capture_output=True,
                            text=True, check=False)
    wall = time.monotonic() - start
    summary = json.loads(report.read_text()) if report.exists() else {}
    sys.path[:0] = [str(tests)]
    import test_reliability  # pylint: disable=import-outside-toplevel
    test_reliability.FAULTS = {}  # the same life cycles, two at a time as above, without faults
    with tempfile.TemporaryDirectory(prefix='ack-bench-clean-') as tmp:
        clean = test_reliability.run_seeds([1, 2], Path(tmp), parallel)
    clean_ok = all(not isinstance(run, Exception) and run[0].returncode == 0 and
                   not test_reliability.end_state_problems(seed, run[3]) for seed, run in clean.items())
    clean_seconds = statistics.median(run[1] for run in clean.values() if not isinstance(run, Exception))
    ok = [s for s, v in summary.items() if v['rc'] == 0 and not v.get('problems')]
    injected = [sum(v['injected'].values()) for v in summary.values()]
    lost = sum(n for v in summary.values() for k, n in v['injected'].items() if k.startswith('drop_after_apply'))
    seconds = [v['seconds'] for v in summary.values()]
    rows = [('life cycles of all 6 state modules under faults: %d seeds, %d at a time' % (
        len(seeds.split(',')), parallel), '%d/%d converged, no duplicate; %s s a seed (median)' % (
            len(ok), len(seeds.split(',')), '%.0f' % statistics.median(seconds) if seconds else '-'),
        'without faults: %.0f s a seed, %s' % (clean_seconds, 'converged' if clean_ok else 'FAILED'),
        'faults a seed %s (median), %d write answers lost in all; pytest %s in %.0f s' % (
            '%.0f' % statistics.median(injected) if injected else '-', lost,
            'passed' if result.returncode == 0 else 'FAILED', wall))]
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-6000:])
    return rows, result.returncode == 0


def print_table(rows):
    """A Markdown table (pastes into README.md as it is)."""
    head = ('What', 'Figure', 'Reference (same run)', 'Notes')
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(4)]
    print('| ' + ' | '.join(h.ljust(w) for h, w in zip(head, widths)) + ' |')
    print('| ' + ' | '.join('-' * w for w in widths) + ' |')
    for row in rows:
        print('| ' + ' | '.join(str(c).ljust(w) for c, w in zip(row, widths)) + ' |')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--skip', default='', help='comma separated: modules, throughput, inventory, faults, fleet, '
                   'scale, cost')
    p.add_argument('--loop', type=int, default=20, help='looped tasks (default 20)')
    p.add_argument('--wait-sleep', type=float, default=1.0, help='wait_sleep of the timed waits (default 1)')
    p.add_argument('--time-scale', type=float, default=0.005, help='emulator time scale (default 0.005)')
    p.add_argument('--rounds', type=int, default=3, help='throughput rounds (default 3)')
    p.add_argument('--requests', type=int, default=1000, help='throughput requests per server per round')
    p.add_argument('--inventory', default='100x20', help='clusters x nodes (default 100x20)')
    p.add_argument('--latency-ms', type=float, default=30, help='inventory API latency (default 30)')
    p.add_argument('--repeat', type=int, default=2, help='inventory runs per row, best shown (default 2)')
    p.add_argument('--fault-seeds', default=FAULT_SEEDS, help='fault suite seeds (default %s)' % FAULT_SEEDS)
    p.add_argument('--fault-parallel', type=int, default=2, help='fault seeds at a time (default 2)')
    p.add_argument('--fleet', type=int, default=100, help='clusters of the fleet rows (default 100)')
    p.add_argument('--fleet-forks', default='1,10,25', help='--forks of the fleet rows (default 1,10,25)')
    p.add_argument('--scale', default='1000x20', help='clusters x nodes of the emulator scale rows (default 1000x20)')
    args = p.parse_args()
    skip = set(s for s in args.skip.split(',') if s)
    rows, ok = [], True
    started = time.monotonic()
    if 'modules' not in skip:
        rows += module_rows(args.loop, args.wait_sleep, args.time_scale)
    if 'throughput' not in skip:
        rows += throughput_rows(args.rounds, args.requests)
    if 'inventory' not in skip:
        clusters, nodes = (int(n) for n in args.inventory.split('x'))
        rows += inventory_rows(clusters, nodes, args.latency_ms, args.repeat)
    if 'faults' not in skip:
        fault, ok = fault_rows(args.fault_seeds, args.fault_parallel)
        rows += fault
    if 'fleet' not in skip:
        rows += bench_fleet.fleet_rows(args.fleet, sorted(int(f) for f in args.fleet_forks.split(',')))
    if 'scale' not in skip:
        rows += bench_fleet.emulator_rows(*(int(n) for n in args.scale.split('x')))
    if 'cost' not in skip:
        rows += bench_fleet.cost_rows()
    print('alicloud.ack benchmark: %d cores, Python %s, emulator time scale %g, %.0f s in all' % (
        os.cpu_count() or 0, sys.version.split()[0], args.time_scale, time.monotonic() - started))
    print_table(rows)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
