# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Credentials and connection options shared by every module.
    DOCUMENTATION = r'''
options:
  alicloud_access_key:
    description:
      - Alibaba Cloud AccessKey ID.
      - See the notes for where credentials are looked up when this is not set.
    type: str
    aliases: [access_key]
  alicloud_secret_key:
    description:
      - Alibaba Cloud AccessKey secret, used with O(alicloud_access_key).
    type: str
    aliases: [secret_key]
  alicloud_security_token:
    description:
      - Security token of temporary (STS) credentials.
    type: str
    aliases: [security_token]
  alicloud_region:
    description:
      - Region of the ACK API, for example V(cn-hangzhou).
      - Falls back to E(ALIBABA_CLOUD_REGION_ID), E(ALICLOUD_REGION), E(ALICLOUD_REGION_ID), then the profile's
        C(region_id).
    type: str
    aliases: [region]
  profile:
    description:
      - Name of the profile to read from the aliyun CLI configuration file.
      - When set, this profile is used before the environment variables (see the notes).
      - Falls back to E(ALICLOUD_PROFILE), then E(ALIBABA_CLOUD_PROFILE), then the file's current profile, then
        C(default).
    type: str
    aliases: [alicloud_profile]
  shared_credentials_file:
    description:
      - Path of the aliyun CLI configuration file.
      - Falls back to E(ALICLOUD_SHARED_CREDENTIALS_FILE), then C(~/.aliyun/config.json).
    type: path
  endpoint:
    description:
      - Base URL of the ACK API, for example V(http://127.0.0.1:8080) to use the ACK emulator.
      - Falls back to E(ALIBABA_CLOUD_ACK_ENDPOINT), then to the public endpoint of the region,
        C(https://cs.<region>.aliyuncs.com).
    type: str
  signature_version:
    description:
      - Signature scheme. V(v1) is ROA HMAC-SHA1, V(v3) is ACS3-HMAC-SHA256.
    type: str
    choices: [v1, v3]
    default: v1
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the endpoint.
    type: bool
    default: true
  connect_timeout:
    description:
      - Seconds to wait for a connection to the API (1 to 300).
    type: int
    default: 10
  read_timeout:
    description:
      - Seconds to wait for an answer from the API (1 to 3600).
    type: int
    default: 60
  api_retries:
    description:
      - How many times to retry a call that was throttled or met a server or connection error (0 to 100).
      - Retries use exponential backoff with full jitter and honour C(x-acs-retry-after) up to
        O(api_retry_max_delay).
      - Reads and writes that give the same result when repeated (ModifyCluster, ModifyClusterNodePool,
        ModifyClusterTags, DeleteCluster, UpdateTemplate, DeleteTemplate, and CreateCluster with its client token)
        are retried. Other writes (scale out, attach, install, upgrade, node pool creation) are sent once; when
        their answer is lost the module reads again and decides.
    type: int
    default: 12
  api_retry_max_delay:
    description:
      - Longest delay between two retries, in seconds (1 to 3600).
    type: int
    default: 20
notes:
  - >-
    Credentials are looked up in this order, and the AccessKey ID and secret always come from the same place:
    1. the module options O(alicloud_access_key), O(alicloud_secret_key) and O(alicloud_security_token);
    2. when O(profile) is set, that profile of the aliyun CLI file;
    3. E(ALIBABA_CLOUD_ACCESS_KEY_ID), E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) and E(ALIBABA_CLOUD_SECURITY_TOKEN);
    4. the legacy E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_SECRET_KEY) and E(ALICLOUD_SECURITY_TOKEN);
    5. a profile of the aliyun CLI file, named by E(ALICLOUD_PROFILE), else E(ALIBABA_CLOUD_PROFILE), else the
    file's C(current) profile, else C(default).
    The aliyun CLI file is O(shared_credentials_file), else E(ALICLOUD_SHARED_CREDENTIALS_FILE), else
    C(~/.aliyun/config.json); profiles in mode C(AK) or C(StsToken) are supported, any other mode is an error.
  - >-
    The region is O(alicloud_region), else E(ALIBABA_CLOUD_REGION_ID), else E(ALICLOUD_REGION), else
    E(ALICLOUD_REGION_ID), else the C(region_id) of the selected profile.
    The endpoint is O(endpoint), else E(ALIBABA_CLOUD_ACK_ENDPOINT), else C(https://cs.<region>.aliyuncs.com).
  - All modules of this collection belong to the action group C(alicloud.ack.ack), so credentials can be set once
    with C(module_defaults) and C(group/alicloud.ack.ack).
  - >-
    Debugging aid: when E(ALIBABA_CLOUD_ACK_RECORD) names a folder, every API request of the task and its answer
    are written there, one file per task, in the YAML cassette format of vcrpy. They are scrubbed before they
    reach the disk: no Authorization header, signature, nonce, security token, AccessKey ID or secret, account or
    user id, password, token, kubeconfig certificate or key, or public IP address; placeholders such as
    C(<password>) and C(<public-ip>) stand in their place (see the collection's README).
requirements:
  - python >= 3.8
  - requests
'''

    WAIT = r'''
options:
  wait:
    description:
      - Wait until the operation has finished and the resource is stable.
      - With V(false) the module returns at once, with the C(task_id) of the operation.
      - In check mode nothing is waited for, not even a cluster that is still settling; the module plans from what
        it reads, and a warning says when the cluster or its add-ons are busy.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait before failing, when O(wait=true), for all the waits of the task together, counted from the
        start of the module. At most 604800 (7 days).
    type: int
    default: 3600
  wait_sleep:
    description:
      - Seconds between two polls, when O(wait=true) (0.01 to 3600).
    type: float
    default: 10
'''

    # The cluster a module works on: one of these two (every module but ack_cluster, ack_cluster_info and the
    # template modules), and the one rule for a cluster that does not exist.
    CLUSTER = r'''
options:
  cluster_id:
    description:
      - ID of the cluster.
      - An ID that matches no cluster fails the task with C(cluster <id> not found) and C(error.code)
        V(ErrorClusterNotFound), with the API's error data when the API said so.
    type: str
    aliases: [id]
  name:
    description:
      - Name of the cluster, when O(cluster_id) is not given. It must name exactly one cluster.
      - A name that matches no cluster fails the task the same way, with C(cluster named '<name>' not found).
    type: str
    aliases: [cluster_name]
notes:
  - >-
    A cluster that does not exist: an explicit O(cluster_id) or O(name) that matches nothing fails the task with
    C(error.code) V(ErrorClusterNotFound), in every module that works on one cluster.
    M(alicloud.ack.ack_cluster_info) fails for an unknown O(cluster_id) and returns an empty list for a name that
    matches nothing (a name filters its list). M(alicloud.ack.ack_cluster) creates the cluster a name does not
    find (O(alicloud.ack.ack_cluster#module:state=present)) or has nothing to do
    (O(alicloud.ack.ack_cluster#module:state=absent)). The inventory plugin P(alicloud.ack.ack#inventory) skips
    an unknown id of O(alicloud.ack.ack#inventory:cluster_ids) with a warning.
'''

    # Attributes of the _info modules.
    INFO = r'''
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Nothing changes.
'''

    # Options of the worker nodes a task creates (module_utils/_worker_options.py): ack_cluster, ack_nodes, ack_nodepool.
    WORKER = r'''
options:
  worker_instance_types:
    description:
      - ECS instance types of the worker nodes the task creates; at most 10 in a node pool.
      - On a sandboxed-container cluster, bare metal types that run sandboxed containers, V(ecs.ebmg5s.24xlarge) or
        V(ecs.ebmc5s.24xlarge); nodes added to an existing cluster may also be V(ecs.ebmgn6i.24xlarge) (the API
        reference lists it for ScaleOutCluster, not for CreateCluster).
    type: list
    elements: str
  worker_system_disk_category:
    description:
      - System disk category of the worker nodes, for example V(cloud_essd).
    type: str
  worker_system_disk_size:
    description:
      - System disk size of the worker nodes, in GiB.
      - V(40) to V(500) for a new cluster's workers and a scale-out (CreateCluster, ScaleOutCluster); V(20) to
        V(2048) in a node pool (CreateClusterNodePool).
    type: int
  worker_data_disks:
    description:
      - Data disks of the worker nodes.
      - Each V(20) to V(32768) GiB for a new cluster's workers and a scale-out, V(40) to V(32768) GiB and at most
        10 disks in a node pool (the SDK's DataDisk).
      - On a sandboxed-container cluster required, each of at least 200 GiB.
    type: list
    elements: dict
    suboptions:
      category:
        description: Disk category, for example V(cloud_essd). Not set, the API's default, V(cloud_efficiency).
        type: str
      size:
        description: Size in GiB.
        type: int
        required: true
      encrypted:
        description: Encrypt the disk.
        type: bool
      performance_level:
        description:
          - Performance level of an ESSD, for example V(PL1). Sent when a cluster is created; a scale-out does not
            send it (ScaleOutCluster takes none) and warns.
        type: str
  worker_instance_charge_type:
    description:
      - Billing method of the worker nodes.
    type: str
    choices: [PrePaid, PostPaid]
  worker_period:
    description:
      - Subscription duration of the worker nodes, in O(worker_period_unit), with
        O(worker_instance_charge_type=PrePaid).
      - A new cluster's workers (API reference 7.1) take V(1), V(2), V(3), V(6) or V(12) months, or 1 to 4 weeks;
        a new sandboxed-container cluster's also 4 to 9, 24, 36, 48 or 60 months (7.1.5), and so does a node pool.
      - Checked whenever it is given, before any call.
    type: int
  worker_period_unit:
    description:
      - Unit of O(worker_period).
    type: str
    choices: [Month, Week]
  worker_auto_renew:
    description:
      - Renew the subscription of the worker nodes automatically.
    type: bool
  worker_auto_renew_period:
    description:
      - Auto-renewal period of the worker nodes, V(1), V(2), V(3), V(6) or V(12) months, or 1 to 3 weeks (checked
        when a cluster is created).
    type: int
  key_pair:
    description:
      - Name of the key pair to log on to the nodes. Mutually exclusive with O(login_password).
    type: str
  login_password:
    description:
      - Password to log on to the nodes, 8 to 30 characters with three kinds of upper case letters, lower case
        letters, digits and special characters. Mutually exclusive with O(key_pair). Never logged or returned.
    type: str
    aliases: [password]
  cpu_policy:
    description:
      - CPU policy of the kubelet of the nodes.
    type: str
    choices: [none, static]
  cloud_monitor_flags:
    description:
      - Install the CloudMonitor agent on the nodes.
    type: bool
  image_id:
    description:
      - Custom image of the nodes.
    type: str
  user_data:
    description:
      - User data run on the nodes at start.
    type: str
  taints:
    description:
      - Kubernetes taints of the nodes.
    type: list
    elements: dict
    suboptions:
      key:
        description: Taint key.
        type: str
        required: true
      value:
        description: Taint value.
        type: str
      effect:
        description: Taint effect.
        type: str
        choices: [NoSchedule, NoExecute, PreferNoSchedule]
        default: NoSchedule
'''
