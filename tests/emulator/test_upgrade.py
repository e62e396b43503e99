"""Cluster upgrade: UpgradeCluster, GetUpgradeStatus, PauseClusterUpgrade, ResumeUpgradeCluster,
CancelClusterUpgrade. The upgrade runs on the time-based timeline; pause freezes it, resume continues it."""
import time

import pytest

FROM = '1.28.9-aliyun.1'
TO = '1.30.1-aliyun.1'


def status(emulator, cid):
    r = emulator.signed('GET', '/api/v2/clusters/%s/upgrade/status' % cid, action='GetUpgradeStatus')
    assert r.status == 200, r
    return r.json


def upgrade(emulator, cid, **body):
    return emulator.signed('POST', '/api/v2/clusters/%s/upgrade' % cid, body=body, action='UpgradeCluster')


def act(emulator, cid, what):
    action = {'pause': 'PauseClusterUpgrade', 'resume': 'ResumeUpgradeCluster', 'cancel': 'CancelClusterUpgrade'}
    return emulator.signed('POST', '/api/v2/clusters/%s/upgrade/%s' % (cid, what), action=action[what])


def cluster(emulator, version=FROM, **kw):
    cid, _ = emulator.create_cluster(kubernetes_version=version, **kw)
    return cid


def test_status_before_any_upgrade(emulator):
    cid = cluster(emulator)
    assert status(emulator, cid) == {'error_message': '', 'precheck_report_id': '', 'status': '',
                                     'upgrade_step': 'not_start', 'upgrade_task': {'status': '', 'message': ''}}


def test_status_unknown_cluster(emulator):
    r = emulator.signed('GET', '/api/v2/clusters/cnope/upgrade/status', action='GetUpgradeStatus')
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


def test_upgrade_walks_through_steps(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.005)        # precheck 0.6 s, control plane 3 s, workers 2 x 0.9 s
    r = upgrade(emulator, cid, next_version=TO)
    assert r.status == 200 and r.json['task_id'].startswith('T-') and r.json['cluster_id'] == cid, r
    info = emulator.cluster_detail(cid)
    assert info['state'] == 'upgrading' and info['current_version'] == FROM
    first = status(emulator, cid)
    assert first['status'] == 'running' and first['upgrade_step'] == 'prechecking' and first['precheck_report_id']
    steps = set()

    def finished():
        s = status(emulator, cid)
        steps.add(s['upgrade_step'])
        if s['upgrade_step'] == 'upgrading':
            # current_version changes only on completion
            assert emulator.cluster_detail(cid)['current_version'] == FROM
        return s if s['status'] == 'success' else None
    last = emulator.wait(finished, timeout=20, interval=0.05)
    assert {'prechecking', 'upgrading', 'success'} <= steps
    assert last['upgrade_step'] == 'success' and TO in last['upgrade_task']['message']
    assert emulator.wait_task(r.json['task_id'])['state'] == 'success'
    info = emulator.wait_cluster(cid)
    assert info['current_version'] == TO


def test_upgrade_defaults_to_the_next_version_and_deprecated_version_field(emulator):
    cid = cluster(emulator, version='1.26.15-aliyun.1')
    r = upgrade(emulator, cid)
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert emulator.wait_cluster(cid)['current_version'] == FROM
    r = upgrade(emulator, cid, version=TO, master_only=True)   # `version` is the deprecated spelling
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert emulator.wait_cluster(cid)['current_version'] == TO


def test_upgrade_patch_version(emulator):
    cid = cluster(emulator, version='1.28.3-aliyun.1')
    r = upgrade(emulator, cid, next_version=FROM)
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert emulator.wait_cluster(cid)['current_version'] == FROM


