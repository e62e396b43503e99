"""Reference section 1 (Use the Kubernetes API): its curl commands, as written, against an emulated cluster.

The certificate, key and server come out of the kubeconfig with the reference's grep/awk/base64 lines; every curl
runs with the real curl binary and its output is checked against what the reference describes.
"""
import json
import shutil
import subprocess

import pytest

from kubetools import NAMESPACES, Kube, ack_nodes, kubeconfig

NGINX_POD_JSON = """{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "nginx",
    "namespace": "default"
  },
  "spec": {
    "containers": [
      {
        "name": "nginx",
        "image": "nginx:alpine",
        "ports": [
          {
            "containerPort": 80
          }
        ]
      }
    ]
  }
}
"""
NGINX_POD_YAML = """apiVersion: v1
kind: Pod
metadata:
  name: nginx
  namespace: default
spec:
  containers:
  - name: nginx
    image: nginx:alpine
    ports:
    - containerPort: 80
"""
NGINX_DEPLOY_YAML = """apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: nginx-deploy
  labels:
    app: nginx
spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
        ports:
        - containerPort: 80
      resources:
        requests:
          cpu: "2"
          memory: "4Gi"
"""
CREDENTIALS = """
cat ./kubeconfig |grep client-certificate-data | awk -F ' ' '{print $2}' |base64 -d > client-cert.pem
cat ./kubeconfig |grep client-key-data | awk -F ' ' '{print $2}' |base64 -d > client-key.pem
APISERVER=`cat ./kubeconfig |grep server | awk -F ' ' '{print $2}'`
"""
# The reference's commands (lines its PDF layout broke are joined again).
CURL = 'curl --cert client-cert.pem --key client-key.pem -k $APISERVER'
NAMESPACES_CMD = CURL + '/api/v1/namespaces'
PODS = CURL + '/api/v1/namespaces/default/pods'
POD_JSON = PODS + " -X POST --header 'content-type: application/json' -d@nginx-pod.json"
POD_YAML = PODS + " -X POST --header 'content-type: application/yaml' --data-binary @nginx-pod.yaml"
POD_STATUS = CURL + '/api/v1/namespaces/default/pods/nginx'
POD_LOG = CURL + '/api/v1/namespaces/default/pods/nginx/log'
POD_METRICS = CURL + '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nginx'
POD_DELETE = CURL + '/api/v1/namespaces/default/pods/nginx -X DELETE'
DEPLOYMENTS = CURL + '/apis/extensions/v1beta1/namespaces/default/deployments'
DEPLOY_CREATE = DEPLOYMENTS + " -X POST --header 'content-type: application/yaml' --data-binary @nginx-deploy.yaml"
DEPLOY_REPLICAS = (DEPLOYMENTS + "/nginx-deploy -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' "
                   """-d '{"spec": {"replicas": 4}}'""")
DEPLOY_IMAGE = (DEPLOYMENTS + "/nginx-deploy -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' "
                """-d '{"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.7.9"}]}}}'""")


@pytest.fixture(scope='module', autouse=True)
def _curl():
    if shutil.which('curl') is None:
        pytest.fail('curl is missing: scripts/env.sh setup installs it')


def run(folder, command):
    """One shell line after the reference's credential lines; returns curl's output (the answer body)."""
    proc = subprocess.run(['bash', '-c', CREDENTIALS + command], cwd=str(folder), capture_output=True, text=True,
                          timeout=30, check=False)
    assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
    return proc.stdout


def run_json(folder, command):
    out = run(folder, command)
    try:
        return json.loads(out)
    except ValueError:
        raise AssertionError('%s answered %r' % (command, out[:500])) from None


def pods_of(kube, selector):
    return kube.get('/api/v1/namespaces/default/pods?labelSelector=' + selector)['items']


