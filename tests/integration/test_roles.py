"""The roles and the playbooks built on them: argument specs refuse bad variables before any API call; the playbooks
run as README shows them; the upgrade role refuses an unhealthy cluster and can stop after the control plane; the
fleet converges three clusters in one run and its rerun writes nothing."""
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import stats

ROOT = Path(__file__).resolve().parents[2]
ROLES = ROOT / 'roles'
READS = ('Describe', 'List', 'Get')
# the README flow upgrades the sample cluster to this version
TARGET = '1.30.1-aliyun.1'
PASSWORD = 'Node-Logon-Pw-7'


def writes(emulator):
    return dict((op, n) for op, n in stats(emulator).items() if not op.startswith(READS))


def upgrade_tasks(emulator):
    """The emulator's records of the UpgradeCluster tasks (with the master_only they were sent)."""
    return [t for t in emulator.admin('docs/task')['docs'] if t.get('task_type') == 'cluster_upgrade']


def readme_commands():
    """The command lines of README's "Roles and playbooks" section, comments dropped."""
    section = (ROOT / 'README.md').read_text().split('\n## Roles and playbooks\n', 1)[1].split('\n## ', 1)[0]
    block = section.split('```bash\n', 1)[1].split('```', 1)[0]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def run(playbook, argv, ok=True):
    """ansible-playbook with argv as written, from the collection root; returns (stdout, recap by host)."""
    assert argv[0] == 'ansible-playbook', argv
    cmd = [str(Path(sys.executable).with_name('ansible-playbook'))] + argv[1:]
    done = subprocess.run(cmd, env=playbook.env(), cwd=str(ROOT), capture_output=True, text=True, timeout=600,
                          check=False)
    out = done.stdout + done.stderr
    assert (done.returncode == 0) == ok, out[-8000:]
    assert 'Traceback' not in out, out[-8000:]
    recap = dict((host, dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts)))
                 for host, counts in re.findall(r'^(\S+)\s+: (ok=.*)$', done.stdout, re.M))
    return done.stdout, recap


def play(playbook, name, body):
    """Write a one-play playbook (YAML data) into the test's folder; returns its argv."""
    path = playbook.workdir / ('%s.yml' % name)
    head = dict(name=name, hosts='localhost', connection='local', gather_facts=False,
                vars=dict(ansible_python_interpreter='{{ ansible_playbook_python }}'))
    path.write_text(yaml.safe_dump([dict(head, **body)], sort_keys=False))
    return ['ansible-playbook', '-i', 'localhost,', str(path)]


# Each case: (role, variables, what the refusal names).
BAD = [
    ('cluster', dict(cluster_workers=2), 'missing required arguments: cluster_name'),
    ('cluster', dict(cluster_name='x', cluster_workers='three'), "'cluster_workers' is of type str"),
    ('cluster', dict(cluster_name='x', cluster_type='Serverless'), 'cluster_type must be one of'),
    ('cluster', dict(cluster_name='x', cluster_state='gone'), 'cluster_state must be one of'),
    ('cluster', dict(cluster_name='x', cluster_settings=dict(vpcid_typo='vpc-1')), 'cluster_settings.vpcid_typo'),
    ('cluster', dict(cluster_name='x', cluster_node_settings=dict(remove_policy='random')),
     'remove_policy must be one of'),
    ('cluster', dict(cluster_name='x', cluster_addons=[dict(version='latest')]), 'name found in cluster_addons'),
    ('cluster', dict(cluster_name='x', cluster_kubeconfig=dict(merge=False)), 'path found in cluster_kubeconfig'),
    ('upgrade', dict(upgrade_cluster_name='x'), 'missing required arguments: upgrade_version'),
    ('upgrade', dict(upgrade_cluster_name='x', upgrade_version='next', upgrade_max_parallelism='two'),
     "'upgrade_max_parallelism' is of type str"),
    ('upgrade', dict(upgrade_cluster_name='x', upgrade_version='next', upgrade_control_plane_only='maybe'),
     "'upgrade_control_plane_only' is of type str"),
    ('apps', dict(apps_state='gone'), 'apps_state must be one of'),
    ('apps', dict(apps_template_type='helm'), 'apps_template_type must be one of'),
    ('apps', dict(apps_wait_timeout='soon'), "'apps_wait_timeout' is of type str"),
    # not an argument spec rule, but refused before any call too
    ('apps', dict(apps_deploy=['nginx']), 'apps_kubeconfig is required to deploy nginx'),
]