@pytest.mark.parametrize('body, code', [
    ({'next_version': '1.31.1-aliyun.1'}, 'InvalidParameter'),    # skips a catalogue step
    ({'next_version': '1.26.15-aliyun.1'}, 'InvalidParameter'),   # downgrade
    ({'next_version': FROM}, 'InvalidParameter'),                 # same version
    ({'next_version': '1.29.0-aliyun.1'}, 'InvalidParameter'),    # not offered
    ({'next_version': 'latest'}, 'InvalidParameter'),
    ({'next_version': TO, 'master_only': 'perhaps'}, 'InvalidParameter'),
    ({'next_version': TO, 'component_name': 'etcd'}, 'InvalidParameter'),
    ({'next_version': TO, 'rolling_policy': {'max_parallelism': 0}}, 'InvalidParameter'),
])
def test_upgrade_validation(emulator, body, code):
    cid = cluster(emulator)
    r = upgrade(emulator, cid, **body)
    assert r.status == 400 and r.code == code, r
    assert emulator.cluster_detail(cid)['state'] == 'running'
    assert status(emulator, cid)['upgrade_step'] == 'not_start'


def test_upgrade_latest_version_has_nothing_to_do(emulator):
    cid = cluster(emulator, version='1.31.1-aliyun.1')
    r = upgrade(emulator, cid)
    assert r.status == 400 and r.code == 'ErrorUpgradeNotAvailable'


def test_upgrade_unknown_cluster(emulator):
    r = upgrade(emulator, 'cnope', next_version=TO)
    assert r.status == 404 and r.code == 'ErrorClusterNotFound'


def test_upgrade_refused_while_upgrading_or_scaling(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.05)
    r = upgrade(emulator, cid, next_version=TO)
    assert r.status == 200
    again = upgrade(emulator, cid, next_version=TO)
    assert again.status == 400 and again.code == 'InvalidStatus.ClusterUpgrade'
    scale = emulator.signed('POST', '/api/v2/clusters/%s' % cid, action='ScaleOutCluster',
                            body={'count': 1, 'key_pair': 'k', 'worker_instance_types': ['ecs.g7.xlarge']})
    assert scale.status == 400 and scale.code == 'InvalidStatus.ClusterState'
    assert act(emulator, cid, 'cancel').status == 200
    emulator.set_time_scale(0.001)
    other = cluster(emulator, name='other', vpcid='vpc-test0002')
    emulator.set_time_scale(0.05)
    scale = emulator.signed('POST', '/api/v2/clusters/%s' % other, action='ScaleOutCluster',
                            body={'count': 1, 'key_pair': 'k', 'worker_instance_types': ['ecs.g7.xlarge']})
    assert scale.status == 202
    busy = upgrade(emulator, other, next_version=TO)
    assert busy.status == 400 and busy.code == 'InvalidStatus.ClusterState'


def test_pause_freezes_and_resume_continues(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.003)        # whole upgrade: (120 + 600) s x 0.003 = 2.16 s (master_only)
    r = upgrade(emulator, cid, next_version=TO, master_only=True)
    tid = r.json['task_id']
    p = act(emulator, cid, 'pause')
    assert p.status == 200 and p.json == {}, p
    paused = status(emulator, cid)
    assert paused['status'] == 'pause' and paused['upgrade_step'] == 'pause'
    time.sleep(2.4)                       # longer than the whole upgrade would have taken
    assert status(emulator, cid)['status'] == 'pause'
    info = emulator.cluster_detail(cid)
    assert info['state'] == 'upgrading' and info['current_version'] == FROM
    assert emulator.task_info(tid)['state'] == 'running'
    again = act(emulator, cid, 'pause')
    assert again.status == 400 and again.code == 'InvalidStatus.ClusterUpgrade'
    started = time.monotonic()
    res = act(emulator, cid, 'resume')
    assert res.status == 200 and res.json == {}, res
    s = status(emulator, cid)
    assert s['status'] == 'running' and s['upgrade_step'] in ('prechecking', 'upgrading')
    assert emulator.wait_task(tid)['state'] == 'success'
    assert time.monotonic() - started > 1.5   # the remaining ~2.1 s ran after the resume
    assert emulator.wait_cluster(cid)['current_version'] == TO
    assert status(emulator, cid)['status'] == 'success'


