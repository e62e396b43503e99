# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin's host building on real Ansible inventory data: names, collisions, ansible_host."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar

DATA = [
    {'cluster': {'cluster_id': 'c1', 'name': 'web', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
                 'tags': [{'key': 'env', 'value': 'prod'}]},
     'nodes': [{'instance_id': 'i-1', 'node_name': 'cn-hangzhou.10.0.0.1', 'ip_address': ['10.0.0.1', '47.0.0.1'],
                'state': 'running', 'instance_role': 'Worker'},
               {'instance_id': 'i-2', 'node_name': '', 'ip_address': ['10.0.0.2'], 'state': 'running'}]},
    {'cluster': {'cluster_id': 'c2', 'name': 'other', 'region_id': 'cn-hangzhou'},
     'nodes': [{'instance_id': 'i-3', 'node_name': 'cn-hangzhou.10.0.0.1', 'ip_address': ['10.0.0.1'],
                'state': 'running'}]},
]


def populate(**options):
    plugin = inventory_loader.get('alicloud.ack.ack')
    options.setdefault('plugin', 'alicloud.ack.ack')
    plugin.set_options(direct=options)
    plugin.inventory = InventoryData()
    plugin.templar = Templar(loader=DataLoader())
    plugin._populate(DATA)
    return plugin.inventory


def variables(inventory, name):
    return inventory.get_host(name).get_vars()


def test_names_collisions_and_private_addresses(capsys):
    inventory = populate()
    assert sorted(inventory.hosts) == ['cn-hangzhou.10.0.0.1', 'i-2', 'i-3']  # i-2 has no node name
    assert variables(inventory, 'cn-hangzhou.10.0.0.1')['instance_id'] == 'i-1'
    assert 'named by instance id: i-3 (cn-hangzhou.10.0.0.1)' in ' '.join(capsys.readouterr().err.split())
    assert variables(inventory, 'i-3')['cluster_id'] == 'c2'
    assert variables(inventory, 'cn-hangzhou.10.0.0.1')['ansible_host'] == '10.0.0.1'
    assert sorted(h.name for h in inventory.groups['ack_cluster_web'].get_hosts()) == ['cn-hangzhou.10.0.0.1', 'i-2']


@pytest.mark.parametrize('choice,expected', [
    ('public_ip', {'i-1': '47.0.0.1', 'i-2': '10.0.0.2'}),  # no public address: the private one
    ('none', {'i-1': None, 'i-2': None}),
])
def test_ansible_host(choice, expected):
    inventory = populate(hostnames=['instance_id'], ansible_host=choice)
    assert dict((h, variables(inventory, h).get('ansible_host')) for h in ('i-1', 'i-2')) == expected


def test_nodes_without_a_wanted_name_are_left_out():
    inventory = populate(hostnames=['public_ip'])
    assert list(inventory.hosts) == ['47.0.0.1']
