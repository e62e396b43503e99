#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_addon
short_description: Install, upgrade and uninstall add-ons of an Alibaba Cloud ACK cluster
version_added: 0.1.0
description:
  - Manages the add-ons (network and storage plug-ins, ingress, logging, monitoring) of one cluster.
  - One task can install, upgrade and uninstall several add-ons, with one API call of each kind at most
    (UnInstallClusterAddons, then InstallClusterAddons, then UpgradeClusterAddons); each call is one cluster task.
  - Add-ons the task does not list are never touched.
  - Every refusal (unknown add-on or version, downgrade, required add-on, add-on a serverless cluster cannot take)
    happens before any write, also in check mode, and names what exists.
  - A re-run that changes nothing reads the cluster, the installed add-ons with their versions
    (DescribeClusterAddonsVersion) and their states (DescribeClusterAddonsUpgradeStatus); the catalogue
    (DescribeAddons) is read only when an add-on is to be installed or a version has to be checked against it.
  - The catalogue's version of an add-on is taken from its group's item (as the API reference gives it) or from the
    catalogue's C(StandardComponents) (as the official SDK declares it). When neither names one, the install sends
    no version and the API installs its default.
  - Installs and upgrades carry no idempotency token. When the answer to one is lost, the module reads the
    add-ons again and sends the call again only for the add-ons it did not reach.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
  - alicloud.ack.ack.WAIT
attributes:
  check_mode:
    support: full
    description: Reads and checks everything a real run would; makes no write call.
  diff_mode:
    support: full
    description: Shows the installed add-ons with their versions before and after.
options:
  addons:
    description:
      - The add-ons to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Name of the add-on, for example V(nginx-ingress-controller). See M(alicloud.ack.ack_addon_info) with
            O(alicloud.ack.ack_addon_info#module:catalog=true) for the add-ons a cluster can install.
        type: str
        required: true
      version:
        description:
          - The version wanted. Not set, an add-on that is installed keeps its version and a new one gets the
            catalogue's version.
          - V(latest) is the newest version the cluster can take (the C(next_version) of
            DescribeClusterAddonsVersion when it can be upgraded; the catalogue's version for a new add-on).
          - A version higher than the installed one upgrades the add-on; a lower one is refused (add-ons are never
            downgraded). Versions are compared by their numbers, so V(v1.2.10) is newer than V(v1.2.9).
          - Only versions the API offers are accepted, the catalogue's version for a new add-on and the next
            version (or the catalogue's, when newer) for an installed one. When the catalogue names no version for
            a new add-on, the version given is sent and the API decides.
        type: str
      config:
        description:
          - Configuration of the add-on, a dict or a JSON object in a string; the API receives it as a JSON string.
          - It is sent with an install or an upgrade only. The API does not report an add-on's configuration back,
            so a different O(addons[].config) alone never reports a change and is not applied to an add-on that
            is installed and stays at its version.
        type: raw
      state:
        description:
          - V(present) installs the add-on (or upgrades it, see O(addons[].version)).
          - V(absent) uninstalls it; an add-on that is not installed is not an error. Add-ons the cluster requires
            (such as C(coredns) and C(cloud-controller-manager)) are refused.
        type: str
        choices: [present, absent]
        default: present
notes:
  - With O(wait=true) the task waits until every add-on it names is installed and active, upgraded or gone, and
    fails with the add-on's own message when one fails. Add-ons of the task that are still installing, upgrading
    or uninstalling from an earlier task are waited for before deciding.
  - The O(wait_timeout) bounds the whole task, every call and wait included.
  - Changing add-ons needs a running cluster; a re-run that changes nothing does not.
'''

EXAMPLES = r'''
- name: Install the log agent and the node problem detector, in one call
  alicloud.ack.ack_addon:
    name: prod
    addons:
      - name: logtail-ds
        config:
          IngressDashboardEnabled: "true"
      - name: ack-node-problem-detector

- name: Keep the ingress controller current and pin metrics-server; drop FlexVolume
  alicloud.ack.ack_addon:
    name: prod
    addons:
      - name: nginx-ingress-controller
        version: latest
      - name: metrics-server
        version: v0.3.9.7-0a3eb6b5-aliyun
      - name: flexvolume
        state: absent
  register: prod_addons
'''

RETURN = r'''
addons:
  description:
    - Every add-on installed in the cluster (not only those of the task), after the task; in check mode and when
      nothing changes, as they are.
    - Each with the keys of RV(alicloud.ack.ack_addon_info#module:addons) but C(upgrade_status) (C(name), C(version),
      C(next_version), C(can_upgrade), C(required), C(state), C(message)).
  returned: always
  type: list
  elements: dict
  sample:
    - {name: nginx-ingress-controller, version: v1.8.0-aliyun.1, next_version: null, can_upgrade: false,
       required: false, state: active, message: already the latest version}
cluster_id:
  description: ID of the cluster.
  returned: always
  type: str
  sample: c82e6987e2961451182edacd74faf0fa2
diff:
  description: Installed add-ons with their versions, before and after (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample: {before: {logtail-ds: v1.0.29.1-0550501-aliyun}, after: {logtail-ds: v1.2.1.0-6a63b4b-aliyun}}
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
  sample: {code: InvalidStatus.Addon, message: add-on logtail-ds is upgrading, request_id: 687C5BAA-D103,
           http_status: 400}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._addon import ARGSPEC, AddonPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute


def main():
    ack = AckModule(ARGSPEC, wait=True, required_one_of=[('cluster_id', 'name')])
    ack.run(lambda ack: execute(ack, AddonPlanner(ack).plan()))


if __name__ == '__main__':
    main()