def test_cancel_keeps_the_version(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.002)
    r = upgrade(emulator, cid, next_version=TO, master_only=True)
    c = act(emulator, cid, 'cancel')
    assert c.status == 200 and c.json['RequestId'], c
    s = status(emulator, cid)
    assert s['status'] == 'canceled' and s['upgrade_step'] == 'canceled'
    info = emulator.cluster_detail(cid)
    assert info['state'] == 'running' and info['current_version'] == FROM
    t = emulator.wait_task(r.json['task_id'])
    assert t['state'] == 'failed' and t['error']['code'] == 'UpgradeCanceled'
    time.sleep(1.6)
    assert emulator.cluster_detail(cid)['current_version'] == FROM
    assert status(emulator, cid)['status'] == 'canceled'
    # a new upgrade may start after a cancel
    r = upgrade(emulator, cid, next_version=TO, master_only=True)
    assert r.status == 200


def test_cancel_a_paused_upgrade(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.002)
    upgrade(emulator, cid, next_version=TO)
    assert act(emulator, cid, 'pause').status == 200
    assert act(emulator, cid, 'cancel').status == 200
    assert status(emulator, cid)['status'] == 'canceled'
    res = act(emulator, cid, 'resume')
    assert res.status == 400 and res.code == 'InvalidStatus.ClusterUpgrade'
    assert emulator.cluster_detail(cid)['state'] == 'running'


@pytest.mark.parametrize('what', ['pause', 'resume', 'cancel'])
def test_pause_resume_cancel_without_upgrade(emulator, what):
    cid = cluster(emulator)
    r = act(emulator, cid, what)
    assert r.status == 400 and r.code == 'InvalidStatus.ClusterUpgrade', r
    gone = act(emulator, 'cnope', what)
    assert gone.status == 404 and gone.code == 'ErrorClusterNotFound'


def test_resume_while_running_refused(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.05)
    upgrade(emulator, cid, next_version=TO)
    r = act(emulator, cid, 'resume')
    assert r.status == 400 and r.code == 'InvalidStatus.ClusterUpgrade'


def test_pause_survives_restart(emulator):
    cid = cluster(emulator)
    emulator.set_time_scale(0.002)
    r = upgrade(emulator, cid, next_version=TO, master_only=True)
    act(emulator, cid, 'pause')
    emulator.kill9()
    time.sleep(0.5)
    assert status(emulator, cid)['status'] == 'pause'
    act(emulator, cid, 'resume')
    assert emulator.wait_task(r.json['task_id'])['state'] == 'success'
    assert emulator.wait_cluster(cid)['current_version'] == TO


def test_failed_upgrade_keeps_the_version(emulator):
    cid = cluster(emulator)
    emulator.admin('fail-next', {'operation': 'UpgradeCluster', 'code': 'PrecheckFailed',
                                 'message': 'deprecated APIs in use'})
    r = upgrade(emulator, cid, next_version=TO)
    t = emulator.wait_task(r.json['task_id'])
    assert t['state'] == 'failed' and t['error']['code'] == 'PrecheckFailed'
    s = status(emulator, cid)
    assert s['status'] == 'fail' and 'deprecated APIs' in s['error_message']
    assert emulator.wait_cluster(cid)['current_version'] == FROM


@pytest.mark.parametrize('client_fixture', ['sdk_new_v2', 'sdk_new_v3'])
def test_new_sdk_upgrade_pause_resume(emulator, request, client_fixture):
    from alibabacloud_cs20151215 import models
    client = request.getfixturevalue(client_fixture)
    cid = cluster(emulator)
    emulator.set_time_scale(0.002)
    up = client.upgrade_cluster(cid, models.UpgradeClusterRequest(next_version=TO, master_only=True))
    assert up.body.task_id and up.body.cluster_id == cid
    client.pause_cluster_upgrade(cid)
    st = client.get_upgrade_status(cid)
    assert st.body.status == 'pause' and st.body.upgrade_step == 'pause'
    client.resume_upgrade_cluster(cid)
    emulator.wait(lambda: client.get_upgrade_status(cid).body.status == 'success', timeout=15, interval=0.05)
    assert emulator.wait_cluster(cid)['current_version'] == TO


