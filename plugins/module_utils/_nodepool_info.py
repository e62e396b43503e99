# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the node pools of a cluster, and optionally their nodes, for ack_nodepool_info. Reads only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import ClusterRef, says_absent
from ansible_collections.alicloud.ack.plugins.module_utils._common import list_nodes, list_pools
from ansible_collections.alicloud.ack.plugins.module_utils._nodepool import describe_pool, pool_id_of, shown
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id

ARGSPEC = dict(
    cluster_id=dict(type='str'),
    cluster_name=dict(type='str'),
    name=dict(type='str'),
    nodepool_id=dict(type='str'),
    gather_nodes=dict(type='bool', default=False),
)


def totals(pools):
    """The pools and nodes of the list by state: {pools, nodes, states: {state: pools}, <status count>: sum}."""
    result = dict(pools=len(pools), states={})
    for pool in pools:
        status = pool.get('status') or {}
        state = status.get('state') or 'unknown'
        result['states'][state] = result['states'].get(state, 0) + 1
        for key, value in status.items():
            if key.endswith('_nodes') and isinstance(value, int):
                result[key] = result.get(key, 0) + value
    return result


def gather_pools(ack):
    p = ack.params
    client = ack.client
    check_id('nodepool_id', p['nodepool_id'])
    ref = ClusterRef(ack, name_option='cluster_name')
    cluster_id = ref.find_id()
    if cluster_id is None:
        raise ref.not_found()
    try:
        if p['nodepool_id']:
            pool = describe_pool(client, cluster_id, p['nodepool_id'])
            pools = [pool] if pool is not None and p['name'] in (None, pool['nodepool_info'].get('name')) else []
        else:
            pools = list_pools(client, cluster_id, p['name'])
        pools = [shown(pool) for pool in pools]
        if p['gather_nodes'] and pools:
            # one pool: its nodes only; several: every node once, sorted into their pools
            query = {'nodepool_id': pool_id_of(pools[0])} if len(pools) == 1 else None
            nodes = list_nodes(client, cluster_id, query)
            for pool in pools:
                pool['nodes'] = [n for n in nodes if n.get('nodepool_id') == pool_id_of(pool)]
    except AckApiError as e:
        if says_absent(e):  # by id, the pool reads alone tell: no cluster read
            raise ref.not_found(e)
        raise
    return dict(changed=False, cluster_id=cluster_id, nodepools=pools, totals=totals(pools))
