#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_cluster
short_description: Create, update and delete Alibaba Cloud ACK clusters
version_added: 0.1.0
description:
  - Creates every kind of ACK cluster (dedicated C(Kubernetes), C(ManagedKubernetes), serverless C(Ask), edge with
    O(cluster_profile=Edge), and sandboxed runtime), changes what the API can change in place, manages tags and deletes.
  - Only the options you set are compared. An option that differs but cannot be changed in place fails the task
    with a message naming it, unless the cluster detail does not report it; such options are used at creation only.
  - The options changed in place are compared with what the API answers. O(deletion_protection),
    O(resource_group_id) and O(tags) are in the cluster detail (DescribeClusterDetail). The detail has no
    O(api_server_eip), O(api_server_eip_id) or O(ingress_loadbalancer_id), so O(api_server_eip) is compared with
    the detail's C(master_url) (a public C(api_server_endpoint) beside the C(intranet_api_server_endpoint), or
    not); O(api_server_eip_id) with the EIP and O(ingress_loadbalancer_id) with the load balancers among the
    cluster's resources (DescribeClusterResources, read only when one of the two is set). An O(api_server_eip_id)
    or O(ingress_loadbalancer_id) the resources do not list is sent again. O(ingress_domain_rebinding) is not
    compared; it goes with a change of O(ingress_loadbalancer_id).
  - A create sends a O(client_token) derived from the task's inputs, so a re-run or retried create never makes a
    second cluster.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.WAIT
  - alicloud.ack.ack.WORKER
attributes:
  check_mode:
    support: full
    description: Reports what would change and makes no write call.
  diff_mode:
    support: full
    description: Shows the compared options and tags before and after.
