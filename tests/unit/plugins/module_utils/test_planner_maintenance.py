# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ClusterPlanner's maintenance window and automatic upgrades (#24) against captured details: compared with the
detail (times as instants, weekdays as a set), set in place with one ModifyCluster carrying the whole window,
turned off, refused before any call, applied after a create."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._cluster import ClusterPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import FakeAck, FakeClient, answer

MAINTAINED = answer('DescribeClusterDetail.maintained')
CID = MAINTAINED['cluster_id']
WINDOW = MAINTAINED['maintenance_window']
PLAIN = dict(answer('DescribeClusterDetail.running'), cluster_id=CID)  # no window, no automatic upgrades
STABLE = dict(enabled=True, channel='stable')


def cluster(detail):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=detail)
    client.on('ModifyCluster', CID, answer='ModifyCluster.maintenance')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


def test_the_captured_detail_has_what_the_tests_stand_on():
    assert WINDOW == {'enable': True, 'maintenance_time': '2024-10-15T03:00:00+08:00', 'duration': '4h',
                      'weekly_period': 'Monday,Thursday'}
    assert MAINTAINED['operation_policy']['cluster_auto_upgrade'] == STABLE
    assert PLAIN['maintenance_window']['enable'] is False


def test_the_same_window_written_otherwise_is_no_change_and_one_read():
    client = cluster(MAINTAINED)
    ack = FakeAck('ack_cluster', client, cluster_id=CID, auto_upgrade=STABLE, maintenance_window=dict(
        enable=True, maintenance_time='2024-10-14T19:00:00Z', duration='4', weekly_period=['thursday', 'Monday']))
    result = execute(ack, ClusterPlanner(ack).plan())
    assert result['changed'] is False and client.operations() == ['DescribeClusterDetail']
    assert result['diff']['before'] == result['diff']['after'] == {
        'maintenance_window': {'enable': True, 'maintenance_time': '2024-10-15T03:00:00+08:00', 'duration': '4h',
                               'weekly_period': ['Monday', 'Thursday']},
        'auto_upgrade': STABLE}
    assert ack.warnings == []


def test_set_in_place_with_the_whole_window_and_the_policy():
    client = cluster(PLAIN)
    ack = FakeAck('ack_cluster', client, cluster_id=CID, auto_upgrade=dict(enabled=True, channel='rapid'),
                  maintenance_window=dict(enable=True, maintenance_time='03:00:00Z', weekly_period=['Sunday']))
    plan = ClusterPlanner(ack).plan()
    assert plan.before == {'maintenance_window': {'enable': False, 'maintenance_time': '', 'weekly_period': []},
                           'auto_upgrade': {'enabled': False, 'channel': ''}}
    assert plan.after == {'maintenance_window': {'enable': True, 'maintenance_time': '03:00:00Z',
                                                 'weekly_period': ['Sunday']},
                          'auto_upgrade': {'enabled': True, 'channel': 'rapid'}}
    client.forget()
    result = execute(ack, plan)
    assert [c.body for c in client.writes()] == [{
        'maintenance_window': {'enable': True, 'maintenance_time': '03:00:00Z', 'weekly_period': 'Sunday'},
        'operation_policy': {'cluster_auto_upgrade': {'enabled': True, 'channel': 'rapid'}}}]
    assert result['changed'] and result['task_ids'] == [answer('ModifyCluster.maintenance')['task_id']]


def test_turned_off_the_rest_is_sent_as_it_is():
    client = cluster(MAINTAINED)
    ack = FakeAck('ack_cluster', client, cluster_id=CID, maintenance_window=dict(enable=False),
                  auto_upgrade=dict(enabled=False))
    plan = ClusterPlanner(ack).plan()
    assert (plan.before, plan.after) == ({'maintenance_window': {'enable': True}, 'auto_upgrade': {'enabled': True}},
                                         {'maintenance_window': {'enable': False}, 'auto_upgrade': {'enabled': False}})
    plan.steps[0].run()
    assert client.sent('ModifyCluster') == [{'maintenance_window': dict(WINDOW, enable=False),
                                             'operation_policy': {'cluster_auto_upgrade': {'enabled': False,
                                                                                           'channel': 'stable'}}}]


def test_one_suboption_changed_is_the_only_one_compared():
    client = cluster(MAINTAINED)
    ack = FakeAck('ack_cluster', client, cluster_id=CID, maintenance_window=dict(duration='6h'))
    plan = ClusterPlanner(ack).plan()
    assert (plan.before, plan.after) == ({'maintenance_window': {'duration': '4h'}},
                                         {'maintenance_window': {'duration': '6h'}})
    plan.steps[0].run()
    assert client.sent('ModifyCluster') == [{'maintenance_window': dict(WINDOW, duration='6h')}]


