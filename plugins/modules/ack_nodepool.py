#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_nodepool
short_description: Create, change, scale, upgrade and delete a node pool of an Alibaba Cloud ACK cluster
version_added: 0.1.0
description:
  - Manages one node pool of one cluster. The cluster is named by O(cluster_id) or O(cluster_name); the pool by
    O(name), which is unique in its cluster, or by O(nodepool_id).
  - With O(state=present), a pool that does not exist is created (CreateClusterNodePool) with the options set. An
    existing pool is changed in place with one ModifyClusterNodePool call carrying only the settings that differ.
    Options that are not set are left as they are.
  - The size is O(desired_size), sent as the pool's C(desired_size) (a repeat of the same request has one effect),
    up or down; V(0) is a size, not "unset". A pool that scales automatically (O(auto_scaling.enable)) has no
    size to set.
  - O(auto_scaling) and O(management) change only the keys they set; editing any other setting never turns auto
    scaling or management on or off.
  - O(remove_nodes) removes named nodes from the pool (RemoveNodePoolNodes), drained unless O(drain=false).
  - O(kubernetes_version) upgrades the pool's nodes (UpgradeClusterNodepool), in batches by O(rolling_policy).
    The nodes never run a newer version than the control plane, so upgrade the cluster first
    (M(alicloud.ack.ack_upgrade) with C(master_only)).
  - The steps run in this order (remove nodes, change settings, upgrade), each waiting for its task
    (DescribeTaskInfo) and for the pool to be active again. A task that fails fails the module with the task's
    error.
  - With O(state=absent) the pool is deleted (DeleteClusterNodepool); a pool that still has nodes only with
    O(force=true).
  - CreateClusterNodePool carries no idempotency token. When its answer is lost, the pools are listed by name to
    decide whether it took effect; it is never sent again blindly. A pool being deleted is waited out (with
    O(wait=true)) before a pool of the same name is created.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.WAIT
  - alicloud.ack.ack.WORKER
