# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes version of a node pool's nodes, read through the cluster's Kubernetes API: the ACK API gives no
version of a pool. The kubeconfig of DescribeClusterUserKubeconfig, then one GET of the nodes by the pool's label.
Its credentials go to files in a private temporary folder, removed after the read, and never into any output."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import os
import shutil
import tempfile

try:
    import requests
except ImportError:  # _client.py reports a missing requests before anything is read
    requests = None

try:
    import yaml
except ImportError:  # ansible-core brings PyYAML; only this read needs it
    yaml = None

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._common import read_kubeconfig
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError

POOL_LABEL = 'alibabacloud.com/nodepool-id'  # the label ACK puts on the nodes of a pool
NO_PUBLIC_ENDPOINT = ('ErrorPublicEndpointNotFound',)
FILES = (('certificate-authority-data', 'ca.crt'), ('client-certificate-data', 'client.crt'),
         ('client-key-data', 'client.key'))


def _named(items, name):
    for item in items or []:
        if isinstance(item, dict) and (name is None or item.get('name') == name):
            return item
    return {}


def credentials(text):
    """(server, {field: value}) of the kubeconfig's current context (else its first)."""
    data = yaml.safe_load(text or '') if yaml else None
    if not isinstance(data, dict):
        raise AckModuleError('the kubeconfig the API returned cannot be read')
    context = _named(data.get('contexts'), data.get('current-context')).get('context') or {}
    cluster = (_named(data.get('clusters'), context.get('cluster')) or _named(data.get('clusters'), None))
    user = (_named(data.get('users'), context.get('user')) or _named(data.get('users'), None))
    cluster, user = cluster.get('cluster') or {}, user.get('user') or {}
    if not cluster.get('server'):
        raise AckModuleError('the kubeconfig the API returned names no API server')
    return cluster['server'].rstrip('/'), dict(cluster, **user)


def pool_node_versions(client, cluster_id, nodepool_id, hide, timeout=(10, 60)):
    """The kubelet versions of the pool's nodes ('1.30.1-aliyun.1', the leading v dropped), one per node.
    hide(values) keeps the kubeconfig's credentials out of every output."""
    try:
        kubeconfig = read_kubeconfig(client, cluster_id)
    except AckApiError as e:
        if e.code not in NO_PUBLIC_ENDPOINT:
            raise
        kubeconfig = read_kubeconfig(client, cluster_id, private=True)
    server, fields = credentials(kubeconfig.get('config'))
    hide([v for k, v in fields.items() if k in ('client-key-data', 'client-certificate-data', 'token') and v])
    folder = tempfile.mkdtemp(prefix='ack-kube-')  # mode 0700
    try:
        files = {}
        for field, name in FILES:
            if fields.get(field):
                files[field] = os.path.join(folder, name)
                with open(os.open(files[field], os.O_WRONLY | os.O_CREAT, 0o600), 'wb') as f:
                    f.write(base64.b64decode(fields[field]))
        headers = {'Authorization': 'Bearer %s' % fields['token']} if fields.get('token') else {}
        cert = (files['client-certificate-data'], files['client-key-data']) if 'client-key-data' in files else None
        verify = files.get('certificate-authority-data', not fields.get('insecure-skip-tls-verify'))
        try:
            with requests.Session() as session:
                answer = session.get(server + '/api/v1/nodes', params={'labelSelector': '%s=%s' % (
                    POOL_LABEL, nodepool_id)}, headers=headers, cert=cert, verify=verify, timeout=timeout)
        except requests.exceptions.RequestException as e:
            raise AckModuleError('cannot read the nodes of node pool %s through the Kubernetes API of cluster %s '
                                 '(%s): %s' % (nodepool_id, cluster_id, server, e.__class__.__name__))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if answer.status_code != 200:
        raise AckModuleError('cannot read the nodes of node pool %s through the Kubernetes API of cluster %s: HTTP %d'
                             % (nodepool_id, cluster_id, answer.status_code))
    items = (answer.json() or {}).get('items') or []
    return [str(((n.get('status') or {}).get('nodeInfo') or {}).get('kubeletVersion') or '').lstrip('v')
            for n in items]
