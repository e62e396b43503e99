#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_nodes
short_description: Scale, remove and attach the worker nodes of an Alibaba Cloud ACK cluster
version_added: 0.1.0
description:
  - Manages the worker nodes of one cluster as a set with a count. Master nodes are never counted, chosen or removed.
  - On a cluster with node pools, the set is the nodes of the default pool (where ScaleOutCluster adds nodes); the
    nodes of the other pools are never counted, chosen or removed (M(alicloud.ack.ack_nodepool) manages them).
  - O(count) is the number of worker nodes wanted. When fewer are present, new nodes are added (ScaleOutCluster)
    with the new-node options of this task. When more are present the task fails with a message naming the nodes,
    unless the task says which go, with O(nodes) and O(state=absent) or with O(remove_policy). Nodes are never
    removed silently.
  - With O(state=absent), the nodes named in O(nodes) are removed (RemoveClusterNodes). Nodes that are not in the
    cluster are skipped. With O(count) too, the task then scales back out to O(count) (to replace nodes) or removes
    more by O(remove_policy).
  - With O(state=present), the ECS (or, on an edge cluster, ENS) instances in O(instances) are attached
    (AttachInstances); instances already in the cluster are left alone.
  - The steps run in this order (attach, remove, scale out), each waiting for its task, the cluster to be running
    again and the nodes before the next. Each kind of write is one call (split only above the API's limits).
  - ScaleOutCluster and AttachInstances carry no idempotency token. When an answer is lost, the nodes are read
    again to decide whether the call took effect; it is never sent again blindly.
  - On an edge cluster (7.2.2 of the API reference) new nodes are ENS instances, with O(ens_region_id) and the
    other ENS options. On a sandboxed-container cluster (7.2.3) new nodes need a sandboxed instance type and a data
    disk of at least 200 GiB. Options of another kind of cluster fail the task before any change, as do options
    a scale-out needs but the task lacks.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
  - alicloud.ack.ack.WAIT
  - alicloud.ack.ack.WORKER
attributes:
  check_mode:
    support: full
    description: Reads the cluster and its nodes, refuses what a real run would refuse, and makes no write call.
  diff_mode:
    support: full
    description: Shows the worker count and the worker node names before and after (new nodes as placeholders).
options:
  state:
    description:
      - V(present) attaches O(instances) and reaches O(count).
      - V(absent) removes the nodes named in O(nodes) (then reaches O(count) when it is set).
    type: str
    choices: [present, absent]
    default: present
  count:
    description:
      - Number of worker nodes wanted (masters not counted). Not set, the number is left alone.
    type: int
  nodes:
    description:
      - Nodes to remove, with O(state=absent), each by node name, instance id or IP address.
    type: list
    elements: str
  remove_policy:
    description:
      - When more worker nodes are present than O(count), remove the V(newest) or the V(oldest) ones (by creation
        time) to reach it. Nodes named in O(nodes) go first. Never picks a master node, nor an instance this task
        attaches.
    type: str
    choices: [newest, oldest]
  drain:
    description:
      - Drain the pods of nodes before removing them (the API's C(drain_node)).
    type: bool
    default: true
  release:
    description:
      - Release the ECS instances of removed nodes (the API's C(release_node)). V(false) keeps them running outside
        the cluster.
    type: bool
    default: false
  instances:
    description:
      - IDs of existing ECS instances to attach, with O(state=present); on an edge cluster, ENS instances.
      - ECS instances need O(login_password) or O(key_pair).
    type: list
    elements: str
  format_disk:
    description:
      - Format the data disks of the attached instances.
    type: bool
  keep_instance_name:
    description:
      - Keep the names of the attached instances.
    type: bool
  vswitch_ids:
    description:
      - vSwitches of new ECS nodes (one to three). Required on a sandboxed-container cluster.
    type: list
    elements: str
  tags:
    description:
      - Tags of new and attached ECS nodes. Every tag needs a value (the API requires one).
    type: dict
  disable_rollback:
    description:
      - Keep the resources of a scale-out that fails (V(true), the API's default), or release them.
    type: bool
  is_edge_worker:
    description:
      - On an edge cluster, new and attached nodes are ENS edge nodes (the default there). V(false) attaches ECS
        instances to an edge cluster as cloud nodes. V(true) on any other cluster fails.
    type: bool
  ens_region_id:
    description:
      - ENS region of new ENS nodes (edge clusters only; required there).
    type: str
  ens_internet_charge_type:
    description:
      - Bandwidth billing of new ENS nodes (edge clusters only).
    type: str
    choices: [BandwidthByDay, BandwidthByMonth]
  timeout_mins:
    description:
      - Timeout of the ENS scale-out in the service, in minutes (edge clusters only).
    type: int
notes:
  - The cluster must be running for any change; with O(wait=true) a cluster that is busy (scaling, updating,
    removing nodes) is waited for first. One O(wait_timeout) bounds the whole task.
  - With O(wait=false) the task returns once the last call is accepted; a re-run counts the nodes being added as
    present.
  - A scale-out with ECS nodes needs O(worker_instance_types) and O(key_pair) or O(login_password); on a
    sandboxed-container cluster also O(vswitch_ids) and O(worker_data_disks), the first of at least 200 GiB.
  - >-
    New ENS nodes (edge clusters) need O(worker_instance_types) (one C(ens.*) type), O(ens_region_id),
    O(image_id) (sent as C(worker_image_id)), O(worker_period) (months, 1 to 9 or 12), O(login_password) and
    O(worker_system_disk_size) (20 to 100 GiB in steps of 10). O(worker_data_disks) is at most one disk, by its
    size only (0, or 20 to 200 GiB in steps of 10). O(vswitch_ids), O(worker_instance_charge_type),
    O(worker_period_unit), O(worker_system_disk_category), O(cloud_monitor_flags), O(disable_rollback), O(taints)
    and O(user_data) are ECS options and fail the task there.
  - Attached ECS instances (O(instances)) take O(key_pair) or O(login_password) (sent as C(password)),
    O(cpu_policy), O(tags), O(format_disk) and O(keep_instance_name); they keep their system, so O(image_id) is
    not used.
'''

EXAMPLES = r'''
- name: Four worker nodes
  alicloud.ack.ack_nodes:
    name: prod
    count: 4
    worker_instance_types: [ecs.g7.xlarge]
    worker_system_disk_category: cloud_essd
    worker_system_disk_size: 120
    vswitch_ids: [vsw-uf684tfrpwup8gcsw0001]
    key_pair: ops-key
    tags:
      team: platform
    taints:
      - key: dedicated
        value: batch
        effect: NoSchedule
  register: four

- name: Back to three, removing the newest node (drained; its instance keeps running outside the cluster)
  alicloud.ack.ack_nodes:
    name: prod
    count: 3
    remove_policy: newest
  register: three

- name: Attach that instance again
  alicloud.ack.ack_nodes:
    name: prod
    instances: "{{ four.nodes | map(attribute='instance_id') | difference(three.nodes | map(attribute='instance_id')) }}"
    key_pair: ops-key
    format_disk: false
    keep_instance_name: true

- name: Remove one node by name, without draining it, and release its instance
  alicloud.ack.ack_nodes:
    name: prod
    state: absent
    nodes: ["{{ three.nodes[-1].node_name }}"]
    drain: false
    release: true

# On an edge cluster new nodes are ENS instances:
#   count: 2, worker_instance_types: [ens.sn1.stiny], ens_region_id: cn-beijing-telecom,
#   image_id: <an ENS image>, worker_period: 1, worker_system_disk_size: 20, login_password: ...
'''

RETURN = r'''
nodes:
  description:
    - The nodes of the cluster (masters too) after the task, as DescribeClusterNodes gives them. In check mode and
      when nothing changes, the nodes as they are.
  returned: always
  type: list
  elements: dict
  sample:
    - node_name: cn-hangzhou.192.168.0.12
      instance_id: i-2ze13ykcubmcxhnhqh54
      instance_role: Worker
      instance_type: ecs.g7.xlarge
      state: running
      node_status: Ready
      creation_time: "2024-03-11T11:09:00+08:00"
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
  sample: {code: InvalidStatus.ClusterState, message: the cluster is scaling, request_id: 687C5BAA-D103,
           http_status: 400}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._nodes import ARGSPEC, NodesPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute


def main():
    ack = AckModule(ARGSPEC, wait=True, required_one_of=[('cluster_id', 'name')],
                    mutually_exclusive=[('login_password', 'key_pair')])
    ack.run(lambda ack: execute(ack, NodesPlanner(ack).plan()))


if __name__ == '__main__':
    main()
