# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planners against answers shaped as the official SDK models them (#21): the captured answers with the keys the
SDK does not declare taken out. ack_cluster compares api_server_eip with master_url and api_server_eip_id /
ingress_loadbalancer_id with DescribeClusterResources; ack_addon takes catalogue versions from StandardComponents
(or sends none); ack_addon_info reads one add-on's status with DescribeClusterAddonUpgradeStatus."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.alicloud.ack.plugins.module_utils._addon import (
    AddonPlanner,
    catalogue_groups,
    catalogue_items,
    read_installed,
    read_versions,
)
from ansible_collections.alicloud.ack.plugins.module_utils._cluster import ClusterPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
)

# keys of the emulator's detail that neither the SDK's DescribeClusterDetail nor reference 7.6 has, and the
# reference's own extras (7.6) the SDK lacks
NOT_IN_SDK_DETAIL = ('api_server_eip', 'api_server_eip_id', 'ingress_loadbalancer_id', 'worker_instance_types',
                     'data_disk_category', 'data_disk_size', 'instance_type', 'vswitch_cidr')
STANDARD_FIELDS = ('name', 'version', 'description', 'required', 'disabled')  # the SDK's StandardComponents item


def sdk_detail(name='DescribeClusterDetail.running', **changes):
    detail = dict((k, v) for k, v in answer(name).items() if k not in NOT_IN_SDK_DETAIL)
    detail.update(changes)
    return detail


DETAIL = sdk_detail()
CID = DETAIL['cluster_id']
EIP, SLB = 'eip-shape00000001', 'lb-shape00000001'
RESOURCES = [
    {'cluster_id': CID, 'instance_id': DETAIL['external_loadbalancer_id'], 'resource_type': 'ALIYUN::SLB::LoadBalancer',
     'state': 'CREATE_COMPLETE'},
    {'cluster_id': CID, 'instance_id': EIP, 'resource_type': 'ALIYUN::VPC::EIP', 'state': 'CREATE_COMPLETE'},
    {'cluster_id': CID, 'instance_id': SLB, 'resource_type': 'ALIYUN::SLB::LoadBalancer', 'state': 'CREATE_COMPLETE'},
]
URLS = {'api_server_endpoint': 'https://47.0.0.1:6443', 'dashboard_endpoint': '',
        'intranet_api_server_endpoint': 'https://192.168.0.1:6443'}


def master_url(public=True):
    return json.dumps(dict(URLS, api_server_endpoint=URLS['api_server_endpoint'] if public else ''))


def cluster_client(detail=None, resources=None):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=detail or DETAIL)
    client.on('DescribeClusterResources', CID, answer=RESOURCES if resources is None else resources)
    client.on('ModifyCluster', CID, answer='ModifyCluster')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


UNCHANGED = dict(cluster_id=CID, api_server_eip=True, api_server_eip_id=EIP, ingress_loadbalancer_id=SLB,
                 deletion_protection=False, tags={'env': 'dev'}, node_cidr_mask=26, proxy_mode='ipvs',
                 container_cidr='172.20.0.0/16')


def test_a_cluster_as_wanted_plans_nothing_from_master_url_and_its_resources():
    client = cluster_client()
    ack = FakeAck('ack_cluster', client, **UNCHANGED)
    plan = ClusterPlanner(ack).plan()
    assert plan.steps == [] and plan.before == plan.after
    assert plan.before['api_server_eip'] is True and plan.before['node_cidr_mask'] == '26'
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterResources']
    assert client.calls[1].query == {'with_addon_resources': 'true'}
    assert execute(ack, plan)['changed'] is False and ack.warnings == []


def test_booleans_answered_as_text_compare_as_booleans():
    # reference 7.6's example answers deletion_protection as "true"
    client = cluster_client(sdk_detail(deletion_protection='true'))
    ack = FakeAck('ack_cluster', client, cluster_id=CID, deletion_protection=True)
    assert ClusterPlanner(ack).plan().steps == []


def test_resources_are_read_only_for_the_options_they_tell():
    client = cluster_client()
    ack = FakeAck('ack_cluster', client, cluster_id=CID, api_server_eip=True, deletion_protection=False)
    assert ClusterPlanner(ack).plan().steps == []
    assert client.operations() == ['DescribeClusterDetail']


def test_what_the_answers_show_different_is_modified():
    client = cluster_client(sdk_detail(master_url=master_url(public=False)), resources=RESOURCES[:1])
    ack = FakeAck('ack_cluster', client, **UNCHANGED)
    plan = ClusterPlanner(ack).plan()
    assert plan.before['api_server_eip'] is False
    assert plan.before['api_server_eip_id'] == '' and plan.before['ingress_loadbalancer_id'] == ''  # the API's own
    client.forget()
    plan.steps[0].run()
    assert client.sent('ModifyCluster') == [dict(api_server_eip=True, api_server_eip_id=EIP,
                                                 ingress_loadbalancer_id=SLB)]


def test_a_master_url_that_tells_nothing_is_not_compared_and_the_task_says_so():
    client = cluster_client(sdk_detail(master_url=''))
    ack = FakeAck('ack_cluster', client, cluster_id=CID, api_server_eip=False)
    assert ClusterPlanner(ack).plan().steps == []
    assert ack.warnings == ['api_server_eip not compared: the answers about cluster %s do not tell (its master_url '
                            'shows no endpoints yet)' % CID]


