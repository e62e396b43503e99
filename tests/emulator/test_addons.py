"""Add-ons: DescribeAddons (catalogue), DescribeClusterAddonsVersion, InstallClusterAddons, UpgradeClusterAddons,
UnInstallClusterAddons, DescribeClusterAddonUpgradeStatus (+ the plural form). Per-add-on states and tasks."""
import json

import pytest

DEFAULT_ADDONS = {'coredns', 'cloud-controller-manager', 'flannel', 'csi-plugin', 'csi-provisioner',
                  'metrics-server', 'nginx-ingress-controller'}


def versions(emulator, cid):
    r = emulator.signed('GET', '/clusters/%s/components/version' % cid, action='DescribeClusterAddonsVersion')
    assert r.status == 200, r
    return r.json


def install(emulator, cid, items):
    return emulator.signed('POST', '/clusters/%s/components/install' % cid, body=items,
                           action='InstallClusterAddons')


def upgrade(emulator, cid, items):
    return emulator.signed('POST', '/clusters/%s/components/upgrade' % cid, body=items,
                           action='UpgradeClusterAddons')


def uninstall(emulator, cid, items):
    return emulator.signed('POST', '/clusters/%s/components/uninstall' % cid, body=items,
                           action='UnInstallClusterAddons')


def addon_status(emulator, cid, name):
    return emulator.signed('GET', '/clusters/%s/components/%s/upgradestatus' % (cid, name),
                           action='DescribeClusterAddonUpgradeStatus')


def metadata(emulator, **query):
    return emulator.signed('GET', '/clusters/components/metadata', query=query or None, action='DescribeAddons')


def test_describe_addons_catalogue(emulator):
    r = metadata(emulator, cluster_type='ManagedKubernetes', region='cn-hangzhou')
    assert r.status == 200, r
    groups = {g['group_name']: g for g in r.json['ComponentGroups']}
    assert {'network', 'storage', 'logging', 'ingress', 'monitor'} <= set(groups)
    assert groups['network']['default'] == ['flannel']
    names = {i['name'] for g in groups.values() for i in g['items']}
    assert {'logtail-ds', 'nginx-ingress-controller', 'metrics-server', 'csi-plugin', 'csi-provisioner', 'flannel',
            'terway-eniip', 'coredns', 'ack-node-problem-detector', 'arms-prometheus'} <= names
    item = [i for i in groups['storage']['items'] if i['name'] == 'csi-plugin'][0]
    assert set(item) >= {'name', 'version', 'description', 'disabled', 'required', 'config'} and item['version']
    assert r.json['StandardComponents']['coredns']['required'] == 'true'
    ask = metadata(emulator, cluster_type='Ask').json
    assert 'flannel' not in ask['StandardComponents'] and 'coredns' in ask['StandardComponents']
    default = metadata(emulator)
    assert default.status == 200 and default.json['StandardComponents']


def test_describe_addons_bad_cluster_type(emulator):
    r = metadata(emulator, cluster_type='Swarm')
    assert r.status == 400 and r.code == 'InvalidParameter'


def test_cluster_starts_with_default_addons(emulator):
    cid, _ = emulator.create_cluster()
    v = versions(emulator, cid)
    assert set(v) == DEFAULT_ADDONS
    m = v['metrics-server']
    assert m['component_name'] == 'metrics-server' and m['can_upgrade'] is True and m['required'] is False
    assert m['next_version'] and m['next_version'] != m['version'] and m['message'] == 'ok to upgrade'
    assert v['coredns']['required'] is True


def test_cluster_created_with_addons(emulator):
    cid, _ = emulator.create_cluster(addons=[{'name': 'terway-eniip'}, {'name': 'logtail-ds', 'config': json.dumps(
        {'IngressDashboardEnabled': 'true'})}, {'name': 'nginx-ingress-controller', 'disabled': True}])
    v = versions(emulator, cid)
    assert {'terway-eniip', 'logtail-ds', 'coredns'} <= set(v)
    assert 'flannel' not in v and 'nginx-ingress-controller' not in v


def test_create_cluster_with_unknown_addon_refused(emulator):
    body = {'addons': [{'name': 'no-such-addon'}]}
    r = emulator.signed('POST', '/clusters', body=dict(_managed(), **body), action='CreateCluster')
    assert r.status == 404 and r.code == 'AddonNotFound'


def _managed():
    from conftest import MANAGED_BODY
    return dict(MANAGED_BODY)


