#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_cluster_info
short_description: List Alibaba Cloud ACK clusters and gather what belongs to them
version_added: 0.1.0
description:
  - Returns the clusters of the region (every page), or those matching O(cluster_id), O(name) or O(cluster_type).
  - Gathers more on request, see O(gather). The kubeconfig is only returned when asked for.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
attributes:
  check_mode:
    support: full
    description: Reads only. To write a kubeconfig file, use M(alicloud.ack.ack_kubeconfig).
  diff_mode:
    support: none
    description: Nothing changes.
options:
  cluster_id:
    description:
      - Only this cluster. An ID that matches no cluster fails the task with C(cluster <id> not found) and
        C(error.code) V(ErrorClusterNotFound).
    type: str
    aliases: [id]
  name:
    description:
      - Only clusters with exactly this name. A name that matches no cluster returns an empty RV(clusters).
    type: str
    aliases: [cluster_name]
  cluster_type:
    description:
      - Only clusters of this type, for example V(ManagedKubernetes).
    type: str
  gather:
    description:
      - What to gather besides the cluster details.
      - V(resources), V(logs), V(external_agent) and V(kubeconfig) are added to each cluster under that key,
        V(tags) (ListTagResources) under C(tag_resources); V(quota) is returned once, as RV(quota).
      - V(kubeconfig_states) (ListClusterKubeconfigStates) lists the kubeconfigs the cluster issued, one per
        account, with C(cert_state) and C(cert_expire_time); V(tasks) (DescribeClusterTasks) the cluster's 50 newest
        tasks, newest first, with C(task_type), C(state), C(created) and, for a failed one, C(error).
      - V(upgrade) adds under C(upgrade) what M(alicloud.ack.ack_upgrade_info) tells of the cluster, that is
        C(next_version) (null when it runs the newest), C(upgradable_versions), C(status) (the latest upgrade's
        status, step, error, precheck report and task), C(in_progress) and C(paused). One
        DescribeKubernetesVersionMetadata per Kubernetes version in the list, one GetUpgradeStatus per cluster.
      - V(node_health) adds under C(node_health) C(total) (nodes), C(ready) (nodes whose C(node_status) is
        V(Ready)) and C(not_ready), the others with C(node_name), C(instance_id), C(state), C(node_status) and
        C(error_message) (DescribeClusterNodes, every page; none for a serverless cluster).
      - With O(gather) V(upgrade) and V(node_health), one task reports the state, version, upgradability and node
        health of every cluster of the region, reading O(max_workers) clusters at a time.
      - V(kubeconfig) and V(external_agent) hold credentials (the client key and certificate, the agent's token).
        Unless the task sets C(no_log), they are masked in the result and a warning says so; to use them, set
        C(no_log) on the task, or write the kubeconfig to a file with M(alicloud.ack.ack_kubeconfig).
    type: list
    elements: str
    choices: [resources, logs, tags, quota, external_agent, kubeconfig, kubeconfig_states, tasks, upgrade,
              node_health]
    default: []
  max_workers:
    description:
      - How many clusters O(gather) reads at a time, each with a connection of its own (as the inventory plugin's
        C(max_workers)). V(1) reads one cluster after the other.
      - The calls are the same whatever the number; it bounds how many are in flight at once.
    type: int
    default: 8
  kubeconfig_private:
    description:
      - Ask for the kubeconfig and external agent of the internal (VPC) API server address.
    type: bool
    default: false
  kubeconfig_duration:
    description:
      - Minutes a temporary kubeconfig stays valid.
    type: int
'''

EXAMPLES = r'''
- name: All clusters of the region
  alicloud.ack.ack_cluster_info:
  register: all_clusters

- name: One cluster with its tags, resources and logs
  alicloud.ack.ack_cluster_info:
    name: prod
    gather: [tags, resources, logs]
  register: prod

- name: Who holds a kubeconfig of the cluster, and what happened to it lately
  alicloud.ack.ack_cluster_info:
    name: prod
    gather: [kubeconfig_states, tasks]
  register: prod_history

- name: A fleet report in one task - every cluster's state, version, next version and node health
  alicloud.ack.ack_cluster_info:
    gather: [upgrade, node_health]
    max_workers: 16
  register: fleet

- name: Clusters that need attention
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.state }}, {{ item.node_health.not_ready | length }} node(s) not ready"
  loop: "{{ fleet.clusters }}"
  loop_control:
    label: "{{ item.name }}"
  when: item.state != 'running' or item.node_health.not_ready | length > 0

- name: The kubeconfig of a cluster, kept out of the log
  alicloud.ack.ack_cluster_info:
    cluster_id: "{{ prod.clusters[0].cluster_id }}"
    gather: [kubeconfig]
  no_log: true
  register: prod_access
'''

RETURN = r'''
clusters:
  description:
    - Matching clusters as the API gives them, with gathered subsets under C(resources), C(logs),
      C(tag_resources), C(external_agent), C(kubeconfig) (with C(kubeconfig_expiration)), C(kubeconfig_states),
      C(tasks), C(upgrade) and C(node_health) (see O(gather)).
  returned: always
  type: list
  elements: dict
  sample:
    - cluster_id: c82e6987e2961451182edacd74faf0fa2
      name: prod
      cluster_type: ManagedKubernetes
      state: running
quota:
  description: Quotas of the account (DescribeUserQuota).
  returned: when O(gather) has V(quota)
  type: dict
  sample: {cluster_quota: 50, node_quota: 100}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_info import ARGSPEC, gather_info


def main():
    ack = AckModule(ARGSPEC)
    ack.run(gather_info)


if __name__ == '__main__':
    main()
