#!/usr/bin/env python3
"""Fleet benchmark: playbooks/fleet.yml over a generated inventory of many clusters against one emulator, the fleet
report in one task, the emulator holding 1,000 clusters, and the controller's cost per task.

Not a timed test: it prints rows (What, Figure, Reference measured in the same run, Notes) that
benchmarks/bench_modules.py adds to `make bench`'s table. Rows:

* the fleet (one inventory host per cluster, connection local) converged from nothing, rerun unchanged, and
  upgraded one hop, with each --forks given: wall time, API calls, the emulator's requests/s (mean, and the
  busiest second) and the p99 latency of a probe request sent every 100 ms during the run; beside the same
  playbook with one cluster, times the clusters, divided by forks; the rerun beside the fewest calls;
* the unchanged rerun while the emulator throttles 30% of requests (default retry settings), beside without;
* the fleet report (playbooks/fleet_report.yml: ack_cluster_info gather upgrade and node_health) beside the
  host-per-cluster rerun;
* the emulator with 1,000 clusters of 20 nodes (seeded with EmulatorProcess.seed_clusters) beside 10: a
  DescribeClustersV1 page, a DescribeClusterNodes page, a restart from the state file, its memory (RSS), and the
  inventory plugin over all of it;
* a module's AnsiballZ payload and a task's CPU time (controller and module process), beside
  ansible.builtin.uri.

Run from the laid-out collection with the collection on ANSIBLE_COLLECTIONS_PATH (`make bench` does):

    python benchmarks/bench_fleet.py                                   # 100 clusters, forks 1,10,25: long
    python benchmarks/bench_fleet.py --clusters 20 --forks 5,25 --skip scale,cost
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / 'emulator'), str(ROOT / 'tests' / 'integration')]

import bench_inventory  # noqa: E402
from benchmark import percentile  # noqa: E402
from ack_emulator.client import SignedClient  # noqa: E402
from ack_emulator.testing import EmulatorProcess  # noqa: E402
from test_fleet import FLEET, REPORT, RERUN_CALLS, fleet_inventory, recap  # noqa: E402

TO_VERSION = '1.31.1-aliyun.1'  # the inventory's clusters run 1.30.1-aliyun.1: one hop
PROBE = 'DescribeUserQuota'  # the probe's operation: the fleet never calls it, so its calls are told apart
PARTS = ('fleet', 'scale', 'cost')
# Defaults: the fleet's emulator time scale (a cluster is created in about 1 s) and ack_wait_sleep, the fleet
# report's max_workers, the reference emulator's clusters, tasks per play of the cost rows.
TIME_SCALE, WAIT_SLEEP, REPORT_WORKERS, SMALL, TASKS = 0.002, 0.5, 8, 10, 20


def tool(name):
    return str(Path(sys.executable).with_name(name))


def environment(emulator, home):
    return dict(os.environ, ALIBABA_CLOUD_ACK_ENDPOINT=emulator.url, ALIBABA_CLOUD_REGION_ID='cn-hangzhou',
                ALIBABA_CLOUD_ACCESS_KEY_ID=emulator.access_key_id, HOME=str(home), ANSIBLE_NOCOLOR='1',
                ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator.access_key_secret, ANSIBLE_LOCALHOST_WARNING='false')


def process_cpu(pid):
    """User + system CPU seconds of a process, its ended threads included (/proc/<pid>/stat)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rss_mb(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(f.read().split('VmRSS:')[1].split()[0]) / 1024.0


class Probe(threading.Thread):
    """Sends one signed PROBE request every `every` seconds and keeps its latency; samples the emulator's request
    count every second (the busiest second's rate)."""

    def __init__(self, emulator, every=0.1):
        super().__init__(daemon=True)
        self.emulator, self.every, self.stopped = emulator, every, threading.Event()
        self.client = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
        self.latencies, self.counts = [], []

    def run(self):
        next_sample = 0.0
        while not self.stopped.wait(self.every):
            start = time.perf_counter()
            self.client.call('GET', '/quota', action=PROBE)
            self.latencies.append(time.perf_counter() - start)
            if start >= next_sample:
                calls = self.emulator.stats()
                self.counts.append((start, sum(calls.values()) - calls.get(PROBE, 0)))
                next_sample = start + 1.0

    def peak(self):
        """Requests in the busiest second sampled."""
        rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(self.counts, self.counts[1:]) if b[0] > a[0]]
        return max(rates) if rates else 0.0

    def p99_ms(self):
        return 1000 * percentile(sorted(self.latencies), 99)


