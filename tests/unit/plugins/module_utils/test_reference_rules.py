# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules of the API reference the modules enforce before any write (#21), and requests shaped as the official SDK
sends them: subscription periods (7.1.5), serverless requirements (7.1.3), tag values (7.11), template tags
(10.1), an add-on's config as JSON text, node_cidr_mask and data disks as text, no performance level in a
scale-out."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._cluster import ClusterPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._nodes import NodesPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_period, check_tags, data_disks
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    module_params,
)

CID = answer('DescribeClusterDetail.running')['cluster_id']
MANAGED = dict(name='web', cluster_type='ManagedKubernetes', vpc_id='vpc-test0001', vswitch_ids=['vsw-test0001'],
               num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
               worker_system_disk_size=120, key_pair='k', snat_entry=True)
SANDBOXED = dict(MANAGED)
SANDBOXED.update(kubernetes_version='1.28.9-aliyun.1', pod_vswitch_ids=['vsw-test0002'],
                 runtime={'name': 'Sandboxed-Container.runv', 'version': '1.0.0'}, addons=[{'name': 'flannel'}],
                 worker_instance_types=['ecs.ebmg5s.24xlarge'], worker_data_disks=[{'size': 200}])
ASK = dict(name='jobs', cluster_type='Ask')  # in a VPC of its own


def new_cluster():
    client = FakeClient()
    client.on('DescribeClustersV1', answer='DescribeClustersV1.empty')
    return client


def planned_create(**options):
    """The CreateCluster body of a create of these options (refusals raise before any write)."""
    client = new_cluster()
    ClusterPlanner(FakeAck('ack_cluster', client, **options)).plan()
    assert client.writes() == []
    return ClusterPlanner(FakeAck('ack_cluster', client, **options)).create_body()


def refused(module, **options):
    client = new_cluster()
    with pytest.raises(AckModuleError) as info:
        ClusterPlanner(FakeAck(module, client, **options)).plan()
    assert client.writes() == []
    return info.value.msg


def prepaid(options, months):
    return dict(options, worker_instance_charge_type='PrePaid', worker_period=months)


@pytest.mark.parametrize('period', [4, 9, 24, 36, 48, 60])
def test_sandboxed_workers_take_the_longer_months_of_7_1_5(period):
    assert planned_create(**prepaid(SANDBOXED, period))['worker_period'] == period
    assert refused('ack_cluster', **prepaid(MANAGED, period)) == (
        'worker_period must be one of 1, 2, 3, 6, 12 for worker_period_unit Month, got %d' % period)


def test_sandboxed_workers_refuse_months_7_1_5_does_not_list():
    assert refused('ack_cluster', **prepaid(SANDBOXED, 10)) == (
        'worker_period must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60 for worker_period_unit Month, '
        'got 10')


def test_weekly_auto_renewal_is_1_to_3_weeks():
    week = dict(worker_instance_charge_type='PrePaid', worker_period_unit='Week', worker_period=4,
                worker_auto_renew=True)
    check_period(dict(week, worker_auto_renew_period=3), 'worker')
    with pytest.raises(AckModuleError) as info:
        check_period(dict(week, worker_auto_renew_period=4), 'worker')
    assert info.value.msg == 'worker_auto_renew_period must be one of 1, 2, 3 for worker_period_unit Week, got 4'


def test_masters_are_paid_by_the_month_only():
    with pytest.raises(ValueError) as info:
        module_params('ack_cluster', master_period_unit='Week')
    assert 'master_period_unit must be one of: Month' in str(info.value)


OWN_VPC = 'to create a serverless (Ask) cluster in a VPC of its own (no vpc_id)'


