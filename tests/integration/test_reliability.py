"""Issue #16: the life cycle of every state module under a flaky API, with the default retry settings.

Each seed runs one playbook against its own emulator at 30% throttling, 10% 5xx, 5% dropped connections and 5%
writes applied then their answer dropped. Three hosts of the play (strategy free) run the life cycles side by
side: a cluster and templates; nodes and a kubeconfig; add-ons and an upgrade. Each step asserts changed / not
changed; afterwards the emulator's documents show the end state and that no cluster, node, add-on, template or
upgrade exists (or was applied) twice.

`make test` runs SEEDS; `make bench` sets ACK_FAULT_SEEDS to a longer list (comma separated). Seeds run two at a
time (each against its own emulator); the hosts of one playbook share its dice, so a seed fixes the fault
settings, not the exact calls hit.
"""
import json
import os
import threading
import time
from pathlib import Path

import yaml

from ack_emulator.testing import EmulatorProcess
from conftest import Playbook

SEEDS = [int(s) for s in os.environ.get('ACK_FAULT_SEEDS', '101,202').split(',')]
FAULTS = dict(throttle_rate=0.3, error_rate=0.1, drop_rate=0.05, drop_after_apply_rate=0.05)
V_FROM, V_TO = '1.28.9-aliyun.1', '1.30.1-aliyun.1'
WAITS = dict(wait_sleep=0.2, wait_timeout=300)

CLUSTER = dict(cluster_type='ManagedKubernetes', cluster_spec='ack.pro.small', vswitch_ids=['vsw-rel00001'],
               container_cidr='172.20.0.0/16', service_cidr='172.21.0.0/20', num_of_nodes=1,
               worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
               worker_system_disk_size=120, key_pair='rel-key', snat_entry=True)

PLAY = """
- name: Every life cycle under faults, with the default retry settings
  hosts: lifecycles
  strategy: free
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    alicloud.ack.ack_cluster: %(waits)s
    alicloud.ack.ack_nodes: %(waits)s
    alicloud.ack.ack_addon: %(waits)s
    alicloud.ack.ack_upgrade: %(waits)s
  tasks:
    - name: This host's life cycle
      ansible.builtin.include_tasks: "{{ inventory_hostname }}.yml"
""" % {'waits': json.dumps(WAITS)}

