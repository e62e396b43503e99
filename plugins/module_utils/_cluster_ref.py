# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster a task names, for every module: find it by cluster_id or unique name, wait out settling states,
refuse states the operation cannot take, and the named waits on a cluster."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition

CLUSTER_ABSENT = ('ErrorClusterNotFound',)  # the only answers that mean "no such cluster"
GONE = ('deleted',)
FAILED = ('failed', 'delete_failed')
# States a cluster leaves by itself soon: with wait, a task waits for running before deciding.
# (upgrading is left out: an upgrade can be paused for days.)
SETTLING = ('initial', 'updating', 'scaling', 'removing', 'draining', 'waiting')

REF_ARGSPEC = dict(
    cluster_id=dict(type='str', aliases=['id']),
    name=dict(type='str'),
)


def describe_cluster(client, cluster_id):
    """Cluster detail, or None when the cluster does not exist."""
    return client.call('DescribeClusterDetail', 'GET', '/clusters/{}', cluster_id, absent=CLUSTER_ABSENT)


def find_clusters(client, name=None, cluster_type=None, cluster_id=None):
    """Clusters of the client's region matching exactly, all pages followed (DescribeClustersV1); deleted ones
    left out."""
    query = {'name': name, 'cluster_type': cluster_type, 'cluster_id': cluster_id, 'region_id': client.region}
    found = []
    for c in client.paginate_pages('DescribeClustersV1', '/api/v1/clusters', query, 'clusters'):
        if name is not None and c.get('name') != name:
            continue
        if cluster_type is not None and c.get('cluster_type') != cluster_type:
            continue
        if cluster_id is not None and c.get('cluster_id') != cluster_id:
            continue
        if c.get('state') in GONE:
            continue
        found.append(c)
    return found


def _failure(cluster, goal):
    if cluster is not None and cluster.get('state') in FAILED:
        return 'cluster %s is %s while waiting for it to be %s' % (cluster.get('cluster_id'), cluster['state'], goal)
    return None


def cluster_running(client, cluster_id):
    return Condition('cluster %s to be running' % cluster_id, lambda: describe_cluster(client, cluster_id),
                     lambda c: c is not None and c.get('state') == 'running', lambda c: _failure(c, 'running'))


def cluster_gone(client, cluster_id):
    return Condition('cluster %s to be deleted' % cluster_id, lambda: describe_cluster(client, cluster_id),
                     lambda c: c is None or c.get('state') in GONE, lambda c: _failure(c, 'deleted'))


class ClusterRef(object):
    """Finds the task's cluster (cluster_id, or name + optional cluster_type) with the task's one waiter."""

    def __init__(self, ack, cluster_type=None):
        self.ack = ack
        self.client = ack.client
        self.cluster_id = check_id('cluster_id', ack.params.get('cluster_id'))
        self.name = ack.params.get('name')
        self.cluster_type = cluster_type

    def describe(self):
        return 'cluster %s' % self.cluster_id if self.cluster_id else 'cluster named %r' % self.name

    def lookup(self):
        """The detail, without waiting; None when there is no such cluster."""
        if self.cluster_id:
            return describe_cluster(self.client, self.cluster_id)
        if not self.name:
            raise AckModuleError('one of cluster_id or name is required')
        found = find_clusters(self.client, name=self.name, cluster_type=self.cluster_type)
        if len(found) > 1:
            raise AckModuleError('%d clusters are named %r: %s; set cluster_id (or cluster_type) to choose one' % (
                len(found), self.name, ', '.join(sorted(c['cluster_id'] for c in found))))
        if not found:
            return None
        return describe_cluster(self.client, found[0]['cluster_id'])

    def find(self):
        """The cluster once settled (when wait is on); a cluster being deleted counts as absent."""
        cluster = self.lookup()
        state = (cluster or {}).get('state')
        if state == 'deleting':
            if self.ack.wait:
                self.ack.waiter.wait(cluster_gone(self.client, cluster['cluster_id']))
            return None
        if state in SETTLING and self.ack.wait:
            return self.ack.waiter.wait(cluster_running(self.client, cluster['cluster_id']))
        return cluster

    def require(self, states=('running',), doing='this task'):
        """The settled cluster, which must exist and be in one of states; else a one-line refusal."""
        cluster = self.find()
        if cluster is None:
            raise AckModuleError('%s was not found' % self.describe())
        if states and cluster.get('state') not in states:
            raise AckModuleError('cluster %s is %s; %s needs it %s' % (
                cluster['cluster_id'], cluster.get('state'), doing, ' or '.join(states)), cluster=cluster)
        return cluster
