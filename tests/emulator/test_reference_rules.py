"""Rules of the API reference (/work/shared/spec/ack-api-reference.txt) the emulator follows (#21): each test names
the section it quotes."""
import json

import yaml

from conftest import MANAGED_BODY
from kubetools import Kube, ack_nodes, kubeconfig
from test_clusters import ASK, DEDICATED, SANDBOXED, create, detail, with_

PREPAID = {'worker_instance_charge_type': 'PrePaid', 'worker_period_unit': 'Month'}


def refused(r, code, name):
    assert (r.status, r.code) == (400, code), r
    assert name in r.json['message'], r.json['message']


def logs(emulator, cid):
    return [e['cluster_log'] for e in emulator.signed('GET', '/clusters/%s/logs' % cid,
                                                      action='DescribeClusterLogs').json]


# -- CreateCluster -------------------------------------------------------------------------------------------------
def test_7_1_5_sandboxed_workers_take_months_1_to_9_12_and_24_to_60(emulator):
    """7.1.5 worker_period: "When you specify PeriodUnit=Month, valid values are 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24,
    36, 48, and 60"; 7.1.1 (other kinds): 1, 2, 3, 6 and 12."""
    emulator.set_time_scale(0)
    assert create(emulator, with_(SANDBOXED, worker_period=24, **PREPAID)).status == 202
    assert create(emulator, with_(SANDBOXED, name='sandboxed-7', worker_period=7, **PREPAID)).status == 202
    refused(create(emulator, with_(SANDBOXED, name='sandboxed-10', worker_period=10, **PREPAID)),
            'InvalidParameter', 'worker_period')
    refused(create(emulator, with_(MANAGED_BODY, worker_period=24, **PREPAID)), 'InvalidParameter', 'worker_period')


def test_7_1_5_week_auto_renewal_periods_are_1_to_3(emulator):
    """7.1.5 worker_auto_renew_period: "When you specify PeriodUnit=Week, valid values are 1, 2, and 3" (the
    subscription itself takes 1 to 4 weeks)."""
    week = dict(PREPAID, worker_period_unit='Week', worker_period=4, worker_auto_renew=True)
    refused(create(emulator, with_(MANAGED_BODY, worker_auto_renew_period=4, **week)),
            'InvalidParameter', 'worker_auto_renew_period')
    emulator.set_time_scale(0)
    assert create(emulator, with_(MANAGED_BODY, worker_auto_renew_period=3, **week)).status == 202


def test_7_1_1_master_period_unit_is_month(emulator):
    """7.1.1 master_period_unit: "A value of Month indicates that the subscription duration is measured in
    months" (the only unit it gives for masters)."""
    masters = {'master_instance_charge_type': 'PrePaid', 'master_period': 1}
    refused(create(emulator, with_(DEDICATED, master_period_unit='Week', **masters)),
            'InvalidParameter', 'master_period_unit')
    emulator.set_time_scale(0)
    assert create(emulator, with_(DEDICATED, master_period_unit='Month', **masters)).status == 202


def test_7_1_3_serverless_private_zone_and_zoneid(emulator):
    """7.1.3: private_zone and zoneid "Required: Yes"; its sample request, with a VPC and vSwitch given, sends
    neither. A cluster that makes its own VPC needs both (the SDK's service_discovery_types stands for
    private_zone)."""
    own_vpc = with_(ASK, vpcid=None, vswitch_ids=None)
    refused(create(emulator, with_(own_vpc, zone_id=None)), 'MissingParameter', 'zone')
    refused(create(emulator, with_(own_vpc, private_zone=None)), 'MissingParameter', 'private_zone')
    emulator.set_time_scale(0)
    r = create(emulator, with_(own_vpc, private_zone=None, service_discovery_types=['PrivateZone']))
    assert r.status == 202, r
    assert emulator.wait_cluster(r.json['cluster_id'])['private_zone'] is True
    sample = with_(ASK, name='sample-ask', zone_id=None, private_zone=None, nat_gateway=None)
    assert create(emulator, sample).status == 202


