"""A fleet at scale: playbooks/fleet.yml over a generated inventory of 20 clusters with 25 forks (the unchanged rerun
makes exactly 20 x the fewest calls of one cluster, also while the endpoint throttles), the fleet report in one
task (playbooks/fleet_report.yml), and the fleet run as an AWX sliced job: three slices, each its own
ansible-runner job with the part of the inventory AWX gives it, every cluster converged exactly once."""
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import stats
from test_awx import CREDENTIAL_TYPE, awx_inject, events

ROOT = Path(__file__).resolve().parents[2]
FLEET = ROOT / 'playbooks' / 'fleet.yml'
INVENTORY = ROOT / 'playbooks' / 'inventory' / 'fleet.yml'
REPORT = ROOT / 'playbooks' / 'fleet_report.yml'
READS = ('Describe', 'List', 'Get')
# The fewest calls of the fleet's unchanged rerun, per cluster: the cluster role's four tasks, each at its fewest
# (benchmarks/bench_modules.py MINIMUM): ack_cluster by name 2, ack_nodes 2, ack_addon 3, ack_kubeconfig 2.
RERUN_CALLS = {'DescribeClustersV1': 1, 'DescribeClusterDetail': 4, 'DescribeClusterNodes': 1,
               'DescribeClusterAddonsVersion': 1, 'DescribeClusterAddonsUpgradeStatus': 1,
               'DescribeClusterUserKubeconfig': 1}
# What a new cluster of the fleet's inventory costs in writes
CONVERGE_WRITES = {'CreateCluster': 1, 'InstallClusterAddons': 1}


def fleet_inventory(count, region='cn-hangzhou', wait_sleep=0.2, version=None):
    """playbooks/inventory/fleet.yml with its group vars and `count` generated hosts (fleet-000, ...), each a
    one-worker cluster in `region` with a network of its own."""
    inventory = yaml.safe_load(INVENTORY.read_text())
    group = inventory['ack_fleet']
    group['vars']['ack_wait_sleep'] = wait_sleep
    if version:
        group['vars']['cluster_kubernetes_version'] = version
    group['hosts'] = dict(('fleet-%03d' % i, dict(ack_region=region, cluster_vpc_id='vpc-fleet%04d' % i,
                                                  cluster_vswitch_ids=['vsw-fleet%04d' % i], cluster_workers=1))
                          for i in range(count))
    return inventory


def recap(stdout):
    """PLAY RECAP counts by host."""
    return dict((host, dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts)))
                for host, counts in re.findall(r'^(\S+)\s+: (ok=.*)$', stdout, re.M))