attributes:
  check_mode:
    support: full
    description: Reads the pool (and, for a change, its cluster), refuses what a real run would refuse, and makes
      no write call.
  diff_mode:
    support: full
    description: Shows the settings that change, before and after (the pool's nodes too for O(remove_nodes)).
options:
  cluster_id:
    description:
      - ID of the cluster.
      - An ID that matches no cluster fails the task with C(cluster <id> not found) and C(error.code)
        V(ErrorClusterNotFound).
    type: str
  cluster_name:
    description:
      - Name of the cluster, when O(cluster_id) is not given. It must name exactly one cluster; one that matches
        none fails the task with C(cluster named '<name>' not found).
    type: str
  name:
    description:
      - Name of the node pool, unique in its cluster. Required to create a pool.
      - With O(nodepool_id) too, the pool is renamed to it.
    type: str
  nodepool_id:
    description:
      - ID of the node pool. An ID that matches no pool fails the task with O(state=present) and has nothing to
        do with O(state=absent).
    type: str
  state:
    description:
      - V(present) creates or changes the pool; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  desired_size:
    description:
      - Number of nodes of the pool. New nodes are added, or the newest nodes removed, to reach it. V(0) empties
        the pool.
      - Not set, the size is left alone. Refused while the pool scales automatically.
      - With O(remove_nodes), the size after the removal; each removed node otherwise lowers the size by one.
    type: int
  vswitch_ids:
    description:
      - vSwitches of the pool's nodes, in order of priority, one to eight. Required to create a pool.
    type: list
    elements: str
  security_group_ids:
    description:
      - Security groups of the pool's nodes.
    type: list
    elements: str
  tags:
    description:
      - Tags of the pool's ECS instances, the whole set (tags not listed are removed).
    type: dict
  labels:
    description:
      - Kubernetes labels of the pool's nodes, the whole set (labels not listed are removed).
      - New nodes get them; existing nodes too with O(update_nodes=true).
    type: dict
  runtime:
    description:
      - Container runtime of the pool's nodes, such as V(containerd).
    type: str
  runtime_version:
    description:
      - Version of the container runtime.
    type: str
  unschedulable:
    description:
      - New nodes join unschedulable (cordoned).
    type: bool
  update_nodes:
    description:
      - With a change of O(labels) or O(taints), apply it to the pool's existing nodes too (the API's
        C(update_nodes)); otherwise only new nodes get it.
    type: bool
    default: false
  auto_scaling:
    description:
      - Auto scaling of the pool. Only the keys set are changed.
    type: dict
    suboptions:
      enable:
        description:
          - Scale the pool automatically between O(auto_scaling.min_instances) and O(auto_scaling.max_instances).
            V(false) turns auto scaling off; the pool keeps the nodes it has.
        type: bool
      min_instances:
        description: Fewest nodes, 0 to 2000.
        type: int
      max_instances:
        description: Most nodes, 0 to 2000, at least O(auto_scaling.min_instances).
        type: int
      type:
        description: Kind of instances added.
        type: str
        choices: [cpu, gpu, gpushare, spot]
  management:
    description:
      - Managed node pool settings. Only the keys set are changed.
    type: dict
    suboptions:
      enable:
        description: Manage the pool (repair and upgrade its nodes automatically as configured).
        type: bool
      auto_repair:
        description: Repair failed nodes automatically.
        type: bool
      auto_upgrade:
        description: Upgrade the nodes automatically.
        type: bool
      max_unavailable:
        description: Most nodes unavailable at once during an automatic upgrade, V(1) to V(1000).
        type: int
      surge:
        description: Extra nodes added during an automatic upgrade.
        type: int
  login_as_non_root:
    description:
      - Log on to the nodes as C(ecs-user) instead of root. Set when the pool is created; a change fails the task.
    type: bool
  ram_role_name:
    description:
      - RAM role of the pool's nodes. Set when the pool is created; a change fails the task.
    type: str
  kubernetes_version:
    description:
      - Kubernetes version of the pool's nodes, such as V(1.30.1-aliyun.1). A pool at another version is upgraded
        to it, never past the control plane's version and never down. A new pool runs its cluster's version.
      - The pool's version is the C(kubelet) entry of its C(node_components); a pool that shows none fails the
        task.
    type: str
  rolling_policy:
    description:
      - How the nodes are upgraded to O(kubernetes_version).
    type: dict
    suboptions:
      max_parallelism:
        description: Most nodes upgraded at once, V(1) to V(10).
        type: int
      batch_interval:
        description: Minutes between two batches, V(0) (none) or V(5) to V(120).
        type: int
      max_failed_nodes:
        description: Most nodes that may fail before the upgrade stops.
        type: int
  remove_nodes:
    description:
      - Nodes of the pool to remove, each by node name, instance ID or IP address. Nodes not in the pool are
        skipped, so a re-run has nothing to do.
    type: list
    elements: str
  drain:
    description:
      - Drain the pods of O(remove_nodes) before removing them (the API's C(drain_node)).
    type: bool
    default: true
  release:
    description:
      - Release the ECS instances of O(remove_nodes) (the API's C(release_node)).
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), delete a pool that still has nodes, and its nodes with it. Without it such a pool is
        refused before any call.
    type: bool
    default: false
notes:
  - The cluster must be running and the pool active for any change; with O(wait=true) a busy pool (scaling,
    updating, removing, upgrading) is waited for first. One O(wait_timeout) bounds the whole task.
  - The settings of the WORKER options go to the pool's scaling group (O(worker_instance_types) as
    C(instance_types), O(worker_system_disk_size) as C(system_disk_size), ...) and Kubernetes settings
    (O(taints), O(cpu_policy), O(user_data), O(cloud_monitor_flags) as C(cms_enabled)).
  - O(login_password) is sent when the pool is created and never read back, so it is not compared later.
  - A setting that ModifyClusterNodePool cannot change (O(login_as_non_root), O(ram_role_name)) fails the task
    naming it when the pool has another value; create a new pool instead.
