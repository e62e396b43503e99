# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a cluster has been through: its task history (DescribeClusterTasks) and the kubeconfigs it issued
(ListClusterKubeconfigStates). Reads only; nothing of Ansible."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._client import MAX_PAGES, expand_path

RECENT_TASKS = 50      # the newest tasks ack_cluster_info gathers (one page)
STATES_PAGE_SIZE = 50  # the largest page of ListClusterKubeconfigStates
REVOKE_TASK = 'kubeconfig_revoke'


def recent_tasks(client, cluster_id, count=RECENT_TASKS):
    """The cluster's newest tasks (newest first): task_id, task_type, state, created, updated, error when failed."""
    answer = client.call('DescribeClusterTasks', 'GET', '/clusters/{}/tasks', cluster_id,
                         query={'page_number': 1, 'page_size': count}) or {}
    return answer.get('tasks') or []


def all_tasks(client, cluster_id):
    """Every task of the cluster, newest first, page after page as they are iterated."""
    path = expand_path('/clusters/{}/tasks', [cluster_id])  # ids come from ClusterRef (checked) or the API
    return client.paginate_pages('DescribeClusterTasks', path, None, 'tasks', page_key='page_info')


def kubeconfig_states(client, cluster_id):
    """Every account's kubeconfig of the cluster (account, cert_state, cert_expire_time, revokable...), page after
    page; the id goes through client.call, which checks and encodes it."""
    states = []
    for number in range(1, MAX_PAGES + 1):
        answer = client.call('ListClusterKubeconfigStates', 'GET', '/clusters/{}/kubeconfig/states', cluster_id,
                             query={'pageNumber': number, 'pageSize': STATES_PAGE_SIZE}) or {}
        page = answer.get('states') or []
        states.extend(page)
        total = (answer.get('page') or {}).get('total_count')
        if len(page) < STATES_PAGE_SIZE or total is not None and len(states) >= int(total):
            break
    return states
