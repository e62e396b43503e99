"""A cluster's operations beyond the 2020 reference (#24): ModifyCluster's maintenance window and automatic
upgrades, RevokeK8sClusterKubeConfig (a kubeconfig issued before fails the TLS handshake, the next one works),
ListClusterKubeconfigStates, DescribeClusterTasks."""
import socket
import ssl

import pytest
import requests

from kubetools import Kube, kubeconfig, refusal

WINDOW = {'enable': True, 'maintenance_time': '2024-10-15T03:00:00+08:00', 'duration': '4h',
          'weekly_period': 'Monday,Thursday'}


def modify(emulator, cid, body):
    return emulator.signed('PUT', '/api/v2/clusters/' + cid, body=body, action='ModifyCluster')


def revoke(emulator, cid, **kw):
    return emulator.signed('DELETE', '/k8s/%s/certs' % cid, action='RevokeK8sClusterKubeConfig', **kw)


def states(emulator, cid, **query):
    r = emulator.signed('GET', '/clusters/%s/kubeconfig/states' % cid, query=query or None,
                        action='ListClusterKubeconfigStates')
    assert r.status == 200, r
    return r.json


def tasks(emulator, cid, **query):
    r = emulator.signed('GET', '/clusters/%s/tasks' % cid, query=query or None, action='DescribeClusterTasks')
    assert r.status == 200, r
    return r.json


