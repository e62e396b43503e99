# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-rulebook event source alicloud.ack.ack_events: polls ACK clusters and puts one event per change."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Events of Alibaba Cloud ACK clusters, one per change
description:
  - Polls the clusters of one or more regions every O(interval) seconds (DescribeClustersV1, and per cluster
    DescribeClusterNodes, DescribeClusterLogs, DescribeKubernetesVersionMetadata and DescribeClusterAddonsVersion,
    as O(watch) says) and puts one event on the queue per change, not per poll.
  - The first poll sets the baseline and puts no event, unless O(emit_initial=true).
  - "Every event has C(type), C(cluster_id), C(cluster_name), C(region), C(cluster_type), C(cluster_state),
    C(cluster_version), C(tags) (the cluster's user tags as a dict) and C(observed_at) (UTC, ISO 8601)."
  - "C(cluster_added), C(cluster_removed) (deleted, or no longer matching the filters; C(last_state)),
    C(cluster_state_changed) (C(from), C(to))."
  - "C(task_finished) (C(task), C(message), C(log)) and C(task_failed) (C(task), C(error) with C(code) and
    C(message), C(log)): from the outcome lines new in the cluster's log (DescribeClusterLogs: an C(ERROR) line
    or one starting with C(Failed) is a failure, C(Start to ...) lines are skipped), else from the cluster leaving
    a busy state (C(initial), C(updating), C(scaling), C(removing), C(upgrading), ...) for C(running) or C(failed).
    DescribeClusterTasks is not used."
  - "C(node_added), C(node_removed), C(node_state_changed): C(node) (C(instance_id), C(node_name),
    C(instance_role), C(instance_type), C(nodepool_id), C(ip_address), C(state), C(node_status),
    C(error_message)), C(from) and C(to) (each C(state) and C(node_status), V(null) for an added or removed
    node). A node that stops being ready is a C(node_state_changed) whose C(to.node_status) is C(NotReady)."
  - "C(upgrade_available) (C(current_version), C(version): the newest offered, C(versions)): when the newest
    version offered to a running cluster changes. C(addon_upgradable) (C(addon), C(version), C(next_version)):
    when an installed add-on of a running cluster can be upgraded to a version it could not before."
  - "C(api_error) (C(code), C(message), C(operation), C(http_status), C(request_id), C(failures), C(retry_in)):
    a poll failed; the source keeps polling, waiting twice as long after each failure in a row (at most
    O(max_backoff) seconds). It puts an C(api_error) for the first failure in a row and for each new error code,
    then C(api_recovered) (C(failures)) when a poll succeeds again. What the source knows does not change while
    polls fail."
  - A cluster first seen after the baseline is C(cluster_added), followed by C(node_added) for its nodes and its
    C(upgrade_available) and C(addon_upgradable) events; its log so far is not told.
  - Credentials and the endpoint are found as by the modules of this collection; secrets are never logged or put
    in an event.