def test_7_1_1_proxy_mode_defaults_to_iptables(emulator):
    """7.1.1 and 7.1.2 proxy_mode: "Valid values: iptables and ipvs. Default value: iptables"."""
    cid, _ = emulator.create_cluster()
    assert detail(emulator, cid).json['proxy_mode'] == 'iptables'


def addons_of(emulator, cid):
    return set(emulator.signed('GET', '/clusters/%s/components/version' % cid,
                               action='DescribeClusterAddonsVersion').json)


def test_7_1_2_nginx_ingress_and_metrics_server_are_installed_by_default(emulator):
    """7.1.1, 7.1.2 addons: "Ingress: The nginx-ingress-controller component is installed by default"; metrics-server
    too; an add-on listed with disabled: true is not installed (a required one is)."""
    cid, _ = emulator.create_cluster(addons=[{'name': 'terway-eniip'}])
    assert {'terway-eniip', 'nginx-ingress-controller', 'metrics-server', 'coredns'} <= addons_of(emulator, cid)
    off = [{'name': 'flannel'}, {'name': 'nginx-ingress-controller', 'disabled': True},
           {'name': 'metrics-server', 'disabled': True}, {'name': 'coredns', 'disabled': True}]
    cid, _ = emulator.create_cluster(name='off', vpcid='vpc-off', addons=off)
    assert not {'nginx-ingress-controller', 'metrics-server'} & addons_of(emulator, cid)
    assert 'coredns' in addons_of(emulator, cid)
    cid, _ = emulator.create_cluster(**dict(ASK, name='ask-addons'))
    assert 'metrics-server' in addons_of(emulator, cid)


def test_11_1_install_disabled_and_required(emulator):
    """11.1: disabled "disable[s] automatic installation", required (a string, "false") "enable[s]" it."""
    cid, _ = emulator.create_cluster()

    def install(items):
        return emulator.signed('POST', '/clusters/%s/components/install' % cid, body=items,
                               action='InstallClusterAddons')
    refused(install([{'name': 'logtail-ds', 'required': 'maybe'}]), 'InvalidParameter', 'required')
    refused(install([{'name': 'logtail-ds', 'disabled': True, 'required': 'true'}]), 'InvalidParameter', 'required')
    r = install([{'name': 'logtail-ds', 'required': 'false'}, {'name': 'arms-prometheus', 'disabled': True}])
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert 'logtail-ds' in addons_of(emulator, cid) and 'arms-prometheus' not in addons_of(emulator, cid)


def test_7_11_a_tag_needs_a_value(emulator):
    """7.11 ModifyClusterTags: key and value are both "Required: Yes"."""
    cid, _ = emulator.create_cluster()
    for tag in ({'key': 'team'}, {'key': 'team', 'value': ''}):
        r = emulator.signed('POST', '/clusters/%s/tags' % cid, body=[tag], action='ModifyClusterTags')
        refused(r, 'InvalidParameter', 'team')


def test_7_6_the_detail_has_vswitch_cidr(emulator):
    """7.6 answers vswitch_cidr (and DescribeClusters' SDK list model declares it)."""
    cid, _ = emulator.create_cluster()
    assert detail(emulator, cid).json['vswitch_cidr'] == ''
    assert 'vswitch_cidr' in emulator.signed('GET', '/clusters', action='DescribeClusters').json[0]


def test_10_1_template_tags_are_private_or_common(emulator):
    """10.1 tags: "The type of the tags. Valid values: private and common" (10.2: by default the template's name)."""
    manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n'

    def make(**fields):
        return emulator.signed('POST', '/templates', body=dict(name='web', template=manifest, **fields),
                               action='CreateTemplate')
    refused(make(tags='web'), 'InvalidParameter', 'tags')
    assert make(tags='common').status == 200
    tid = make().json['template_id']
    r = emulator.signed('GET', '/templates/' + tid, action='DescribeTemplateAttribute')
    assert r.json[0]['tags'] == 'web'


