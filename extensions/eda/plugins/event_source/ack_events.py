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
  - An option that is unknown, of the wrong type or out of range stops the source at its start with one line
    naming it, before any API call. An id of O(cluster_ids) that no region lists is warned of once.
  - When the source is stopped, a poll under way is dropped at once; its call in flight ends within
    O(read_timeout) and no other call follows.
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
    description: Seconds between two polls, more than 0 and at most 86400 (a day).
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
    description: The longest wait, in seconds, between polls after failed polls (more than 0, at most 86400).
    type: float
    default: 600
  max_workers:
    description: How many clusters are read at the same time (1 to 64).
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
import threading


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
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import (  # noqa: E402
    MAX_WORKERS,
    check_filters,
    kind_of,
)

LOG = logging.getLogger('alicloud.ack.ack_events')
ALIASES = dict(access_key='alicloud_access_key', secret_key='alicloud_secret_key',
               security_token='alicloud_security_token', region='alicloud_region')
CONNECTION = ('alicloud_access_key', 'alicloud_secret_key', 'alicloud_security_token', 'alicloud_region', 'profile',
              'shared_credentials_file', 'endpoint', 'signature_version', 'validate_certs', 'connect_timeout',
              'read_timeout', 'api_retries', 'api_retry_max_delay')
WATCHABLE = ('nodes', 'tasks', 'upgrades', 'addons')


FILTERS = ('regions', 'cluster_ids', 'cluster_names', 'cluster_types', 'cluster_tags')
OPTIONS = frozenset(CONNECTION + FILTERS + ('interval', 'emit_initial', 'watch', 'max_backoff', 'max_workers'))
LONGEST_WAIT = 86400  # seconds: the longest interval and max_backoff (a day)
TRUE, FALSE = ('true', 'yes', 'on', '1'), ('false', 'no', 'off', '0')
TEXTS = ('alicloud_access_key', 'alicloud_secret_key', 'alicloud_security_token', 'alicloud_region', 'profile',
         'shared_credentials_file', 'endpoint')
WHOLE = ('connect_timeout', 'read_timeout', 'api_retries', 'api_retry_max_delay')


class OptionError(ValueError):
    """A bad option: one line naming it, before any call."""

    def __init__(self, message):
        super(OptionError, self).__init__('ack_events: %s' % one_line(message))


