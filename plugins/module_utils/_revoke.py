# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ack_kubeconfig state=revoked: revoke the kubeconfigs a cluster issued to the caller (RevokeK8sClusterKubeConfig),
once for each revoked_before.

The API revokes every kubeconfig of the account that signs the call; the next DescribeClusterUserKubeconfig issues
a new one. A revocation is destructive, so the task needs confirm_revoke, and it is not repeated: it is sent only
when the cluster's task history (DescribeClusterTasks, newest first) has no revocation at or after revoked_before
(to the second).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._history import REVOKE_TASK, all_tasks
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import rfc3339

ARGSPEC = dict(
    confirm_revoke=dict(type='bool', default=False),
    revoked_before=dict(type='str'),
)


def marker(text, now=None):
    """revoked_before as an instant: an RFC 3339 date-time, not in the future."""
    when = rfc3339('revoked_before', text) if text else None
    if not isinstance(when, datetime.datetime):
        raise AckModuleError('revoked_before is required with state=revoked: an RFC 3339 date-time such as '
                             '2024-06-01T10:00:00Z (every kubeconfig issued before it is revoked, once)%s'
                             % ('' if text is None else ', got %r' % text))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if when > now:
        raise AckModuleError('revoked_before %s is in the future: a revocation now would not cover it, and every run '
                             'until then would revoke again' % text)
    return when


class RevokePlanner(object):
    """Revoke the caller's kubeconfigs of the cluster unless a revocation at or after revoked_before is recorded."""

    def __init__(self, ack, ref):
        self.ack = ack
        self.client = ack.client
        self.ref = ref

    def revoked_at(self, cluster_id, since):
        """The time of the newest revocation at or after `since` in the task history, else None."""
        for task in all_tasks(self.client, cluster_id):
            try:
                created = rfc3339('created', task.get('created'))
            except AckModuleError:
                continue
            if created < since:
                return None  # newest first: the rest is older
            if task.get('task_type') == REVOKE_TASK and task.get('state') != 'failed':
                return task.get('created')
        return None

    def plan(self):
        p = self.ack.params
        since = marker(p['revoked_before'])
        if not p['confirm_revoke']:
            raise AckModuleError('state=revoked revokes every kubeconfig the cluster issued to this account (they stop '
                                 'working at once): set confirm_revoke: true to do it')
        cluster = self.ref.require()
        cluster_id = cluster['cluster_id']

        def resource(revoked_at):
            return dict(cluster_id=cluster_id, revoked_before=p['revoked_before'], revoked_at=revoked_at)
        done = self.revoked_at(cluster_id, since)
        before = dict(revoked_before=p['revoked_before'], revoked=done is not None)
        after = dict(before, revoked=True)
        if done is not None:
            return Plan('kubeconfig', resource(done), before, after)
        revoke = Step('RevokeK8sClusterKubeConfig',
                      lambda: self.client.call('RevokeK8sClusterKubeConfig', 'DELETE', '/k8s/{}/certs', cluster_id),
                      recheck=lambda: {} if self.revoked_at(cluster_id, since) else None)
        return Plan('kubeconfig', resource(None), before, after, [revoke],
                    finish=lambda answers: resource(self.revoked_at(cluster_id, since)))
