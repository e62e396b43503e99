# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Events of ACK clusters, for the event source alicloud.ack.ack_events (extensions/eda): a Poller reads a
snapshot of the watched clusters, a Differ (pure) turns two snapshots into one event per change.

Knows nothing of Ansible or asyncio. A snapshot is {cluster_id: entry}; an entry has `cluster` (always) and, when
they were read, `nodes` {instance_id: node}, `logs` [log], `upgrades` [versions] and `addons` {name: {version, next_version}}.
A key left out was not read this time (the cluster was busy, or it is not watched): the Differ keeps what it knew.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

from ansible_collections.alicloud.ack.plugins.module_utils._addon import read_versions, truthy
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import CLUSTER_ABSENT, SETTLING
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import list_clusters, list_nodes
from ansible_collections.alicloud.ack.plugins.module_utils._tags import tags_to_dict
from ansible_collections.alicloud.ack.plugins.module_utils._upgrade import by_version, parse_version, upgradable_versions
from ansible_collections.alicloud.ack.plugins.module_utils._workers import ClientPool, run_threads

WATCH = ('clusters', 'nodes', 'tasks', 'upgrades', 'addons')
NO_NODES = ('Ask',)  # serverless clusters have no nodes
BUSY = SETTLING + ('upgrading', 'deleting')  # a cluster in one of these runs a task
NODE_KEYS = ('instance_id', 'node_name', 'instance_role', 'instance_type', 'nodepool_id', 'ip_address', 'state',
             'node_status', 'error_message')


# ---------------------------------------------------------------- reading


def cluster_view(cluster):
    return dict(cluster_id=cluster.get('cluster_id'), name=cluster.get('name'), region_id=cluster.get('region_id'),
                cluster_type=cluster.get('cluster_type'), profile=cluster.get('profile'), state=cluster.get('state'),
                current_version=cluster.get('current_version'), next_version=cluster.get('next_version') or None,
                tags=tags_to_dict(cluster.get('tags'), user_only=True))


def read_logs(client, cluster_id):
    """DescribeClusterLogs, oldest first, as [{created, level, message}]; [] when the cluster went away."""
    answer = client.call('DescribeClusterLogs', 'GET', '/clusters/{}/logs', cluster_id, absent=CLUSTER_ABSENT)
    entries = [e for e in answer or [] if isinstance(e, dict)]
    logs = [dict(created=e.get('created'), level=str(e.get('log_level') or ''), message=str(e.get('cluster_log') or ''))
            for e in entries]
    return sorted(logs, key=lambda e: str(e['created'] or ''))


class Stopped(Exception):
    """The poller was closed while it read: what it was reading is dropped."""