'''

EXAMPLES = r'''
- name: A pool of two nodes with a label and a taint
  alicloud.ack.ack_nodepool:
    cluster_name: prod
    name: batch
    desired_size: 2
    worker_instance_types: [ecs.g7.xlarge]
    worker_system_disk_category: cloud_essd
    worker_system_disk_size: 120
    vswitch_ids: [vsw-uf684tfrpwup8gcsw0001]
    key_pair: ops-key
    labels:
      workload: batch
    taints:
      - key: dedicated
        value: batch
        effect: NoSchedule
  register: batch

- name: Three nodes, and a new label on every node of the pool
  alicloud.ack.ack_nodepool:
    cluster_name: prod
    name: batch
    desired_size: 3
    labels:
      workload: batch
      tier: spot
    update_nodes: true

- name: Let it scale between one and five nodes
  alicloud.ack.ack_nodepool:
    cluster_name: prod
    name: batch
    auto_scaling:
      enable: true
      min_instances: 1
      max_instances: 5

- name: Back to a fixed size of one node
  alicloud.ack.ack_nodepool:
    cluster_name: prod
    name: batch
    auto_scaling:
      enable: false
    desired_size: 1

- name: Upgrade the control plane of the cluster first (its nodes keep their version)
  alicloud.ack.ack_upgrade:
    name: prod
    version: 1.30.1-aliyun.1
    master_only: true

- name: Then the pool, two nodes at a time
  alicloud.ack.ack_nodepool:
    cluster_name: prod
    nodepool_id: "{{ batch.nodepool_id }}"
    kubernetes_version: 1.30.1-aliyun.1
    rolling_policy:
      max_parallelism: 2

- name: Delete the pool with its node
  alicloud.ack.ack_nodepool:
    cluster_name: prod
    name: batch
    state: absent
    force: true
'''

RETURN = r'''
nodepool:
  description:
    - The node pool after the task, as DescribeClusterNodePoolDetail gives it (without a login password). In check
      mode and when nothing changes, the pool as it is. Empty when the pool is deleted or does not exist.
  returned: always
  type: dict
  sample:
    nodepool_info: {name: batch, nodepool_id: npcaf85bf809754dfa91cd63e8046012, is_default: false}
    scaling_group: {desired_size: 3, instance_types: [ecs.g7.xlarge], vswitch_ids: [vsw-uf684tfrpwup8gcsw0001]}
    kubernetes_config: {labels: [{key: workload, value: batch}], runtime: containerd}
    auto_scaling: {enable: false, min_instances: 0, max_instances: 0, type: cpu}
    status: {state: active, total_nodes: 3, healthy_nodes: 3}
nodepool_id:
  description: ID of the node pool; null when there is none.
  returned: success
  type: str
  sample: npcaf85bf809754dfa91cd63e8046012
cluster_id:
  description: ID of the cluster.
  returned: success
  type: str
  sample: c82e6987e2961451182edacd74faf0fa2
task_ids:
  description:
    - IDs of the asynchronous tasks the module's calls started, in order.
    - Empty when no call ran (check mode, nothing to change) or when the calls started no task. A call whose answer
      was lost, and whose effect a re-read found, adds no ID.
  returned: always
  type: list
  elements: str
  sample: [T-5a54309c80282e39ea00002f]
task_id:
  description: ID of the last task started, the last of RV(task_ids).
  returned: when a call started a task
  type: str
  sample: T-5a54309c80282e39ea00002f
error:
  description: The API error, when the task failed because of one.
  returned: on API failure
  type: dict
  sample: {code: InvalidStatus.NodePoolState, message: node pool np1 is scaling, request_id: 687C5BAA-D103,
           http_status: 400}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._nodepool import ARGSPEC, NodePoolPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute


def main():
    ack = AckModule(ARGSPEC, wait=True, required_one_of=[('cluster_id', 'cluster_name'), ('name', 'nodepool_id')],
                    mutually_exclusive=[('login_password', 'key_pair')])
    ack.run(lambda ack: execute(ack, NodePoolPlanner(ack).plan()))


if __name__ == '__main__':
    main()