def test_argument_specs_refuse_before_any_call(playbook, emulator):
    """Every case in one run: each include_role fails at its validation, the rescue keeps the message."""
    tasks = []
    for number, (role, variables, dummy) in enumerate(BAD):
        tasks.append(dict(name='case %d' % number, block=[
            {'ansible.builtin.include_role': dict(name='alicloud.ack.%s' % role), 'vars': variables},
            {'ansible.builtin.set_fact': dict(refused=True)}], rescue=[
            {'ansible.builtin.set_fact': dict(refused='{{ ansible_failed_result.msg }}')}]))
        tasks.append({'name': 'refusal %d' % number, 'ansible.builtin.debug': dict(msg='REFUSAL {{ refused }}')})
    out, recap = run(playbook, play(playbook, 'bad-variables', dict(tasks=tasks)))
    refusals = re.findall(r'"msg": "REFUSAL (.*)"', out)
    assert len(refusals) == len(BAD), out[-5000:]
    for (role, variables, words), refusal in zip(BAD, refusals):
        assert words in refusal.replace('\\n', '\n').replace('\\"', '"'), (role, variables, refusal)
    assert recap['localhost']['rescued'] == len(BAD)
    assert stats(emulator) == {}, 'an API call was made'


def test_cluster_role_passes_what_its_spec_takes():
    """cluster_settings and cluster_node_settings take options of ack_cluster and ack_nodes with their types; the
    role passes each one (an option in the spec but not in the task would be dropped without a word)."""
    sys.path.insert(0, str(ROOT.parents[2]))
    from ansible_collections.alicloud.ack.plugins.module_utils import _cluster, _nodes

    spec = yaml.safe_load((ROLES / 'cluster/meta/argument_specs.yml').read_text())['argument_specs']['main']
    tasks = (ROLES / 'cluster/tasks/present.yml').read_text()
    for var, argspec in (('cluster_settings', _cluster.ARGSPEC), ('cluster_node_settings', _nodes.ARGSPEC)):
        for option, doc in spec['options'][var]['options'].items():
            assert doc['type'] == argspec[option]['type'], (var, option)
            assert doc.get('choices') == argspec[option].get('choices'), (var, option)
            assert '%s: "{{ %s.%s | default(omit) }}"' % (option, var, option) in tasks or option == 'vswitch_ids', \
                (var, option)


def test_playbooks_as_readme_shows(playbook, emulator):
    provision, check, upgrade, provision_again, teardown, fleet, fleet_down = readme_commands()
    assert check[-1] == '--check' and upgrade == check[:-1] and '-e' in upgrade
    kubeconfig = playbook.workdir / '.kube' / 'shop'

    # check mode on nothing: the cluster would be made, nothing is written
    out, recap = run(playbook, provision + ['--check', '--diff'])
    assert recap['localhost']['changed'] > 0 and writes(emulator) == {}, out[-3000:]
    assert '"name": "shop"' in out and not kubeconfig.exists()

    out, recap = run(playbook, provision)
    made = writes(emulator)
    assert made == dict(CreateCluster=1, InstallClusterAddons=1, CreateTemplate=3), made
    assert kubeconfig.exists() and oct(kubeconfig.stat().st_mode & 0o777) == '0o600'
    assert 'changed: [localhost] => (item=nginx)' in out

    # the upgrade's plan, in check mode: the hop, the nodes, the add-ons; no write
    out, recap = run(playbook, check)
    assert writes(emulator) == made
    assert '"Kubernetes: 1.28.9-aliyun.1 -> %s"' % TARGET in out
    assert '"worker nodes: upgraded after the control plane in each hop, 2 at a time"' in out
    assert re.search(r'"add-ons: .*logtail-ds to v1\.2\.1\.0-6a63b4b-aliyun', out), out[-3000:]

    out, recap = run(playbook, upgrade)
    done = writes(emulator)
    assert done == dict(made, UpgradeCluster=1, UpgradeClusterAddons=1), done
    upgrades = upgrade_tasks(emulator)
    assert [t['parameters']['master_only'] for t in upgrades] == [False], upgrades

    # converged at the new version: provision.yml finds nothing to do, writes nothing
    out, recap = run(playbook, provision_again)
    assert recap['localhost']['changed'] == 0 and writes(emulator) == done, out[-3000:]

    out, recap = run(playbook, teardown)
    assert writes(emulator) == dict(done, DeleteCluster=1) and not kubeconfig.exists()
    out, recap = run(playbook, teardown)
    assert recap['localhost']['changed'] == 0 and writes(emulator) == dict(done, DeleteCluster=1)

    # the fleet: three clusters (three regions) in one run; the rerun changes nothing and writes nothing
    emulator.reset()
    out, recap = run(playbook, fleet)
    hosts = ['shop-beijing', 'shop-hangzhou', 'shop-shanghai']
    assert sorted(recap) == hosts and all(recap[h]['changed'] == 3 for h in hosts), recap
    made = writes(emulator)
    assert made == dict(CreateCluster=3, InstallClusterAddons=3), made
    out, recap = run(playbook, fleet)
    assert all(recap[h]['changed'] == 0 for h in hosts), recap
    assert writes(emulator) == made
    out, recap = run(playbook, fleet_down)
    assert writes(emulator) == dict(made, DeleteCluster=3)


