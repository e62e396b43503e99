# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory's reading (against a real local HTTP server) and its pure host helpers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest

pytest.importorskip('requests', reason='the client needs requests')

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError, AckClient  # noqa: E402
from ansible_collections.alicloud.ack.plugins.module_utils._credentials import Credentials  # noqa: E402
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import (  # noqa: E402
    Filters,
    default_groups,
    host_name,
    host_vars,
    read_clusters,
    split_ips,
)
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.httpserver import ApiServer  # noqa: E402

CREDS = Credentials('LTAI5tTESTACCESSKEYID', 'TESTaccessKEYsecret0123456789ab')


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')


def cluster(i, region='cn-hangzhou', **extra):
    c = dict(cluster_id='c%03d' % i, name='k%d' % i, cluster_type='ManagedKubernetes', region_id=region,
             state='running', current_version='1.31.1-aliyun.1', zone_id='%s-h' % region, tags=[])
    c.update(extra)
    return c


def node(i, role='Worker', ips=None):
    return dict(instance_id='i-%04d' % i, node_name='n%d' % i, instance_role=role, state='running',
                instance_type='ecs.g7.xlarge', nodepool_id='' if role == 'Master' else 'np1',
                ip_address=ips or ['192.168.0.%d' % (i % 250 + 2)])


class FakeCloud(object):
    """DescribeClustersV1 and DescribeClusterNodes over clusters {region: [cluster]} and nodes {cluster_id: [node]},
    paged as ACK pages them, and DescribeClusterNodePools (every node pool id of a cluster's nodes, np1 the default
    pool); records which thread asked."""

    def __init__(self, clusters, nodes):
        self.clusters = clusters
        self.nodes = nodes

    def __call__(self, request):
        q = request.query
        if request.path == '/api/v1/clusters':
            items = self.clusters.get(q.get('region_id'), [])
            number, size = int(q['page_number']), int(q['page_size'])
            page = {'clusters': items[(number - 1) * size:number * size],
                    'page_info': {'page_number': number, 'page_size': size, 'total_count': len(items)}}
            return 200, {}, page
        cid = request.path.split('/')[2]
        if cid not in self.nodes:
            return 404, {}, {'code': 'ErrorClusterNotFound', 'message': 'cluster %s not found' % cid}
        items = self.nodes[cid]
        if request.path.endswith('/nodepools'):
            ids = sorted(set(n['nodepool_id'] for n in items if n['nodepool_id']))
            return 200, {}, {'nodepools': [{'nodepool_info': {'nodepool_id': i, 'name': 'pool-' + i,
                                                              'is_default': i == 'np1'}} for i in ids]}
        number, size = int(q['pageNumber']), int(q['pageSize'])
        return 200, {}, {'nodes': items[(number - 1) * size:number * size],
                         'page': {'page_number': str(number), 'page_size': str(size), 'total_count': str(len(items))}}


class Maker(object):
    """make_client(region): a real AckClient per call, recording (thread, region)."""

    def __init__(self, url):
        self.url = url
        self.made = []
        self.lock = threading.Lock()

    def __call__(self, region):
        with self.lock:
            self.made.append((threading.current_thread().name, region))
        return AckClient(CREDS, endpoint=self.url, region=region or 'cn-hangzhou', api_retries=0)


def test_read_follows_every_page_with_one_client_per_thread_and_region():
    clusters = {'cn-hangzhou': [cluster(i) for i in range(120)],
                'cn-beijing': [cluster(200, 'cn-beijing', cluster_type='Kubernetes'),
                               cluster(201, 'cn-beijing', cluster_type='Ask'),
                               cluster(202, 'cn-beijing', state='deleted')]}
    nodes = dict((c['cluster_id'], [node(1), node(2)]) for c in clusters['cn-hangzhou'])
    nodes['c000'] = [node(i) for i in range(230)]
    nodes['c200'] = [node(300, 'Master'), node(301)]
    with ApiServer(FakeCloud(clusters, nodes)) as server:
        maker = Maker(server.url)
        got = read_clusters(maker, ['cn-hangzhou', 'cn-beijing'], Filters(), workers=4)
        paths = [r.path for r in server.requests]
    # 2 cluster pages in cn-hangzhou, 1 in cn-beijing; 3 node pages of c000, 1 of every other cluster with nodes;
    # the node pool list of every cluster with workers
    assert paths.count('/api/v1/clusters') == 3
    assert len(paths) == 3 + 3 + 119 + 1 + 121
    assert [e['cluster']['cluster_id'] for e in got] == ['c200', 'c201'] + ['c%03d' % i for i in range(120)]
    assert len(got[2]['nodes']) == 230 and got[1]['nodes'] == [] and len(got[0]['nodes']) == 2
    assert [n.get('nodepool_name') for n in got[0]['nodes']] == [None, 'pool-np1']  # a master is in no pool
    assert len(set(maker.made)) == len(maker.made) <= 2 * 4  # never two clients for one thread and region


