# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading clusters and what belongs to them, for ack_cluster_info. Reads only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import ClusterRef, find_clusters
from ansible_collections.alicloud.ack.plugins.module_utils._common import read_kubeconfig
from ansible_collections.alicloud.ack.plugins.module_utils._fleet import (
    MAX_WORKERS,
    each_cluster,
    node_health,
    read_versions,
    thread_clients,
    upgrade_view,
)
from ansible_collections.alicloud.ack.plugins.module_utils._history import kubeconfig_states, recent_tasks
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_at_least, check_range

GATHER = ['resources', 'logs', 'tags', 'quota', 'external_agent', 'kubeconfig', 'kubeconfig_states', 'tasks',
          'upgrade', 'node_health']
# The detail already has `tags` ([{key, value}]); ListTagResources answers go beside it.
GATHERED_KEYS = dict(tags='tag_resources')
# Credential values in a kubeconfig or an agent manifest: `client-key-data: ...`, `token: ...`, TOKEN env values.
SECRET_LINES = re.compile(r'(?:client-key-data|client-certificate-data|token|password):\s*"?([^\s"]{8,})'
                          r'|name: TOKEN\s+value:\s*"?([^\s"]{8,})')


def hide_credentials(ack, text, what):
    """Unless the task is no_log, the credentials in text are masked in every output, the result included."""
    ack.hide([a or b for a, b in SECRET_LINES.findall(text or '')], what,
             ', or write the kubeconfig to a file with alicloud.ack.ack_kubeconfig')


ARGSPEC = dict(
    cluster_id=dict(type='str', aliases=['id']),
    name=dict(type='str', aliases=['cluster_name']),
    cluster_type=dict(type='str'),
    gather=dict(type='list', elements='str', choices=GATHER, default=[]),
    kubeconfig_private=dict(type='bool', default=False),
    kubeconfig_duration=dict(type='int'),
    max_workers=dict(type='int', default=MAX_WORKERS),
)


def _per_cluster(client, cluster_id, what, params):
    """One gathered subset of one cluster."""
    if what == 'resources':
        return client.call('DescribeClusterResources', 'GET', '/clusters/{}/resources', cluster_id)
    if what == 'logs':
        return client.call('DescribeClusterLogs', 'GET', '/clusters/{}/logs', cluster_id)
    if what == 'tags':
        query = {'resource_type': 'CLUSTER', 'region_id': client.region,
                 'resource_ids': json.dumps([cluster_id], separators=(',', ':'))}
        answer = client.call('ListTagResources', 'GET', '/tags', query=query) or {}
        return (answer.get('tag_resources') or {}).get('tag_resource') or []
    if what == 'kubeconfig_states':
        return kubeconfig_states(client, cluster_id)
    if what == 'tasks':
        return recent_tasks(client, cluster_id)
    if what == 'external_agent':
        return client.call('DescribeExternalAgent', 'GET', '/k8s/{}/external/agent/deployment', cluster_id,
                           query={'PrivateIpAddress': 'true' if params['kubeconfig_private'] else None})
    raise ValueError(what)


def gather_info(ack):
    p = ack.params
    client = ack.client
    check_range('kubeconfig_duration', p['kubeconfig_duration'], 15, 4320, ' minutes')
    check_at_least('max_workers', p['max_workers'], 1)
    if p['cluster_id']:
        ref = ClusterRef(ack)  # an explicit id names one cluster, which must exist; a name only filters the list
        detail = ref.lookup()
        if detail is None:
            raise ref.not_found()
        clusters = [detail]
    else:
        clusters = find_clusters(client, name=p['name'], cluster_type=p['cluster_type'])
    result = {'changed': False, 'clusters': clusters}
    if 'quota' in p['gather']:
        result['quota'] = client.call('DescribeUserQuota', 'GET', '/quota')
    wanted = [what for what in p['gather'] if what != 'quota']
    if not wanted:
        return result
    make_client = thread_clients(ack)  # max_workers clusters at a time, each worker with a client of its own
    versions = read_versions(client, make_client, clusters, p['max_workers']) if 'upgrade' in wanted else {}
    gathered = each_cluster(client, make_client, clusters, lambda cl, cluster: dict(
        (what, _gather_one(cl, cluster, what, p, versions)) for what in wanted), p['max_workers'])
    for cluster, found in zip(clusters, gathered):  # in the task's thread: hide() is not for worker threads
        for what, value in found.items():
            if what == 'kubeconfig':
                cluster['kubeconfig'] = value.get('config') or ''
                hide_credentials(ack, cluster['kubeconfig'], 'kubeconfig')
                cluster['kubeconfig_expiration'] = value.get('expiration')
                continue
            cluster[GATHERED_KEYS.get(what, what)] = value
            if what == 'external_agent':
                hide_credentials(ack, (value or {}).get('config'), 'external agent manifest')
    return result


def _gather_one(client, cluster, what, params, versions):
    if what == 'kubeconfig':
        return read_kubeconfig(client, cluster['cluster_id'], params['kubeconfig_private'],
                               params['kubeconfig_duration'])
    if what == 'node_health':
        return node_health(client, cluster)
    if what == 'upgrade':
        return upgrade_view(client, cluster, versions)
    return _per_cluster(client, cluster['cluster_id'], what, params)