@pytest.mark.parametrize('window, message', [
    (dict(maintenance_time='2024-10-15 03:00'), 'maintenance_window.maintenance_time must be an RFC 3339 time'),
    (dict(maintenance_time='2024-02-30T03:00:00Z'), 'maintenance_window.maintenance_time must be an RFC 3339 time'),
    (dict(maintenance_time='03:00'), 'maintenance_window.maintenance_time must be an RFC 3339 time'),
    (dict(duration='25h'), "maintenance_window.duration must be 1 to 24 hours (such as 3h), got '25h'"),
    (dict(duration='three'), "maintenance_window.duration must be 1 to 24 hours (such as 3h), got 'three'"),
    (dict(weekly_period=['Monday', 'Funday']), 'maintenance_window.weekly_period must name weekdays'),
    (dict(weekly_period=['Monday', 'monday']), 'maintenance_window.weekly_period must name weekdays'),
    (dict(recurrence='FREQ=DAILY'), 'maintenance_window.recurrence: only FREQ=WEEKLY'),
    (dict(recurrence='FREQ=WEEKLY;COUNT=2'), 'maintenance_window.recurrence: COUNT and UNTIL are not supported'),
    (dict(recurrence='every monday'), 'maintenance_window.recurrence must be an RFC 5545 rule'),
])
def test_bad_values_are_refused_before_any_call(window, message):
    client = FakeClient()
    ack = FakeAck('ack_cluster', client, cluster_id=CID, maintenance_window=window)
    with pytest.raises(AckModuleError) as info:
        ClusterPlanner(ack).plan()
    assert message in info.value.msg and '\n' not in info.value.msg
    assert client.calls == []


@pytest.mark.parametrize('options, message', [
    (dict(maintenance_window=dict(enable=True)), 'maintenance_window.maintenance_time is required to enable the '
                                                 'maintenance window of cluster %s, which has none' % CID),
    (dict(auto_upgrade=dict(enabled=True)), 'auto_upgrade.channel (patch, stable, rapid) is required to turn '
                                            'automatic upgrades on: cluster %s has no channel yet' % CID),
])
def test_what_the_cluster_lacks_is_refused_before_any_write(options, message):
    client = cluster(PLAIN)
    with pytest.raises(AckModuleError) as info:
        ClusterPlanner(FakeAck('ack_cluster', client, cluster_id=CID, **options)).plan()
    assert info.value.msg == message and client.writes() == []


def test_automatic_upgrades_without_a_window_warn():
    client = cluster(PLAIN)
    ack = FakeAck('ack_cluster', client, cluster_id=CID, auto_upgrade=STABLE)
    assert len(ClusterPlanner(ack).plan().steps) == 1
    assert ack.warnings == ['automatic upgrades of cluster %s run in its maintenance window, which is not enabled: '
                            'set maintenance_window.enable' % CID]


def test_a_new_cluster_gets_them_with_the_follow_up_modify():
    client = FakeClient()
    client.on('DescribeClustersV1', answer='DescribeClustersV1.empty')
    client.on('CreateCluster', answer=dict(answer('CreateCluster'), cluster_id=CID))
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    client.on('DescribeClusterDetail', CID, answer=PLAIN)
    client.on('ModifyCluster', CID, answer='ModifyCluster.maintenance')
    new = dict(name='web', cluster_type='ManagedKubernetes', vpc_id='vpc-test0001', vswitch_ids=['vsw-test0001'],
               num_of_nodes=2, worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
               worker_system_disk_size=120, key_pair='web-key', snat_entry=True)
    ack = FakeAck('ack_cluster', client, auto_upgrade=STABLE, maintenance_window=dict(
        enable=True, maintenance_time='2024-10-15T03:00:00+08:00', weekly_period=['Monday']), **new)
    plan = ClusterPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['CreateCluster', 'ModifyCluster']
    assert plan.after['maintenance_window'] == {'enable': True, 'maintenance_time': '2024-10-15T03:00:00+08:00',
                                                'weekly_period': ['Monday']}
    assert plan.after['auto_upgrade'] == STABLE
    execute(ack, plan)
    assert 'maintenance_window' not in client.sent('CreateCluster')[0]
    assert client.sent('ModifyCluster') == [{
        'maintenance_window': {'enable': True, 'maintenance_time': '2024-10-15T03:00:00+08:00',
                               'weekly_period': 'Monday'},
        'operation_policy': {'cluster_auto_upgrade': STABLE}}]
