# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""UpgradePlanner against captured answers: at the version, hop by hop, the upgrade under way, pause, resume,
cancel, refusals, a lost UpgradeCluster answer."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.plugins.module_utils._upgrade import UpgradePlanner
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    lost,
)

DETAIL = answer('DescribeClusterDetail.running')
CID = DETAIL['cluster_id']
OLD, NEW, NEWEST = '1.28.9-aliyun.1', '1.30.1-aliyun.1', '1.31.1-aliyun.1'
TASK = answer('UpgradeCluster')['task_id']
PATH = '/api/v2/clusters/%s/upgrade' % CID


def cluster(status='GetUpgradeStatus.none', detail='DescribeClusterDetail.running'):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answers=detail if isinstance(detail, list) else [detail])
    client.on('GetUpgradeStatus', CID, answers=status if isinstance(status, list) else [status])
    for version in (OLD, NEW, NEWEST):
        client.on('DescribeKubernetesVersionMetadata', query={'KubernetesVersion': version},
                  answer='DescribeKubernetesVersionMetadata.' + version.partition('-')[0])
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    for operation in ('UpgradeCluster', 'PauseClusterUpgrade', 'ResumeUpgradeCluster', 'CancelClusterUpgrade'):
        client.on(operation, CID, answer=operation)
    return client


def test_a_cluster_at_the_version_plans_nothing_with_two_reads():
    client = cluster()
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, version=OLD)
    result = execute(ack, UpgradePlanner(ack).plan())
    assert result['changed'] is False and result['path'] == [] and result['cluster'] == DETAIL
    assert result['upgrade']['status'] == '' and result['upgrade']['step'] == 'not_start'
    assert result['diff']['before'] == result['diff']['after'] == {'version': OLD, 'upgrade_status': ''}
    assert client.operations() == ['DescribeClusterDetail', 'GetUpgradeStatus']


def test_nothing_to_pause_is_no_change_and_a_warning():
    client = cluster()
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, state='paused')
    assert UpgradePlanner(ack).plan().steps == []
    assert ack.warnings == ['cluster %s has no upgrade in progress to pause (upgrade status: none)' % CID]
    assert client.writes() == []


def test_two_minor_versions_up_is_two_hops():
    client = cluster()
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, version=NEWEST, master_only=True)
    plan = UpgradePlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['UpgradeCluster to %s' % NEW, 'UpgradeCluster to %s' % NEWEST]
    assert plan.extra['path'] == [NEW, NEWEST]
    assert plan.before == {'version': OLD, 'upgrade_status': ''}
    assert plan.after == {'version': NEWEST, 'upgrade_status': 'success'}
    versions = [(c.query['KubernetesVersion'], c.query['ClusterType'], c.query['Region']) for c in client.calls
                if c.operation == 'DescribeKubernetesVersionMetadata']
    assert versions == [(OLD, 'ManagedKubernetes', 'cn-hangzhou'), (NEW, 'ManagedKubernetes', 'cn-hangzhou')]
    client.forget()
    for step in plan.steps:
        step.run()
    assert [(c.path, c.body) for c in client.writes()] == [
        (PATH, {'next_version': NEW, 'master_only': True}), (PATH, {'next_version': NEWEST, 'master_only': True})]


def test_a_hop_waits_for_the_upgrade_its_task_and_the_cluster_at_the_version():
    client = cluster(['GetUpgradeStatus.none', 'GetUpgradeStatus.running', 'GetUpgradeStatus.success'],
                     ['DescribeClusterDetail.running', 'DescribeClusterDetail.upgraded'])
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, version=NEW)
    plan = UpgradePlanner(ack).plan()
    client.forget()
    result = execute(ack, plan)
    assert client.operations() == ['UpgradeCluster', 'GetUpgradeStatus', 'GetUpgradeStatus', 'DescribeTaskInfo',
                                   'DescribeClusterDetail', 'DescribeClusterDetail', 'GetUpgradeStatus']
    assert ack.clock.now == 10
    assert result['changed'] and result['task_ids'] == [TASK] and result['path'] == [NEW]
    assert result['cluster']['current_version'] == NEW and result['upgrade']['status'] == 'success'


def test_the_upgrade_under_way_is_waited_for_without_a_write():
    client = cluster(['GetUpgradeStatus.running', 'GetUpgradeStatus.success'],
                     ['DescribeClusterDetail.upgrading', 'DescribeClusterDetail.upgraded'])
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, version=NEW)
    plan = UpgradePlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['wait for the upgrade to %s under way' % NEW]
    result = execute(ack, plan)
    assert client.writes() == [] and result['cluster']['current_version'] == NEW