def without_probe(calls):
    return dict((op, n) for op, n in calls.items() if op != PROBE and n)


def diff(after, before):
    return dict((op, n - before.get(op, 0)) for op, n in after.items() if n != before.get(op, 0))


def run_fleet(emulator, env, work, inventory, forks, *extra):
    """ansible-playbook fleet.yml on the inventory with --forks: a dict of what was measured."""
    path = work / 'inventory.yml'
    path.write_text(yaml.safe_dump(inventory))
    before, injected = emulator.stats(), emulator.admin('stats')['faults_injected']
    cpu, emulator_cpu = children_cpu(), process_cpu(emulator.proc.pid)
    probe = Probe(emulator)
    probe.start()
    start = time.perf_counter()
    try:
        done = subprocess.run([tool('ansible-playbook'), '-i', str(path), str(FLEET), '--forks', str(forks)] +
                              list(extra), env=env, cwd=str(work), capture_output=True, text=True, check=False)
    finally:
        probe.stopped.set()
        probe.join()
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit('fleet.yml failed (forks %d %s):\n%s%s' % (forks, ' '.join(extra), done.stdout[-5000:],
                                                                   done.stderr[-2000:]))
    calls = without_probe(diff(emulator.stats(), before))
    hosts = recap(done.stdout)
    return dict(wall=wall, calls=calls, total=sum(calls.values()), hosts=hosts,
                throttled=sum(n for key, n in diff(emulator.admin('stats')['faults_injected'], injected).items()
                              if not key.endswith(':' + PROBE)),
                changed=sum(1 for h in hosts.values() if h['changed']), failed=sum(h['failed'] for h in hosts.values()),
                controller_cpu=children_cpu() - cpu, emulator_cpu=process_cpu(emulator.proc.pid) - emulator_cpu,
                rate=sum(calls.values()) / wall, peak=probe.peak(), p99=probe.p99_ms())


def fleet_emulator(clusters, time_scale):
    emulator = EmulatorProcess(time_scale=time_scale).start()
    emulator.admin('config', {'quotas': {'amk_cluster_quota': clusters + 10}})
    return emulator


def lifecycle(clusters, forks, time_scale, wait_sleep, work, extra=None):
    """The fleet of `clusters` on a new emulator: converge, rerun, [extra(emulator, env, inventory)], one hop."""
    inventory = fleet_inventory(clusters, wait_sleep=wait_sleep)
    emulator = fleet_emulator(clusters, time_scale)
    try:
        env = environment(emulator, work)
        runs = dict(converge=run_fleet(emulator, env, work, inventory, forks),
                    rerun=run_fleet(emulator, env, work, inventory, forks))
        if extra:
            runs.update(extra(emulator, env, inventory))
        runs['upgrade'] = run_fleet(emulator, env, work, inventory, forks, '-e', 'fleet_upgrade=true',
                                    '-e', 'cluster_kubernetes_version=%s' % TO_VERSION)
    finally:
        emulator.stop()
    return runs


def measured(run):
    return '%.1f s, %d calls, %.0f req/s (busiest second %.0f), probe p99 %.0f ms' % (
        run['wall'], run['total'], run['rate'], run['peak'], run['p99'])


