# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every operation of the API reference's overview (section 2) is called by a module, and README's module table
names the operations the modules call."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
MODULE_UTILS = os.path.join(ROOT, 'plugins', 'module_utils')
# The operations of the reference's "2. API overview" (ack-api-reference.txt), in its order.
OVERVIEW = (
    'CreateCluster', 'ScaleOutCluster', 'DescribeClusterDetail', 'DescribeClustersV1', 'DescribeClusterResources',
    'DescribeExternalAgent', 'DescribeUserQuota', 'DescribeClusterLogs', 'DescribeClusterUserKubeconfig',
    'ModifyCluster', 'DeleteCluster', 'ModifyClusterTags', 'ListTagResources', 'DescribeClusterNodes',
    'RemoveClusterNodes', 'AttachInstances', 'DescribeClusterAttachScripts', 'GetUpgradeStatus', 'UpgradeCluster',
    'PauseClusterUpgrade', 'CancelClusterUpgrade', 'ResumeUpgradeCluster', 'CreateTemplate', 'DescribeTemplates',
    'UpdateTemplate', 'DeleteTemplate', 'InstallClusterAddons', 'DescribeClusterAddonsVersion', 'DescribeAddons',
    'DescribeClusterAddonUpgradeStatus', 'UnInstallClusterAddons',
)


def called():
    """The operation names in the module_utils' code (sent by AckClient.call and paginate_pages, directly or through
    a step builder that takes the name): every quoted CamelCase word."""
    found = set()
    pattern = re.compile(r"'([A-Z][a-z]+(?:[A-Z0-9][A-Za-z0-9]*)+)'")
    for name in os.listdir(MODULE_UTILS):
        if name.endswith('.py'):
            with open(os.path.join(MODULE_UTILS, name)) as f:
                found.update(pattern.findall(f.read()))
    return found


def readme_operations():
    with open(os.path.join(ROOT, 'README.md')) as f:
        section = f.read().split('\n## Modules\n', 1)[1].split('\n## ', 1)[0]
    rows = [line for line in section.splitlines() if line.startswith('| `alicloud.ack.')]
    return set(op for row in rows for op in re.findall(r'\b[A-Z][a-z]+[A-Z][A-Za-z0-9]*\b', row.split('|')[3]))


def test_every_operation_of_the_overview_is_called_by_a_module():
    assert len(OVERVIEW) == len(set(OVERVIEW)) == 31
    assert sorted(set(OVERVIEW) - called()) == []


def test_the_readme_table_names_the_operations_the_modules_call():
    named = readme_operations()
    assert sorted(set(OVERVIEW) - named) == [], 'README module table: operations of the overview not named'
    assert sorted(named - called()) == [], 'README module table: operations no module calls'


def test_the_list_is_the_overview_of_the_reference():
    shared = os.environ.get('ACK_SHARED_DIR') or os.path.join(os.path.dirname(ROOT), 'shared')
    path = os.path.join(shared, 'spec', 'ack-api-reference.txt')
    if not os.path.exists(path):
        pytest.skip('the API reference is not beside the repository (ACK_SHARED_DIR)')
    with open(path) as f:
        text = f.read()
    overview = text.split('\n2.API overview\n', 1)[1].split('\n3. Request method\n', 1)[0]
    listed = []
    for op in re.findall(r'<code>(\w+)</code>', overview):
        if op not in listed:
            listed.append(op)
    assert tuple(listed) == OVERVIEW
