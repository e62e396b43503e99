"""The Kubernetes API of emulated clusters: the official Python client, errors, credentials (expiry, endpoints,
deletion, restart), and what follows the ACK side (version, nodes, add-ons)."""
import calendar
import socket
import ssl
import time

import pytest
import requests
from kubernetes import client as k8s
from kubernetes import config as k8s_config

from kubetools import NAMESPACES, Kube, ack_nodes, kubeconfig, refusal

NEXT_VERSION = {'1.28.9-aliyun.1': '1.30.1-aliyun.1'}


def api_client(kube):
    return k8s_config.new_client_from_config(config_file=kube.path)


def deployment(name='web', replicas=2, image='nginx:1.25'):
    labels = {'app': name}
    return {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': name, 'labels': labels},
            'spec': {'replicas': replicas, 'selector': {'matchLabels': labels},
                     'template': {'metadata': {'labels': labels},
                                  'spec': {'containers': [{'name': 'main', 'image': image}]}}}}


@pytest.fixture
def kube(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    k = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path / 'kube'))
    k.cluster_id = cid
    yield k
    k.close()


def test_python_client(emulator, kube):
    api = api_client(kube)
    core, apps = k8s.CoreV1Api(api), k8s.AppsV1Api(api)
    assert {n.metadata.name for n in core.list_namespace().items} == NAMESPACES
    nodes = core.list_node().items
    ack = {n['node_name']: n for n in ack_nodes(emulator, kube.cluster_id)}
    assert {n.metadata.name for n in nodes} == set(ack) and len(nodes) == 2
    version = 'v' + emulator.cluster_detail(kube.cluster_id)['current_version']
    assert {n.status.node_info.kubelet_version for n in nodes} == {version}
    assert k8s.VersionApi(api).get_code().git_version == version

    body = k8s.V1Deployment(
        metadata=k8s.V1ObjectMeta(name='py'),
        spec=k8s.V1DeploymentSpec(replicas=2, selector=k8s.V1LabelSelector(match_labels={'app': 'py'}),
                                  template=k8s.V1PodTemplateSpec(
                                      metadata=k8s.V1ObjectMeta(labels={'app': 'py'}),
                                      spec=k8s.V1PodSpec(containers=[k8s.V1Container(name='c', image='busybox')]))))
    created = apps.create_namespaced_deployment('default', body)
    assert created.metadata.uid and created.spec.replicas == 2 and created.status.ready_replicas == 2
    with pytest.raises(k8s.ApiException) as err:
        apps.create_namespaced_deployment('default', body)
    assert err.value.status == 409
    pods = core.list_namespaced_pod('default', label_selector='app=py').items
    assert len(pods) == 2 and {p.status.phase for p in pods} == {'Running'}
    assert {p.spec.node_name for p in pods} <= set(ack)

    apps.patch_namespaced_deployment_scale('py', 'default', {'spec': {'replicas': 4}})
    assert apps.read_namespaced_deployment_scale('py', 'default').status.replicas == 4
    assert len(core.list_namespaced_pod('default', label_selector='app=py').items) == 4
    apps.patch_namespaced_deployment('py', 'default', {'spec': {'replicas': 1}})
    assert len(core.list_namespaced_pod('default', label_selector='app=py').items) == 1
    apps.delete_namespaced_deployment('py', 'default')
    assert core.list_namespaced_pod('default', label_selector='app=py').items == []
    assert apps.list_namespaced_replica_set('default').items == []