def test_old_sdk_status_and_cancel(emulator, sdk_old):
    # The old SDK's UpgradeClusterRequest cannot be sent: its get_version() (meant for the body field `version`)
    # shadows the API version used for the x-acs-version header. The upgrade is started with the signed helper.
    from aliyunsdkcs.request.v20151215.CancelClusterUpgradeRequest import CancelClusterUpgradeRequest
    from aliyunsdkcs.request.v20151215.GetUpgradeStatusRequest import GetUpgradeStatusRequest
    from aliyunsdkcs.request.v20151215.PauseClusterUpgradeRequest import PauseClusterUpgradeRequest
    cid = cluster(emulator)
    emulator.set_time_scale(0.01)
    assert upgrade(emulator, cid, next_version=TO).status == 200
    pause = PauseClusterUpgradeRequest()
    pause.set_ClusterId(cid)
    assert sdk_old.do(pause) == {}
    get = GetUpgradeStatusRequest()
    get.set_ClusterId(cid)
    assert sdk_old.do(get)['status'] == 'pause'
    cancel = CancelClusterUpgradeRequest()
    cancel.set_ClusterId(cid)
    assert sdk_old.do(cancel)['RequestId']
    assert sdk_old.do(get)['status'] == 'canceled'


def metadata(emulator, **query):
    query.setdefault('Region', 'cn-hangzhou')
    query.setdefault('ClusterType', 'ManagedKubernetes')
    return emulator.signed('GET', '/api/v1/metadata/versions', query=query, action='DescribeKubernetesVersionMetadata')


def test_version_metadata_catalogue_and_upgradable_versions(emulator):
    r = metadata(emulator)
    assert r.status == 200, r
    versions = [item['version'] for item in r.json]
    assert versions[0] == '1.14.8-aliyun.1' and versions[-1] == '1.31.1-aliyun.1' and FROM in versions
    assert all('upgradable_versions' not in item for item in r.json)   # only asked for one version
    one = metadata(emulator, KubernetesVersion=FROM, QueryUpgradableVersion='true').json
    assert [i['version'] for i in one] == [FROM] and one[0]['upgradable_versions'] == [TO]
    patch = metadata(emulator, KubernetesVersion='1.28.3-aliyun.1', QueryUpgradableVersion='true').json
    assert patch[0]['upgradable_versions'] == [FROM, TO] and patch[0]['creatable'] is False
    top = metadata(emulator, KubernetesVersion='1.31.1-aliyun.1', QueryUpgradableVersion='true').json
    assert top[0]['upgradable_versions'] == []
    assert metadata(emulator, KubernetesVersion='1.29.0-aliyun.1').json == []


@pytest.mark.parametrize('query, code', [
    ({'Region': ''}, 'MissingParameter'),
    ({'ClusterType': ''}, 'MissingParameter'),
    ({'ClusterType': 'Swarm'}, 'InvalidParameter'),
    ({'QueryUpgradableVersion': 'perhaps'}, 'InvalidParameter'),
])
def test_version_metadata_validation(emulator, query, code):
    r = metadata(emulator, **query)
    assert r.status == 400 and r.code == code, r


@pytest.mark.parametrize('client_fixture', ['sdk_new_v2', 'sdk_new_v3'])
def test_new_sdk_version_metadata(request, client_fixture):
    from alibabacloud_cs20151215 import models
    client = request.getfixturevalue(client_fixture)
    answer = client.describe_kubernetes_version_metadata(models.DescribeKubernetesVersionMetadataRequest(
        region='cn-hangzhou', cluster_type='ManagedKubernetes', kubernetes_version=FROM,
        query_upgradable_version=True))
    assert [(v.version, v.upgradable_versions) for v in answer.body] == [(FROM, [TO])]
