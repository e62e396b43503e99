# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading many clusters in one task (ack_cluster_info's max_workers): at most `workers` clusters at a time, each
worker thread with a client of its own (_workers, as the inventory plugin reads nodes), results in order. And what
a fleet report reads of each cluster: the health of its nodes, its upgrade status and the versions it can go to
(one DescribeKubernetesVersionMetadata per version, not per cluster). Reads only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.alicloud.ack.plugins.module_utils._common import parse_version
from ansible_collections.alicloud.ack.plugins.module_utils._connect import client_from_options
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import NO_NODES, list_nodes
from ansible_collections.alicloud.ack.plugins.module_utils._upgrade import (
    IN_PROGRESS,
    PAUSED,
    status_view,
    upgradable_versions,
    upgrade_status,
)
from ansible_collections.alicloud.ack.plugins.module_utils._workers import ClientPool, run_all

MAX_WORKERS = 8  # as the inventory plugin's max_workers
NODE_KEYS = ('node_name', 'instance_id', 'state', 'node_status', 'error_message')


def thread_clients(ack):
    """A client factory for worker threads: the task's connection options, a session of its own."""
    return lambda region=None: client_from_options(ack.params)


def each_cluster(client, make_client, items, func, workers):
    """[func(client, item) for item in items], at most `workers` at a time. One worker (or one item) runs in the
    task's thread with the task's client; more run in threads, each with a client from make_client(). The first
    error cancels what has not started and is raised."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [func(client, item) for item in items]
    clients = ClientPool(make_client)
    try:
        with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
            return run_all(pool, lambda item: func(clients.get(None), item), items)
    finally:
        clients.close()


def node_health(client, cluster):
    """How many nodes the cluster has, how many are Ready, and those that are not (name, instance, state, status,
    error). A serverless cluster has none (no call); one deleted meanwhile, none left."""
    nodes = [] if cluster.get('cluster_type') in NO_NODES else list_nodes(client, cluster['cluster_id'])
    sick = [n for n in nodes if n.get('node_status') != 'Ready']
    return dict(total=len(nodes), ready=len(nodes) - len(sick),
                not_ready=[dict((k, n.get(k)) for k in NODE_KEYS) for n in sick])


def version_key(cluster):
    """What the versions a cluster can be upgraded to depend on: clusters alike share one read."""
    return (cluster.get('region_id'), cluster.get('cluster_type'), cluster.get('profile'),
            cluster.get('current_version') or '')


def read_versions(client, make_client, clusters, workers):
    """{version_key: upgradable versions, oldest first}, one DescribeKubernetesVersionMetadata per distinct key."""
    firsts = dict((version_key(c), c) for c in reversed(clusters) if parse_version(c.get('current_version')))
    keys = sorted(firsts, key=str)
    offered = each_cluster(client, make_client, keys,
                           lambda cl, key: upgradable_versions(cl, firsts[key], key[3]), workers)
    return dict(zip(keys, offered))


def upgrade_view(client, cluster, versions):
    """What ack_upgrade_info tells of the cluster: the next version (null when it runs the newest), every version
    one step away, the latest upgrade's status (GetUpgradeStatus), in progress, paused. versions: read_versions'."""
    offered = versions.get(version_key(cluster)) or []
    status = upgrade_status(client, cluster['cluster_id'])
    return dict(next_version=offered[-1] if offered else None, upgradable_versions=offered,
                status=status_view(status), in_progress=status.get('status') in IN_PROGRESS,
                paused=status.get('status') == PAUSED)