def test_writes_persist_and_a_no_op_patch_changes_nothing(emulator, kube):
    r = kube.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment())
    assert r.status_code == 201, r.text
    before = kube.get('/apis/apps/v1/namespaces/default/deployments/web')
    for ctype in ('application/merge-patch+json', 'application/strategic-merge-patch+json'):
        r = kube.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {'spec': {'replicas': 2}}, ctype)
        assert r.status_code == 200 and r.json()['metadata']['resourceVersion'] == before['metadata']['resourceVersion']
    # merge patch replaces a list, strategic merge merges it by name
    r = kube.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web',
                  {'spec': {'template': {'spec': {'containers': [{'name': 'side', 'image': 'busybox'}]}}}},
                  'application/strategic-merge-patch+json')
    assert [c['name'] for c in r.json()['spec']['template']['spec']['containers']] == ['main', 'side']
    r = kube.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web',
                  {'spec': {'template': {'spec': {'containers': [{'name': 'main', 'image': 'nginx:1.26'}]}}}},
                  'application/merge-patch+json')
    assert [c['image'] for c in r.json()['spec']['template']['spec']['containers']] == ['nginx:1.26']
    r = kube.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web',
                  [{'op': 'replace', 'path': '/spec/replicas', 'value': 3}], 'application/json-patch+json')
    assert r.json()['spec']['replicas'] == 3 and r.json()['metadata']['generation'] == 4
    # a dry run answers the result and stores nothing
    r = kube.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web?dryRun=All', {'spec': {'replicas': 5}},
                  'application/merge-patch+json')
    assert r.json()['spec']['replicas'] == 5
    assert kube.get('/apis/apps/v1/namespaces/default/deployments/web')['spec']['replicas'] == 3
    # the same objects from the legacy group, and after a restart
    legacy = kube.get('/apis/extensions/v1beta1/namespaces/default/deployments/web')
    assert legacy['apiVersion'] == 'extensions/v1beta1' and legacy['metadata']['uid'] == before['metadata']['uid']
    emulator.restart()
    after = kube.get('/apis/apps/v1/namespaces/default/deployments/web')
    assert after['spec']['replicas'] == 3 and after['metadata']['uid'] == before['metadata']['uid']
    assert len(kube.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')['items']) == 3


def status_of(r):
    body = r.json()
    assert body['kind'] == 'Status' and body['status'] == 'Failure' and body['code'] == r.status_code, body
    return r.status_code, body['reason']


def test_errors_are_status_objects(emulator, kube):
    pods = '/api/v1/namespaces/default/pods'
    r = kube.call('GET', pods + '/missing')
    assert status_of(r) == (404, 'NotFound') and r.json()['message'] == 'pods "missing" not found'
    assert r.json()['details'] == {'name': 'missing', 'kind': 'pods'}
    assert status_of(kube.call('GET', '/apis/apps/v1/namespaces/default/deployments/x')) == (404, 'NotFound')
    assert status_of(kube.call('GET', '/api/v1/nothing')) == (404, 'NotFound')
    assert status_of(kube.call('POST', '/api/v1/namespaces/nowhere/pods',
                               {'metadata': {'name': 'p'}, 'spec': {'containers': [{'name': 'c', 'image': 'x'}]}})) \
        == (404, 'NotFound')
    pod = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'p'},
           'spec': {'containers': [{'name': 'c', 'image': 'busybox'}]}}
    assert kube.call('POST', pods, pod).status_code == 201
    r = kube.call('POST', pods, pod)
    assert status_of(r) == (409, 'AlreadyExists') and r.json()['details']['name'] == 'p'
    r = kube.call('POST', pods, {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'empty'}, 'spec': {}})
    assert status_of(r) == (422, 'Invalid')
    assert r.json()['message'] == 'Pod "empty" is invalid: spec.containers: Required value'
    assert r.json()['details']['causes'] == [{'reason': 'FieldValueRequired', 'message': 'Required value',
                                              'field': 'spec.containers'}]
    r = kube.call('POST', pods, {'metadata': {'name': 'Bad_Name'}, 'spec': {'containers': [{'name': 'c'}]}})
    assert status_of(r) == (422, 'Invalid') and 'metadata.name: Invalid value: "Bad_Name"' in r.json()['message']
    assert 'spec.containers[0].image: Required value' in r.json()['message']
    wrong = deployment()
    wrong['spec']['selector'] = {'matchLabels': {'app': 'other'}}
    r = kube.call('POST', '/apis/apps/v1/namespaces/default/deployments', wrong)
    assert status_of(r) == (422, 'Invalid') and r.json()['message'].startswith('Deployment.apps "web" is invalid')
    r = kube.call('POST', pods, dict(pod, metadata={'name': 'q', 'namespace': 'kube-system'}))
    assert status_of(r) == (400, 'BadRequest')
    assert status_of(kube.call('POST', pods, '{"not json', 'application/json')) == (400, 'BadRequest')
    assert status_of(kube.call('PATCH', pods + '/p', {'x': 1}, 'text/plain')) == (415, 'UnsupportedMediaType')
    assert status_of(kube.call('DELETE', '/api/v1/nodes/%s' % ack_nodes(emulator, kube.cluster_id)[0]['node_name'])) \
        == (405, 'MethodNotAllowed')
    current = kube.get(pods + '/p')
    stale = dict(current, metadata=dict(current['metadata'], resourceVersion='1'))
    assert status_of(kube.call('PUT', pods + '/p', stale)) == (409, 'Conflict')
    assert status_of(kube.call('DELETE', '/api/v1/namespaces/default')) == (403, 'Forbidden')


def test_version_and_kubelets_follow_the_ack_upgrade(emulator, tmp_path):
    cid, _ = emulator.create_cluster(kubernetes_version='1.28.9-aliyun.1')
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    assert kube.get('/version')['gitVersion'] == 'v1.28.9-aliyun.1'
    emulator.set_time_scale(0)
    r = emulator.signed('POST', '/api/v2/clusters/%s/upgrade' % cid, body={'next_version': '1.30.1-aliyun.1'},
                        action='UpgradeCluster')
    assert r.status == 200, r
    emulator.wait_task(r.json['task_id'])
    assert emulator.wait_cluster(cid)['current_version'] == '1.30.1-aliyun.1'
    version = kube.get('/version')
    assert (version['gitVersion'], version['major'], version['minor']) == ('v1.30.1-aliyun.1', '1', '30')
    kubelets = {n['status']['nodeInfo']['kubeletVersion'] for n in kube.get('/api/v1/nodes')['items']}
    assert kubelets == {'v1.30.1-aliyun.1'}
    kube.close()


