#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_template
short_description: Create, update and delete Alibaba Cloud ACK application deployment templates
version_added: 0.1.0
description:
  - Manages an application deployment template (the Kubernetes or Compose manifest a team deploys again and again);
    creates it, updates it in place and deletes it.
  - The manifest is compared by meaning. Two manifests that parse to the same YAML documents are equal, so comments,
    key order and formatting do not count. A manifest that does not parse is refused before any call, naming the
    line.
  - Only the options you set are compared. Templates have no asynchronous tasks.
  - To keep the templates of a folder of manifests in sync, loop over the files; see the collection's
    C(playbooks/templates_sync.yml).
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
attributes:
  check_mode:
    support: full
    description: Reports what would change and makes no write call.
  diff_mode:
    support: full
    description: Shows the name, type, description, tags and the manifest's lines before and after.
options:
  state:
    description:
      - V(present) creates the template or updates it in place; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  template_id:
    description:
      - ID of an existing template. When not set, the template is found by O(name) (and O(template_type)).
      - With O(name) set too, the template is renamed to O(name) when its name differs.
    type: str
    aliases: [id]
  name:
    description:
      - Name of the template. Required to create.
      - 1 to 63 letters, digits, Chinese characters and hyphens (-), not starting with a hyphen (the naming rules of
        CreateTemplate in the official SDK); another name is refused before any call, also for a rename.
      - The API allows several templates with one name; when more than one has this name, the task fails listing
        their IDs (set O(template_id) or O(template_type) to choose).
    type: str
  template:
    description:
      - The manifest. Required to create.
      - Either the manifest as text, for example C("{{ lookup('file', 'app.yaml') }}"), sent as written (comments
        kept); or the YAML documents as data (a list of mappings, or one mapping), sent as YAML text.
      - Every document must be a mapping.
    type: raw
  template_type:
    description:
      - Type of the template. The API creates V(kubernetes) templates when not set.
      - Narrows the lookup by O(name). With O(template_id), a different type is changed in place.
    type: str
    choices: [kubernetes, compose]
  description:
    description:
      - Description of the template. An empty string clears it.
    type: str
  tags:
    description:
      - The type of the template's tags, V(private) or V(common), as the API reference gives them (CreateTemplate).
        The API sets the template's name when a template is created without tags.
    type: str
    choices: [private, common]
notes:
  - Operations used are CreateTemplate, DescribeTemplates, DescribeTemplateAttribute, UpdateTemplate and
    DeleteTemplate.
  - Two tasks creating a template of one name at the same time end with one template. After its create a task
    lists the name again; when there is more than one template of the name, every task keeps the oldest (by created
    time, then by ID). A task whose template is not that one deletes the template it created (never another) and
    adopts the kept one, updated to what the task sets. Both tasks report RV(template) as the kept one, C(changed),
    and a warning that a concurrent create was settled.
  - Limits checked before any call are those the API reference and the official SDK document (the name's rules,
    the choices of O(template_type) and O(tags)). Neither documents a limit for the description or for the size of
    the manifest; a manifest is only refused past the bounds of the collection's YAML parser (4 MiB, 64 levels of
    nesting, YAML aliases that expand too far).
'''

EXAMPLES = r'''
# From a file: template: "{{ lookup('file', 'nginx.yaml') }}"
- name: A template from a manifest
  alicloud.ack.ack_template:
    name: nginx
    description: nginx for every team
    template: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: nginx
      spec:
        replicas: 2  # comments and formatting do not count
        selector:
          matchLabels: {app: nginx}
        template:
          metadata:
            labels: {app: nginx}
          spec:
            containers:
              - name: nginx
                image: nginx:1.25
  register: nginx

- name: A template written as data
  alicloud.ack.ack_template:
    name: busybox
    template:
      - apiVersion: v1
        kind: Pod
        metadata:
          name: busybox
        spec:
          containers:
            - name: busybox
              image: busybox:1.36
              command: [sleep, "3600"]

- name: Change the description of a template found by its ID
  alicloud.ack.ack_template:
    template_id: "{{ nginx.template.id }}"
    description: nginx, two replicas

- name: Delete a template
  alicloud.ack.ack_template:
    name: busybox
    state: absent
'''

RETURN = r'''
template:
  description:
    - The template as the API gives it, the manifest as text in C(template). Empty when there is none (check mode
      create, or a template that was already absent).
  returned: always
  type: dict
  sample:
    id: 20663627-81ee-4cfe-9b69-c96fcb84a674
    name: nginx
    template_type: kubernetes
    description: nginx for every team
    tags: common
    acl: private
    template: "apiVersion: apps/v1\nkind: Deployment\n..."
    template_with_hist_id: 4a5e0c5c-6f4c-4b8e-9d3a-3c1a8f0a2b11
    created: "2026-11-23T08:00:00+08:00"
    updated: "2026-11-23T08:00:00+08:00"
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
  sample: {code: ErrorTemplateNotFound, message: template not found, request_id: 687C5BAA-D103, http_status: 404}
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.plugins.module_utils._template import ARGSPEC, TemplatePlanner


def main():
    ack = AckModule(ARGSPEC, required_one_of=[('template_id', 'name')])
    ack.run(lambda ack: execute(ack, TemplatePlanner(ack).plan()))


if __name__ == '__main__':
    main()
