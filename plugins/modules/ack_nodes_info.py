#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_nodes_info
short_description: List the nodes of an Alibaba Cloud ACK cluster, and get its attach script
version_added: 0.1.0
description:
  - Returns the nodes of one cluster (every page of DescribeClusterNodes), masters included, filtered by the
    options set.
  - With O(gather=[attach_script]) also returns the script that joins an existing machine to the cluster
    (DescribeClusterAttachScripts). The script carries a token; see O(gather).
  - A cluster that does not exist gives an empty list of nodes.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
  - alicloud.ack.ack.INFO
options:
  state:
    description:
      - Only nodes in this state, such as V(running), V(failed) or V(removing) (V(all) for every node).
    type: str
  nodepool_id:
    description:
      - Only the nodes of this node pool. Also the node pool the attach script joins.
    type: str
  instance_ids:
    description:
      - Only these instances.
    type: list
    elements: str
  node_names:
    description:
      - Only the nodes with these names.
    type: list
    elements: str
  gather:
    description:
      - V(attach_script) adds RV(attach_script).
      - The script holds a token that lets a machine join the cluster. Set C(no_log) on the task to get it whole;
        without C(no_log) the token is masked (in the result too) and the task warns.
    type: list
    elements: str
    choices: [attach_script]
    default: []
  arch:
    description:
      - CPU architecture of the machines the attach script is for.
    type: str
    choices: [amd64, arm, arm64]
  format_disk:
    description:
      - The attach script formats the machine's data disk.
    type: bool
  keep_instance_name:
    description:
      - The attach script keeps the machine's instance name.
    type: bool
  options:
    description:
      - Options of the attach script of an edge cluster (required by the API there), such as C(enableIptables),
        C(manageRuntime), C(nodeNameOverride) and C(quiet). Sent as JSON.
    type: dict
'''

EXAMPLES = r'''
- name: Every node of the cluster
  alicloud.ack.ack_nodes_info:
    name: prod
  register: prod_nodes

- name: Worker nodes that failed
  alicloud.ack.ack_nodes_info:
    name: prod
    state: failed
  register: failed_nodes

- name: Two nodes by instance id
  alicloud.ack.ack_nodes_info:
    cluster_id: "{{ prod_nodes.cluster_id }}"
    instance_ids: "{{ prod_nodes.nodes[:2] | map(attribute='instance_id') | list }}"

- name: The script that joins an arm64 machine, kept out of the log
  alicloud.ack.ack_nodes_info:
    name: prod
    gather: [attach_script]
    arch: arm64
  no_log: true
  register: join
'''

RETURN = r'''
cluster_id:
  description: ID of the cluster; null when it does not exist.
  returned: always
  type: str
  sample: c82e6987e2961451182edacd74faf0fa2
nodes:
  description: The matching nodes as DescribeClusterNodes gives them.
  returned: always
  type: list
  elements: dict
  sample:
    - node_name: cn-hangzhou.192.168.0.12
      instance_id: i-2ze13ykcubmcxhnhqh54
      instance_role: Worker
      nodepool_id: npcaf85bf809754dfa91cd63e8046012
      state: running
      node_status: Ready
      ip_address: [192.168.0.12]
attach_script:
  description:
    - The command that joins a machine to the cluster. Its token is masked unless the task has C(no_log).
  returned: when O(gather) has V(attach_script) and the cluster exists
  type: str
  sample: "curl -fsSL http://aliacs-k8s-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/.../attach_node.sh | bash -s --
    --openapi-token ******** --arch amd64"
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._nodes_info import ARGSPEC, gather_nodes


def main():
    ack = AckModule(ARGSPEC, required_one_of=[('cluster_id', 'name')])
    ack.run(gather_nodes)


if __name__ == '__main__':
    main()