def test_discovery(kube):
    assert kube.get('/api')['versions'] == ['v1']
    groups = {g['name']: g for g in kube.get('/apis')['groups']}
    assert {'apps', 'extensions', 'metrics.k8s.io'} <= set(groups)
    assert groups['apps']['preferredVersion']['groupVersion'] == 'apps/v1'
    core = {r['name']: r for r in kube.get('/api/v1')['resources']}
    assert {'namespaces', 'pods', 'pods/log', 'nodes', 'services', 'configmaps', 'secrets'} <= set(core)
    assert core['pods']['namespaced'] and not core['nodes']['namespaced'] and core['pods']['shortNames'] == ['po']
    apps = {r['name']: r for r in kube.get('/apis/apps/v1')['resources']}
    assert apps['deployments/scale']['kind'] == 'Scale' and 'patch' in apps['deployments']['verbs']
    assert 'deployments' in {r['name'] for r in kube.get('/apis/extensions/v1beta1')['resources']}
    metrics = {r['name'] for r in kube.get('/apis/metrics.k8s.io/v1beta1')['resources']}
    assert metrics == {'nodes', 'pods'}
    assert 'apis/apps/v1' in kube.get('/openapi/v3')['paths']


def test_metrics_need_the_metrics_server_addon(emulator, tmp_path):
    cid, _ = emulator.create_cluster(addons=[{'name': 'flannel'}, {'name': 'metrics-server', 'disabled': True}])
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    assert 'metrics.k8s.io' not in {g['name'] for g in kube.get('/apis')['groups']}
    assert status_of(kube.call('GET', '/apis/metrics.k8s.io/v1beta1/nodes')) == (503, 'ServiceUnavailable')
    kube.close()


def test_node_metrics(kube):
    items = kube.get('/apis/metrics.k8s.io/v1beta1/nodes')['items']
    assert len(items) == 2 and all(i['kind'] == 'NodeMetrics' and i['usage']['cpu'].endswith('n') for i in items)


def test_pods_wait_for_nodes(emulator, tmp_path):
    """Without ready nodes a pod is Pending (Unschedulable); it runs once ACK adds a node."""
    cid, _ = emulator.create_cluster(num_of_nodes=0)
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    assert kube.get('/api/v1/nodes')['items'] == []
    r = kube.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment(replicas=1))
    assert r.status_code == 201
    pod = kube.get('/api/v1/namespaces/default/pods')['items'][0]
    assert pod['status']['phase'] == 'Pending' and pod['status']['conditions'][0]['reason'] == 'Unschedulable'
    assert 'nodeName' not in pod['spec']
    assert kube.get('/apis/apps/v1/namespaces/default/deployments/web')['status'].get('readyReplicas') is None
    body = {'count': 1, 'worker_instance_types': ['ecs.g7.xlarge'], 'login_password': 'Hello1234!',
            'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120,
            'vswitch_ids': ['vsw-test0001']}
    emulator.set_time_scale(0)
    r = emulator.signed('POST', '/api/v2/clusters/%s' % cid, body=body, action='ScaleOutCluster')
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    pod = kube.get('/api/v1/namespaces/default/pods')['items'][0]
    assert pod['status']['phase'] == 'Running' and pod['spec']['nodeName'] == ack_nodes(emulator, cid)[0]['node_name']
    assert kube.get('/apis/apps/v1/namespaces/default/deployments/web')['status']['readyReplicas'] == 1
    kube.close()


# -- credentials ---------------------------------------------------------------------------------------------
def refused(kube, path='/version'):
    """True when the API server does not answer this kubeconfig (TLS refusal, reset or closed port)."""
    return refusal(kube, path) is not None


def test_public_and_internal_kubeconfigs(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    public = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path), 'public')
    internal = Kube(kubeconfig(emulator, cid, private=True)['config'], str(tmp_path), 'internal')
    assert public.server != internal.server
    urls = emulator.cluster_detail(cid)['master_url']
    assert public.server in urls and internal.server in urls
    assert public.get('/api/v1/namespaces')['items'] and internal.get('/api/v1/namespaces')['items']
    # without a public endpoint only the internal kubeconfig exists, and the public address does not answer
    other, _ = emulator.create_cluster(name='private', vpcid='vpc-test0002', endpoint_public_access=False)
    r = emulator.signed('GET', '/k8s/%s/user_config' % other, action='DescribeClusterUserKubeconfig')
    assert (r.status, r.code) == (400, 'ErrorPublicEndpointNotFound')
    private = Kube(kubeconfig(emulator, other, private=True)['config'], str(tmp_path), 'private')
    assert private.get('/version')['gitVersion']
    public_of_other = Kube(private.text.replace(private.server, 'https://127.0.0.1:%d' % (
        emulator_ports(emulator, other)[0])), str(tmp_path), 'public-other')
    assert refused(public_of_other)
    for k in (public, internal, private):
        k.close()