def test_reference_curl_commands(emulator, tmp_path):
    cid, _ = emulator.create_cluster()
    config = kubeconfig(emulator, cid)['config']
    (tmp_path / 'kubeconfig').write_text(config)
    (tmp_path / 'nginx-pod.json').write_text(NGINX_POD_JSON)
    (tmp_path / 'nginx-pod.yaml').write_text(NGINX_POD_YAML)
    (tmp_path / 'nginx-deploy.yaml').write_text(NGINX_DEPLOY_YAML)
    kube = Kube(config, str(tmp_path / 'check'))  # for the checks between the reference's commands
    node_names = {n['node_name'] for n in ack_nodes(emulator, cid)}

    # APISERVER is the kubeconfig's server, an HTTPS address on this host
    assert run(tmp_path, 'echo $APISERVER').strip() == kube.server
    assert kube.server.startswith('https://127.0.0.1:')

    # List all namespaces in the current cluster
    answer = run_json(tmp_path, NAMESPACES_CMD)
    assert answer['kind'] == 'NamespaceList'
    assert {n['metadata']['name'] for n in answer['items']} == NAMESPACES
    assert all(n['status']['phase'] == 'Active' for n in answer['items'])

    # List all pods in the default namespace (none yet)
    answer = run_json(tmp_path, PODS)
    assert (answer['kind'], answer['items']) == ('PodList', [])

    # Create a pod (JSON)
    pod = run_json(tmp_path, POD_JSON)
    assert (pod['kind'], pod['metadata']['name'], pod['metadata']['namespace']) == ('Pod', 'nginx', 'default')
    assert pod['metadata']['uid'] and pod['spec']['containers'][0]['image'] == 'nginx:alpine'
    # the same pod again, from the YAML file: it exists already
    answer = run_json(tmp_path, POD_YAML)
    assert (answer['kind'], answer['code'], answer['reason']) == ('Status', 409, 'AlreadyExists')
    assert answer['message'] == 'pods "nginx" already exists'
    # Delete the pod, then create it from YAML
    assert run_json(tmp_path, POD_DELETE)['metadata']['deletionTimestamp']
    pod = run_json(tmp_path, POD_YAML)
    assert (pod['kind'], pod['metadata']['name']) == ('Pod', 'nginx')
    assert pod['spec']['containers'][0]['ports'] == [{'containerPort': 80, 'protocol': 'TCP'}]

    # Query pod status: running on one of the cluster's ACK nodes
    pod = run_json(tmp_path, POD_STATUS)
    assert pod['status']['phase'] == 'Running' and pod['spec']['nodeName'] in node_names
    assert pod['status']['containerStatuses'][0]['ready'] is True and pod['status']['podIP']
    assert {'type': 'Ready', 'status': 'True'}.items() <= next(
        c for c in pod['status']['conditions'] if c['type'] == 'Ready').items()

    # Query pod logs
    log = run(tmp_path, POD_LOG)
    assert 'Configuration complete; ready for start up' in log and 'start worker processes' in log

    # Query metrics about a pod (metric-server API)
    metrics = run_json(tmp_path, POD_METRICS)
    assert (metrics['kind'], metrics['metadata']['name']) == ('PodMetrics', 'nginx')
    usage = metrics['containers'][0]['usage']
    assert metrics['containers'][0]['name'] == 'nginx' and usage['cpu'].endswith('n') and usage['memory'].endswith('Ki')

    # Delete a pod
    gone = run_json(tmp_path, POD_DELETE)
    assert (gone['kind'], gone['metadata']['name']) == ('Pod', 'nginx')
    answer = run_json(tmp_path, POD_STATUS)
    assert (answer['code'], answer['reason'], answer['message']) == (404, 'NotFound', 'pods "nginx" not found')

    # Create a deployment (extensions/v1beta1, YAML)
    deploy = run_json(tmp_path, DEPLOY_CREATE)
    assert (deploy['apiVersion'], deploy['kind'], deploy['metadata']['name']) == \
        ('extensions/v1beta1', 'Deployment', 'nginx-deploy')
    assert deploy['spec']['replicas'] == 2 and deploy['metadata']['labels'] == {'app': 'nginx'}
    assert len(pods_of(kube, 'app=nginx')) == 2

    # Query deployments
    answer = run_json(tmp_path, DEPLOYMENTS)
    assert answer['kind'] == 'DeploymentList' and answer['apiVersion'] == 'extensions/v1beta1'
    assert [d['metadata']['name'] for d in answer['items']] == ['nginx-deploy']
    assert answer['items'][0]['status']['readyReplicas'] == 2

    # Change the number of replicas: the pods follow
    deploy = run_json(tmp_path, DEPLOY_REPLICAS)
    assert deploy['spec']['replicas'] == 4 and deploy['status']['replicas'] == 4
    pods = pods_of(kube, 'app=nginx')
    assert len(pods) == 4 and all(p['status']['phase'] == 'Running' for p in pods)

    # Change the container image. As printed, the reference's body lacks its last closing brace: an API server
    # refuses that JSON; with the brace the image changes and every pod is replaced.
    answer = run_json(tmp_path, DEPLOY_IMAGE)
    assert (answer['kind'], answer['code'], answer['reason']) == ('Status', 400, 'BadRequest')
    deploy = run_json(tmp_path, DEPLOY_IMAGE[:-1] + "}'")
    assert deploy['spec']['template']['spec']['containers'][0]['image'] == 'nginx:1.7.9'
    assert deploy['spec']['replicas'] == 4
    pods = pods_of(kube, 'app=nginx')
    assert len(pods) == 4
    assert {p['spec']['containers'][0]['image'] for p in pods} == {'nginx:1.7.9'}
    kube.close()


def test_reference_credentials_are_real_x509(emulator, tmp_path):
    """What the reference's grep/awk/base64 lines extract is a PEM certificate and key signed by the cluster's CA,
    and the server proves itself with a certificate from that CA (checked here without -k)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cid, _ = emulator.create_cluster()
    config = kubeconfig(emulator, cid)['config']
    (tmp_path / 'kubeconfig').write_text(config)
    run(tmp_path, 'true')
    cert = x509.load_pem_x509_certificate((tmp_path / 'client-cert.pem').read_bytes())
    key = serialization.load_pem_private_key((tmp_path / 'client-key.pem').read_bytes(), None)
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    kube = Kube(config, str(tmp_path / 'check'))
    ca = x509.load_pem_x509_certificate(open(kube.ca, 'rb').read())
    cert.verify_directly_issued_by(ca)
    assert ca.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATION_NAME)[0].value == cid
    # curl verifying the server against the kubeconfig's CA (no -k)
    out = run(tmp_path, 'curl -sS --cacert %s --cert client-cert.pem --key client-key.pem $APISERVER/version' % kube.ca)
    assert json.loads(out)['gitVersion'] == 'v' + emulator.cluster_detail(cid)['current_version']
    kube.close()
