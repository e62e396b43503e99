# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AddonPlanner against captured answers: nothing to do, the three batches, an install awaited, refusals, a lost
install answer."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._addon import AddonPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    lost,
)

DETAIL = answer('DescribeClusterDetail.running')
CID = DETAIL['cluster_id']
VERSIONS = answer('DescribeClusterAddonsVersion')
METRICS = VERSIONS['metrics-server']
LOGTAIL = answer('DescribeAddons')['StandardComponents']['logtail-ds']['version']
CATALOGUE = sorted(answer('DescribeAddons')['StandardComponents'])
INSTALL_TASK = answer('InstallClusterAddons')['task_id']
ONLY_LOGTAIL = {'componentIds': json.dumps(['logtail-ds'])}


def cluster():
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer='DescribeClusterDetail.running')
    client.on('DescribeClusterAddonsVersion', CID, answer='DescribeClusterAddonsVersion')
    client.on('DescribeClusterAddonsUpgradeStatus', CID, answer='DescribeClusterAddonsUpgradeStatus')
    client.on('DescribeAddons', answer='DescribeAddons')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


def test_add_ons_as_wanted_plan_nothing_with_three_reads():
    client = cluster()
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[
        {'name': 'metrics-server', 'version': METRICS['version']}, {'name': 'logtail-ds', 'state': 'absent'}])
    plan = AddonPlanner(ack).plan()
    assert plan.steps == [] and plan.before == plan.after == dict((n, e['version']) for n, e in VERSIONS.items())
    result = execute(ack, plan)
    assert result['changed'] is False and [a['name'] for a in result['addons']] == sorted(VERSIONS)
    assert all(a['state'] == 'active' for a in result['addons'])
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterAddonsVersion',
                                   'DescribeClusterAddonsUpgradeStatus']
    assert client.calls[2].query == {'componentIds': json.dumps(sorted(VERSIONS))}


def test_uninstall_install_upgrade_are_three_batches_in_that_order():
    client = cluster()
    for operation in ('UnInstallClusterAddons', 'InstallClusterAddons', 'UpgradeClusterAddons'):
        client.on(operation, CID, answer=operation)
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[
        {'name': 'metrics-server', 'version': 'latest'}, {'name': 'logtail-ds', 'config': {'level': 'info'}},
        {'name': 'nginx-ingress-controller', 'state': 'absent'}])
    plan = AddonPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['UnInstallClusterAddons nginx-ingress-controller',
                                             'InstallClusterAddons logtail-ds', 'UpgradeClusterAddons metrics-server']
    assert plan.after == dict(
        [(n, e['version']) for n, e in VERSIONS.items() if n != 'nginx-ingress-controller'] +
        [('logtail-ds', LOGTAIL), ('metrics-server', METRICS['next_version'])])
    assert all(not c.write for c in client.calls)
    client.forget()
    for step in plan.steps:
        step.run()
    base = '/clusters/%s/components/' % CID
    assert [(c.path, c.body) for c in client.writes()] == [
        (base + 'uninstall', [{'name': 'nginx-ingress-controller'}]),
        (base + 'install', [{'name': 'logtail-ds', 'version': LOGTAIL, 'config': '{"level":"info"}'}]),
        (base + 'upgrade', [{'component_name': 'metrics-server', 'version': METRICS['version'],
                             'next_version': METRICS['next_version']}])]


def test_an_install_waits_for_the_add_on_then_its_task():
    client = cluster()
    client.on('InstallClusterAddons', CID, answer='InstallClusterAddons')
    client.on('DescribeClusterAddonsVersion', CID, answers=['DescribeClusterAddonsVersion',
                                                            'DescribeClusterAddonsVersion.installed'])
    client.on('DescribeClusterAddonsUpgradeStatus', CID, query=ONLY_LOGTAIL, answers=[
        'DescribeClusterAddonsUpgradeStatus.installing', 'DescribeClusterAddonsUpgradeStatus.installed'])
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[{'name': 'logtail-ds'}])
    plan = AddonPlanner(ack).plan()
    client.forget()
    result = execute(ack, plan)
    assert client.operations() == ['InstallClusterAddons', 'DescribeClusterAddonsUpgradeStatus',
                                   'DescribeClusterAddonsUpgradeStatus', 'DescribeTaskInfo',
                                   'DescribeClusterAddonsVersion', 'DescribeClusterAddonsUpgradeStatus']
    assert ack.clock.now == 10
    assert result['changed'] and result['task_ids'] == [INSTALL_TASK]
    assert dict((a['name'], a['version']) for a in result['addons'])['logtail-ds'] == LOGTAIL


def test_what_cannot_be_done_is_refused_together_before_any_write():
    client = cluster()
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[
        {'name': 'coredns', 'state': 'absent'}, {'name': 'metrics-server', 'version': 'v0.3.9.1-old'},
        {'name': 'no-such-addon'}])
    with pytest.raises(AckModuleError) as info:
        AddonPlanner(ack).plan()
    assert info.value.msg == (
        'add-on coredns is required by the cluster and cannot be uninstalled; add-on metrics-server runs %s; '
        'v0.3.9.1-old is not newer and add-ons are never downgraded; unknown add-on no-such-addon; cluster type '
        'ManagedKubernetes can install: %s' % (METRICS['version'], ', '.join(CATALOGUE)))
    assert client.writes() == []


def test_an_add_on_listed_twice_is_refused_before_any_call():
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        AddonPlanner(FakeAck('ack_addon', client, cluster_id=CID, addons=[{'name': 'coredns'}, {'name': 'coredns'}]))
    assert info.value.msg == 'add-on coredns is listed twice in addons' and client.calls == []


def install_lost(versions_on_recheck):
    client = cluster()
    client.on('InstallClusterAddons', CID, answers=[lost('InstallClusterAddons'), 'InstallClusterAddons'])
    client.on('DescribeClusterAddonsVersion', CID, answers=['DescribeClusterAddonsVersion'] + versions_on_recheck + [
        'DescribeClusterAddonsVersion.installed'])
    client.on('DescribeClusterAddonsUpgradeStatus', CID, query=ONLY_LOGTAIL,
              answer='DescribeClusterAddonsUpgradeStatus.installed')
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[{'name': 'logtail-ds'}])
    plan = AddonPlanner(ack).plan()
    client.forget()
    return client, execute(ack, plan)


def test_a_lost_install_answer_is_read_again_not_sent_again_when_installed():
    client, result = install_lost(['DescribeClusterAddonsVersion.installed'])
    assert client.operations()[:3] == ['InstallClusterAddons', 'DescribeClusterAddonsVersion',
                                       'DescribeClusterAddonsUpgradeStatus']
    assert [c.operation for c in client.writes()] == ['InstallClusterAddons'] and result['task_ids'] == []


def test_a_lost_install_answer_that_was_not_applied_is_sent_once_more():
    client, result = install_lost(['DescribeClusterAddonsVersion', 'DescribeClusterAddonsVersion'])
    assert client.operations()[:4] == ['InstallClusterAddons', 'DescribeClusterAddonsVersion',
                                       'DescribeClusterAddonsVersion', 'InstallClusterAddons']
    first, second = client.writes()
    assert first.body == second.body == [{'name': 'logtail-ds', 'version': LOGTAIL}]
    assert result['task_ids'] == [INSTALL_TASK]
