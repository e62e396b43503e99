#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ack_template_info
short_description: List Alibaba Cloud ACK application deployment templates
version_added: 0.1.0
description:
  - Returns the application deployment templates of the account (every page), or those matching O(template_id),
    O(name) and O(template_type), each with its manifest.
  - With O(parse=true) each template also carries its manifest as data.
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - alicloud.ack.ack.INFO
options:
  template_id:
    description:
      - Only this template.
    type: str
    aliases: [id]
  name:
    description:
      - Only templates with exactly this name.
    type: str
  template_type:
    description:
      - Only templates of this type. When not set, templates of every type.
    type: str
    choices: [kubernetes, compose]
  parse:
    description:
      - Add the manifest parsed into its YAML documents to each template, as C(documents). A manifest that does not
        parse gets C(documents=null) and C(parse_error) naming the line.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Every template
  alicloud.ack.ack_template_info:
  register: all_templates

- name: The Kubernetes template named nginx, its manifest as data
  alicloud.ack.ack_template_info:
    name: nginx
    template_type: kubernetes
    parse: true
  register: nginx

- name: The images the template deploys
  ansible.builtin.debug:
    msg: "{{ nginx.templates[0].documents | map(attribute='spec.template.spec.containers', default=[]) | flatten
             | map(attribute='image') | list }}"
  when: nginx.templates | length > 0
'''

RETURN = r'''
templates:
  description:
    - Matching templates as the API gives them, the manifest as text in C(template).
    - With O(parse=true), C(documents) holds the manifest's YAML documents (and C(parse_error) when it does not
      parse).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 20663627-81ee-4cfe-9b69-c96fcb84a674
      name: nginx
      template_type: kubernetes
      description: nginx for every team
      tags: nginx
      acl: private
      template: "apiVersion: apps/v1\nkind: Deployment\n..."
      documents: [{apiVersion: apps/v1, kind: Deployment}]
'''

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModule
from ansible_collections.alicloud.ack.plugins.module_utils._template import INFO_ARGSPEC, template_info


def main():
    ack = AckModule(INFO_ARGSPEC)
    ack.run(template_info)


if __name__ == '__main__':
    main()