class Poller(object):
    """Reads snapshots: the clusters of each region that match the filters, then per cluster what is watched, at
    most `workers` clusters at a time, in daemon threads of the read. Errors (AckApiError) leave to the caller.
    close() stops a read under way: its retry waits end, no call starts (Stopped), a call in flight ends within its
    read timeout."""

    def __init__(self, make_client, regions, filters, watch=WATCH, workers=4):
        self.make_client = make_client
        self.stopped = threading.Event()
        self.workers = max(1, workers)
        self.regions = regions or [None]
        self.filters = filters
        self.watch = set(watch)
        self.offers = {}  # (region, type, profile, version) -> upgrades offered, within one read

    def _client(self, region):
        """A client whose calls and retry waits stop when the poller is closed."""
        client = self.make_client(region)
        call = client.call

        def guarded(*args, **kwargs):
            if self.stopped.is_set():
                raise Stopped()
            return call(*args, **kwargs)

        def sleep(seconds):  # the client caps retry delays at api_retry_max_delay
            if self.stopped.wait(seconds):
                raise Stopped()

        client.call, client.sleep = guarded, sleep  # paginate_pages calls self.call: guarded too
        return client

    def read(self):
        self.offers = {}
        clients = ClientPool(self._client)  # one client per thread and region, closed with the read
        try:
            listed = run_threads(lambda r: [(r, c) for c in list_clusters(clients.get(r), self.filters)],
                                 self.regions, self.workers)
            pairs = [pair for part in listed for pair in part]
            entries = run_threads(lambda pair: self.read_cluster(clients.get(pair[0]), pair[1]), pairs, self.workers)
        finally:
            clients.close()
        return dict((e['cluster']['cluster_id'], e) for e in entries)

    def read_cluster(self, client, cluster):
        cluster_id = cluster['cluster_id']
        entry = dict(cluster=cluster_view(cluster))
        if 'nodes' in self.watch and cluster.get('cluster_type') not in NO_NODES:
            entry['nodes'] = dict((n['instance_id'], dict((k, n.get(k)) for k in NODE_KEYS))
                                  for n in list_nodes(client, cluster_id) if n.get('instance_id'))
        if 'tasks' in self.watch:
            entry['logs'] = read_logs(client, cluster_id)
        if cluster.get('state') != 'running':
            return entry  # upgrades and add-ons are told for running clusters only
        if 'upgrades' in self.watch:
            entry['upgrades'] = self.upgrades(client, cluster)
        if 'addons' in self.watch:
            entry['addons'] = dict((name, dict(version=e.get('version'), next_version=e['next_version']))
                                   for name, e in read_versions(client, cluster_id).items()
                                   if truthy(e.get('can_upgrade')) and e.get('next_version'))
        return entry

    def upgrades(self, client, cluster):
        """The versions offered to the cluster, oldest first: its next_version when ACK fills it, else
        DescribeKubernetesVersionMetadata (asked once per kind of cluster and version in a read)."""
        version = cluster.get('current_version') or ''
        if cluster.get('next_version'):
            return [cluster['next_version']]
        if not parse_version(version):
            return []
        key = (cluster.get('region_id'), cluster.get('cluster_type'), cluster.get('profile'), version)
        if key not in self.offers:
            self.offers[key] = upgradable_versions(client, cluster, version)
        return list(self.offers[key])

    def close(self):
        self.stopped.set()


# ---------------------------------------------------------------- comparing


def _node_state(node):
    return None if node is None else dict(state=node.get('state'), node_status=node.get('node_status'))


def _failure(message):
    """'Failed to <task>: <code>: <message>' -> (task, {code, message}); other texts keep the whole message."""
    head, sep, rest = message.partition(': ')
    code, sep2, text = rest.partition(': ')
    if sep and sep2 and code and ' ' not in code:
        task = head[len('Failed to '):] if head.startswith('Failed to ') else head
        return task, dict(code=code, message=text)
    return None, dict(code=None, message=message)


def _is_error(log):
    return log['level'].lower() in ('error', 'fatal') or log['message'].lower().startswith('failed')


def _log_key(log):
    return (log['created'], log['level'], log['message'])