def test_a_create_follow_up_sends_only_what_the_new_cluster_lacks():
    client = cluster_client()
    client.on('DescribeClustersV1', answer='DescribeClustersV1.empty')
    client.on('CreateCluster', answer='CreateCluster')
    ack = FakeAck('ack_cluster', client, name='web', cluster_type='ManagedKubernetes', vpc_id='vpc-test0001',
                  vswitch_ids=['vsw-test0001'], num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'],
                  worker_system_disk_category='cloud_essd', worker_system_disk_size=120, key_pair='k', snat_entry=True,
                  api_server_eip=True, api_server_eip_id=EIP, ingress_loadbalancer_id='lb-other0001')
    execute(ack, ClusterPlanner(ack).plan())
    assert client.sent('ModifyCluster') == [{'ingress_loadbalancer_id': 'lb-other0001'}]


# ---- add-ons ---------------------------------------------------------------------------------------------------
def sdk_catalogue(versions=True):
    """DescribeAddons as the SDK models it: group items with their name only, the versions in StandardComponents
    (versions=False: none anywhere)."""
    full = answer('DescribeAddons')
    groups = [dict(group_name=g['group_name'], items=[{'name': i['name']} for i in g['items']])
              for g in full['ComponentGroups']]
    standard = dict((k, dict((f, v[f]) for f in STANDARD_FIELDS if f in v and (versions or f != 'version')))
                    for k, v in full['StandardComponents'].items())
    return {'ComponentGroups': groups, 'StandardComponents': standard}


LOGTAIL = answer('DescribeAddons')['StandardComponents']['logtail-ds']['version']


def test_catalogue_items_take_each_field_from_whichever_part_has_it():
    items = catalogue_items(sdk_catalogue())
    assert items['logtail-ds']['version'] == LOGTAIL and items['logtail-ds']['name'] == 'logtail-ds'
    reference = answer('DescribeAddons')
    del reference['StandardComponents']
    assert catalogue_items(reference)['logtail-ds']['version'] == LOGTAIL
    groups = catalogue_groups(sdk_catalogue())
    assert [g['group_name'] for g in groups] == [g['group_name'] for g in answer('DescribeAddons')['ComponentGroups']]
    assert all(i.get('version') for g in groups for i in g['items'])


def addon_client(catalogue):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=DETAIL)
    client.on('DescribeClusterAddonsVersion', CID, answers=['DescribeClusterAddonsVersion',
                                                            'DescribeClusterAddonsVersion.installed'])
    client.on('DescribeClusterAddonsUpgradeStatus', CID, answer='DescribeClusterAddonsUpgradeStatus')
    client.on('DescribeClusterAddonsUpgradeStatus', CID, query={'componentIds': json.dumps(['logtail-ds'])},
              answers=['DescribeClusterAddonsUpgradeStatus.installing', 'DescribeClusterAddonsUpgradeStatus.installed'])
    client.on('DescribeAddons', answer=catalogue)
    client.on('InstallClusterAddons', CID, answer='InstallClusterAddons')
    client.on('DescribeTaskInfo', answer='DescribeTaskInfo.success')
    return client


def test_an_install_takes_the_version_of_standard_components():
    client = addon_client(sdk_catalogue())
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[{'name': 'logtail-ds'}])
    result = execute(ack, AddonPlanner(ack).plan())
    assert client.sent('InstallClusterAddons') == [[{'name': 'logtail-ds', 'version': LOGTAIL}]]
    assert result['changed'] and result['diff']['after']['logtail-ds'] == LOGTAIL


def test_without_a_catalogue_version_none_is_sent_and_the_wait_takes_what_the_api_installed():
    client = addon_client(sdk_catalogue(versions=False))
    ack = FakeAck('ack_addon', client, cluster_id=CID, addons=[{'name': 'logtail-ds'}])
    result = execute(ack, AddonPlanner(ack).plan())
    assert client.sent('InstallClusterAddons') == [[{'name': 'logtail-ds'}]]
    assert ack.clock.now == 10  # installing, then installed: one wait_sleep, no timeout
    assert dict((a['name'], a['version']) for a in result['addons'])['logtail-ds'] == LOGTAIL


def test_one_add_on_entry_and_one_add_on_status():
    client = FakeClient()
    entry = answer('DescribeClusterAddonsVersion')['metrics-server']
    client.on('DescribeClusterAddonsVersion', CID, answer=entry)  # 11.3's example: one add-on's entry
    assert list(read_versions(client, CID)) == ['metrics-server']
    status = answer('DescribeClusterAddonsUpgradeStatus')['metrics-server']
    client.on('DescribeClusterAddonUpgradeStatus', CID, 'metrics-server', answer=status)
    client.forget()
    [addon] = read_installed(client, CID, full=True, names=['metrics-server'])
    assert client.operations() == ['DescribeClusterAddonsVersion', 'DescribeClusterAddonUpgradeStatus']
    assert client.calls[1].path == '/clusters/%s/components/metrics-server/upgradestatus' % CID
    assert addon['upgrade_status'] == status and addon['state'] == 'active'
