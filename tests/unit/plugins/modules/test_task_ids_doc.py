# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""task_id and task_ids are documented once: RETURN must be a literal string in each module (ansible-doc reads it
from the file's syntax tree), so every state module carries the same text, and this test keeps them the same."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os

import yaml

MODULES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules')


def read(path):
    with open(path) as f:
        return f.read()


def literal(source, name):
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == name for t in node.targets):
            return node.value.value
    return None


def state_modules():
    """The modules whose main() runs the executor (execute() returns task_ids in every mode)."""
    found = {}
    for name in sorted(os.listdir(MODULES)):
        path = os.path.join(MODULES, name)
        source = read(path) if name.endswith('.py') else ''
        if 'execute(ack, ' in source:
            found[name[:-3]] = yaml.safe_load(literal(source, 'RETURN'))
    return found


def test_every_state_module_documents_task_id_and_task_ids_with_the_same_text():
    found = state_modules()
    assert sorted(found) == ['ack_addon', 'ack_cluster', 'ack_kubeconfig', 'ack_nodepool', 'ack_nodes',
                             'ack_template', 'ack_upgrade']
    texts = dict((name, (doc.get('task_ids'), doc.get('task_id'))) for name, doc in found.items())
    first = texts['ack_cluster']
    assert first[0]['returned'] == 'always' and first[0]['type'] == 'list' and first[1]['type'] == 'str'
    assert dict((name, text) for name, text in texts.items() if text != first) == {}
