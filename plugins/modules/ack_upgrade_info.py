#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_upgrade_info
short_description: Show the Kubernetes version and the upgrade status of an Alibaba Cloud ACK cluster
version_added: 0.1.0
description:
  - Returns the cluster's current version, the versions it can be upgraded to in one step, and the state of its
    upgrade (GetUpgradeStatus), with whether an upgrade is in progress or paused.
  - To upgrade, pause, resume or cancel, use M(alicloud.ack.ack_upgrade).
  - For many clusters in one task (a fleet), M(alicloud.ack.ack_cluster_info) with
    O(alicloud.ack.ack_cluster_info#module:gather=upgrade) returns the same for every cluster, several read at a time.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
  - alicloud.ack.ack.INFO
'''

EXAMPLES = r'''
- name: Read the upgrade status
  alicloud.ack.ack_upgrade_info:
    name: prod
  register: prod_upgrade

- name: Say what is going on
  ansible.builtin.debug:
    msg: >-
      prod runs {{ prod_upgrade.current_version }};
      {{ 'an upgrade is paused' if prod_upgrade.paused else 'an upgrade is running' if prod_upgrade.in_progress
         else 'next version: ' ~ (prod_upgrade.next_version or 'none') }}
'''

RETURN = r'''
cluster_id:
  description: ID of the cluster.
  returned: always
  type: str
  sample: c82e6987e2961451182edacd74faf0fa2
state:
  description: The cluster's state (V(upgrading) during an upgrade, also a paused one).
  returned: always
  type: str
  sample: running
current_version:
  description: The Kubernetes version the cluster runs.
  returned: always
  type: str
  sample: 1.28.9-aliyun.1
next_version:
  description: The newest version the cluster can be upgraded to in one step; null when it runs the newest.
  returned: always
  type: str
  sample: 1.30.1-aliyun.1
upgradable_versions:
  description: Every version the cluster can be upgraded to in one step (DescribeKubernetesVersionMetadata), oldest
    first.
  returned: always
  type: list
  elements: str
  sample: [1.30.1-aliyun.1]
upgrade:
  description: The cluster's latest upgrade (GetUpgradeStatus).
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
  sample: {status: running, step: upgrading, error: "", precheck_report_id: 9f2c1e0d,
           task: {status: running, message: upgrading the control plane to 1.30.1-aliyun.1}}
in_progress:
  description: Whether an upgrade is running or paused.
  returned: always
  type: bool
  sample: true
paused:
  description: Whether an upgrade is paused.
  returned: always
  type: bool
  sample: false
error:
  description: The API error, when the task failed because of one.
  returned: on API failure
  type: dict
  sample: {code: ErrorClusterNotFound, message: cluster not found, request_id: 687C5BAA-D103, http_status: 404}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._upgrade import INFO_ARGSPEC, upgrade_info


def main():
    ack = AckModule(INFO_ARGSPEC, required_one_of=[('cluster_id', 'name')])
    ack.run(upgrade_info)


if __name__ == '__main__':
    main()