class Differ(object):
    """Snapshot in, events out: one event per change since the previous snapshot. The first snapshot is the
    baseline: no event, unless emit_initial (then it is compared with nothing: every cluster is added)."""

    def __init__(self, emit_initial=False):
        self.known = None if not emit_initial else {}

    def events(self, snapshot, observed_at=None):
        baseline = self.known is None
        known = self.known or {}
        out = []
        merged = {}
        for cluster_id in sorted(snapshot):
            entry = snapshot[cluster_id]
            before = known.get(cluster_id)
            merged[cluster_id] = now = self._merge(before, entry)
            if not baseline:
                out.extend(self._cluster_events(before, now))
        for cluster_id in sorted(set(known) - set(snapshot)):
            gone = known[cluster_id]['cluster']
            if not baseline:
                out.append(self._event('cluster_removed', gone, last_state=gone.get('state')))
        self.known = merged
        if observed_at:
            for event in out:
                event['observed_at'] = observed_at
        return out

    @staticmethod
    def _merge(before, entry):
        """The entry, with what was not read this time taken from before."""
        now = dict(entry)
        for key in ('nodes', 'logs', 'upgrades', 'addons'):
            if key not in now and before and key in before:
                now[key] = before[key]
        return now

    @staticmethod
    def _event(kind, cluster, **fields):
        event = dict(type=kind, cluster_id=cluster.get('cluster_id'), cluster_name=cluster.get('name'),
                     region=cluster.get('region_id'), cluster_type=cluster.get('cluster_type'),
                     cluster_state=cluster.get('state'), cluster_version=cluster.get('current_version'),
                     tags=dict(cluster.get('tags') or {}))
        event.update(fields)
        return event

    def _cluster_events(self, before, now):
        cluster = now['cluster']
        out = []
        if before is None:
            out.append(self._event('cluster_added', cluster))
        elif before['cluster'].get('state') != cluster.get('state'):
            out.append(self._event('cluster_state_changed', cluster, **{'from': before['cluster'].get('state'),
                                                                        'to': cluster.get('state')}))
        if before is not None:
            out.extend(self._task_events(before, now))
        out.extend(self._node_events(before, now))
        out.extend(self._upgrade_events(before, now))
        out.extend(self._addon_events(before, now))
        return out

    def _task_events(self, before, now):
        """Outcome lines new in the cluster's log; else a busy state left for running or failed."""
        cluster = now['cluster']
        out = []
        if 'logs' in before and 'logs' in now:
            seen = set(_log_key(log) for log in before['logs'])
            for log in now['logs']:
                if _log_key(log) in seen or log['message'].lower().startswith('start to'):
                    continue
                if _is_error(log):
                    task, error = _failure(log['message'])
                    out.append(self._event('task_failed', cluster, task=task, error=error, log=log))
                else:
                    out.append(self._event('task_finished', cluster, task=None, message=log['message'], log=log))
        was, state = before['cluster'].get('state'), cluster.get('state')
        if not out and was in BUSY and state in ('running', 'failed') and was != state:
            if state == 'failed':
                out.append(self._event('task_failed', cluster, task=was, log=None, error=dict(
                    code=None, message='the cluster went from %s to failed' % was)))
            else:
                out.append(self._event('task_finished', cluster, task=was, log=None,
                                       message='the cluster went from %s to running' % was))
        return out

    def _node_events(self, before, now):
        if 'nodes' not in now:
            return []
        cluster = now['cluster']
        old = (before or {}).get('nodes') or {}
        new = now['nodes']
        out = []
        for instance_id in sorted(set(old) | set(new), key=lambda i: ((new.get(i) or old.get(i)).get('node_name') or '', i)):
            a, b = old.get(instance_id), new.get(instance_id)
            if a is None:
                kind = 'node_added'
            elif b is None:
                kind = 'node_removed'
            elif _node_state(a) != _node_state(b):
                kind = 'node_state_changed'
            else:
                continue
            out.append(self._event(kind, cluster, node=dict(b or a), **{'from': _node_state(a), 'to': _node_state(b)}))
        return out

    def _upgrade_events(self, before, now):
        offered = now.get('upgrades')
        if not offered:
            return []
        newest = by_version(offered)[-1]
        had = (before or {}).get('upgrades')
        if had and by_version(had)[-1] == newest:
            return []
        cluster = now['cluster']
        return [self._event('upgrade_available', cluster, current_version=cluster.get('current_version'),
                            version=newest, versions=by_version(offered))]

    def _addon_events(self, before, now):
        addons = now.get('addons')
        if not addons:
            return []
        had = (before or {}).get('addons') or {}
        return [self._event('addon_upgradable', now['cluster'], addon=name, version=addons[name]['version'],
                            next_version=addons[name]['next_version'])
                for name in sorted(addons) if (had.get(name) or {}).get('next_version') != addons[name]['next_version']]


def backoff(interval, failures, max_delay):
    """Seconds before the next poll: the interval, doubled for each failed poll in a row, at most max_delay."""
    if failures <= 0:
        return interval
    return min(max(interval, max_delay), interval * (2 ** min(failures, 16)))