# -- life cycles ---------------------------------------------------------------------------------------------------
def test_7_4_nodes_and_addons_go_when_the_deletion_ends(emulator):
    """7.4: DeleteCluster "release[s] all nodes in the cluster": at the end of the deletion, not at the call."""
    cid, _ = emulator.create_cluster()
    emulator.set_time_scale(0.02)
    r = emulator.signed('DELETE', '/clusters/' + cid, action='DeleteCluster')
    assert r.status == 202, r
    assert detail(emulator, cid).json['state'] == 'deleting'
    assert len(ack_nodes(emulator, cid)) == 2 and 'coredns' in addons_of(emulator, cid)
    emulator.wait_gone(cid)
    assert not [n for n in emulator.admin('GET', '/docs/node')['docs'] if n.get('cluster_id') == cid]
    assert not [a for a in emulator.admin('GET', '/docs/addon')['docs'] if a.get('cluster_id') == cid]


def test_7_9_addon_and_upgrade_operations_write_the_cluster_log(emulator):
    """7.9 DescribeClusterLogs: add-on operations and upgrades (with pause, resume and cancel) are logged."""
    cid, _ = emulator.create_cluster(kubernetes_version='1.28.9-aliyun.1')
    emulator.set_time_scale(0)
    r = emulator.signed('POST', '/clusters/%s/components/install' % cid, body=[{'name': 'logtail-ds'}],
                        action='InstallClusterAddons')
    emulator.wait_task(r.json['task_id'])
    r = emulator.signed('POST', '/clusters/%s/components/upgrade' % cid, body=[{'component_name': 'logtail-ds'}],
                        action='UpgradeClusterAddons')
    emulator.wait_task(r.json['task_id'])
    r = emulator.signed('POST', '/clusters/%s/components/uninstall' % cid, body=[{'name': 'logtail-ds'}],
                        action='UnInstallClusterAddons')
    emulator.wait_task(r.json['task_id'])
    emulator.set_time_scale(1)
    upgrade = emulator.signed('POST', '/api/v2/clusters/%s/upgrade' % cid, body={'next_version': '1.30.1-aliyun.1'},
                              action='UpgradeCluster')
    for step in ('pause', 'resume', 'cancel'):
        r = emulator.signed('POST', '/api/v2/clusters/%s/upgrade/%s' % (cid, step), action=step.capitalize() + (
            'ClusterUpgrade' if step != 'resume' else 'UpgradeCluster'))
        assert r.status == 200, r
    text = '\n'.join(logs(emulator, cid))
    for line in ('Start to install add-ons logtail-ds', 'Installed add-ons logtail-ds',
                 'Upgraded add-ons logtail-ds from', 'Uninstalled add-ons logtail-ds',
                 'Start to upgrade the cluster from 1.28.9-aliyun.1 to 1.30.1-aliyun.1',
                 'Paused the upgrade', 'Resumed the upgrade', 'Canceled the upgrade'):
        assert line in text, (line, text)
    assert 'Upgraded the cluster' not in text  # the canceled upgrade's outcome is never logged
    assert upgrade.status == 200


def test_9_2_version_is_the_target_of_the_upgrade(emulator):
    """9.2 UpgradeCluster version: "The target version of the upgrade" (the SDK's deprecated next_version)."""
    cid, _ = emulator.create_cluster(kubernetes_version='1.28.9-aliyun.1')

    def upgrade(body):
        return emulator.signed('POST', '/api/v2/clusters/%s/upgrade' % cid, body=body, action='UpgradeCluster')
    refused(upgrade({'version': 'latest'}), 'InvalidParameter', 'version')
    refused(upgrade({'next_version': '1.30.1-aliyun.1', 'version': '1.26.15-aliyun.1'}), 'InvalidParameter',
            'version')
    emulator.set_time_scale(0)
    r = upgrade({'next_version': '1.30.1-aliyun.1', 'version': '1.28.9-aliyun.1'})  # the current version beside it
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert emulator.wait_cluster(cid)['current_version'] == '1.30.1-aliyun.1'
    r = upgrade({'version': '1.31.1-aliyun.1'})
    emulator.wait_task(r.json['task_id'])
    assert emulator.wait_cluster(cid)['current_version'] == '1.31.1-aliyun.1'


