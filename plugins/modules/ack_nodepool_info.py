#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_nodepool_info
short_description: List the node pools of an Alibaba Cloud ACK cluster, with their nodes
version_added: 0.1.0
description:
  - Returns the node pools of one cluster (DescribeClusterNodePools), or the one named by O(name) or O(nodepool_id)
    (DescribeClusterNodePoolDetail), each with its status counts, and RV(totals) over them.
  - With O(gather_nodes=true), each pool also carries its nodes (DescribeClusterNodes, every page; filtered by
    C(nodepool_id) for one pool).
  - A name or ID that matches no pool gives an empty list; a cluster that does not exist fails the task.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.INFO
options:
  cluster_id:
    description:
      - ID of the cluster. One that matches no cluster fails the task with C(error.code) V(ErrorClusterNotFound).
    type: str
  cluster_name:
    description:
      - Name of the cluster, when O(cluster_id) is not given. It must name exactly one cluster.
    type: str
  name:
    description:
      - Only the node pool with exactly this name.
    type: str
  nodepool_id:
    description:
      - Only this node pool.
    type: str
  gather_nodes:
    description:
      - Add each pool's nodes, as RV(nodepools[].nodes).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Every node pool of the cluster, with its nodes
  alicloud.ack.ack_nodepool_info:
    cluster_name: prod
    gather_nodes: true
  register: prod_pools

- name: The names of the nodes of the default pool
  ansible.builtin.debug:
    msg: "{{ prod_pools.nodepools | selectattr('nodepool_info.is_default') | map(attribute='nodes') | first
             | map(attribute='node_name') | list }}"

- name: One pool by name
  alicloud.ack.ack_nodepool_info:
    cluster_name: prod
    name: default-nodepool
  register: default_pool

- name: Its state and size
  ansible.builtin.debug:
    msg: "{{ default_pool.nodepools[0].status.state }}, {{ default_pool.nodepools[0].status.total_nodes }} nodes"
'''

RETURN = r'''
cluster_id:
  description: ID of the cluster.
  returned: always
  type: str
  sample: c82e6987e2961451182edacd74faf0fa2
nodepools:
  description:
    - The matching node pools as the API gives them (without a login password), with C(status) (C(state),
      C(total_nodes), C(healthy_nodes), C(initial_nodes), C(failed_nodes), C(removing_nodes), ...).
  returned: always
  type: list
  elements: dict
  sample:
    - nodepool_info: {name: default-nodepool, nodepool_id: npcaf85bf809754dfa91cd63e8046012, is_default: true}
      scaling_group: {desired_size: 3, instance_types: [ecs.g7.xlarge]}
      status: {state: active, total_nodes: 3, healthy_nodes: 3, initial_nodes: 0, failed_nodes: 0}
  contains:
    nodes:
      description: The pool's nodes as DescribeClusterNodes gives them.
      returned: when O(gather_nodes=true)
      type: list
      elements: dict
totals:
  description:
    - Over the pools listed, the number of pools, the pools by state, and the sums of their status counts.
  returned: always
  type: dict
  sample: {pools: 2, states: {active: 1, scaling: 1}, total_nodes: 5, healthy_nodes: 4, initial_nodes: 1}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._nodepool_info import ARGSPEC, gather_pools


def main():
    ack = AckModule(ARGSPEC, required_one_of=[('cluster_id', 'cluster_name')])
    ack.run(gather_pools)


if __name__ == '__main__':
    main()
