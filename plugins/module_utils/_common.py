# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What several planners and readers share: the waits after a write, unset suboptions dropped, the kubeconfig
read."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._plan import task_id_of
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import task_done


def after_task(client, answer, *then):
    """The conditions to await after a write: the task its answer names done (when it names one), then `then`."""
    task_id = task_id_of(answer)
    return ([task_done(client, task_id)] if task_id else []) + list(then)


def clean(value):
    """Drop unset suboptions so the API sees only what the user wrote."""
    if isinstance(value, dict):
        return dict((k, clean(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def read_kubeconfig(client, cluster_id, private=False, minutes=None):
    """DescribeClusterUserKubeconfig: {config, expiration}."""
    query = {'PrivateIpAddress': 'true' if private else None, 'TemporaryDurationMinutes': minutes}
    return client.call('DescribeClusterUserKubeconfig', 'GET', '/k8s/{}/user_config', cluster_id, query=query) or {}