def test_install_upgrade_uninstall_life_cycle(emulator):
    cid, _ = emulator.create_cluster()
    emulator.set_time_scale(0.01)       # install 1.2 s, upgrade 1.8 s, uninstall 0.6 s
    r = install(emulator, cid, [{'name': 'logtail-ds', 'version': 'v1.0.29.1-0550501-aliyun', 'config': ''},
                                {'name': 'ack-node-problem-detector'}])
    assert r.status == 200 and r.json['task_id'] and r.json['cluster_id'] == cid, r
    st = addon_status(emulator, cid, 'logtail-ds').json
    assert st['state'] == 'installing' and st['tasks']['status'] == 'running' and st['tasks']['type'] == 'install'
    assert st['can_upgrade'] is False and st['addon_info']['version'] == 'v1.0.29.1-0550501-aliyun'
    assert versions(emulator, cid)['logtail-ds']['can_upgrade'] is False
    busy = upgrade(emulator, cid, [{'component_name': 'logtail-ds', 'next_version': 'v1.2.1.0-6a63b4b-aliyun'}])
    assert busy.status == 400 and busy.code == 'InvalidStatus.Addon'
    assert emulator.wait_task(r.json['task_id'])['state'] == 'success'
    done = addon_status(emulator, cid, 'logtail-ds').json
    assert done['state'] == 'active' and done['tasks']['status'] == 'success' and done['can_upgrade'] is True
    # the cluster state is not changed by add-on operations
    assert emulator.signed('GET', '/clusters/%s' % cid, action='DescribeClusterDetail').json['state'] == 'running'

    up = upgrade(emulator, cid, [{'component_name': 'logtail-ds', 'version': 'v1.0.29.1-0550501-aliyun',
                                  'next_version': 'v1.2.1.0-6a63b4b-aliyun'}])
    assert up.status == 200 and up.json['task_id'], up
    mid = addon_status(emulator, cid, 'logtail-ds').json
    assert mid['state'] == 'upgrading' and mid['tasks']['type'] == 'upgrade'
    assert mid['addon_info']['version'] == 'v1.0.29.1-0550501-aliyun'
    emulator.wait_task(up.json['task_id'])
    after = versions(emulator, cid)['logtail-ds']
    assert after['version'] == 'v1.2.1.0-6a63b4b-aliyun' and after['can_upgrade'] is False
    assert after['next_version'] == ''

    un = uninstall(emulator, cid, [{'name': 'logtail-ds', 'cleanup_cloud_resources': True}])
    assert un.status == 200 and un.json['task_id'], un
    assert addon_status(emulator, cid, 'logtail-ds').json['state'] == 'uninstalling'
    emulator.wait_task(un.json['task_id'])
    assert 'logtail-ds' not in versions(emulator, cid)
    gone = addon_status(emulator, cid, 'logtail-ds')
    assert gone.status == 404 and gone.code == 'AddonNotFound'
    # and it can be installed again
    assert install(emulator, cid, [{'name': 'logtail-ds'}]).status == 200


@pytest.mark.parametrize('items, status, code', [
    ([{'name': 'no-such-addon'}], 404, 'AddonNotFound'),
    ([{'name': 'metrics-server'}], 400, 'AddonAlreadyInstalled'),
    ([{'name': 'logtail-ds', 'version': 'v9.9.9'}], 400, 'InvalidParameter'),
    ([{'name': 'logtail-ds', 'config': 'not json'}], 400, 'InvalidParameter'),
    ([{'name': 'logtail-ds'}, {'name': 'logtail-ds'}], 400, 'InvalidParameter'),
    ([{'name': 'terway-eniip'}], 400, 'ErrorAddonConflict'),      # flannel is installed
    ([{'version': '1'}], 400, 'MissingParameter'),
    ([], 400, 'MissingParameter'),
    ('logtail-ds', 400, 'InvalidParameter'),
])
def test_install_errors(emulator, items, status, code):
    cid, _ = emulator.create_cluster()
    r = install(emulator, cid, items)
    assert r.status == status and r.code == code, r
    assert set(versions(emulator, cid)) == DEFAULT_ADDONS


def test_addon_ops_unknown_cluster(emulator):
    for r in (install(emulator, 'cnope', [{'name': 'logtail-ds'}]),
              upgrade(emulator, 'cnope', [{'component_name': 'coredns'}]),
              uninstall(emulator, 'cnope', [{'name': 'logtail-ds'}]),
              addon_status(emulator, 'cnope', 'coredns'),
              emulator.signed('GET', '/clusters/cnope/components/version', action='DescribeClusterAddonsVersion')):
        assert r.status == 404 and r.code == 'ErrorClusterNotFound', r