def run_fleet(playbook, inventory, *args):
    """ansible-playbook playbooks/fleet.yml on the inventory (data, written to the test's folder); (stdout, recap)."""
    path = playbook.workdir / 'fleet-inventory.yml'
    path.write_text(yaml.safe_dump(inventory))
    cmd = [str(Path(sys.executable).with_name('ansible-playbook')), '-i', str(path), str(FLEET)] + list(args)
    done = subprocess.run(cmd, env=playbook.env(), cwd=str(ROOT), capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0 and 'Traceback' not in done.stdout + done.stderr, \
        done.stdout[-6000:] + done.stderr[-3000:]
    return done.stdout, recap(done.stdout)


def delta(after, before):
    return dict((op, n - before.get(op, 0)) for op, n in after.items() if n != before.get(op, 0))


def writes(calls):
    return dict((op, n) for op, n in calls.items() if not op.startswith(READS))


def test_fleet_of_20_with_25_forks_reruns_at_the_fewest_calls_and_reports_in_one_task(playbook, emulator):
    inventory = fleet_inventory(20)
    hosts = sorted(inventory['ack_fleet']['hosts'])
    out, counts = run_fleet(playbook, inventory, '--forks', '25')
    assert sorted(counts) == hosts and all(counts[h]['changed'] == 3 and counts[h]['failed'] == 0 for h in hosts), \
        out[-3000:]
    made = stats(emulator)
    assert writes(made) == dict((op, 20 * n) for op, n in CONVERGE_WRITES.items()), made

    # the unchanged rerun: nothing changes, exactly 20 x the fewest calls of one cluster, no write
    out, counts = run_fleet(playbook, inventory, '--forks', '25')
    assert all(counts[h]['changed'] == 0 and counts[h]['failed'] == 0 for h in hosts), out[-3000:]
    rerun = delta(stats(emulator), made)
    assert rerun == dict((op, 20 * n) for op, n in RERUN_CALLS.items()), rerun

    # the same against an endpoint that throttles 30% of requests: no host fails, nothing changes, and every call
    # beyond the fewest is a throttled one tried again
    emulator.faults(throttle_rate=0.3, retry_after_ms=100, seed=26)
    before, injected = stats(emulator), emulator.admin('stats')['faults_injected']
    try:
        out, counts = run_fleet(playbook, inventory, '--forks', '25')
    finally:
        emulator.faults()
    assert all(counts[h]['changed'] == 0 and counts[h]['failed'] == 0 for h in hosts), out[-3000:]
    throttled = sum(delta(emulator.admin('stats')['faults_injected'], injected).values())
    calls = delta(stats(emulator), before)
    assert throttled > 0 and writes(calls) == {}
    assert sum(calls.values()) - throttled == 20 * sum(RERUN_CALLS.values()), (calls, throttled)

    # the fleet report: one task reads the 20 clusters (the list, one version read, a status and a node list each)
    before = stats(emulator)
    cmd = [str(Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(REPORT)]
    done = subprocess.run(cmd, env=playbook.env(), cwd=str(ROOT), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout[-6000:]
    assert delta(stats(emulator), before) == {'DescribeClustersV1': 1, 'DescribeKubernetesVersionMetadata': 1,
                                              'GetUpgradeStatus': 20, 'DescribeClusterNodes': 20}
    rows = re.findall(r'"(fleet-\d{3}) +cn-hangzhou +running +1\.30\.1-aliyun\.1 +1\.31\.1-aliyun\.1 +- +1/1"',
                      done.stdout)
    assert rows == hosts, done.stdout[-6000:]
    assert '"20 clusters: 20 running, 20 can be upgraded, 0 upgrading, 0 with nodes not ready"' in done.stdout


def awx_slice(inventory, number, count):
    """What AWX gives slice `number` (1-based) of a job sliced in `count`: the hosts sorted by name, every count-th
    from the number-th (awx Inventory.get_script_data), as the JSON of the inventory script it writes."""
    group = inventory['ack_fleet']
    names = sorted(group['hosts'])[number - 1::count]
    return {'all': {'children': ['ack_fleet']}, 'ack_fleet': {'hosts': names, 'vars': group['vars'], 'children': []},
            '_meta': {'hostvars': dict((name, group['hosts'][name]) for name in names)}}


def slice_job(path, data, envvars):
    """A private data dir as AWX lays it out for one slice: the project (fleet.yml), the inventory script, the
    credential's environment."""
    (path / 'project').mkdir(parents=True)
    (path / 'project' / 'fleet.yml').write_text(FLEET.read_text())
    (path / 'inventory').mkdir()
    script = path / 'inventory' / 'hosts'
    script.write_text('#!%s\nimport json, sys\nDATA = json.loads(%r)\nprint(json.dumps(DATA if "--list" in sys.argv else {}))\n'
                      % (sys.executable, json.dumps(data)))
    script.chmod(0o700)
    (path / 'env').mkdir()
    (path / 'env' / 'envvars').write_text(yaml.safe_dump(envvars))
    (path / 'env' / 'settings').write_text(yaml.safe_dump({'process_isolation': False, 'job_timeout': 600}))
    (path / 'env' / 'cmdline').write_text('--forks 5')


def test_fleet_as_an_awx_sliced_job_converges_each_cluster_once(playbook, emulator, tmp_path):
    inventory = fleet_inventory(7)
    hosts = sorted(inventory['ack_fleet']['hosts'])
    injected = awx_inject(yaml.safe_load(CREDENTIAL_TYPE.read_text()), {
        'access_key_id': emulator.access_key_id, 'access_key_secret': emulator.access_key_secret,
        'region_id': 'cn-hangzhou', 'endpoint': emulator.url})
    env = dict((k, v) for k, v in playbook.env().items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    runner = str(Path(sys.executable).with_name('ansible-runner'))
    jobs = []
    for number in (1, 2, 3):  # AWX starts the slices at once, each a job of its own (here, on one emulator)
        pdd = tmp_path / ('slice%d' % number)
        slice_job(pdd, awx_slice(inventory, number, 3), injected)
        with open(str(tmp_path / ('slice%d.out' % number)), 'w') as out:
            jobs.append((pdd, subprocess.Popen([runner, 'run', str(pdd), '-p', 'fleet.yml', '--ident', str(number)],
                                               env=env, stdout=out, stderr=subprocess.STDOUT)))
    ran = {}
    for number, (pdd, job) in enumerate(jobs, 1):
        assert job.wait(timeout=600) == 0, (tmp_path / ('slice%d.out' % number)).read_text()[-5000:]
        assert (pdd / 'artifacts' / str(number) / 'status').read_text() == 'successful'
        done = [e['event_data'] for e in events(pdd / 'artifacts' / str(number)) if e['event'] == 'playbook_on_stats']
        assert len(done) == 1 and not done[0]['failures'] and not done[0]['dark']
        ran[number] = done[0]
    # every host in exactly one slice, the slices as AWX cuts them; each cluster made once, all of them changed
    assert dict((n, sorted(r['ok'])) for n, r in ran.items()) == {1: hosts[0::3], 2: hosts[1::3], 3: hosts[2::3]}
    assert all(r['changed'] == dict((h, 3) for h in r['ok']) for r in ran.values()), ran
    assert writes(stats(emulator)) == dict((op, 7 * n) for op, n in CONVERGE_WRITES.items())
    clusters = [c['name'] for c in emulator.admin('docs/cluster')['docs']]
    assert sorted(clusters) == hosts  # one cluster a host, none twice
    tasks = [t for t in emulator.admin('docs/task')['docs'] if t.get('task_type') == 'cluster_create']
    assert len(tasks) == 7 and len(set(t['cluster_id'] for t in tasks)) == 7

    # the same end state as one unsliced run: the whole fleet's rerun finds nothing to do
    before = stats(emulator)
    out, counts = run_fleet(playbook, inventory, '--forks', '25')
    assert sorted(counts) == hosts and all(counts[h]['changed'] == 0 for h in hosts), out[-3000:]
    assert delta(stats(emulator), before) == dict((op, 7 * n) for op, n in RERUN_CALLS.items())