def boolean(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and str(value).strip().lower() in TRUE + FALSE:
        return str(value).strip().lower() in TRUE
    raise OptionError('%s must be true or false, not %s' % (name, kind_of(value)))


def as_number(name, value, whole=False):
    """A number from a rulebook (a template gives text); whole: an int."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise OptionError('%s must be a number, got %r' % (name, value[:40]))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            whole and isinstance(value, float) and not value.is_integer()):
        raise OptionError('%s must be a %s, not %s' % (name, 'whole number' if whole else 'number', kind_of(value)))
    return int(value) if whole else value


def number(name, value, low, high, whole=False):
    """as_number, more than low (at least low, when whole) and at most high."""
    value = as_number(name, value, whole)
    if not (low <= value if whole else low < value) or not value <= high:  # NaN too
        raise OptionError('%s must be %s %s and at most %s, got %s' % (
            name, 'at least' if whole else 'more than', low, high, value))
    return value if whole else float(value)


def checked(args):
    """The args a rulebook gave, aliases resolved and None (a variable left out) dropped; refuses an unknown
    option and a value of the wrong type."""
    given = {}
    for key, value in args.items():
        name = ALIASES.get(key, key)
        if str(key).startswith('eda_') or value is None:  # what ansible-rulebook adds (eda_feedback_queue)
            continue
        if name not in OPTIONS:
            raise OptionError('unknown option %s; the options are %s' % (str(key)[:60], ', '.join(sorted(OPTIONS))))
        if name in TEXTS and not isinstance(value, str):
            raise OptionError('%s takes text, not %s' % (name, kind_of(value)))
        given[name] = value
    if given.get('signature_version', 'v1') not in ('v1', 'v3'):
        raise OptionError('signature_version takes v1 or v3, not %r' % str(given['signature_version'])[:20])
    for name in WHOLE:
        if name in given:
            given[name] = as_number(name, given[name], whole=True)  # their bounds: client_from_options'
    if 'validate_certs' in given:
        given['validate_certs'] = boolean('validate_certs', given['validate_certs'])
    return given


def connection_options(given):
    """The connection options of the checked args, with the source's defaults."""
    options = dict((k, v) for k, v in given.items() if k in CONNECTION)
    options.setdefault('endpoint', os.environ.get('ALIBABA_CLOUD_ACK_ENDPOINT') or None)
    options.setdefault('api_retries', 3)
    return options


def settings(args):
    """(interval, max_backoff, watch, emit_initial, workers, checked args); OptionError (a ValueError) names a bad
    one, in one line. The filters are checked by make_poller, also before any call."""
    given = checked(args)
    interval = number('interval', given.get('interval', 60), 0, LONGEST_WAIT)
    max_backoff = number('max_backoff', given.get('max_backoff', 600), 0, LONGEST_WAIT)
    watch = given.get('watch', WATCHABLE)
    if not isinstance(watch, (list, tuple)) or not all(isinstance(w, str) for w in watch):
        raise OptionError('watch must be a list of %s' % ', '.join(WATCHABLE))
    unknown = [w for w in watch if w not in WATCHABLE]
    if unknown:
        raise OptionError('watch takes %s, not %s' % (', '.join(WATCHABLE), ', '.join(unknown)[:200]))
    emit_initial = boolean('emit_initial', given.get('emit_initial', False))
    workers = number('max_workers', given.get('max_workers', 4), 1, MAX_WORKERS, whole=True)
    return interval, max_backoff, list(watch), emit_initial, workers, given


def make_poller(given, watch, workers):
    options = connection_options(given)

    def make_client(region):
        chosen = dict(options)
        if region:
            chosen['alicloud_region'] = region
        return client_from_options(chosen)

    try:
        filters = check_filters(*(given.get(name) for name in FILTERS))
        make_client(None).close()  # bad options or missing credentials fail here, before any poll
    except AckModuleError as e:
        raise OptionError(e.msg)
    return Poller(make_client, given.get('regions'), filters, watch=['clusters'] + watch, workers=workers)


def error_event(error, failures, retry_in):
    """An AckApiError, or an AckModuleError (options or credentials that stopped working: code None)."""
    event = dict((name, getattr(error, name, None)) for name in ('code', 'operation', 'http_status', 'request_id'))
    event.update(type='api_error', message=one_line(getattr(error, 'message', None) or error), failures=failures,
                 retry_in=retry_in, observed_at=utc_now())
    return event


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def in_daemon(loop, func):
    """A future of func() run in a daemon thread of its own: a poll still under way when the source stops is
    dropped, and never keeps the process alive (the loop's default executor would be waited for)."""
    future = loop.create_future()

    def settle(how, value):
        if not future.done():
            how(value)

    def run():
        try:
            outcome = (future.set_result, func())
        except BaseException as error:  # handed to the awaiting task
            outcome = (future.set_exception, error)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop is closed: the source has stopped, nobody waits
            pass

    threading.Thread(target=run, name='ack_events poll', daemon=True).start()
    return future


def warn_missing(filters):
    """Warn once of each asked id no region listed; True."""
    for cluster_id in filters.missing():
        LOG.warning('ack_events: cluster %s not found (cluster_ids); its events come when it appears', cluster_id)
    return True


async def main(queue, args):
    """Poll forever: one event per change; API errors are events, and the polls go on with backoff. Bad options
    fail in one line before any call; a stop (cancel) ends the poll under way."""
    interval, max_backoff, watch, emit_initial, workers, given = settings(args)
    poller = make_poller(given, watch, workers)
    differ = Differ(emit_initial=emit_initial)
    loop = asyncio.get_running_loop()
    failures, last_code, polls, told = 0, None, 0, False
    try:
        while True:
            polls += 1
            try:
                snapshot = await in_daemon(loop, poller.read)
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
            if not told:
                told = warn_missing(poller.filters)
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