def test_install_refused_while_cluster_busy(emulator):
    cid, _ = emulator.create_cluster()
    emulator.set_time_scale(0.05)
    scale = emulator.signed('POST', '/api/v2/clusters/%s' % cid, action='ScaleOutCluster',
                            body={'count': 1, 'key_pair': 'k', 'worker_instance_types': ['ecs.g7.xlarge']})
    assert scale.status == 202
    r = install(emulator, cid, [{'name': 'logtail-ds'}])
    assert r.status == 400 and r.code == 'InvalidStatus.ClusterState'


@pytest.mark.parametrize('items, status, code', [
    ([{'component_name': 'no-such-addon', 'next_version': 'v1'}], 404, 'AddonNotFound'),
    ([{'component_name': 'logtail-ds', 'next_version': 'v1.2.1.0-6a63b4b-aliyun'}], 404, 'AddonNotFound'),
    ([{'component_name': 'metrics-server', 'next_version': 'v0.0.1'}], 400, 'InvalidParameter'),
    ([{'component_name': 'metrics-server', 'next_version': 'v0.3.9.4-ff225cd-aliyun'}], 400, 'InvalidParameter'),
    ([{'component_name': 'metrics-server', 'version': 'v0.1', 'next_version': 'v0.3.9.7-0a3eb6b5-aliyun'}], 400,
     'InvalidParameter'),
    ([{'component_name': 'metrics-server', 'policy': 'yolo'}], 400, 'InvalidParameter'),
    ([{'next_version': 'v1'}], 400, 'MissingParameter'),
])
def test_upgrade_errors(emulator, items, status, code):
    cid, _ = emulator.create_cluster()
    r = upgrade(emulator, cid, items)
    assert r.status == status and r.code == code, r


def test_upgrade_to_latest_by_default_and_not_twice(emulator):
    cid, _ = emulator.create_cluster()
    latest = versions(emulator, cid)['coredns']['next_version']
    r = upgrade(emulator, cid, [{'component_name': 'coredns', 'policy': 'overwrite'}])
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert versions(emulator, cid)['coredns']['version'] == latest
    again = upgrade(emulator, cid, [{'component_name': 'coredns'}])
    assert again.status == 400 and again.code == 'InvalidParameter'


@pytest.mark.parametrize('items, status, code', [
    ([{'name': 'logtail-ds'}], 404, 'AddonNotFound'),          # not installed
    ([{'name': 'no-such-addon'}], 404, 'AddonNotFound'),
    ([{'name': 'coredns'}], 400, 'ErrorAddonRequired'),
    ([{'cleanup_cloud_resources': True}], 400, 'MissingParameter'),
])
def test_uninstall_errors(emulator, items, status, code):
    cid, _ = emulator.create_cluster()
    r = uninstall(emulator, cid, items)
    assert r.status == status and r.code == code, r


def test_uninstall_reference_body_shape(emulator):
    cid, _ = emulator.create_cluster()
    r = uninstall(emulator, cid, {'name': 'nginx-ingress-controller'})   # the reference's single-object body
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert 'nginx-ingress-controller' not in versions(emulator, cid)


def test_addon_status_unknown_addon(emulator):
    cid, _ = emulator.create_cluster()
    r = addon_status(emulator, cid, 'no-such-addon')
    assert r.status == 404 and r.code == 'AddonNotFound'
    ok = addon_status(emulator, cid, 'csi-plugin')
    assert ok.status == 200 and ok.json['addon_info']['component_name'] == 'csi-plugin'
    assert ok.json['addon_info']['category'] == 'storage' and ok.json['can_upgrade'] is True


def test_plural_upgrade_status(emulator):
    cid, _ = emulator.create_cluster()
    r = emulator.signed('GET', '/clusters/%s/components/upgradestatus' % cid,
                        query={'componentIds': json.dumps(['coredns', 'flannel'])},
                        action='DescribeClusterAddonsUpgradeStatus')
    assert r.status == 200 and set(r.json) == {'coredns', 'flannel'}, r
    missing = emulator.signed('GET', '/clusters/%s/components/upgradestatus' % cid,
                              action='DescribeClusterAddonsUpgradeStatus')
    assert missing.status == 400 and missing.code == 'MissingParameter'


