#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_addon_info
short_description: List the add-ons of an Alibaba Cloud ACK cluster and those it can install
version_added: 0.1.0
description:
  - Returns the add-ons installed in a cluster with their versions, whether they can be upgraded and to which
    version (DescribeClusterAddonsVersion), and their state and last operation (DescribeClusterAddonsUpgradeStatus;
    for one add-on, when O(names) selects one that is installed, DescribeClusterAddonUpgradeStatus).
  - With O(catalog=true), also the add-ons the cluster's type can install (DescribeAddons), grouped as the API
    groups them; each item carries its version from the group or from the catalogue's C(StandardComponents),
    whichever has it.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
  - alicloud.ack.ack.INFO
options:
  names:
    description:
      - Only these installed add-ons.
    type: list
    elements: str
  catalog:
    description:
      - Also return the add-ons the cluster's type can install, as RV(catalog).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: The add-ons of a cluster and what it could install
  alicloud.ack.ack_addon_info:
    name: prod
    catalog: true
  register: prod_addons

- name: The add-ons that can be upgraded
  ansible.builtin.debug:
    msg: "{{ prod_addons.addons | selectattr('can_upgrade') | map(attribute='name') | list }}"
'''

RETURN = r'''
cluster_id:
  description: ID of the cluster.
  returned: always
  type: str
  sample: c82e6987e2961451182edacd74faf0fa2
addons:
  description: The installed add-ons (those among O(names) when given), by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the add-on.
      type: str
      sample: metrics-server
    version:
      description: Installed version.
      type: str
      sample: v0.3.9.4-ff225cd-aliyun
    next_version:
      description: The version it can be upgraded to, or null when it cannot.
      type: str
      sample: v0.3.9.7-0a3eb6b5-aliyun
    can_upgrade:
      description: Whether it can be upgraded.
      type: bool
      sample: true
    required:
      description: Whether the cluster requires it (it cannot be uninstalled).
      type: bool
      sample: false
    state:
      description: V(active), V(installing), V(upgrading), V(uninstalling) or V(failed).
      type: str
      sample: active
    message:
      description: What the API says about upgrading it.
      type: str
      sample: ok to upgrade
    upgrade_status:
      description: The add-on's upgrade status as the API gives it, with its last operation under C(tasks).
      type: dict
      sample: {can_upgrade: true, addon_info: {component_name: metrics-server, version: v0.3.9.4-ff225cd-aliyun},
               tasks: {status: success, type: install, message: installed}}
catalog:
  description:
    - The add-on groups the cluster's type can install, as DescribeAddons gives them, each item completed from
      the catalogue's C(StandardComponents) (its version, description, required and disabled when the group's item
      lacks them).
  returned: when O(catalog=true)
  type: list
  elements: dict
  sample:
    - group_name: ingress
      default: [nginx-ingress-controller]
      items:
        - {name: nginx-ingress-controller, version: v1.2.1-aliyun.1, required: "false", disabled: false}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._addon_info import ARGSPEC, gather_addons
from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule


def main():
    ack = AckModule(ARGSPEC, required_one_of=[('cluster_id', 'name')])
    ack.run(gather_addons)


if __name__ == '__main__':
    main()