TASKS = {
    'cluster_templates': """
- name: Create the cluster
  alicloud.ack.ack_cluster: %(cluster)s
  register: created
- name: Create it again
  alicloud.ack.ack_cluster: %(cluster)s
  register: rerun
- name: Tag it and protect it
  alicloud.ack.ack_cluster: %(tagged)s
  register: tagged
- name: A template
  alicloud.ack.ack_template: &web
    name: web
    template: "{{ web }}"
    description: the web front end
  register: template_created
- name: The template again
  alicloud.ack.ack_template: *web
  register: template_rerun
- name: A new manifest
  alicloud.ack.ack_template:
    name: web
    template: "{{ web | replace('replicas: 2', 'replicas: 3') }}"
  register: template_updated
- name: A compose template
  alicloud.ack.ack_template:
    name: jobs
    template_type: compose
    template: {version: "3", services: {jobs: {image: "busybox:1.36"}}}
  register: compose_created
- name: Delete the compose template
  alicloud.ack.ack_template:
    template_id: "{{ compose_created.template.id }}"
    state: absent
  register: compose_deleted
- name: Unprotect the cluster
  alicloud.ack.ack_cluster: %(unprotected)s
  register: unprotected
- name: Delete the cluster
  alicloud.ack.ack_cluster: %(absent)s
  register: deleted
- name: Delete it again
  alicloud.ack.ack_cluster: %(absent)s
  register: deleted_again
- name: Cluster and template steps
  ansible.builtin.assert:
    that:
      - created is changed and created.cluster.state == 'running'
      - rerun is not changed
      - "tagged is changed and {'key': 'env', 'value': 'faults'} in tagged.cluster.tags"
      - template_created is changed and template_rerun is not changed
      - "template_updated is changed and 'replicas: 3' in template_updated.template.template"
      - compose_created is changed and compose_deleted is changed
      - unprotected is changed and deleted is changed and deleted_again is not changed
""",
    'nodes_kubeconfig': """
- name: Create the cluster
  alicloud.ack.ack_cluster: %(cluster)s
  register: c
- name: Scale out to three workers
  alicloud.ack.ack_nodes: &scale
    cluster_id: "{{ c.cluster.cluster_id }}"
    count: 3
    worker_instance_types: [ecs.g7.xlarge]
    key_pair: rel-key
  register: scaled
- name: Attach an instance
  alicloud.ack.ack_nodes:
    cluster_id: "{{ c.cluster.cluster_id }}"
    instances: ["{{ attach_id }}"]
    key_pair: rel-key
  register: attached
- name: Remove the attached instance
  alicloud.ack.ack_nodes:
    cluster_id: "{{ c.cluster.cluster_id }}"
    state: absent
    nodes: ["{{ attach_id }}"]
  register: removed
- name: Scale out again
  alicloud.ack.ack_nodes: *scale
  register: nodes_rerun
- name: Write a kubeconfig
  alicloud.ack.ack_kubeconfig: &kube
    cluster_id: "{{ c.cluster.cluster_id }}"
    path: "{{ kube_path }}"
    context_name: faults
  register: kube_written
- name: Write it again
  alicloud.ack.ack_kubeconfig: *kube
  register: kube_rerun
- name: Remove its context
  alicloud.ack.ack_kubeconfig:
    <<: *kube
    state: absent
  register: kube_removed
- name: Node and kubeconfig steps
  ansible.builtin.assert:
    that:
      - c is changed
      - scaled is changed and attached is changed and removed is changed
      - nodes_rerun is not changed
      - kube_written is changed and kube_rerun is not changed and kube_removed is changed
""",
    'addons_upgrade': """
- name: Create the cluster
  alicloud.ack.ack_cluster: %(cluster)s
  register: c
- name: Install one add-on and upgrade another
  alicloud.ack.ack_addon: &addons
    cluster_id: "{{ c.cluster.cluster_id }}"
    addons:
      - name: logtail-ds
      - name: metrics-server
        version: latest
  register: addons
- name: The same again
  alicloud.ack.ack_addon: *addons
  register: addons_rerun
- name: Upgrade the cluster
  alicloud.ack.ack_upgrade: &upgrade
    cluster_id: "{{ c.cluster.cluster_id }}"
    version: "%(to)s"
  register: upgraded
- name: Upgrade it again
  alicloud.ack.ack_upgrade: *upgrade
  register: upgrade_rerun
- name: Uninstall the add-on
  alicloud.ack.ack_addon:
    cluster_id: "{{ c.cluster.cluster_id }}"
    addons:
      - name: logtail-ds
        state: absent
  register: uninstalled
- name: Add-on and upgrade steps
  ansible.builtin.assert:
    that:
      - addons is changed and addons_rerun is not changed
      - upgraded is changed and upgraded.cluster.current_version == '%(to)s'
      - upgrade_rerun is not changed
      - uninstalled is changed
""",
}


def write_playbook(workdir, seed):
    """The play, one task file per host (its cluster's options written in) and the inventory."""
    web = (Path(__file__).parent / 'targets' / 'ack_template' / 'files' / 'web.yaml').read_text()
    clusters = {
        'cluster_templates': dict(CLUSTER, name='rel-%d-a' % seed, vpc_id='vpc-rel%da' % seed),
        'nodes_kubeconfig': dict(CLUSTER, name='rel-%d-b' % seed, vpc_id='vpc-rel%db' % seed),
        'addons_upgrade': dict(CLUSTER, name='rel-%d-c' % seed, vpc_id='vpc-rel%dc' % seed, kubernetes_version=V_FROM),
    }
    hosts = {
        'cluster_templates': dict(web=web),
        'nodes_kubeconfig': dict(attach_id=attach_id(seed), kube_path=str(workdir / 'kube' / 'config')),
        'addons_upgrade': {},
    }
    for name, tasks in TASKS.items():
        cluster = clusters[name]
        (workdir / ('%s.yml' % name)).write_text(tasks % dict(
            cluster=json.dumps(cluster), to=V_TO, absent=json.dumps(dict(cluster, state='absent')),
            tagged=json.dumps(dict(cluster, tags={'env': 'faults'}, deletion_protection=True)),
            unprotected=json.dumps(dict(cluster, deletion_protection=False))))
    inventory = {'lifecycles': {'hosts': dict((h, dict(v, ansible_connection='local')) for h, v in hosts.items())}}
    (workdir / 'inventory.yml').write_text(yaml.safe_dump(inventory))
    (workdir / 'faults.yml').write_text(PLAY)
    return workdir / 'faults.yml'


def attach_id(seed):
    return 'i-rel%dattach' % seed