def cluster_play(playbook, name, **variables):
    """A play that converges a small cluster with the cluster role (fast polls)."""
    role = dict(role='alicloud.ack.cluster', cluster_name=name, cluster_kubernetes_version='1.28.9-aliyun.1',
                cluster_vpc_id='vpc-%s' % name, cluster_vswitch_ids=['vsw-%s' % name], cluster_workers=1,
                cluster_settings=dict(cluster_spec='ack.pro.small', snat_entry=True),
                cluster_node_settings=dict(worker_instance_types=['ecs.g7.xlarge'], login_password=PASSWORD,
                                           worker_system_disk_category='cloud_essd', worker_system_disk_size=120))
    role.update(variables)
    return play(playbook, name, dict(module_defaults={'alicloud.ack.%s' % m: dict(wait_sleep=0.2)
                                                      for m in ('ack_cluster', 'ack_nodes', 'ack_nodepool',
                                                                'ack_addon')},
                                     roles=[role]))


def upgrade_play(playbook, name, **variables):
    role = dict(role='alicloud.ack.upgrade', upgrade_cluster_name=name, upgrade_version=TARGET)
    role.update(variables)
    return play(playbook, 'upgrade-' + name, dict(
        module_defaults={'alicloud.ack.%s' % m: dict(wait_sleep=0.2)
                         for m in ('ack_upgrade', 'ack_nodepool', 'ack_addon')},
        roles=[role]))


def test_upgrade_refuses_an_unhealthy_cluster(playbook, emulator):
    run(playbook, cluster_play(playbook, 'sick'))
    emulator.admin('fail-next', dict(operation='InstallClusterAddons', message='image pull failed'))
    install = play(playbook, 'install', dict(tasks=[{
        'name': 'An add-on whose install fails', 'alicloud.ack.ack_addon': dict(
            name='sick', addons=[dict(name='logtail-ds')], wait_sleep=0.2), 'ignore_errors': True}]))
    run(playbook, install)
    before = writes(emulator)
    out, recap = run(playbook, upgrade_play(playbook, 'sick'), ok=False)
    assert 'cluster sick is not healthy, nothing was upgraded: add-ons failed: logtail-ds' in out, out[-3000:]
    assert writes(emulator) == before


def test_upgrade_can_stop_after_the_control_plane(playbook, emulator):
    out, recap = run(playbook, cluster_play(playbook, 'cp') + ['-vvv'])
    assert PASSWORD not in out and recap['localhost']['changed'] == 1  # the node password reached no output
    out, recap = run(playbook, upgrade_play(playbook, 'cp', upgrade_control_plane_only=True))
    assert '"worker nodes: left at 1.28.9-aliyun.1 (upgrade_control_plane_only)"' in out
    assert '"add-ons: not upgraded (upgrade_control_plane_only)"' in out
    upgrades = upgrade_tasks(emulator)
    assert [t['parameters']['master_only'] for t in upgrades] == [True], upgrades
    assert 'UpgradeClusterAddons' not in writes(emulator)
    # the same again: at the version, nothing to do
    out, recap = run(playbook, upgrade_play(playbook, 'cp', upgrade_control_plane_only=True))
    assert recap['localhost']['changed'] == 0 and writes(emulator)['UpgradeCluster'] == 1