def test_failed_addon_tasks(emulator):
    cid, _ = emulator.create_cluster()
    emulator.admin('fail-next', {'operation': 'InstallClusterAddons', 'code': 'HelmInstallFailed',
                                 'message': 'chart rendering failed'})
    r = install(emulator, cid, [{'name': 'arms-prometheus'}])
    t = emulator.wait_task(r.json['task_id'])
    assert t['state'] == 'failed' and t['error']['code'] == 'HelmInstallFailed'
    st = addon_status(emulator, cid, 'arms-prometheus').json
    assert st['state'] == 'failed' and st['tasks']['status'] == 'failed' and 'HelmInstallFailed' in \
        st['tasks']['message']
    # a failed add-on can be uninstalled
    emulator.admin('fail-next', {'operation': 'UpgradeClusterAddons'})
    before = versions(emulator, cid)['metrics-server']['version']
    up = upgrade(emulator, cid, [{'component_name': 'metrics-server'}])
    assert emulator.wait_task(up.json['task_id'])['state'] == 'failed'
    assert versions(emulator, cid)['metrics-server']['version'] == before
    un = uninstall(emulator, cid, [{'name': 'arms-prometheus'}])
    assert un.status == 200 and emulator.wait_task(un.json['task_id'])['state'] == 'success'


@pytest.mark.parametrize('client_fixture', ['sdk_new_v2', 'sdk_new_v3'])
def test_new_sdk_addons(emulator, request, client_fixture):
    from alibabacloud_cs20151215 import models
    from Tea.exceptions import TeaException
    client = request.getfixturevalue(client_fixture)
    cid, _ = emulator.create_cluster()
    meta = client.describe_addons(models.DescribeAddonsRequest(cluster_type='ManagedKubernetes', region='cn-hangzhou'))
    assert any(g.group_name == 'network' for g in meta.body.component_groups)
    r = client.install_cluster_addons(cid, models.InstallClusterAddonsRequest(body=[
        models.InstallClusterAddonsRequestBody(name='arms-prometheus', version='1.1.3', config='{}')]))
    assert r.body.task_id and r.body.cluster_id == cid
    emulator.wait_task(r.body.task_id)
    v = client.describe_cluster_addons_version(cid).body
    assert v['arms-prometheus']['version'] == '1.1.3' and v['arms-prometheus']['next_version'] == '1.1.17'
    up = client.upgrade_cluster_addons(cid, models.UpgradeClusterAddonsRequest(body=[
        models.UpgradeClusterAddonsRequestBody(component_name='arms-prometheus', version='1.1.3',
                                               next_version='1.1.17')]))
    emulator.wait_task(up.body.task_id)
    st = client.describe_cluster_addon_upgrade_status(cid, 'arms-prometheus').body
    assert st['addon_info']['version'] == '1.1.17' and st['tasks']['status'] == 'success'
    un = client.un_install_cluster_addons(cid, models.UnInstallClusterAddonsRequest(addons=[
        models.UnInstallClusterAddonsRequestAddons(name='arms-prometheus')]))
    emulator.wait_task(un.body.task_id)
    with pytest.raises(TeaException) as info:
        client.describe_cluster_addon_upgrade_status(cid, 'arms-prometheus')
    assert info.value.code == 'AddonNotFound' and info.value.statusCode == 404


def test_old_sdk_addons(emulator, sdk_old):
    from aliyunsdkcs.request.v20151215.DescribeAddonsRequest import DescribeAddonsRequest
    from aliyunsdkcs.request.v20151215.DescribeClusterAddonsVersionRequest import DescribeClusterAddonsVersionRequest
    from aliyunsdkcs.request.v20151215.InstallClusterAddonsRequest import InstallClusterAddonsRequest
    cid, _ = emulator.create_cluster()
    meta = DescribeAddonsRequest()
    meta.set_cluster_type('Kubernetes')
    assert sdk_old.do(meta)['ComponentGroups']
    req = InstallClusterAddonsRequest()
    req.set_ClusterId(cid)
    req.set_content_type('application/json')
    req.set_content(json.dumps([{'name': 'logtail-ds', 'version': 'v1.0.29.1-0550501-aliyun'}]).encode())
    emulator.wait_task(sdk_old.do(req)['task_id'])
    ver = DescribeClusterAddonsVersionRequest()
    ver.set_ClusterId(cid)
    assert sdk_old.do(ver)['logtail-ds']['version'] == 'v1.0.29.1-0550501-aliyun'
