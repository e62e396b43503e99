# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ack_kubeconfig state=revoked (#24) against captured task histories: revoked once per revoked_before, not
repeated, check mode, refusals before any call, a lost answer rechecked in the history."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._kubeconfig import KubeconfigPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.plugins.module_utils._revoke import marker
from ansible_collections.alicloud.ack.plugins.module_utils._rules import rfc3339
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    lost,
)

HISTORY = answer('DescribeClusterTasks')
CID = answer('DescribeClusterDetail.maintained')['cluster_id']
REVOKED = HISTORY['tasks'][0]
AT = rfc3339('created', REVOKED['created'])


def text(when):
    return when.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def cluster(*histories):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=dict(answer('DescribeClusterDetail.running'), cluster_id=CID))
    client.on('DescribeClusterTasks', CID, answers=list(histories) or ['DescribeClusterTasks'])
    client.on('RevokeK8sClusterKubeConfig', CID, answer='RevokeK8sClusterKubeConfig')
    return client


def revoke(client, before, **options):
    return FakeAck('ack_kubeconfig', client, cluster_id=CID, state='revoked', confirm_revoke=True,
                   revoked_before=before, **options)


def test_the_captured_history_has_the_revocation_newest_first():
    assert REVOKED['task_type'] == 'kubeconfig_revoke' and REVOKED['state'] == 'success'
    assert all(t['task_type'] != 'kubeconfig_revoke' for t in answer('DescribeClusterTasks.unrevoked')['tasks'])


def test_a_revocation_at_or_after_the_marker_is_not_repeated():
    client = cluster()
    ack = revoke(client, text(AT))
    result = execute(ack, KubeconfigPlanner(ack).plan())
    assert result['changed'] is False and client.writes() == []
    assert result['kubeconfig'] == dict(cluster_id=CID, revoked_before=text(AT), revoked_at=REVOKED['created'])
    assert result['diff']['before'] == result['diff']['after'] == dict(revoked_before=text(AT), revoked=True)
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterTasks']


def test_a_newer_marker_revokes_again_and_reads_it_back():
    later = text(AT + datetime.timedelta(seconds=1))
    client = cluster('DescribeClusterTasks', dict(HISTORY, tasks=[dict(REVOKED, created=later)] + HISTORY['tasks']))
    ack = revoke(client, later)
    plan = KubeconfigPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['RevokeK8sClusterKubeConfig']
    assert (plan.before, plan.after) == (dict(revoked_before=later, revoked=False),
                                         dict(revoked_before=later, revoked=True))
    client.forget()
    result = execute(ack, plan)
    assert [(c.operation, c.method, c.path) for c in client.writes()] == [
        ('RevokeK8sClusterKubeConfig', 'DELETE', '/k8s/%s/certs' % CID)]
    assert result['changed'] and result['task_ids'] == [] and result['kubeconfig']['revoked_at'] == later


def test_the_history_is_read_until_it_is_older_than_the_marker():
    client = cluster('DescribeClusterTasks.unrevoked')
    ack = revoke(client, text(AT - datetime.timedelta(days=1)))
    assert len(KubeconfigPlanner(ack).plan().steps) == 1
    assert client.calls[-1].query == {'page_number': '1', 'page_size': '50'}


def test_check_mode_reports_the_revocation_and_makes_no_write():
    client = cluster('DescribeClusterTasks.unrevoked')
    ack = revoke(client, text(AT), check_mode=True)
    result = execute(ack, KubeconfigPlanner(ack).plan())
    assert result['changed'] and client.writes() == [] and result['kubeconfig']['revoked_at'] is None


def test_a_lost_answer_is_rechecked_in_the_history():
    client = cluster('DescribeClusterTasks.unrevoked', 'DescribeClusterTasks')
    client.on('RevokeK8sClusterKubeConfig', CID, answer=lost('RevokeK8sClusterKubeConfig'))
    ack = revoke(client, text(AT))
    result = execute(ack, KubeconfigPlanner(ack).plan())
    assert client.operations().count('RevokeK8sClusterKubeConfig') == 1  # the history showed it applied
    assert result['changed'] and result['kubeconfig']['revoked_at'] == REVOKED['created']


@pytest.mark.parametrize('options, message', [
    (dict(confirm_revoke=False), 'state=revoked revokes every kubeconfig the cluster issued to this account (they '
                                 'stop working at once): set confirm_revoke: true to do it'),
    (dict(revoked_before=None), 'revoked_before is required with state=revoked: an RFC 3339 date-time such as '
                                '2024-06-01T10:00:00Z (every kubeconfig issued before it is revoked, once)'),
    (dict(revoked_before='03:00:00Z'), "revoked_before is required with state=revoked: an RFC 3339 date-time such "
                                       "as 2024-06-01T10:00:00Z (every kubeconfig issued before it is revoked, "
                                       "once), got '03:00:00Z'"),
    (dict(revoked_before='yesterday'), 'revoked_before must be an RFC 3339 time'),
    (dict(revoked_before='2999-01-01T00:00:00Z'), 'revoked_before 2999-01-01T00:00:00Z is in the future'),
])
def test_refused_before_any_call(options, message):
    client = FakeClient()
    ack = FakeAck('ack_kubeconfig', client, cluster_id=CID, state='revoked',
                  **dict(dict(confirm_revoke=True, revoked_before='2024-06-01T10:00:00Z'), **options))
    with pytest.raises(AckModuleError) as info:
        KubeconfigPlanner(ack).plan()
    assert message in info.value.msg and client.calls == []


def test_the_marker_is_to_the_second():
    now = datetime.datetime(2024, 6, 1, 10, 0, 5, tzinfo=datetime.timezone.utc)
    assert marker('2024-06-01T12:00:00.900+02:00', now) == datetime.datetime(2024, 6, 1, 10, 0, 0,
                                                                             tzinfo=datetime.timezone.utc)