POOL = dict(name='batch', desired_size=1, worker_instance_types=['ecs.g7.xlarge'], login_password=PASSWORD + '-pool',
            labels={'workload': 'batch'})


def pool_tasks(emulator, task_type):
    return [t for t in emulator.admin('docs/task')['docs'] if t.get('task_type') == task_type]


def test_the_roles_converge_node_pools_and_upgrade_them_after_the_control_plane(playbook, emulator):
    out, recap = run(playbook, cluster_play(playbook, 'pools', cluster_node_pools=[POOL]) + ['-vvv'])
    assert PASSWORD not in out  # neither the nodes' nor the pool's password reached any output
    made = writes(emulator)
    assert made == dict(CreateCluster=1, CreateClusterNodePool=1), made
    out, recap = run(playbook, cluster_play(playbook, 'pools', cluster_node_pools=[POOL]))
    assert recap['localhost']['changed'] == 0 and writes(emulator) == made

    # the plan, in check mode: the control plane, then the pools one at a time; no write
    upgrade = upgrade_play(playbook, 'pools', upgrade_node_pools='all', upgrade_max_parallelism=1)
    out, recap = run(playbook, upgrade + ['--check'])
    assert writes(emulator) == made
    assert ('"worker nodes: node pools default-nodepool, batch after the control plane, one at a time, 1 nodes at a '
            'time"') in out, out[-3000:]

    out, recap = run(playbook, upgrade)
    assert [t['parameters']['master_only'] for t in upgrade_tasks(emulator)] == [True]
    pools = pool_tasks(emulator, 'nodepool_upgrade')
    assert [(t['parameters']['kubernetes_version'], t['parameters']['max_parallelism']) for t in pools] == [
        (TARGET, 1)] * len(pools) and pools, pools
    assert min(t['created'] for t in pools) >= upgrade_tasks(emulator)[0]['created']  # after the control plane
    done = writes(emulator)
    out, recap = run(playbook, upgrade)
    assert recap['localhost']['changed'] == 0 and writes(emulator) == done


def test_upgrade_refuses_a_pool_that_is_not_active_or_not_there(playbook, emulator):
    run(playbook, cluster_play(playbook, 'brokenpool'))
    emulator.admin('fail-next', dict(operation='CreateClusterNodePool', message='no stock'))
    create = play(playbook, 'create', dict(tasks=[{
        'name': 'A pool whose creation fails', 'alicloud.ack.ack_nodepool': dict(
            POOL, cluster_name='brokenpool', name='broken', vswitch_ids=['vsw-brokenpool'], wait_sleep=0.2),
        'ignore_errors': True}]))
    run(playbook, create)
    before = writes(emulator)
    out, recap = run(playbook, upgrade_play(playbook, 'brokenpool', upgrade_node_pools=['broken', 'nope']), ok=False)
    assert ('cluster brokenpool is not healthy, nothing was upgraded: node pools not active: broken; node pools not '
            'found: nope') in ' '.join(out.split()), out[-3000:]
    assert writes(emulator) == before


def test_apps_role_prunes_only_its_own_templates(playbook, emulator, tmp_path):
    folder = tmp_path / 'manifests'
    folder.mkdir()
    for name in ('one', 'two'):
        (folder / ('%s.yaml' % name)).write_text(json.dumps(dict(apiVersion='v1', kind='ConfigMap',
                                                                 metadata=dict(name=name), data=dict(a=name))))
    role = dict(role='alicloud.ack.apps', apps_templates_dir=str(folder), apps_templates_prune=True)
    sync = play(playbook, 'sync', dict(roles=[role]))
    other = {'name': 'A template of someone else',
             'alicloud.ack.ack_template': dict(name='two-other', template=dict(kind='ConfigMap', apiVersion='v1'))}
    run(playbook, play(playbook, 'other', dict(tasks=[other])))
    run(playbook, sync)
    (folder / 'two.yaml').unlink()
    out, recap = run(playbook, sync)
    assert writes(emulator) == dict(CreateTemplate=3, DeleteTemplate=1), out[-3000:]
    out, recap = run(playbook, sync)
    assert recap['localhost']['changed'] == 0
