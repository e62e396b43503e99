#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_upgrade
short_description: Upgrade the Kubernetes version of an Alibaba Cloud ACK cluster; pause, resume or cancel upgrades
version_added: 0.1.0
description:
  - Upgrades a cluster to O(version) hop by hop. ACK upgrades one step at a time (a newer patch, or the next minor
    version it offers); for a target several steps ahead the module runs one UpgradeCluster per hop, waiting for
    each to finish before the next, for example V(1.26.15-aliyun.1) -> V(1.28.9-aliyun.1) -> V(1.30.1-aliyun.1).
    The hops are the versions DescribeKubernetesVersionMetadata lists as upgradable, each the newest that does not
    pass the target; RV(path) lists them.
  - A cluster already at O(version) is left alone. A lower version, and a version ACK offers no path to, are
    refused before any write, naming the versions the cluster can reach.
  - The module acts on the state of the cluster's upgrade (GetUpgradeStatus) to reach O(state). With
    O(state=upgraded), an upgrade under way is waited for, and a paused one is resumed, before the next hop.
  - UpgradeCluster carries no idempotency token. When its answer is lost, the module reads the upgrade status and
    the cluster to tell whether it took effect, and never sends it again blindly. Pause, resume and cancel alike.
  - A hop that fails fails the task with the upgrade step and ACK's error message; the upgrade status stays
    readable with M(alicloud.ack.ack_upgrade_info).
  - The task reports C(changed) when it started, resumed, paused or canceled an upgrade, and also when it only
    waited for an upgrade that was already under way (the cluster's version changed during the task).
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
  - alicloud.ack.ack.WAIT
attributes:
  check_mode:
    support: full
    description: Reads the cluster, its upgrade status and the versions ACK offers; returns the planned RV(path)
      (or the pause, resume or cancel it would do) and makes no write call.
  diff_mode:
    support: full
    description: Shows the cluster's version and upgrade status before and after.
options:
  state:
    description:
      - V(upgraded) brings the cluster to O(version); a paused upgrade is resumed first.
      - V(paused) pauses the running upgrade; nothing happens when it is paused already. Nothing happens either,
        with a warning, when no upgrade is in progress (it may have ended before the task ran).
      - V(canceled) cancels the running or paused upgrade; the cluster keeps its version. Nothing happens when no
        upgrade is in progress. (ACK ends the canceled upgrade's task as failed with C(UpgradeCanceled); for this
        state that is the wanted end.)
    type: str
    choices: [upgraded, paused, canceled]
    default: upgraded
  version:
    description:
      - The Kubernetes version to reach, exactly as ACK names it (such as V(1.30.1-aliyun.1)), or V(next) for the
        newest version the cluster can be upgraded to in one step (nothing happens when it runs the newest).
      - Required with O(state=upgraded); not used by the other states.
    type: str
  master_only:
    description:
      - Upgrade only the control plane, not the worker nodes (the API's C(master_only)), in every hop.
    type: bool
  rolling_policy:
    description:
      - How the worker nodes are upgraded, in every hop.
    type: dict
    suboptions:
      max_parallelism:
        description:
          - The most nodes upgraded at once.
        type: int
        required: true
  wait:
    description:
      - Wait until the last hop (or the resume, pause or cancel) has finished and the cluster runs again.
      - With V(false) the module returns once the last hop has started; earlier hops are always waited for, as a
        hop can only start when the one before it has finished.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole task may wait, over every hop, before failing, when O(wait=true).
      - Upgrades take long, so the default is two hours, not the one hour of the other modules.
    type: int
    default: 7200
notes:
  - An upgrade also waits for the cluster's precheck. Until the upgrade ends the cluster is C(upgrading); other
    changes to it are refused by ACK meanwhile.
'''

EXAMPLES = r'''
- name: Upgrade to 1.30 (hop by hop when it is more than one step ahead)
  alicloud.ack.ack_upgrade:
    name: prod
    version: 1.30.1-aliyun.1
  register: upgraded

- name: Show the hops
  ansible.builtin.debug:
    msg: "{{ upgraded.path | join(' -> ') }}"

- name: Start the upgrade to the next version, control plane only, and return at once
  alicloud.ack.ack_upgrade:
    name: prod
    version: next
    master_only: true
    wait: false

- name: Pause it for the night
  alicloud.ack.ack_upgrade:
    name: prod
    state: paused

- name: Resume it and wait for it to finish
  alicloud.ack.ack_upgrade:
    name: prod
    version: next
    state: upgraded

- name: Or give up on it; the cluster keeps its version
  alicloud.ack.ack_upgrade:
    name: prod
    state: canceled
'''

RETURN = r'''
cluster:
  description: The cluster detail as DescribeClusterDetail gives it, after the task (before it, in check mode).
  returned: always
  type: dict
  sample: {cluster_id: c82e6987e2961451182edacd74faf0fa2, name: prod, state: running,
           current_version: 1.30.1-aliyun.1}
upgrade:
  description: The cluster's upgrade status (GetUpgradeStatus) after the task (before it, in check mode).
  returned: always
  type: dict
  contains:
    status:
      description: Empty (never upgraded), V(running), V(pause), V(success), V(fail) or V(canceled).
      type: str
    step:
      description: The upgrade step, such as V(not_start), V(prechecking), V(upgrading), V(pause), V(success).
      type: str
    error:
      description: The error message of a failed upgrade.
      type: str
    precheck_report_id:
      description: ID of the upgrade's precheck report.
      type: str
    task:
      description: The upgrade task's status and message.
      type: dict
  sample: {status: success, step: success, error: "", precheck_report_id: 9f2c1e0d,
           task: {status: success, message: cluster upgraded to 1.30.1-aliyun.1}}
path:
  description:
    - The versions the cluster goes through to reach O(version), one per hop, in order (planned in check mode).
      The first may be an upgrade that was already under way. Empty for O(state=paused) and O(state=canceled).
  returned: always
  type: list
  elements: str
  sample: [1.28.9-aliyun.1, 1.30.1-aliyun.1]
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
reachable_versions:
  description: When a version is refused, the versions the cluster can reach.
  returned: on a refused version
  type: list
  elements: str
  sample: [1.30.1-aliyun.1, 1.31.1-aliyun.1]
last_state:
  description: When a hop or a wait fails, what was last read; for a failed upgrade its status (as RV(upgrade)
    shows it in GetUpgradeStatus's own keys), with C(upgrade_step) and C(error_message).
  returned: on a failed wait
  type: dict
  sample: {status: fail, upgrade_step: upgrading, error_message: "upgrade to 1.30.1-aliyun.1 failed: ..."}
error:
  description: The API error, when the task failed because of one.
  returned: on API failure
  type: dict
  sample: {code: InvalidStatus.ClusterUpgrade, message: the cluster has an upgrade in progress,
           request_id: 687C5BAA-D103, http_status: 400}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.plugins.module_utils._upgrade import (
    ARGSPEC,
    UPGRADE_WAIT_TIMEOUT,
    UpgradePlanner,
)


def main():
    ack = AckModule(ARGSPEC, wait=True, wait_timeout=UPGRADE_WAIT_TIMEOUT, required_one_of=[('cluster_id', 'name')],
                    required_if=[('state', 'upgraded', ('version',))])
    ack.run(lambda ack: execute(ack, UpgradePlanner(ack).plan()))


if __name__ == '__main__':
    main()