options:
  regions:
    description:
      - Regions to read. Not set, the one region of O(alicloud_region) or its fallbacks.
    type: list
    elements: str
  cluster_ids:
    description: Only the clusters with these ids.
    type: list
    elements: str
  cluster_names:
    description: Only the clusters with exactly these names.
    type: list
    elements: str
  cluster_types:
    description: Only the clusters of these types, such as V(ManagedKubernetes).
    type: list
    elements: str
  cluster_tags:
    description: Only the clusters that carry every one of these tags (a V(null) value matches any value).
    type: dict
  interval:
    description: Seconds between two polls.
    type: float
    default: 60
  emit_initial:
    description: Put the events of the first poll too, compared with nothing (every cluster is added).
    type: bool
    default: false
  watch:
    description:
      - What to watch besides the clusters' states. Each costs a call per cluster and poll (upgrades and
        add-ons only for running clusters; the versions offered are asked once per kind of cluster and version).
    type: list
    elements: str
    choices: [nodes, tasks, upgrades, addons]
    default: [nodes, tasks, upgrades, addons]
  max_backoff:
    description: The longest wait, in seconds, between polls after failed polls.
    type: float
    default: 600
  max_workers:
    description: How many clusters are read at the same time.
    type: int
    default: 4
  alicloud_access_key:
    description: AccessKey ID. Falls back as in the modules (E(ALIBABA_CLOUD_ACCESS_KEY_ID), ...).
    type: str
    aliases: [access_key]
  alicloud_secret_key:
    description: AccessKey secret. Never logged.
    type: str
    aliases: [secret_key]
  alicloud_security_token:
    description: STS token. Never logged.
    type: str
    aliases: [security_token]
  alicloud_region:
    description: Region of the client, when O(regions) is not set.
    type: str
    aliases: [region]
  profile:
    description: Profile of the aliyun CLI configuration file.
    type: str
  shared_credentials_file:
    description: The aliyun CLI configuration file (default C(~/.aliyun/config.json)).
    type: str
  endpoint:
    description: ACK API endpoint. Falls back to E(ALIBABA_CLOUD_ACK_ENDPOINT), then to the region's public one.
    type: str
  signature_version:
    description: V(v1) (ROA HMAC-SHA1) or V(v3) (ACS3-HMAC-SHA256).
    type: str
    default: v1
  validate_certs:
    description: Verify the endpoint's TLS certificate.
    type: bool
    default: true
  connect_timeout:
    description: Seconds to connect.
    type: int
    default: 10
  read_timeout:
    description: Seconds to wait for an answer.
    type: int
    default: 60
  api_retries:
    description: Retries of a throttled or failed call within a poll (fewer than the modules' 12; the poll repeats).
    type: int
    default: 3
  api_retry_max_delay:
    description: The longest wait between two retries of a call, in seconds.
    type: int
    default: 20
'''

EXAMPLES = r'''
---
- name: Heal the ACK fleet
  hosts: localhost
  sources:
    - alicloud.ack.ack_events:
        regions: [cn-hangzhou, cn-beijing]
        cluster_tags: {env: prod}
        interval: 60
  rules:
    - name: A worker node stopped being ready
      condition: >-
        event.type == "node_state_changed" and event.to.node_status == "NotReady"
        and event.to.state in ["running", "failed"] and event.node.instance_role == "Worker"
      action:
        run_playbook:
          name: alicloud.ack.eda_replace_node
    - name: An upgrade became available
      condition: event.type == "upgrade_available"
      action:
        run_playbook:
          name: alicloud.ack.eda_upgrade_plan
    - name: The ACK API failed
      condition: event.type == "api_error"
      action:
        debug:
          msg: "ACK API error {{ event.code }}: {{ event.message }}"
'''

import asyncio
import datetime
import importlib.util
import logging
import os
import sys


def _collections_root(path):
    """The folder that holds ansible_collections/ (ansible-rulebook runs a source from its path, so the
    collection's own packages are importable only once that folder is on sys.path)."""
    parts = os.path.abspath(path).split(os.sep)
    if 'ansible_collections' not in parts:
        return None
    return os.sep.join(parts[:len(parts) - 1 - parts[::-1].index('ansible_collections')]) or os.sep


def _importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


if not _importable('ansible_collections.alicloud.ack.plugins.module_utils._events') and _collections_root(__file__):
    sys.path.insert(0, _collections_root(__file__))

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError  # noqa: E402
from ansible_collections.alicloud.ack.plugins.module_utils._connect import client_from_options  # noqa: E402
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError, one_line  # noqa: E402
from ansible_collections.alicloud.ack.plugins.module_utils._events import (  # noqa: E402
    Differ,
    Poller,
    backoff,
)
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import Filters  # noqa: E402

LOG = logging.getLogger('alicloud.ack.ack_events')
ALIASES = dict(access_key='alicloud_access_key', secret_key='alicloud_secret_key',
               security_token='alicloud_security_token', region='alicloud_region')
CONNECTION = ('alicloud_access_key', 'alicloud_secret_key', 'alicloud_security_token', 'alicloud_region', 'profile',
              'shared_credentials_file', 'endpoint', 'signature_version', 'validate_certs', 'connect_timeout',
              'read_timeout', 'api_retries', 'api_retry_max_delay')
WATCHABLE = ('nodes', 'tasks', 'upgrades', 'addons')


def to_bool(value):
    return value is True or str(value).lower() in ('true', 'yes', 'on', '1')


def connection_options(args):
    """The connection options of args (aliases resolved), with the source's defaults."""
    options = dict((ALIASES.get(k, k), v) for k, v in args.items()
                   if ALIASES.get(k, k) in CONNECTION and v is not None)
    options.setdefault('endpoint', os.environ.get('ALIBABA_CLOUD_ACK_ENDPOINT') or None)
    options.setdefault('api_retries', 3)
    if 'validate_certs' in options:
        options['validate_certs'] = to_bool(options['validate_certs'])
    return options


def settings(args):
    """(interval, max_backoff, watch, emit_initial, workers) from args; ValueError names a bad one."""
    given = dict((k, v) for k, v in args.items() if v is not None)  # a rulebook variable left out is None
    interval, max_backoff = float(given.get('interval', 60)), float(given.get('max_backoff', 600))
    if interval <= 0 or max_backoff <= 0:
        raise ValueError('ack_events: interval and max_backoff must be more than 0')
    watch = given.get('watch', WATCHABLE)
    unknown = [w for w in watch if w not in WATCHABLE]
    if unknown:
        raise ValueError('ack_events: watch takes %s, not %s' % (', '.join(WATCHABLE), ', '.join(unknown)))
    return interval, max_backoff, list(watch), to_bool(given.get('emit_initial')), int(given.get('max_workers', 4))


def make_poller(args, watch, workers):
    options = connection_options(args)

    def make_client(region):
        chosen = dict(options)
        if region:
            chosen['alicloud_region'] = region
        return client_from_options(chosen)

    try:
        make_client(None).close()  # bad options or missing credentials fail here, before any poll
    except AckModuleError as e:
        raise ValueError('ack_events: %s' % e)
    filters = Filters(args.get('cluster_ids'), args.get('cluster_names'), args.get('cluster_types'),
                      args.get('cluster_tags'))
    return Poller(make_client, args.get('regions'), filters, watch=['clusters'] + watch, workers=workers)


def error_event(error, failures, retry_in):
    """An AckApiError, or an AckModuleError (options or credentials that stopped working: code None)."""
    event = dict((name, getattr(error, name, None)) for name in ('code', 'operation', 'http_status', 'request_id'))
    event.update(type='api_error', message=one_line(getattr(error, 'message', None) or error), failures=failures,
                 retry_in=retry_in, observed_at=utc_now())
    return event


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


async def main(queue, args):
    """Poll forever: one event per change; API errors are events, and the polls go on with backoff."""
    interval, max_backoff, watch, emit_initial, workers = settings(args)
    poller = make_poller(args, watch, workers)
    differ = Differ(emit_initial=emit_initial)
    loop = asyncio.get_running_loop()
    failures, last_code, polls = 0, None, 0
    try:
        while True:
            polls += 1
            try:
                snapshot = await loop.run_in_executor(None, poller.read)
            except (AckApiError, AckModuleError) as error:
                failures += 1
                delay = backoff(interval, failures, max_backoff)
                LOG.warning('ack_events: poll %d failed (%d in a row), next in %.0f s: %s', polls, failures, delay,
                            one_line(error))
                code = getattr(error, 'code', None)
                if failures == 1 or code != last_code:
                    await queue.put(error_event(error, failures, delay))
                last_code = code
                await asyncio.sleep(delay)
                continue
            if failures:
                await queue.put(dict(type='api_recovered', failures=failures, observed_at=utc_now()))
            failures, last_code = 0, None
            events = differ.events(snapshot, observed_at=utc_now())
            for event in events:
                await queue.put(event)
            LOG.info('ack_events: poll %d: %d clusters, %d events', polls, len(snapshot), len(events))
            await asyncio.sleep(interval)
    finally:
        poller.close()


if __name__ == '__main__':
    # Run by hand: print the events (credentials and endpoint from the environment), ten seconds apart.
    class PrintQueue(object):
        async def put(self, event):
            print(event)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(PrintQueue(), dict(interval=10, emit_initial=True)))
