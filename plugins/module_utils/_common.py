# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What several planners and readers share: the waits after a write, unset suboptions dropped, the kubeconfig
read, the node and node pool lists, Kubernetes versions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.alicloud.ack.plugins.module_utils._client import expand_path
from ansible_collections.alicloud.ack.plugins.module_utils._plan import task_id_of
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import task_done

NODE_PAGE_SIZE = 100  # the largest page of DescribeClusterNodes
VERSION_RE = re.compile(r'^(\d+)\.(\d+)\.(\d+)(?:-aliyun\.(\d+))?$')

DEFAULT_NODE_QUOTA = 100  # DescribeUserQuota node_quota: nodes per cluster, 100 unless the account has more


def node_quota(client):
    """The account's node quota per cluster (DescribeUserQuota; the reference answers it as text), the documented
    default when it is not answered."""
    quota = (client.call('DescribeUserQuota', 'GET', '/quota') or {}).get('node_quota')
    quota = int(quota) if str(quota).isdigit() else 0
    return quota if quota > 0 else DEFAULT_NODE_QUOTA


def truthy(value):
    """The API answers booleans as JSON booleans or as the strings "true" / "false"."""
    return value is True or str(value).lower() == 'true'


def after_task(client, answer, *then):
    """The conditions to await after a write: the task its answer names done (when it names one), then `then`."""
    task_id = task_id_of(answer)
    return ([task_done(client, task_id)] if task_id else []) + list(then)


def clean(value):
    """Drop unset suboptions so the API sees only what the user wrote."""
    if isinstance(value, dict):
        return dict((k, clean(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def read_kubeconfig(client, cluster_id, private=False, minutes=None):
    """DescribeClusterUserKubeconfig: {config, expiration}."""
    query = {'PrivateIpAddress': 'true' if private else None, 'TemporaryDurationMinutes': minutes}
    return client.call('DescribeClusterUserKubeconfig', 'GET', '/k8s/{}/user_config', cluster_id, query=query) or {}


def parse_version(text):
    """'1.30.1-aliyun.1' -> (1, 30, 1, 1); None for anything else."""
    m = VERSION_RE.fullmatch(text or '')
    return tuple(int(x or 0) for x in m.groups()) if m else None


def list_nodes(client, cluster_id, query=None):
    """Every node of the cluster (masters too), all pages of DescribeClusterNodes; query filters (nodepool_id,
    state, ...)."""
    path = expand_path('/clusters/{}/nodes', [cluster_id])  # ids come from ClusterRef (checked) or the API
    return list(client.paginate_pages('DescribeClusterNodes', path, query, 'nodes', page_key='page',
                                      number_param='pageNumber', size_param='pageSize', page_size=NODE_PAGE_SIZE))


def list_pools(client, cluster_id, name=None):
    """The node pools of the cluster (DescribeClusterNodePools), those named exactly `name` when it is given (the
    API's NodepoolName filter is asked for, and the names are compared here again)."""
    answer = client.call('DescribeClusterNodePools', 'GET', '/clusters/{}/nodepools', cluster_id,
                         query={'NodepoolName': name}) or {}
    return [p for p in answer.get('nodepools') or []
            if name is None or (p.get('nodepool_info') or {}).get('name') == name]


def name_of(node):
    return node.get('node_name') or node.get('instance_id')


def find_node(nodes, key):
    """The node named by node name, instance id or IP address, or None."""
    for node in nodes:
        if key in (node.get('node_name'), node.get('instance_id')) or key in (node.get('ip_address') or []):
            return node
    return None
