# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet report in one task: ack_cluster_info's gather upgrade and node_health over many clusters (one version
read per version, not per cluster), and the bounded worker threads that read them (_fleet.each_cluster)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_info import gather_info
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._fleet import each_cluster
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import FakeAck, FakeClient, answer

OLD, NEW = '1.28.9-aliyun.1', '1.30.1-aliyun.1'


def fleet(versions, sick=None, serverless=()):
    """A region with one cluster per version given (ids c0, c1, ...), each with the captured nodes; `sick`: the id
    of a cluster whose first node is NotReady."""
    listed = answer('DescribeClustersV1')
    template = listed['clusters'][0]
    clusters = []
    for i, version in enumerate(versions):
        clusters.append(dict(template, cluster_id='c%d' % i, name='shop-%d' % i, current_version=version,
                             cluster_type='Ask' if i in serverless else template['cluster_type']))
    listed.update(clusters=clusters, page_info=dict(page_number=1, page_size=50, total_count=len(clusters)))
    client = FakeClient()
    client.on('DescribeClustersV1', answer=listed)
    for version in (OLD, NEW):
        client.on('DescribeKubernetesVersionMetadata', query={'KubernetesVersion': version},
                  answer='DescribeKubernetesVersionMetadata.' + version.partition('-')[0])
    for cluster in clusters:
        nodes = answer('DescribeClusterNodes')
        if cluster['cluster_id'] == sick:
            nodes['nodes'][0].update(state='failed', node_status='NotReady', error_message='NodeNotReady')
        client.on('DescribeClusterNodes', cluster['cluster_id'], answer=nodes)
        client.on('GetUpgradeStatus', cluster['cluster_id'],
                  answer='GetUpgradeStatus.running' if cluster['cluster_id'] == 'c1' else 'GetUpgradeStatus.none')
    return client


def test_one_task_reports_version_upgradability_and_node_health_of_every_cluster():
    client = fleet([OLD, OLD, NEW, OLD], sick='c3')
    ack = FakeAck('ack_cluster_info', client, gather=['upgrade', 'node_health'], max_workers=1)
    result = gather_info(ack)
    assert result['changed'] is False
    by_id = dict((c['cluster_id'], c) for c in result['clusters'])
    assert sorted(by_id) == ['c0', 'c1', 'c2', 'c3']
    assert by_id['c0']['upgrade']['next_version'] == NEW and by_id['c0']['upgrade']['in_progress'] is False
    assert by_id['c1']['upgrade']['in_progress'] is True and by_id['c1']['upgrade']['status']['status'] == 'running'
    assert by_id['c2']['upgrade']['upgradable_versions'] == ['1.31.1-aliyun.1']
    nodes = len(answer('DescribeClusterNodes')['nodes'])
    assert by_id['c0']['node_health'] == dict(total=nodes, ready=nodes, not_ready=[])
    sick = by_id['c3']['node_health']
    assert sick['ready'] == nodes - 1 and [n['node_status'] for n in sick['not_ready']] == ['NotReady']
    assert set(sick['not_ready'][0]) == {'node_name', 'instance_id', 'state', 'node_status', 'error_message'}
    # the list, one version read per version (not per cluster), then one status and one node list per cluster
    ops = client.operations()
    assert ops[0] == 'DescribeClustersV1'
    assert ops.count('DescribeKubernetesVersionMetadata') == 2
    assert ops.count('GetUpgradeStatus') == ops.count('DescribeClusterNodes') == 4 and len(ops) == 11
    assert client.writes() == []


def test_a_serverless_cluster_has_no_nodes_to_read():
    client = fleet([OLD, OLD], serverless=(1,))
    result = gather_info(FakeAck('ack_cluster_info', client, gather=['node_health'], max_workers=1))
    assert result['clusters'][1]['node_health'] == dict(total=0, ready=0, not_ready=[])
    assert [c.path for c in client.calls if c.operation == 'DescribeClusterNodes'] == ['/clusters/c0/nodes']


def test_max_workers_below_one_is_refused_before_any_call():
    client = fleet([OLD])
    with pytest.raises(AckModuleError, match='max_workers must be at least 1, got 0'):
        gather_info(FakeAck('ack_cluster_info', client, gather=['upgrade'], max_workers=0))
    assert client.calls == []


class Recorder(object):
    """A client factory: each client knows the thread that made it; every client made is kept."""

    def __init__(self):
        self.made = []
        self.lock = threading.Lock()

    def __call__(self, region=None):
        client = FakeClient()
        client.thread = threading.current_thread().name
        with self.lock:
            self.made.append(client)
        return client


def test_workers_read_at_most_max_workers_at_once_each_with_a_client_of_its_own():
    make = Recorder()
    running, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def read(client, item):
        assert client.thread == threading.current_thread().name  # never a client of another thread
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            if running[0] == 3:
                release.set()
        release.wait(5)
        with lock:
            running[0] -= 1
        return item * 10

    task_client = FakeClient()
    assert each_cluster(task_client, make, range(12), read, 3) == [i * 10 for i in range(12)]  # in order
    assert peak[0] == 3 and 1 <= len(make.made) <= 3 and all(c.closed for c in make.made)
    assert not task_client.closed  # the task closes its own client


def test_one_worker_reads_in_the_task_thread_with_the_task_client():
    make = Recorder()
    task_client = FakeClient()
    seen = each_cluster(task_client, make, range(3), lambda client, item: client, 1)
    assert seen == [task_client] * 3 and make.made == []


def test_the_first_error_is_raised_and_what_has_not_started_is_not_read():
    make = Recorder()
    started = []

    def read(client, item):
        started.append(item)
        if item == 0:
            raise AckModuleError('cluster 0 failed')
        time.sleep(0.01)
        return item

    with pytest.raises(AckModuleError, match='cluster 0 failed'):
        each_cluster(FakeClient(), make, range(50), read, 2)
    assert len(started) < 50 and all(c.closed for c in make.made)