def run_seed(seed, workdir):
    """One seed on its own emulator: (ansible-playbook result, seconds, faults injected, the emulator's docs)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with EmulatorProcess(state_file=str(workdir / 'state.db'), time_scale=0.002) as emu:
        emu.admin('instances', {'instances': [attach_id(seed)]})
        emu.faults(seed=seed, **FAULTS)
        start = time.monotonic()
        result = Playbook(emu, workdir).run(write_playbook(workdir, seed), '-i', str(workdir / 'inventory.yml'))
        seconds = time.monotonic() - start
        injected = emu.admin('GET', '/stats')['faults_injected']
        emu.faults()
        docs = dict((kind, emu.admin('GET', '/docs/%s' % kind)['docs'])
                    for kind in ('cluster', 'node', 'addon', 'template', 'task'))
    return result, seconds, injected, docs


def run_seeds(seeds, tmp_path, parallel=int(os.environ.get('ACK_FAULT_PARALLEL', '2'))):
    """Run the seeds, `parallel` at a time; {seed: run_seed(...) or the exception it raised}."""
    out = {}
    pending = list(seeds)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pending:
                    return
                seed = pending.pop(0)
            try:
                out[seed] = run_seed(seed, tmp_path / ('seed-%d' % seed))
            except Exception as e:  # pylint: disable=broad-except  # reported per seed below
                out[seed] = e

    threads = [threading.Thread(target=worker) for _i in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def end_state_problems(seed, docs):
    """What is wrong with the emulator's documents after a seed's playbook: [] when all is right."""
    problems = []
    clusters = dict((c['name'], c) for c in docs['cluster'])
    if sorted(c['name'] for c in docs['cluster']) != ['rel-%d-b' % seed, 'rel-%d-c' % seed]:
        problems.append('clusters: %s' % sorted(c['name'] for c in docs['cluster']))
        return problems
    b, c = clusters['rel-%d-b' % seed]['cluster_id'], clusters['rel-%d-c' % seed]['cluster_id']
    if clusters['rel-%d-c' % seed].get('current_version') != V_TO:
        problems.append('version of %s: %s' % (c, clusters['rel-%d-c' % seed].get('current_version')))
    workers = [n['instance_id'] for n in docs['node'] if n.get('cluster_id') == b and n.get('instance_role') !=
               'Master' and not n.get('_released') and not n.get('_detached')]
    if len(workers) != 3 or len(set(workers)) != 3 or attach_id(seed) in workers:
        problems.append('nodes of %s: %s' % (b, workers))
    addons = [a['name'] for a in docs['addon'] if a.get('cluster_id') == c and not a.get('_gone')]
    if len(addons) != len(set(addons)) or 'logtail-ds' in addons or 'metrics-server' not in addons:
        problems.append('add-ons of %s: %s' % (c, sorted(addons)))
    templates = sorted((t['name'], t['template_type']) for t in docs['template'])
    if templates != [('web', 'kubernetes')] or 'replicas: 3' not in docs['template'][0]['template']:
        problems.append('templates: %s' % templates)
    # writes without an idempotency token took effect exactly once
    tasks = {}
    for t in docs['task']:
        tasks.setdefault(t.get('task_type'), []).append(t)
    names = dict((kind, sorted(a.get('name') or a.get('component_name') for t in tasks.get(kind, [])
                               for a in (t.get('parameters') or {}).get('addons', [])))
                 for kind in ('addon_install', 'addon_upgrade', 'addon_uninstall'))
    want = dict(addon_install=['logtail-ds'], addon_upgrade=['metrics-server'], addon_uninstall=['logtail-ds'])
    if names != want:
        problems.append('add-on calls applied: %s' % names)
    kinds = ('cluster_create', 'cluster_scaleout', 'cluster_attach', 'cluster_remove_nodes', 'cluster_upgrade')
    counts = dict((kind, len(tasks.get(kind, []))) for kind in kinds)
    if counts != dict(cluster_create=3, cluster_scaleout=1, cluster_attach=1, cluster_remove_nodes=1,
                      cluster_upgrade=1):
        problems.append('tasks applied: %s' % counts)
    return problems


def failures(stdout):
    """Each failed task of a playbook's output as `host: task: msg (error)`, one per line."""
    found, name = [], None
    for line in stdout.splitlines():
        if line.startswith('TASK ['):
            name = line[6:].split(']')[0]
        elif line.startswith(('fatal: [', 'failed: [')) and '=> {' in line:
            host = line.split('[', 1)[1].split(']')[0]
            try:
                r = json.loads(line.split('=> ', 1)[1])
            except ValueError:
                r = {'msg': line[-500:]}
            found.append('%s: %s: %s %s' % (host, name, r.get('msg'), json.dumps(r.get('error') or '')))
    return '\n  ' + '\n  '.join(found) if found else stdout[-3000:]


