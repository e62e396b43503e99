"""One rule for a cluster that does not exist (docs: the CLUSTER doc fragment).

An explicit cluster_id that matches nothing fails with "cluster <id> not found" and error.code ErrorClusterNotFound
(with the API's error data: it said so); a name that matches nothing fails the same way in every module that needs
one cluster; ack_cluster_info's name filters a list (empty); the inventory plugin warns and skips an unknown id.
No write reaches the emulator.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cases import assert_one_line_failure, run_cases
from conftest import Playbook
from test_bad_inputs import SCALE, UNKNOWN_CLUSTER, WRITES
from test_inventory import plain

NAME = 'no-such-cluster'
SEEDED = {'name': 'known', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-unk00001',
          'vswitch_ids': ['vsw-unk00001'], 'num_of_nodes': 1, 'worker_instance_types': ['ecs.g7.xlarge'],
          'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
          'snat_entry': True}
M = 'alicloud.ack.'


def modules(path):
    """[(module, options without the cluster)]: every module that needs one cluster."""
    return [
        ('ack_nodes', dict(SCALE, count=3)),
        ('ack_nodes_info', {}),
        ('ack_addon', {'addons': [{'name': 'logtail-ds'}]}),
        ('ack_addon_info', {}),
        ('ack_addon_info', {'catalog': True}),
        ('ack_upgrade', {'version': 'next'}),
        ('ack_upgrade_info', {}),
        ('ack_kubeconfig', {'path': path}),
    ]


def by_cluster_name():
    """[(module, options without the cluster)]: modules whose name option names something else (a node pool), so
    the cluster's name is cluster_name; and one whose name is the cluster's, by its alias cluster_name."""
    return [
        ('ack_nodepool', {'name': 'p', 'desired_size': 1}),
        ('ack_nodepool_info', {}),
        ('ack_addon_info', {'names': ['coredns']}),
    ]


@pytest.fixture(scope='module')
def ran(emulator, tmp_path_factory):
    """Every module by an unknown id and by an unknown name, in one playbook; the results and the writes made."""
    emulator.reset()
    known = emulator.seed_clusters([SEEDED])[0]
    work = tmp_path_factory.mktemp('unknown-cluster')
    path = str(work / 'kubeconfig')
    cases = []
    for module, args in modules(path):
        cases.append(('id', M + module, dict(args, cluster_id=UNKNOWN_CLUSTER)))
        cases.append(('name', M + module, dict(args, name=NAME)))
    for module, args in by_cluster_name():
        cases.append(('id', M + module, dict(args, cluster_id=UNKNOWN_CLUSTER)))
        cases.append(('name', M + module, dict(args, cluster_name=NAME)))
    cases += [
        ('id', M + 'ack_cluster_info', {'cluster_id': UNKNOWN_CLUSTER}),
        ('list', M + 'ack_cluster_info', {'name': NAME}),
        ('id', M + 'ack_cluster', {'cluster_id': UNKNOWN_CLUSTER, 'tags': {'a': 'b'}}),
        ('absent', M + 'ack_cluster', {'cluster_id': UNKNOWN_CLUSTER, 'state': 'absent'}),
        ('absent', M + 'ack_cluster', {'name': NAME, 'state': 'absent'}),
        ('id', M + 'ack_kubeconfig', {'cluster_id': UNKNOWN_CLUSTER, 'state': 'absent', 'path': path}),
    ]
    before = emulator.stats()
    results, out = run_cases(Playbook(emulator, work), [(c[1], c[2]) for c in cases])
    after = emulator.stats()
    writes = dict((op, after.get(op, 0) - before.get(op, 0)) for op in WRITES if after.get(op) != before.get(op))
    return dict(cases=cases, results=results, out=out, writes=writes, known=known, work=work)


def test_every_module_that_needs_one_cluster_fails_the_same_way(ran):
    problems = []
    for (how, module, args), r in zip(ran['cases'], ran['results']):
        if how not in ('id', 'name'):
            continue
        what = 'cluster %s' % UNKNOWN_CLUSTER if how == 'id' else "cluster named '%s'" % NAME
        try:
            assert_one_line_failure(r, what + ' not found', ran['out'])
            error = r.get('error') or {}
            assert error.get('code') == 'ErrorClusterNotFound', r
            if how == 'id':  # the API said it: its error data
                assert error.get('http_status') == 404 and error.get('request_id'), r
            else:
                assert error.get('http_status') is None, r
        except AssertionError as e:
            problems.append('%s by %s %s: %s' % (module.split('.')[-1], how, args, str(e)[:300]))
    assert not problems, '\n'.join(problems)


def test_the_exact_messages(ran):
    msgs = dict(((how, module.split('.')[-1], args.get('state')), r.get('msg'))
                for (how, module, args), r in zip(ran['cases'], ran['results']))
    assert msgs[('id', 'ack_nodes_info', None)] == 'cluster %s not found' % UNKNOWN_CLUSTER
    assert msgs[('name', 'ack_upgrade_info', None)] == "cluster named '%s' not found" % NAME
    assert msgs[('id', 'ack_cluster', None)] == ('cluster %s not found; to create a cluster give its name (and no '
                                                 'cluster_id)' % UNKNOWN_CLUSTER)
    assert msgs[('id', 'ack_kubeconfig', 'absent')] == ('cluster %s not found; set context_name to say which context '
                                                        'to remove' % UNKNOWN_CLUSTER)


def test_a_list_filtered_by_name_is_empty_and_an_absent_cluster_is_ok(ran):
    found = dict(((how, module.split('.')[-1], str(args)), r) for (how, module, args), r in
                 zip(ran['cases'], ran['results']))
    listed = [r for (how, _m, _a), r in found.items() if how == 'list']
    assert len(listed) == 1 and not listed[0].get('failed') and listed[0]['clusters'] == []
    absent = [r for (how, _m, _a), r in found.items() if how == 'absent']
    assert len(absent) == 2
    for r in absent:
        assert not r.get('failed') and not r['changed'] and r['cluster'] == {} and r['task_ids'] == [], r


def test_no_write_reached_the_emulator(ran):
    assert ran['writes'] == {}


def test_the_inventory_warns_and_skips_an_unknown_id(ran, emulator):
    config = ran['work'] / 'unknown.ack.yml'
    config.write_text('plugin: alicloud.ack.ack\ncluster_ids: [%s, %s]\n' % (UNKNOWN_CLUSTER, ran['known']))
    env = Playbook(emulator, ran['work']).env()
    result = subprocess.run([str(Path(sys.executable).with_name('ansible-inventory')), '-i', str(config), '--list'],
                            env=env, cwd=str(ran['work']), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert 'cluster %s not found; skipped' % UNKNOWN_CLUSTER in ' '.join(result.stderr.split()), result.stderr
    hosts = plain(json.loads(result.stdout))['_meta']['hostvars']
    assert hosts and set(h['cluster_id'] for h in hosts.values()) == {ran['known']}  # the known cluster's nodes