@pytest.mark.parametrize('drop, message', [
    ('zone_id', 'zone_id is required ' + OWN_VPC),
    ('private_zone', 'private_zone or service_discovery_types is required ' + OWN_VPC),
])
def test_a_serverless_cluster_in_a_vpc_of_its_own_needs_its_zone_and_private_zone(drop, message):
    given = dict(ASK, zone_id='cn-hangzhou-i', private_zone=False)
    del given[drop]
    assert refused('ack_cluster', **given) == message
    assert planned_create(**dict(ASK, zone_id='cn-hangzhou-i', private_zone=False))['private_zone'] is False
    assert planned_create(**dict(ASK, zone_id='cn-hangzhou-i', service_discovery_types=['PrivateZone']))
    # in an existing VPC and vSwitch (7.1.3's sample) neither is needed
    assert planned_create(**dict(ASK, vpc_id='vpc-test0001', vswitch_ids=['vsw-test0001']))['vpcid'] == 'vpc-test0001'


def test_a_tag_without_a_value_is_refused():
    check_tags('tags', {'env': 'dev'})
    for value in ('', None):
        with pytest.raises(AckModuleError) as info:
            check_tags('tags', {'env': value})
        assert info.value.msg == "tags: tag 'env' has no value; the API requires one"
    assert refused('ack_cluster', tags={'env': ''}, **MANAGED) == "tags: tag 'env' has no value; the API requires one"


def test_a_create_sends_an_add_on_config_dict_as_json_text():
    body = planned_create(addons=[{'name': 'logtail-ds', 'config': {'level': 'info', 'ports': [80]}},
                                  {'name': 'flannel'}], **MANAGED)
    assert body['addons'] == [{'name': 'logtail-ds', 'config': '{"level":"info","ports":[80]}'}, {'name': 'flannel'}]
    message = refused('ack_cluster', addons=[{'name': 'logtail-ds', 'config': 'level=info'}], **MANAGED)
    assert message == 'the config of add-on logtail-ds must be a dict or a JSON object in a string'


def test_a_create_sends_node_cidr_mask_and_data_disks_as_the_sdk_does():
    disks = [{'size': 100, 'category': 'cloud_essd', 'encrypted': True, 'performance_level': 'PL1'}]
    body = planned_create(node_cidr_mask=26, worker_data_disks=disks, **MANAGED)
    assert body['node_cidr_mask'] == '26'
    assert body['worker_data_disks'] == [{'size': '100', 'category': 'cloud_essd', 'encrypted': 'true',
                                          'performance_level': 'PL1'}]
    assert data_disks([{'size': 40, 'encrypted': False, 'category': None}]) == [{'size': '40', 'encrypted': 'false'}]


def test_a_scale_out_sends_data_disks_as_the_sdk_does_without_performance_level():
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer='DescribeClusterDetail.running')
    client.on('DescribeClusterNodes', CID, answer='DescribeClusterNodes')
    client.on('ScaleOutCluster', CID, answer='ScaleOutCluster')
    ack = FakeAck('ack_nodes', client, cluster_id=CID, count=5, worker_instance_types=['ecs.g7.xlarge'], key_pair='k',
                  worker_data_disks=[{'size': 100, 'category': 'cloud_essd', 'encrypted': True,
                                      'performance_level': 'PL1'}])
    plan = NodesPlanner(ack).plan()
    plan.steps[-1].run()
    [body] = client.sent('ScaleOutCluster')
    assert body['worker_data_disks'] == [{'size': '100', 'category': 'cloud_essd', 'encrypted': 'true'}]
    assert ack.warnings == ["worker_data_disks performance_level is not sent: ScaleOutCluster takes no performance "
                            "level for data disks (the new disks get their category's default)"]


@pytest.mark.parametrize('tags, ok', [('private', True), ('common', True), ('web', False)])
def test_template_tags_are_private_or_common(tags, ok):
    if ok:
        assert module_params('ack_template', name='web', tags=tags)['tags'] == tags
    else:
        with pytest.raises(ValueError) as info:
            module_params('ack_template', name='web', tags=tags)
        assert 'tags must be one of: private, common' in str(info.value)