options:
  state:
    description:
      - V(present) creates the cluster or updates it in place; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  cluster_id:
    description:
      - ID of an existing cluster. When not set, the cluster is found by O(name) (and O(cluster_type)).
      - An ID that matches no cluster fails the task with C(cluster <id> not found) and C(error.code)
        V(ErrorClusterNotFound), except with O(state=absent), where there is nothing to do.
    type: str
    aliases: [id]
  name:
    description:
      - Name of the cluster. Required to create. More than one cluster with this name fails the task.
    type: str
    aliases: [cluster_name]
  cluster_type:
    description:
      - Kind of cluster. Required to create; also narrows the lookup by O(name).
    type: str
    choices: [Kubernetes, ManagedKubernetes, Ask]
  cluster_profile:
    description:
      - Cluster profile, sent as the API's C(profile). V(Edge) creates a managed edge cluster (with
        O(cluster_type=ManagedKubernetes)).
      - Named so because O(profile) selects the credentials profile, as in every module of this collection.
    type: str
    choices: [Default, Edge]
  cluster_spec:
    description:
      - Specification of a managed cluster, for example V(ack.standard) or V(ack.pro.small).
    type: str
  kubernetes_version:
    description:
      - Kubernetes version to create, for example V(1.28.3-aliyun.1). Compared with the cluster's current version;
        use C(alicloud.ack.ack_upgrade) to upgrade.
    type: str
  vpc_id:
    description:
      - ID of the VPC (sent as C(vpcid)).
    type: str
    aliases: [vpcid]
  vswitch_ids:
    description:
      - IDs of the vSwitches (one to three).
    type: list
    elements: str
  master_vswitch_ids:
    description:
      - vSwitches of the master nodes of a dedicated cluster (one to three).
    type: list
    elements: str
  worker_vswitch_ids:
    description:
      - vSwitches of the worker nodes.
    type: list
    elements: str
  pod_vswitch_ids:
    description:
      - vSwitches of pods, with the Terway network plug-in.
    type: list
    elements: str
  zone_id:
    description:
      - Zone of the cluster (the API reference's C(zoneid)). Required to create a serverless cluster in a VPC of
        its own (without O(vpc_id)); in a vSwitch, the cluster is in the vSwitch's zone.
    type: str
    aliases: [zoneid]
  container_cidr:
    description:
      - CIDR block of pods; must not overlap the VPC or O(service_cidr).
    type: str
  service_cidr:
    description:
      - CIDR block of services; must not overlap the VPC or O(container_cidr).
    type: str
  node_cidr_mask:
    description:
      - Prefix length of the pod CIDR block of each node, V(24) to V(28). Sent as text, as the API takes it.
    type: int
  proxy_mode:
    description:
      - kube-proxy mode. Not set, the API's default, V(iptables).
    type: str
    choices: [iptables, ipvs]
  node_port_range:
    description:
      - NodePort range, for example V(30000-32767).
    type: str
  security_group_id:
    description:
      - Security group of the nodes.
    type: str
  is_enterprise_security_group:
    description:
      - Create an enterprise security group.
    type: bool
  snat_entry:
    description:
      - Configure SNAT for the VPC.
    type: bool
  nat_gateway:
    description:
      - Create a NAT gateway (serverless clusters).
    type: bool
  endpoint_public_access:
    description:
      - Expose the API server on the Internet.
    type: bool
  private_zone:
    description:
      - Use PrivateZone for service discovery (serverless clusters). Required, true or false, to create a serverless
        cluster in a VPC of its own (without O(vpc_id)), unless O(service_discovery_types) is set.
    type: bool
  service_discovery_types:
    description:
      - Service discovery types of a serverless cluster, for example V(PrivateZone).
    type: list
    elements: str
  master_count:
    description:
      - Number of master nodes of a dedicated cluster.
    type: int
    choices: [3, 5]
  master_instance_types:
    description:
      - ECS instance types of the master nodes, one for all of them or one per master (O(master_count)).
    type: list
    elements: str
  master_system_disk_category:
    description:
      - System disk category of the master nodes.
    type: str
  master_system_disk_size:
    description:
      - System disk size of the master nodes, in GiB.
    type: int
  master_instance_charge_type:
    description:
      - Billing method of the master nodes.
    type: str
    choices: [PrePaid, PostPaid]
  master_period:
    description:
      - Subscription duration of the master nodes, in months (V(1), V(2), V(3), V(6) or V(12)), with
        O(master_instance_charge_type=PrePaid).
    type: int
  master_period_unit:
    description:
      - Unit of O(master_period); the API takes months only.
    type: str
    choices: [Month]
  master_auto_renew:
    description:
      - Renew the master nodes automatically.
    type: bool
  master_auto_renew_period:
    description:
      - Auto-renewal period of the master nodes, in months (V(1), V(2), V(3), V(6) or V(12)).
    type: int
  num_of_nodes:
    description:
      - Number of worker nodes to create with the cluster. Use C(alicloud.ack.ack_nodes) to scale later.
    type: int
  runtime:
    description:
      - Container runtime, for example C(containerd) or C(Sandboxed-Container.runv) for a sandboxed cluster.
    type: dict
    suboptions:
      name:
        description: Runtime name.
        type: str
        required: true
      version:
        description: Runtime version.
        type: str
  platform:
    description:
      - Node operating system platform, for example V(AliyunLinux).
    type: str
  os_type:
    description:
      - Node operating system type, V(Linux) or V(Windows).
    type: str
  addons:
    description:
      - Add-ons to install with the cluster. Use C(alicloud.ack.ack_addon) to manage them later.
    type: list
    elements: dict
    suboptions:
      name:
        description: Add-on name.
        type: str
        required: true
      version:
        description: Add-on version; the latest when not set.
        type: str
      config:
        description:
          - Add-on configuration, a dict or a JSON object in a string; sent as JSON text, as C(alicloud.ack.ack_addon)
            sends it.
        type: raw
      disabled:
        description: Do not install this default add-on.
        type: bool
  timeout_mins:
    description:
      - Minutes the service allows the creation to take (at least 1).
    type: int
  disable_rollback:
    description:
      - Keep the resources when the creation fails.
    type: bool
  deletion_protection:
    description:
      - Protect the cluster from deletion. Changed in place.
      - To delete a protected cluster, set O(state=absent) and O(deletion_protection=false) in the same task.
    type: bool
  resource_group_id:
    description:
      - Resource group of the cluster. Changed in place.
    type: str
  api_server_eip:
    description:
      - Bind an elastic IP address to the API server. Changed in place.
      - Compared with the cluster detail's C(master_url) (a public API server endpoint or not); when it shows no
        endpoint yet, not compared, and the task warns.
    type: bool
  api_server_eip_id:
    description:
      - Elastic IP address to bind to the API server. Changed in place.
      - Compared with the EIP among the cluster's resources (DescribeClusterResources).
    type: str
  ingress_loadbalancer_id:
    description:
      - SLB instance of the ingresses. Changed in place.
      - Compared with the load balancers among the cluster's resources (DescribeClusterResources), the API server's
        own left out.
    type: str
  ingress_domain_rebinding:
    description:
      - Rebind the default domain name to the ingress SLB when O(ingress_loadbalancer_id) changes.
    type: bool
  maintenance_window:
    description:
      - When ACK may maintain the cluster (upgrades, patches). Changed in place (ModifyCluster); a new cluster gets
        it once it runs.
      - Only the suboptions set are compared, with the cluster detail's C(maintenance_window); the whole window is
        sent, so the others keep their values. Times are compared as instants, weekdays as a set.
      - Values the API would refuse fail the task before any call.
    type: dict
    suboptions:
      enable:
        description:
          - Turn the window on or off. Turning it on needs O(maintenance_window.maintenance_time), here or already
            on the cluster.
        type: bool
      maintenance_time:
        description:
          - Start of the window, RFC 3339, such as V(2024-10-15T03:00:00+08:00); a time of day with its offset, such
            as V(03:00:00Z), is RFC 3339 too.
        type: str
      duration:
        description:
          - Length of the window, 1 to 24 hours, such as V(3h) (V(3) means the same). The API's default is V(3h).
        type: str
      weekly_period:
        description:
          - Weekdays of the window, such as V([Monday, Thursday]), each once. The API's default is V(Thursday).
        type: list
        elements: str
      recurrence:
        description:
          - An RFC 5545 recurrence rule; the API takes C(FREQ=WEEKLY) only, without C(COUNT) or C(UNTIL), such as
            V(FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH).
        type: str
  auto_upgrade:
    description:
      - Subscribe the cluster to automatic Kubernetes upgrades. Changed in place (ModifyCluster); compared with the
        cluster detail's C(operation_policy.cluster_auto_upgrade).
      - Automatic upgrades run in the maintenance window; the task warns when it is not enabled.
    type: dict
    suboptions:
      enabled:
        description: Upgrade automatically.
        type: bool
        required: true
      channel:
        description:
          - What to follow; needed to turn automatic upgrades on unless the cluster has one already. V(patch) the
            latest patch of the cluster's minor version, V(stable) the second latest minor version, V(rapid) the
            latest minor version.
        type: str
        choices: [patch, stable, rapid]
  tags:
    description:
      - Tags of the cluster as a dictionary. Changed in place. System tags (C(acs:*), C(ack.*)) are never touched.
      - Every tag needs a value (the API requires one).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Has no effect when O(tags) is not set.
    type: bool
    default: true
  client_token:
    description:
      - Idempotency token of the create. By default derived from the create inputs.
    type: str
'''

EXAMPLES = r'''
- name: Create a managed cluster and wait until it runs
  alicloud.ack.ack_cluster:
    name: prod
    cluster_type: ManagedKubernetes
    cluster_spec: ack.pro.small
    kubernetes_version: 1.28.3-aliyun.1
    vpc_id: vpc-2zegv15etah5requ09nec
    vswitch_ids: [vsw-2ze48rkq464rsdts1xxxx]
    container_cidr: 172.20.0.0/16
    service_cidr: 172.21.0.0/20
    num_of_nodes: 3
    worker_instance_types: [ecs.g7.xlarge]
    worker_system_disk_category: cloud_essd
    worker_system_disk_size: 120
    key_pair: ops
    snat_entry: true
    tags:
      env: prod
      team: platform

- name: Turn on deletion protection and replace the tags
  alicloud.ack.ack_cluster:
    name: prod
    deletion_protection: true
    tags:
      env: prod
    purge_tags: true

- name: Let ACK maintain the cluster on Monday and Thursday nights, and follow the stable channel
  alicloud.ack.ack_cluster:
    name: prod
    maintenance_window:
      enable: true
      maintenance_time: "2024-10-15T03:00:00+08:00"
      duration: 4h
      weekly_period: [Monday, Thursday]
    auto_upgrade:
      enabled: true
      channel: stable

- name: Create a serverless cluster without waiting
  alicloud.ack.ack_cluster:
    name: jobs
    cluster_type: Ask
    vpc_id: vpc-2zegv15etah5requ09nec
    vswitch_ids: [vsw-2ze48rkq464rsdts1xxxx]
    zone_id: cn-hangzhou-i
    nat_gateway: true
    private_zone: true
    wait: false
  register: ask

- name: Delete a protected cluster
  alicloud.ack.ack_cluster:
    cluster_id: "{{ ask.cluster.cluster_id }}"
    state: absent
    deletion_protection: false
'''

RETURN = r'''
cluster:
  description:
    - The cluster detail as DescribeClusterDetail gives it (snake_case keys). Empty when there is none (check mode
      create, or a cluster that was already absent).
  returned: always
  type: dict
  sample:
    cluster_id: c82e6987e2961451182edacd74faf0fa2
    name: prod
    cluster_type: ManagedKubernetes
    state: running
    current_version: 1.28.3-aliyun.1
    deletion_protection: true
    tags: [{key: env, value: prod}]
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
  sample: {code: ErrorClusterNotFound, message: cluster not found, request_id: 687C5BAA-D103, http_status: 404}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._cluster import ARGSPEC, ClusterPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute


def main():
    ack = AckModule(ARGSPEC, wait=True, mutually_exclusive=[('key_pair', 'login_password')],
                    required_one_of=[('cluster_id', 'name')])
    ack.run(lambda ack: execute(ack, ClusterPlanner(ack).plan()))


if __name__ == '__main__':
    main()