def fleet_rows(clusters, forks_list, time_scale=TIME_SCALE, wait_sleep=WAIT_SLEEP, report_workers=REPORT_WORKERS):
    """The fleet's rows: the one-cluster reference, then each --forks; the throttled rerun and the fleet report
    with the largest forks."""
    rows = []
    fewest = sum(RERUN_CALLS.values())
    work = Path(tempfile.mkdtemp(prefix='ack-bench-fleet-'))
    try:
        one = lifecycle(1, 1, time_scale, wait_sleep, work)
        most = max(forks_list)

        def throttled_and_report(emulator, env, inventory):
            report = run_report(emulator, env, work, report_workers)
            emulator.faults(throttle_rate=0.3, seed=26)
            try:
                return dict(report=report, throttled=run_fleet(emulator, env, work, inventory, most))
            finally:
                emulator.faults()

        for forks in forks_list:
            runs = lifecycle(clusters, forks, time_scale, wait_sleep, work,
                             throttled_and_report if forks == most else None)
            for phase, label in (('converge', 'converge from nothing'), ('rerun', 'unchanged rerun'),
                                 ('upgrade', 'one upgrade hop (fleet_upgrade=true)')):
                run, ref = runs[phase], one[phase]
                note = '%d/%d hosts changed, %d failed; CPU: controller %.0f s, emulator %.1f s' % (
                    run['changed'], clusters, run['failed'], run['controller_cpu'], run['emulator_cpu'])
                if phase == 'rerun':
                    note = 'fewest %d (%d x %d); %s' % (clusters * fewest, clusters, fewest, note)
                rows.append(('fleet of %d, --forks %d: %s' % (clusters, forks, label), measured(run),
                             'one cluster x %d / %d: %.1f s, %d calls' % (
                                 clusters, forks, ref['wall'] * clusters / forks, ref['total'] * clusters), note))
            if forks == most:
                bad, good = runs['throttled'], runs['rerun']
                rows.append(('fleet of %d, --forks %d: unchanged rerun, 30%% of requests throttled' % (clusters, most),
                             '%.1f s, %d calls (%.2fx), %d throttled' % (bad['wall'], bad['total'],
                                                                          bad['total'] / good['total'],
                                                                          bad['throttled']),
                             'not throttled: %.1f s, %d calls' % (good['wall'], good['total']),
                             '%d failed, %d changed; calls - throttled = %d (fewest %d); goal within 1.5x' % (
                                 bad['failed'], bad['changed'], bad['total'] - bad['throttled'], clusters * fewest)))
                report = runs['report']
                rows.append(('fleet report of %d clusters in one task (fleet_report.yml, max_workers %d)' % (
                    clusters, report_workers), '%.1f s, %d calls' % (report['wall'], report['total']),
                    'host-per-cluster rerun, --forks %d: %.1f s, %d calls' % (most, good['wall'], good['total']),
                    'state, version, next version, upgrade, node health; %s' % ', '.join(
                        '%s %d' % kv for kv in sorted(report['calls'].items()))))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def run_report(emulator, env, work, workers):
    before = emulator.stats()
    start = time.perf_counter()
    done = subprocess.run([tool('ansible-playbook'), '-i', 'localhost,', str(REPORT), '-e',
                           'fleet_report_workers=%d' % workers], env=env, cwd=str(work), capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit('fleet_report.yml failed:\n%s' % done.stdout[-5000:])
    calls = without_probe(diff(emulator.stats(), before))
    return dict(wall=wall, calls=calls, total=sum(calls.values()))


# ---------------------------------------------------------------- the emulator with many clusters


def timed(call, times):
    """Median milliseconds of call(i) for i in times."""
    spent = []
    for i in times:
        start = time.perf_counter()
        answer = call(i)
        spent.append(1000 * (time.perf_counter() - start))
        if answer.status != 200:
            raise SystemExit('emulator answered %r' % answer)
    return statistics.median(spent)


def emulator_figures(clusters, nodes, work):
    """Seeding, page latencies (each page read first, then again), restart, RSS, and the inventory plugin."""
    state = work / ('state-%d.db' % clusters)
    emulator = EmulatorProcess(state_file=str(state), time_scale=0).start()
    try:
        emulator.admin('config', {'quotas': {'amk_cluster_quota': clusters + 10, 'node_quota': nodes + 10}})
        start = time.perf_counter()
        ids = emulator.seed_clusters(bench_inventory.body(i, nodes) for i in range(clusters))
        seeded = time.perf_counter() - start
        client = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
        pages = max(1, min(10, clusters // 100))
        # distinct queries (another page, or another page size over the same clusters) so each is a first read
        queries = [dict(page_number=p + 1, page_size=100) for p in range(pages)] if clusters >= 200 else \
            [dict(page_number=1, page_size=100 - p) for p in range(10)]

        def page(i):
            return client.call('GET', '/api/v1/clusters', query=queries[i % len(queries)],
                               action='DescribeClustersV1')

        def node_page(i):
            return client.call('GET', '/clusters/%s/nodes' % ids[i % len(ids)],
                               query={'pageNumber': 1, 'pageSize': 100}, action='DescribeClusterNodes')

        figures = dict(seeded=seeded, rss=rss_mb(emulator.proc.pid),
                       page=timed(page, range(len(queries))), page_again=timed(page, range(len(queries))),
                       nodes=timed(node_page, range(10)), nodes_again=timed(node_page, range(10)))
        emulator.stop()
        start = time.perf_counter()
        emulator.start()
        figures.update(restart=time.perf_counter() - start, rss_restarted=rss_mb(emulator.proc.pid),
                       state_mb=state.stat().st_size / 1e6, page_restarted=timed(page, [0]))
        env = dict(environment(emulator, work), ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
        config = work / 'bench.ack.yml'
        config.write_text('plugin: alicloud.ack.ack\n')
        figures['inventory'] = bench_inventory.run(emulator, env, ['-i', str(config), '--list'], 1)
    finally:
        emulator.stop()
    return figures


def emulator_rows(big, nodes, small=SMALL):
    work = Path(tempfile.mkdtemp(prefix='ack-bench-emulator-'))
    try:
        b, s = emulator_figures(big, nodes, work), emulator_figures(small, nodes, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    what = 'emulator with %d clusters x %d nodes' % (big, nodes)
    return [
        ('%s: a DescribeClustersV1 page of 100' % what, '%.1f ms first read, %.1f ms again' % (b['page'], b['page_again']),
         '%d clusters: %.1f ms, %.1f ms' % (small, s['page'], s['page_again']),
         'median; seeded in %.0f s (%d clusters: %.1f s)' % (b['seeded'], small, s['seeded'])),
        ('%s: a DescribeClusterNodes page (%d nodes)' % (what, nodes),
         '%.1f ms first read, %.1f ms again' % (b['nodes'], b['nodes_again']),
         '%d clusters: %.1f ms, %.1f ms' % (small, s['nodes'], s['nodes_again']), 'median of 10 clusters'),
        ('%s: restart from the state file' % what,
         '%.2f s to answer, first page %.0f ms' % (b['restart'], b['page_restarted']),
         '%d clusters: %.2f s, %.0f ms' % (small, s['restart'], s['page_restarted']),
         'state file %.0f MB (%.1f MB)' % (b['state_mb'], s['state_mb'])),
        ('%s: memory (RSS)' % what, '%.0f MB seeded, %.0f MB restarted' % (b['rss'], b['rss_restarted']),
         '%d clusters: %.0f MB, %.0f MB' % (small, s['rss'], s['rss_restarted']), ''),
        ('inventory plugin over the %d clusters (max_workers 8, no latency)' % big,
         '%.1f s, %d calls, %d hosts' % b['inventory'],
         '%d clusters: %.1f s, %d calls, %d hosts' % ((small,) + s['inventory']),
         'ansible-inventory --list; fewest %d: %d list pages, a node page and the node pools of each cluster' % (
             -(-big // 100) + 2 * big, -(-big // 100))),
    ]


# ---------------------------------------------------------------- the controller's cost per task


def cost_play(url, tasks, module):
    args = {'alicloud.ack.ack_cluster_info': {}, 'ansible.builtin.uri': {'url': url + '/__emulator/health'}}
    return [{'name': 'cost', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
             'tasks': [{'name': 'task %d' % i, module: args[module]} for i in range(tasks)] or
             [{'name': 'nothing', 'ansible.builtin.meta': 'noop'}]}]


def play_cpu(env, work, plays):
    path = work / 'cost.yml'
    path.write_text(json.dumps(plays))
    cpu = children_cpu()
    done = subprocess.run([tool('ansible-playbook'), '-i', 'localhost,', str(path)], env=env, cwd=str(work),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit('cost playbook failed:\n%s' % done.stdout[-3000:])
    return children_cpu() - cpu


def module_process(env, work, module):
    """(AnsiballZ payload bytes, median CPU seconds of the module process run alone 5 times)."""
    home = work / ('keep-' + module.rsplit('.', 1)[1])
    keep = dict(env, HOME=str(home), ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_PIPELINING='0',
                ANSIBLE_REMOTE_TMP=str(home / 'remote'))
    play_cpu(keep, work, cost_play(env['ALIBABA_CLOUD_ACK_ENDPOINT'], 1, module))
    payload = next(home.glob('remote/*/AnsiballZ_%s.py' % module.rsplit('.', 1)[1]))
    spent = []
    for _ in range(5):
        cpu = children_cpu()
        subprocess.run([sys.executable, str(payload)], env=keep, capture_output=True, check=True)
        spent.append(children_cpu() - cpu)
    return payload.stat().st_size, statistics.median(spent)


def cost_rows(tasks=TASKS):
    work = Path(tempfile.mkdtemp(prefix='ack-bench-cost-'))
    try:
        with EmulatorProcess(time_scale=0) as emulator:
            env = environment(emulator, work)
            base = min(play_cpu(env, work, cost_play(emulator.url, 0, None)) for _ in range(2))
            figures = {}
            for module in ('alicloud.ack.ack_cluster_info', 'ansible.builtin.uri'):
                cpu = min(play_cpu(env, work, cost_play(emulator.url, tasks, module)) for _ in range(2))
                figures[module] = ((cpu - base) / tasks,) + module_process(env, work, module)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ours, uri = figures['alicloud.ack.ack_cluster_info'], figures['ansible.builtin.uri']
    return [('controller cost of an ack_cluster_info task: CPU (all processes)',
             '%.0f ms, module process %.0f ms' % (1000 * ours[0], 1000 * ours[2]),
             'ansible.builtin.uri: %.0f ms, module process %.0f ms' % (1000 * uri[0], 1000 * uri[2]),
             '%d tasks, best of 2, less an empty play (%.1f s)' % (tasks, base)),
            ('AnsiballZ payload of ack_cluster_info', '%.0f KB' % (ours[1] / 1024.0),
             'ansible.builtin.uri: %.0f KB' % (uri[1] / 1024.0), 'the module file ansible-playbook writes and runs')]


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--skip', default='', help='comma separated: %s' % ', '.join(PARTS))
    p.add_argument('--clusters', type=int, default=100, help='clusters of the fleet (default 100)')
    p.add_argument('--forks', default='1,10,25', help='--forks values (default 1,10,25)')
    p.add_argument('--time-scale', type=float, default=TIME_SCALE, help='emulator time scale of the fleet')
    p.add_argument('--wait-sleep', type=float, default=WAIT_SLEEP, help="the fleet's ack_wait_sleep")
    p.add_argument('--report-workers', type=int, default=REPORT_WORKERS, help="the fleet report's max_workers")
    p.add_argument('--scale', default='1000x20', help='clusters x nodes of the big emulator (default 1000x20)')
    p.add_argument('--small', type=int, default=SMALL, help='clusters of the reference emulator')
    p.add_argument('--tasks', type=int, default=TASKS, help='tasks per play of the cost rows')
    args = p.parse_args()
    skip = set(s for s in args.skip.split(',') if s)
    rows = []
    started = time.monotonic()
    if 'fleet' not in skip:
        rows += fleet_rows(args.clusters, sorted(int(f) for f in args.forks.split(',')), args.time_scale,
                           args.wait_sleep, args.report_workers)
    if 'scale' not in skip:
        big, nodes = (int(n) for n in args.scale.split('x'))
        rows += emulator_rows(big, nodes, args.small)
    if 'cost' not in skip:
        rows += cost_rows(args.tasks)
    import bench_modules  # pylint: disable=import-outside-toplevel
    print('alicloud.ack fleet benchmark: %d cores, Python %s, %.0f s in all' % (
        os.cpu_count() or 0, sys.version.split()[0], time.monotonic() - started))
    bench_modules.print_table(rows)


if __name__ == '__main__':
    main()
