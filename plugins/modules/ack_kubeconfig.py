#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_kubeconfig
short_description: Write the kubeconfig of an Alibaba Cloud ACK cluster to a file
version_added: 0.1.0
description:
  - Reads the kubeconfig of a cluster (DescribeClusterUserKubeconfig) and writes it to O(path), like
    C(aws eks update-kubeconfig) or C(az aks get-credentials).
  - With O(merge=true) (the default) the cluster becomes one named context (with a cluster and a user entry of the
    same name) in an existing kubeconfig; every other context, cluster and user is kept, and so is the file's mode.
  - With O(merge=false) the file holds this cluster alone.
  - The task reports a change only when the file's content would change. New files are made with mode 0600, new
    folders with 0700. The kubeconfig's certificates and keys are never returned or shown.
  - With O(state=revoked) it revokes the kubeconfigs instead (RevokeK8sClusterKubeConfig), the answer to a leaked
    kubeconfig; see O(state).
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.CLUSTER
requirements:
  - PyYAML (installed with ansible-core)
attributes:
  check_mode:
    support: full
    description: Reads the kubeconfig from the API and compares; writes nothing.
  diff_mode:
    support: full
    description: Shows the file's contexts with their cluster, user and server before and after; never key data.
options:
  state:
    description:
      - V(present) writes or merges the kubeconfig.
      - V(absent) removes the context (and its cluster and user entries, when no other context uses them) from
        the file, or with O(merge=false) removes the file, if it holds that context.
      - V(revoked) revokes every kubeconfig the cluster issued to the account the task signs with (the API revokes
        the caller's); they stop working at once, a new one is issued by the next read, so a task with
        O(state=present) after it writes a fresh kubeconfig. The file at O(path) is not touched. It needs
        O(confirm_revoke=true) and O(revoked_before), and is not repeated - it revokes only when the cluster's task
        history (DescribeClusterTasks) has no revocation at or after O(revoked_before). Check mode reports whether
        it would revoke.
    type: str
    choices: [present, absent, revoked]
    default: present
  path:
    description:
      - The kubeconfig file. It must be a regular file (or not exist yet); a symlink is written through to its
        target. A file that is not a kubeconfig (not UTF-8 YAML, not of kind C(Config), sections that are not lists
        of mappings, nested too deep or expanding through YAML aliases) is refused and left as it is.
      - The new content is written to a temporary file in the same folder, then renamed over the file.
    type: path
    default: ~/.kube/config
  merge:
    description:
      - Merge the cluster into the file as one context (V(true)), or make the file hold this cluster alone (V(false)).
    type: bool
    default: true
  context_name:
    description:
      - Name of the context, and of its cluster and user entries. Defaults to the cluster's name.
    type: str
  set_current_context:
    description:
      - Make the context the file's current context. A file without a current context always gets this one.
    type: bool
    default: true
  private_ip_address:
    description:
      - Use the internal (VPC) address of the API server.
    type: bool
    default: false
  confirm_revoke:
    description:
      - Confirm O(state=revoked); without V(true) the task fails before any call.
    type: bool
    default: false
  revoked_before:
    description:
      - With O(state=revoked), required - every kubeconfig issued before this time is to be revoked. An RFC 3339
        date-time, such as V(2024-06-01T10:00:00Z) (when the leak was found), compared to the second with the times
        of the API's task history; not in the future.
      - A re-run with the same value revokes nothing more (the kubeconfigs issued since, such as the one written
        after the revocation, keep working); a later value revokes again.
    type: str
  temporary_duration_minutes:
    description:
      - Ask for a temporary kubeconfig, valid for this many minutes (15 to 4320); see RV(expiration).
      - A temporary kubeconfig carries a new certificate each time, so every run writes the file again.
    type: int
'''

EXAMPLES = r'''
- name: Add the cluster to ~/.kube/config as context prod and make it current
  alicloud.ack.ack_kubeconfig:
    name: prod

- name: A kubeconfig file of its own, for the internal endpoint, valid for a day
  alicloud.ack.ack_kubeconfig:
    name: prod
    path: ~/.kube/prod-internal.yaml
    merge: false
    private_ip_address: true
    temporary_duration_minutes: 1440

- name: Remove the context again
  alicloud.ack.ack_kubeconfig:
    name: prod
    state: absent

- name: A kubeconfig leaked - revoke every kubeconfig issued before the leak was found
  alicloud.ack.ack_kubeconfig:
    name: prod
    state: revoked
    confirm_revoke: true
    revoked_before: "2024-06-01T10:00:00Z"

- name: And write a fresh one
  alicloud.ack.ack_kubeconfig:
    name: prod
'''

RETURN = r'''
kubeconfig:
  description:
    - Where the kubeconfig is, without any credential.
    - With O(state=revoked) - C(cluster_id), C(revoked_before) and C(revoked_at), the time of the revocation at or
      after O(revoked_before) in the cluster's task history (null in check mode before one).
  returned: always
  type: dict
  sample: {path: /home/ops/.kube/config, context_name: prod, server: "https://47.1.2.3:6443",
           expiration: "2027-11-29T03:00:00Z", merge: true}
expiration:
  description: When the kubeconfig's certificate expires (state present).
  returned: when O(state=present)
  type: str
  sample: "2027-11-29T03:00:00Z"
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
from ansible_collections.alicloud.ack.plugins.module_utils._kubeconfig import ARGSPEC, KubeconfigPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute


def main():
    ack = AckModule(ARGSPEC, required_one_of=[('cluster_id', 'name')])
    ack.run(lambda ack: execute(ack, KubeconfigPlanner(ack).plan()))


if __name__ == '__main__':
    main()
