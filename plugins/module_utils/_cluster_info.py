# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading clusters and what belongs to them, for ack_cluster_info."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster import describe_cluster, find_clusters

GATHER = ['resources', 'logs', 'tags', 'quota', 'external_agent', 'kubeconfig']
# The detail already has `tags` ([{key, value}]); ListTagResources answers go beside it.
GATHERED_KEYS = dict(tags='tag_resources')

ARGSPEC = dict(
    cluster_id=dict(type='str', aliases=['id']),
    name=dict(type='str'),
    cluster_type=dict(type='str'),
    gather=dict(type='list', elements='str', choices=GATHER, default=[]),
    kubeconfig_private=dict(type='bool', default=False),
    kubeconfig_duration=dict(type='int'),
    kubeconfig_path=dict(type='path'),
)


def _per_cluster(client, cluster_id, what, params):
    """One gathered subset of one cluster."""
    if what == 'resources':
        return client.call('DescribeClusterResources', 'GET', '/clusters/%s/resources' % cluster_id)
    if what == 'logs':
        return client.call('DescribeClusterLogs', 'GET', '/clusters/%s/logs' % cluster_id)
    if what == 'tags':
        query = {'resource_type': 'CLUSTER', 'region_id': client.region,
                 'resource_ids': json.dumps([cluster_id], separators=(',', ':'))}
        answer = client.call('ListTagResources', 'GET', '/tags', query=query) or {}
        return (answer.get('tag_resources') or {}).get('tag_resource') or []
    if what == 'external_agent':
        return client.call('DescribeExternalAgent', 'GET', '/k8s/%s/external/agent/deployment' % cluster_id,
                           query={'PrivateIpAddress': 'true' if params['kubeconfig_private'] else None})
    if what == 'kubeconfig':
        query = {'PrivateIpAddress': 'true' if params['kubeconfig_private'] else None,
                 'TemporaryDurationMinutes': params['kubeconfig_duration']}
        return client.call('DescribeClusterUserKubeconfig', 'GET', '/k8s/%s/user_config' % cluster_id,
                           query=query) or {}
    raise ValueError(what)


def write_private(path, content):
    """Write a file only its owner can read (0600 from the start); missing folders are made 0700."""
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(content)
    os.chmod(path, 0o600)


def gather_info(ack):
    p = ack.params
    if p['kubeconfig_path'] and 'kubeconfig' not in p['gather']:
        raise AckModuleError('kubeconfig_path needs kubeconfig in gather')
    client = ack.client
    if p['cluster_id']:
        detail = describe_cluster(client, p['cluster_id'])
        clusters = [detail] if detail else []
    else:
        clusters = find_clusters(client, name=p['name'], cluster_type=p['cluster_type'])
    if p['kubeconfig_path'] and len(clusters) != 1:
        raise AckModuleError('kubeconfig_path needs exactly one matching cluster, found %d' % len(clusters))
    result = {'changed': False, 'clusters': clusters}
    for what in p['gather']:
        if what == 'quota':
            result['quota'] = client.call('DescribeUserQuota', 'GET', '/quota')
            continue
        for cluster in clusters:
            value = _per_cluster(client, cluster['cluster_id'], what, p)
            if what == 'kubeconfig' and p['kubeconfig_path']:
                _write_kubeconfig(ack, cluster, value, result)
                continue
            if what == 'kubeconfig':
                value = value.get('config') or ''
            cluster[GATHERED_KEYS.get(what, what)] = value
    return result


def _same_file(path, content):
    try:
        with open(path) as f:
            return f.read() == content and os.stat(path).st_mode & 0o777 == 0o600
    except (IOError, OSError):
        return False


def _write_kubeconfig(ack, cluster, answer, result):
    """Write the kubeconfig to kubeconfig_path (0600); the result only says where it is."""
    config = answer.get('config') or ''
    path = ack.params['kubeconfig_path']
    ack.module.no_log_values.add(config)
    if not _same_file(path, config):
        result['changed'] = True
        if not ack.check_mode:
            write_private(path, config)
    cluster['kubeconfig_path'] = path
    cluster['kubeconfig_expiration'] = answer.get('expiration')