def test_read_filters_and_masters():
    clusters = {'cn-hangzhou': [cluster(1, tags=[{'key': 'env', 'value': 'prod'}]),
                                cluster(2, name='k1x', tags=[{'key': 'env', 'value': 'dev'}]),
                                cluster(3, cluster_type='Kubernetes', tags=[{'key': 'env', 'value': 'prod'}])]}
    nodes = {'c001': [node(1)], 'c002': [node(2)], 'c003': [node(3, 'Master'), node(4)]}
    with ApiServer(FakeCloud(clusters, nodes)) as server:
        def ids(filters, **kw):
            return [(e['cluster']['cluster_id'], [n['instance_id'] for n in e['nodes']])
                    for e in read_clusters(Maker(server.url), [None], filters, **kw)]
        assert ids(Filters(tags={'env': 'prod'})) == [('c001', ['i-0001']), ('c003', ['i-0003', 'i-0004'])]
        assert ids(Filters(tags={'env': None}, types=['Kubernetes']), include_masters=False) == [('c003', ['i-0004'])]
        assert ids(Filters(names=['k1'])) == [('c001', ['i-0001'])]  # exact, not the API's fuzzy match
        assert ids(Filters(cluster_ids=['c002', 'c404'])) == [('c002', ['i-0002'])]
        assert 'cluster_id' not in last_list(server).query  # two ids: all listed, compared here
        ids(Filters(cluster_ids=['c002'], types=['ManagedKubernetes']))
        assert last_list(server).query['cluster_id'] == 'c002'  # one: asked of the API
        assert last_list(server).query['cluster_type'] == 'ManagedKubernetes'


def last_list(server):
    return [r for r in server.requests if r.path == '/api/v1/clusters'][-1]


def test_without_pool_names_no_pool_is_read():
    clusters = {'cn-hangzhou': [cluster(1)]}
    with ApiServer(FakeCloud(clusters, {'c001': [node(1)]})) as server:
        got = read_clusters(Maker(server.url), [None], Filters(), pool_names=False)
        assert [r.path for r in server.requests] == ['/api/v1/clusters', '/clusters/c001/nodes']
    assert 'nodepool_name' not in got[0]['nodes'][0]


def test_a_cluster_gone_meanwhile_has_no_nodes_and_other_errors_raise():
    clusters = {'cn-hangzhou': [cluster(1), cluster(2)]}
    with ApiServer(FakeCloud(clusters, {'c001': [node(1)]})) as server:
        got = read_clusters(Maker(server.url), [None], Filters())
        assert [len(e['nodes']) for e in got] == [1, 0]
    with ApiServer(lambda r: (403, {}, {'code': 'Forbidden.RAM', 'message': 'no'})) as server:
        with pytest.raises(AckApiError, match='DescribeClustersV1 failed: Forbidden.RAM'):
            read_clusters(Maker(server.url), ['cn-hangzhou', 'cn-beijing'], Filters())


@pytest.mark.parametrize('addresses,expected', [
    (['192.168.1.2'], ('192.168.1.2', None)),
    (['47.96.1.2', '10.0.0.3'], ('10.0.0.3', '47.96.1.2')),
    (['100.64.0.9', '8.8.8.8', '1.1.1.1'], ('100.64.0.9', '8.8.8.8')),
    (['not-an-ip', ' 172.16.0.1 '], ('172.16.0.1', None)),
    ([], (None, None)),
    (None, (None, None)),
])
def test_split_ips(addresses, expected):
    assert split_ips(addresses) == expected


def test_host_vars_and_groups():
    c = cluster(7, name='web prod', tags=[{'key': 'env', 'value': 'prod'}], zone_id='cn-hangzhou-h')
    hv = host_vars(c, node(5, ips=['192.168.0.5', '47.1.2.3']))
    assert hv['instance_id'] == 'i-0005' and hv['ip_address'] == ['192.168.0.5', '47.1.2.3']
    assert (hv['private_ip'], hv['public_ip'], hv['zone_id']) == ('192.168.0.5', '47.1.2.3', 'cn-hangzhou-h')
    assert (hv['cluster_id'], hv['cluster_name'], hv['cluster_type'], hv['cluster_version']) == (
        'c007', 'web prod', 'ManagedKubernetes', '1.31.1-aliyun.1')
    assert hv['cluster_tags'] == {'env': 'prod'} and hv['region_id'] == 'cn-hangzhou'
    assert default_groups(hv) == ['ack_cluster_web_prod', 'ack_nodepool_np1', 'ack_state_running',
                                  'ack_instance_type_ecs_g7_xlarge', 'ack_zone_cn_hangzhou_h', 'ack_role_worker']
    master = host_vars(cluster(8, zone_id=None), dict(node(6, 'Master'), zone_id='cn-hangzhou-k'))
    assert master['zone_id'] == 'cn-hangzhou-k'
    assert default_groups(master) == ['ack_cluster_k8', 'ack_state_running', 'ack_instance_type_ecs_g7_xlarge',
                                      'ack_zone_cn_hangzhou_k', 'ack_role_master']


def test_host_name_takes_the_first_field_with_a_value():
    hv = dict(node_name='', instance_id='i-1', public_ip=None, private_ip='10.0.0.1')
    assert host_name(hv, ['node_name', 'instance_id']) == 'i-1'
    assert host_name(hv, ['public_ip', 'private_ip']) == '10.0.0.1'
    assert host_name(hv, ['public_ip']) is None