@pytest.mark.parametrize('status, options, operation', [
    ('GetUpgradeStatus.pause', dict(version=NEW), 'ResumeUpgradeCluster'),
    ('GetUpgradeStatus.running', dict(state='paused'), 'PauseClusterUpgrade'),
    ('GetUpgradeStatus.pause', dict(state='canceled'), 'CancelClusterUpgrade'),
])
def test_resume_pause_and_cancel_are_one_call_each(status, options, operation):
    client = cluster(status, 'DescribeClusterDetail.upgrading')
    plan = UpgradePlanner(FakeAck('ack_upgrade', client, cluster_id=CID, **options)).plan()
    assert [s.label for s in plan.steps] == [operation]
    client.forget()
    plan.steps[0].run()
    what = operation.replace('ClusterUpgrade', '').replace('UpgradeCluster', '').lower()
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [(operation, '%s/%s' % (PATH, what), None)]


def test_pause_waits_until_the_upgrade_is_paused():
    client = cluster(['GetUpgradeStatus.running', 'GetUpgradeStatus.running', 'GetUpgradeStatus.pause'],
                     'DescribeClusterDetail.upgrading')
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, state='paused')
    result = execute(ack, UpgradePlanner(ack).plan())
    assert [c.operation for c in client.writes()] == ['PauseClusterUpgrade']
    assert result['upgrade']['status'] == 'pause' and result['diff']['after']['upgrade_status'] == 'pause'


@pytest.mark.parametrize('version, why', [
    ('1.26.15-aliyun.1', 'a downgrade is not possible'),
    ('1.32.1-aliyun.1', 'ACK offers no upgrade path to it'),
])
def test_a_version_out_of_reach_is_refused_with_the_versions_in_reach(version, why):
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        UpgradePlanner(FakeAck('ack_upgrade', client, cluster_id=CID, version=version)).plan()
    assert info.value.msg == 'cannot upgrade cluster %s from %s to %s: %s; versions it can reach: %s, %s' % (
        CID, OLD, version, why, NEW, NEWEST)
    assert info.value.extra['reachable_versions'] == [NEW, NEWEST] and client.writes() == []


def test_a_version_that_is_no_version_is_refused_before_any_call():
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        UpgradePlanner(FakeAck('ack_upgrade', client, cluster_id=CID, version='v1.30'))
    assert info.value.msg == "version 'v1.30' is not a Kubernetes version of ACK (such as 1.30.1-aliyun.1) or next"
    assert client.calls == []


def test_an_upgrade_needs_the_cluster_running():
    client = cluster(detail='DescribeClusterDetail.scaling')
    with pytest.raises(AckModuleError) as info:
        UpgradePlanner(FakeAck('ack_upgrade', client, cluster_id=CID, version=NEW, wait=False)).plan()
    assert info.value.msg == 'cluster %s is scaling; an upgrade needs it running' % CID and client.writes() == []


def upgrade_lost(status_on_recheck, detail_on_recheck):
    client = cluster(['GetUpgradeStatus.none', status_on_recheck, 'GetUpgradeStatus.success'],
                     ['DescribeClusterDetail.running', detail_on_recheck, 'DescribeClusterDetail.upgraded'])
    client.on('UpgradeCluster', CID, answers=[lost('UpgradeCluster'), 'UpgradeCluster'])
    ack = FakeAck('ack_upgrade', client, cluster_id=CID, version=NEW)
    plan = UpgradePlanner(ack).plan()
    client.forget()
    return client, execute(ack, plan)


def test_a_lost_upgrade_answer_is_not_sent_again_when_the_upgrade_runs():
    client, result = upgrade_lost('GetUpgradeStatus.running', 'DescribeClusterDetail.upgraded')
    assert client.operations()[:2] == ['UpgradeCluster', 'GetUpgradeStatus']
    assert [c.operation for c in client.writes()] == ['UpgradeCluster'] and result['task_ids'] == []


def test_a_lost_upgrade_answer_that_started_nothing_is_sent_once_more():
    client, result = upgrade_lost('GetUpgradeStatus.none', 'DescribeClusterDetail.running')
    assert client.operations()[:4] == ['UpgradeCluster', 'GetUpgradeStatus', 'DescribeClusterDetail',
                                       'UpgradeCluster']
    first, second = client.writes()
    assert first.body == second.body == {'next_version': NEW}
    assert result['task_ids'] == [TASK] and result['cluster']['current_version'] == NEW