def test_7_7_the_agent_points_at_the_emulated_api_server(emulator):
    """7.7 DescribeExternalAgent: the agent's endpoint is the cluster's API server (master_url)."""
    cid, _ = emulator.create_cluster()
    urls = json.loads(detail(emulator, cid).json['master_url'])
    for query, url in ((None, urls['api_server_endpoint']), ({'PrivateIpAddress': 'true'},
                                                            urls['intranet_api_server_endpoint'])):
        r = emulator.signed('GET', '/k8s/%s/external/agent/deployment' % cid, query=query,
                            action='DescribeExternalAgent')
        env = yaml.safe_load(r.json['config'])['spec']['template']['spec']['containers'][0]['env']
        assert {'name': 'ENDPOINT', 'value': url} in env and url.startswith('https://127.0.0.1:')


def test_7_2_1_scale_out_data_disks_as_small_as_at_create(emulator):
    """7.1 and 7.2.1 give data disks the same fields and no other minimum: 20 GiB as at create."""
    cid, _ = emulator.create_cluster(worker_data_disks=[{'category': 'cloud_essd', 'size': 20}])
    body = {'count': 1, 'key_pair': 'k', 'worker_instance_types': ['ecs.g7.xlarge'],
            'worker_data_disks': [{'category': 'cloud_essd', 'size': 20}]}
    r = emulator.signed('POST', '/api/v2/clusters/' + cid, body=body, action='ScaleOutCluster')
    assert r.status == 202, r
    body['worker_data_disks'][0]['size'] = 19
    emulator.wait_cluster(cid)
    refused(emulator.signed('POST', '/api/v2/clusters/' + cid, body=body, action='ScaleOutCluster'),
            'InvalidParameter', 'worker_data_disks')


# -- serverless clusters' pods ---------------------------------------------------------------------------------------
def test_serverless_pods_run_on_a_virtual_node(emulator, tmp_path):
    """A serverless (Ask) cluster has no ECS nodes: its pods run on a virtual-kubelet node, with logs and metrics."""
    replicas = 2
    cid, _ = emulator.create_cluster(**dict(ASK, name='ask-pods'))
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    nodes = kube.get('/api/v1/nodes')['items']
    assert [n['metadata']['name'] for n in nodes] == ['virtual-kubelet-cn-hangzhou-i']
    assert nodes[0]['metadata']['labels']['type'] == 'virtual-kubelet'
    labels = {'app': 'web'}
    body = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'},
            'spec': {'replicas': replicas, 'selector': {'matchLabels': labels},
                     'template': {'metadata': {'labels': labels},
                                  'spec': {'containers': [{'name': 'web', 'image': 'nginx:1.25'}]}}}}
    assert kube.call('POST', '/apis/apps/v1/namespaces/default/deployments', body).status_code == 201
    pods = kube.get('/api/v1/namespaces/default/pods')['items']
    assert len(pods) == replicas
    assert {(p['status']['phase'], p['spec']['nodeName']) for p in pods} == {
        ('Running', 'virtual-kubelet-cn-hangzhou-i')}
    log = kube.call('GET', '/api/v1/namespaces/default/pods/%s/log' % pods[0]['metadata']['name'])
    assert log.status_code == 200 and 'nginx' in log.text
    assert len(kube.get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')['items']) == replicas
    assert [m['metadata']['name'] for m in kube.get('/apis/metrics.k8s.io/v1beta1/nodes')['items']] == [
        'virtual-kubelet-cn-hangzhou-i']
    kube.close()
