# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster a task names, for every module: find it by cluster_id or unique name, wait out settling states,
refuse a change unless it runs, the one failure for a cluster that does not exist, and the named waits on a
cluster."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
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
    name=dict(type='str', aliases=['cluster_name']),
)


def says_absent(error):
    """An API error that means "no such cluster" (as `absent` of AckClient.call takes it)."""
    return error.code in CLUSTER_ABSENT and error.http_status is not None and error.http_status < 500


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
    """Finds the task's cluster (cluster_id, or name + optional cluster_type) with the task's one waiter.
    name_option: the option that names the cluster (name; cluster_name where name names something else)."""

    def __init__(self, ack, cluster_type=None, name_option='name'):
        self.ack = ack
        self.client = ack.client
        self.cluster_id = check_id('cluster_id', ack.params.get('cluster_id'))
        self.name = ack.params.get(name_option)
        self.cluster_type = cluster_type
        self.missing = None  # the API's answer when it said there is no such cluster
        self.unsettled = False  # check mode saw the cluster settling and did not wait for it

    def describe(self):
        return 'cluster %s' % self.cluster_id if self.cluster_id else 'cluster named %r' % self.name

    def not_found(self, error=None, hint=None):
        """The one failure for a cluster that does not exist: '<cluster> not found', error.code
        ErrorClusterNotFound (the API's error data when the API said it)."""
        error = error or self.missing
        what = '%s not found' % self.describe()
        data = error.to_dict() if error is not None else dict(code=CLUSTER_ABSENT[0], message=what)
        return AckModuleError(what + ('; %s' % hint if hint else ''), error=data)

    def detail(self, cluster_id):
        try:
            return self.client.call('DescribeClusterDetail', 'GET', '/clusters/{}', cluster_id)
        except AckApiError as e:
            if not says_absent(e):
                raise
            self.missing = e
            return None

    def named(self):
        """The one cluster listed by the task's name (DescribeClustersV1), or None."""
        found = find_clusters(self.client, name=self.name, cluster_type=self.cluster_type)
        if len(found) > 1:
            raise AckModuleError('%d clusters are named %r: %s; set cluster_id (or cluster_type) to choose one' % (
                len(found), self.name, ', '.join(sorted(c['cluster_id'] for c in found))))
        return found[0] if found else None

    def find_id(self):
        """The cluster's id without reading its detail (by name: one list); None when no cluster has the name."""
        if self.cluster_id:
            return self.cluster_id
        listed = self.named()
        return listed['cluster_id'] if listed else None

    def lookup(self):
        """The detail, without waiting; None when there is no such cluster."""
        if self.cluster_id:
            return self.detail(self.cluster_id)
        listed = self.named()
        return self.detail(listed['cluster_id']) if listed else None

    def find(self):
        """The cluster once settled (when wait is on); a cluster being deleted counts as absent. Check mode does
        not wait: it plans from the cluster as it is, and says so."""
        cluster = self.lookup()
        state = (cluster or {}).get('state')
        goal = 'deleted' if state == 'deleting' else 'running' if state in SETTLING else None
        if goal and self.ack.wait:
            if self.ack.check_mode:
                self.unsettled = True
                self.ack.warn('cluster %s is %s: check mode plans from it as it is now; a run would first wait for '
                              'it to be %s' % (cluster['cluster_id'], state, goal))
            elif goal == 'deleted':
                self.ack.waiter.wait(cluster_gone(self.client, cluster['cluster_id']))
            else:
                cluster = self.ack.waiter.wait(cluster_running(self.client, cluster['cluster_id']))
        return None if state == 'deleting' else cluster

    def require(self):
        """The settled cluster, which must exist."""
        cluster = self.find()
        if cluster is None:
            raise self.not_found()
        return cluster

    def require_running(self, cluster, doing):
        """Refuse `doing` (a change) unless the cluster is running; one that check mode saw settling passes (a run
        waits for it first)."""
        if cluster.get('state') != 'running' and not self.unsettled:
            raise AckModuleError('cluster %s is %s; %s needs it running' % (
                cluster['cluster_id'], cluster.get('state'), doing), cluster=cluster)