def test_every_life_cycle_under_faults(tmp_path):
    runs = run_seeds(SEEDS, tmp_path)
    report, summary, kinds = [], {}, set()
    for seed in SEEDS:
        run = runs[seed]
        if isinstance(run, Exception):
            report.append('seed %d: %r' % (seed, run))
            continue
        result, seconds, injected, docs = run
        summary[seed] = dict(seconds=round(seconds, 1), rc=result.returncode, injected=injected)
        kinds.update(k.split(':')[0] for k in injected)
        if result.returncode != 0:
            report.append('seed %d: playbook failed after %.0f s: %s' % (seed, seconds, failures(result.stdout)))
            continue
        # a few hundred calls: each read fault is all but certain in every seed
        if not {'throttle_rate', 'error_rate', 'drop_rate'} <= set(k.split(':')[0] for k in injected):
            report.append('seed %d: not every fault was injected: %s' % (seed, injected))
        problems = end_state_problems(seed, docs)
        summary[seed]['problems'] = problems
        report += ['seed %d: %s' % (seed, p) for p in problems]
    if os.environ.get('ACK_FAULT_REPORT'):  # for `make bench`'s table
        Path(os.environ['ACK_FAULT_REPORT']).write_text(json.dumps(summary))
    # about 20 writes a seed at 5%: one in three seeds has no lost answer, so this is asserted over many seeds
    if len(SEEDS) >= 5 and 'drop_after_apply_rate' not in kinds:
        report.append('no write answer was dropped in %d seeds' % len(SEEDS))
    assert not report, '\n'.join(report)


STRADDLE = """
- name: Install logtail-ds
  alicloud.ack.ack_addon:
    cluster_id: %(cid)s
    addons: [{name: logtail-ds}]
- name: Upgrades take 1.8 s and uninstalls 0.6 s from here
  ansible.builtin.uri:
    url: "{{ ack_endpoint }}/__emulator/config"
    method: POST
    body_format: json
    body: {time_scale: 0.01}
- name: The upgrade's answer lost; it and each version list answered 1.2 s late
  ansible.builtin.uri: &faults
    url: "{{ ack_endpoint }}/__emulator/faults"
    method: POST
    body_format: json
    body: %(upgrade)s
- name: Upgrade metrics-server
  alicloud.ack.ack_addon:
    cluster_id: %(cid)s
    addons: [{name: metrics-server, version: latest}]
  register: upgraded
- name: The uninstall's answer lost; it and each version list answered 0.4 s late
  ansible.builtin.uri:
    <<: *faults
    body: %(uninstall)s
- name: Uninstall logtail-ds
  alicloud.ack.ack_addon:
    cluster_id: %(cid)s
    addons: [{name: logtail-ds, state: absent}]
  register: uninstalled
- name: Both took effect
  ansible.builtin.assert:
    that:
      - upgraded is changed and uninstalled is changed
      - (upgraded.addons | selectattr('name', 'eq', 'metrics-server') | first).version == 'v0.3.9.7-0a3eb6b5-aliyun'
      - uninstalled.addons | selectattr('name', 'eq', 'logtail-ds') | list == []
"""


def test_a_recheck_whose_reads_straddle_the_end_of_an_add_on_operation(playbook, emulator):
    """Found by the fault suite (seed 43 under load): after a lost answer, the recheck read the versions while the
    operation ran and the states once it had ended, took the add-on for untouched and sent the call again
    (AddonNotFound after an uninstall, InvalidParameter after an upgrade). The emulator reads at a request's
    arrival and answers after the latency: with a latency L and an operation of D (L < D < 2L) the write is
    answered (lost) at L, the recheck's version list read at L (the operation under way) and its states at 2L
    (ended)."""
    body = dict((k, v) for k, v in CLUSTER.items() if k != 'cluster_spec')
    cid = emulator.seed_clusters([dict(body, name='straddle', region_id='cn-hangzhou', vpcid='vpc-straddle1')])[0]

    def faults(write, latency):
        return json.dumps(dict(drop_after_apply_rate=1.0, latency_ms=latency,
                               operations=[write, 'DescribeClusterAddonsVersion']))

    result = playbook.run_tasks(STRADDLE % dict(cid=cid, upgrade=faults('UpgradeClusterAddons', 1200),
                                                uninstall=faults('UnInstallClusterAddons', 400)))
    assert result.returncode == 0, failures(result.stdout)
    calls = emulator.admin('GET', '/stats')
    assert calls['requests']['UpgradeClusterAddons'] == calls['requests']['UnInstallClusterAddons'] == 1
    assert calls['faults_injected'] == {'drop_after_apply_rate:UpgradeClusterAddons': 1,
                                        'drop_after_apply_rate:UnInstallClusterAddons': 1}