# -- maintenance window and automatic upgrades -----------------------------------------------------------------
def test_maintenance_window_is_applied_and_reported(emulator):
    cid, _ = emulator.create_cluster()
    assert emulator.cluster_detail(cid)['maintenance_window']['enable'] is False
    r = modify(emulator, cid, {'maintenance_window': WINDOW})
    assert r.status == 202, r
    assert emulator.cluster_detail(cid)['maintenance_window'] == WINDOW
    # a field left out keeps its value; turning the window off keeps its settings
    modify(emulator, cid, {'maintenance_window': {'duration': '6h', 'recurrence': 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO'}})
    modify(emulator, cid, {'maintenance_window': {'enable': False}})
    window = emulator.cluster_detail(cid)['maintenance_window']
    assert window == dict(WINDOW, enable=False, duration='6h', recurrence='FREQ=WEEKLY;INTERVAL=2;BYDAY=MO')
    # the documented defaults of an enabled window; the time of day alone is RFC 3339 too
    other, _ = emulator.create_cluster(name='other', vpcid='vpc-test0002')
    modify(emulator, other, {'maintenance_window': {'enable': True, 'maintenance_time': '03:00:00Z'}})
    window = emulator.cluster_detail(other)['maintenance_window']
    assert (window['duration'], window['weekly_period']) == ('3h', 'Thursday')


@pytest.mark.parametrize('window, name', [
    ({'enable': True}, 'maintenance_window.maintenance_time'),
    ({'maintenance_time': '2024-10-15 03:00'}, 'maintenance_window.maintenance_time'),
    ({'maintenance_time': '2024-13-15T03:00:00Z'}, 'maintenance_window.maintenance_time'),
    ({'maintenance_time': '03:00'}, 'maintenance_window.maintenance_time'),
    ({'duration': '25h'}, 'maintenance_window.duration'),
    ({'duration': '0h'}, 'maintenance_window.duration'),
    ({'duration': '3'}, 'maintenance_window.duration'),
    ({'weekly_period': 'Monday,Funday'}, 'maintenance_window.weekly_period'),
    ({'weekly_period': 'Monday,Monday'}, 'maintenance_window.weekly_period'),
    ({'recurrence': 'FREQ=DAILY'}, 'maintenance_window.recurrence'),
    ({'recurrence': 'FREQ=WEEKLY;COUNT=3'}, 'maintenance_window.recurrence'),
    ({'recurrence': 'FREQ=WEEKLY;BYDAY=XX'}, 'maintenance_window.recurrence'),
    ({'exclusions': [{'scope': 'NoNaps', 'start_time': '2030-01-01T00:00:00Z', 'end_time': '2030-01-02T00:00:00Z'}]},
     'maintenance_window.exclusions[0].scope'),
    ({'exclusions': [{'scope': 'NoUpgrades', 'start_time': '2030-01-01T00:00:00Z',
                      'end_time': '2030-03-01T00:00:00Z'}]}, 'maintenance_window.exclusions[0]'),
    ({'surprise': 1}, 'maintenance_window.surprise'),
])
def test_bad_maintenance_windows_are_refused(emulator, window, name):
    cid, _ = emulator.create_cluster()
    r = modify(emulator, cid, {'maintenance_window': window})
    assert r.status == 400 and r.code in ('InvalidParameter', 'MissingParameter'), r
    assert name in r.json['message'], r.json
    assert emulator.cluster_detail(cid)['maintenance_window']['enable'] is False


def test_automatic_upgrades(emulator):
    cid, _ = emulator.create_cluster()
    auto = lambda: emulator.cluster_detail(cid)['operation_policy']['cluster_auto_upgrade']  # noqa: E731
    assert auto() == {'enabled': False, 'channel': ''}
    r = modify(emulator, cid, {'operation_policy': {'cluster_auto_upgrade': {'enabled': True}}})
    assert (r.status, r.code) == (400, 'MissingParameter') and 'channel' in r.json['message']
    r = modify(emulator, cid, {'operation_policy': {'cluster_auto_upgrade': {'enabled': True, 'channel': 'weekly'}}})
    assert (r.status, r.code) == (400, 'InvalidParameter') and 'patch, stable, rapid' in r.json['message']
    assert modify(emulator, cid, {'operation_policy': {'cluster_auto_upgrade': {'enabled': True,
                                                                                'channel': 'stable'}}}).status == 202
    assert auto() == {'enabled': True, 'channel': 'stable'}
    modify(emulator, cid, {'operation_policy': {'cluster_auto_upgrade': {'channel': 'rapid'}}})
    assert auto() == {'enabled': True, 'channel': 'rapid'}
    modify(emulator, cid, {'operation_policy': {'cluster_auto_upgrade': {'enabled': False}}})
    assert auto() == {'enabled': False, 'channel': 'rapid'}


# -- task history -------------------------------------------------------------------------------------------------
def test_task_history_newest_first_with_paging(emulator):
    cid, created = emulator.create_cluster()
    modify(emulator, cid, {'deletion_protection': True})
    emulator.set_time_scale(0)
    emulator.admin('fail-next', {'operation': 'ScaleOutCluster', 'code': 'OutOfStock', 'message': 'no ECS left'})
    r = emulator.signed('POST', '/api/v2/clusters/' + cid, body={'count': 1, 'key_pair': 'k',
                                                                 'worker_instance_types': ['ecs.g7.xlarge']},
                        action='ScaleOutCluster')
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    listed = tasks(emulator, cid)
    assert [t['task_type'] for t in listed['tasks']] == ['cluster_scaleout', 'cluster_update', 'cluster_create']
    assert listed['tasks'][-1]['task_id'] == created
    assert listed['tasks'][0]['state'] == 'failed'
    assert listed['tasks'][0]['error'] == {'code': 'OutOfStock', 'message': 'no ECS left'}
    assert 'error' not in listed['tasks'][1] and listed['tasks'][1]['state'] == 'success'
    assert listed['page_info'] == {'page_number': 1, 'page_size': 10, 'total_count': 3}
    second = tasks(emulator, cid, page_size=2, page_number=2)
    assert [t['task_type'] for t in second['tasks']] == ['cluster_create']
    first = tasks(emulator, cid, max_results=2)
    assert len(first['tasks']) == 2 and first['next_token']
    rest = tasks(emulator, cid, max_results=2, next_token=first['next_token'])
    assert [t['task_id'] for t in rest['tasks']] == [created] and rest['next_token'] == ''
    # another cluster's tasks are not listed; a cluster that does not exist is not found
    other, _ = emulator.create_cluster(name='other', vpcid='vpc-test0002')
    assert [t['task_type'] for t in tasks(emulator, other)['tasks']] == ['cluster_create']
    r = emulator.signed('GET', '/clusters/c0000000000000000000000000000000f/tasks', action='DescribeClusterTasks')
    assert (r.status, r.code) == (404, 'ErrorClusterNotFound')


# -- revocation -----------------------------------------------------------------------------------------------------
def test_revocation_refuses_every_kubeconfig_issued_before(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    lasting = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path), 'lasting')
    internal = Kube(kubeconfig(emulator, cid, private=True)['config'], str(tmp_path), 'internal')
    temporary = Kube(kubeconfig(emulator, cid, minutes=60)['config'], str(tmp_path), 'temporary')
    for kube in (lasting, internal, temporary):
        assert kube.get('/version')
    listed = states(emulator, cid)
    assert listed['page'] == {'page_number': 1, 'page_size': 10, 'total_count': 1}
    (mine,) = listed['states']
    assert (mine['account_name'], mine['cert_state'], mine['revokable']) == (emulator.access_key_id, 'Unexpired',
                                                                              True)
    r = revoke(emulator, cid)
    assert (r.status, r.json) == (200, {}) and r.headers.get('x-acs-request-id')
    for kube in (lasting, internal, temporary):
        assert 'revoked' in (refusal(kube) or 'answered'), kube.server
    (mine,) = states(emulator, cid)['states']
    assert (mine['cert_state'], mine['revokable']) == ('Removed', False)
    # the next kubeconfig is a new certificate, and it works
    fresh_answer = kubeconfig(emulator, cid)
    fresh = Kube(fresh_answer['config'], str(tmp_path), 'fresh')
    assert fresh.text != lasting.text and fresh.get('/version')
    assert kubeconfig(emulator, cid) == fresh_answer  # lasting again: the same one on every call
    assert 'revoked' in (refusal(lasting) or 'answered')
    (mine,) = states(emulator, cid)['states']
    assert (mine['cert_state'], mine['revokable'], mine['cert_expire_time']) == (
        'Unexpired', True, fresh_answer['expiration'])
    # the revocation is in the task history and the cluster log
    listed = tasks(emulator, cid)['tasks']
    assert [t['task_type'] for t in listed] == ['kubeconfig_revoke', 'cluster_create']
    assert listed[0]['state'] == 'success'
    logs = emulator.signed('GET', '/clusters/%s/logs' % cid, action='DescribeClusterLogs').json
    # the public and internal kubeconfigs share the account's lasting certificate; the temporary one is another
    assert any('Kubeconfig revoked: 2 certificate(s)' in e['cluster_log'] for e in logs)
    for kube in (lasting, internal, temporary, fresh):
        kube.close()


def test_revocation_is_per_account_and_survives_a_restart(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    mine = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path), 'mine')
    assert mine.get('/version')
    revoke(emulator, cid)
    emulator.kill9()
    assert 'revoked' in (refusal(mine) or 'answered')
    fresh = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path), 'fresh')
    assert fresh.get('/version')
    # a second revocation takes the fresh one too
    revoke(emulator, cid)
    assert refusal(fresh)
    mine.close()
    fresh.close()