def emulator_ports(emulator, cid):
    docs = emulator.admin('docs/cluster')['docs']
    return next(d['_kube_ports'] for d in docs if d['cluster_id'] == cid)


def test_temporary_kubeconfig_expires(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    emulator.set_time_scale(0.004)  # 15 minutes -> 3.6 s
    started = time.time()
    answer = kubeconfig(emulator, cid, minutes=15)
    kube = Kube(answer['config'], str(tmp_path), 'temporary')
    early = tls_connection(kube)  # a handshake while the certificate is valid, its request sent after expiry
    assert kube.get('/version')
    lasting = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path), 'lasting')
    expires = calendar.timegm(time.strptime(answer['expiration'], '%Y-%m-%dT%H:%M:%SZ'))
    assert started + 2 < expires < started + 5
    time.sleep(max(0.0, expires - time.time()) + 1.2)
    early.sendall(b'GET /version HTTP/1.1\r\nHost: kube\r\n\r\n')
    reply = b''
    chunk = early.recv(65536)
    while chunk:  # the server closes after its answer
        reply += chunk
        chunk = early.recv(65536)
    early.close()
    reply = reply.decode()
    assert reply.startswith('HTTP/1.1 401') and '"reason":"Unauthorized"' in reply, reply
    assert refused(kube)  # a new connection: the TLS handshake refuses the expired certificate
    assert lasting.get('/version')
    kube.close()
    lasting.close()


def tls_connection(kube):
    context = ssl.create_default_context(cafile=kube.ca)
    context.load_cert_chain(kube.cert, kube.key)
    host, port = kube.server.split('//')[1].split(':')
    return context.wrap_socket(socket.create_connection((host, int(port)), timeout=10), server_hostname=host)


def test_deleted_cluster_stops_answering(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    kube = Kube(kubeconfig(emulator, cid)['config'], str(tmp_path))
    internal = Kube(kubeconfig(emulator, cid, private=True)['config'], str(tmp_path), 'internal')
    assert kube.get('/version') and internal.get('/version')
    emulator.set_time_scale(0)
    r = emulator.signed('DELETE', '/clusters/%s' % cid, action='DeleteCluster')
    assert r.status == 202, r
    emulator.wait_gone(cid)
    with pytest.raises(requests.exceptions.ConnectionError):
        kube.call('GET', '/version')  # closed without an answer (or refused once the port is closed)
    assert refused(kube) and refused(internal)
    # the ports close shortly after
    emulator.wait(lambda: _closed(kube.server), timeout=10, interval=0.1)
    kube.close()
    internal.close()


def _closed(server):
    host, port = server.split('//')[1].split(':')
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False


def test_kubeconfig_survives_restart(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    answer = kubeconfig(emulator, cid)
    kube = Kube(answer['config'], str(tmp_path))
    assert kube.call('POST', '/api/v1/namespaces', {'metadata': {'name': 'team'}}).status_code == 201
    emulator.kill9()
    assert kubeconfig(emulator, cid) == answer  # same CA, same client certificate, same ports
    assert kube.get('/api/v1/namespaces/team')['status']['phase'] == 'Active'
    kube.close()


def test_pods_leave_a_removed_node(emulator, kube):
    """RemoveClusterNodes takes the node out of the Kubernetes API; its pods are replaced on the other node."""
    r = kube.call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment(replicas=4))
    assert r.status_code == 201
    first, second = ack_nodes(emulator, kube.cluster_id)
    emulator.set_time_scale(0)
    r = emulator.signed('POST', '/api/v2/clusters/%s/nodes/remove' % kube.cluster_id, action='RemoveClusterNodes',
                        body={'nodes': [first['node_name']], 'release_node': True})
    assert r.status == 200, r
    emulator.wait_cluster(kube.cluster_id)   # RemoveClusterNodes answers {} (reference 8.2)
    assert [n['metadata']['name'] for n in kube.get('/api/v1/nodes')['items']] == [second['node_name']]
    pods = kube.get('/api/v1/namespaces/default/pods')['items']
    assert len(pods) == 4 and {p['spec']['nodeName'] for p in pods} == {second['node_name']}
    assert kube.get('/apis/apps/v1/namespaces/default/deployments/web')['status']['readyReplicas'] == 4