def test_a_connection_open_before_the_revocation_is_closed(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    assert kube.get('/version')  # the session keeps its connection open
    revoke(emulator, cid)
    with pytest.raises(requests.exceptions.ConnectionError):
        kube.call('GET', '/version')
    kube.close()


def test_revoke_and_states_need_a_cluster(emulator):
    cid, _ = emulator.create_cluster(wait=False)
    r = revoke(emulator, cid)
    assert (r.status, r.code) == (400, 'InvalidStatus.ClusterState')
    emulator.wait_cluster(cid)
    assert states(emulator, cid)['states'] == []
    assert states(emulator, cid, cloudServiceKubeConfig='true')['states'] == []
    r = revoke(emulator, 'c0000000000000000000000000000000f')
    assert (r.status, r.code) == (404, 'ErrorClusterNotFound')
    r = emulator.signed('GET', '/clusters/%s/kubeconfig/states' % cid, query={'pageSize': 51},
                        action='ListClusterKubeconfigStates')
    assert (r.status, r.code) == (400, 'InvalidParameter')


def test_tls_refusal_names_the_revocation(emulator, tmp_path):
    """What kubectl and the Python client meet: the server's TLS alert is certificate revoked."""
    cid, _ = emulator.create_cluster()
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    revoke(emulator, cid)
    context = ssl.create_default_context(cafile=kube.ca)
    context.load_cert_chain(kube.cert, kube.key)
    host, port = kube.server.split('//')[1].split(':')
    with pytest.raises(ssl.SSLError) as e:
        with context.wrap_socket(socket.create_connection((host, int(port)), timeout=10),
                                 server_hostname=host) as tls:
            tls.sendall(b'GET /version HTTP/1.1\r\nHost: kube\r\n\r\n')
            tls.recv(100)
    assert 'CERTIFICATE_REVOKED' in str(e.value)
    kube.close()
