# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ack_events source: the Differ on snapshots (one event per change, baseline, emit_initial), and the source's
main() polling a real local HTTP server (the same reads the emulator answers, API errors, backoff, no secret)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import copy
import importlib.util
import logging
import os

import pytest

pytest.importorskip('requests', reason='the client needs requests')

from ansible_collections.alicloud.ack.plugins.module_utils._events import Differ, backoff  # noqa: E402
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.httpserver import ApiServer  # noqa: E402

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..',
                      'extensions', 'eda', 'plugins', 'event_source', 'ack_events.py')
SECRET = 'TESTaccessKEYsecret0123456789ab'


def load_source():
    spec = importlib.util.spec_from_file_location('ack_events_under_test', SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the Differ, on snapshots


def node(i, state='running', status='Ready'):
    return dict(instance_id='i-%04d' % i, node_name='cn-hangzhou.192.168.0.%d' % i, instance_role='Worker',
                instance_type='ecs.g7.xlarge', nodepool_id='np1', ip_address=['192.168.0.%d' % i], state=state,
                node_status=status, error_message='')


def entry(cid='c1', state='running', nodes=None, logs=None, upgrades=None, addons=None, version='1.30.1-aliyun.1',
          **skip):
    """One cluster of a snapshot; a part named in skip (nodes=..., skip_upgrades=True) is left out: not read."""
    e = dict(cluster=dict(cluster_id=cid, name='k-' + cid, region_id='cn-hangzhou', cluster_type='ManagedKubernetes',
                          profile=None, state=state, current_version=version, next_version=None,
                          tags={'env': 'prod'}))
    parts = dict(nodes=dict((n['instance_id'], n) for n in (nodes if nodes is not None else [node(1), node(2)])),
                 logs=logs or [], upgrades=upgrades if upgrades is not None else ['1.31.1-aliyun.1'],
                 addons=addons or {})
    for key, value in parts.items():
        if not skip.get('skip_' + key):
            e[key] = value
    return e


def snap(*entries):
    return dict((e['cluster']['cluster_id'], copy.deepcopy(e)) for e in entries)


def kinds(events):
    return [e['type'] for e in events]


def test_the_first_snapshot_is_the_baseline_and_an_unchanged_one_says_nothing():
    differ = Differ()
    assert differ.events(snap(entry())) == []
    assert differ.events(snap(entry())) == []
    assert differ.events(snap(entry())) == []


def test_emit_initial_tells_the_first_snapshot_once():
    differ = Differ(emit_initial=True)
    addons = {'coredns': dict(version='v1.8', next_version='v1.9')}
    events = differ.events(snap(entry(addons=addons)), observed_at='2026-01-01T00:00:00Z')
    assert kinds(events) == ['cluster_added', 'node_added', 'node_added', 'upgrade_available', 'addon_upgradable']
    first = events[0]
    assert (first['cluster_id'], first['cluster_name'], first['region'], first['tags'], first['observed_at']) == (
        'c1', 'k-c1', 'cn-hangzhou', {'env': 'prod'}, '2026-01-01T00:00:00Z')
    assert events[1]['from'] is None and events[1]['to'] == dict(state='running', node_status='Ready')
    assert events[3]['version'] == '1.31.1-aliyun.1' and events[3]['current_version'] == '1.30.1-aliyun.1'
    assert events[4]['addon'] == 'coredns' and events[4]['next_version'] == 'v1.9'
    assert differ.events(snap(entry(addons=addons))) == []


def test_a_cluster_state_change_once_and_a_busy_state_left_is_a_task():
    differ = Differ()
    differ.events(snap(entry()))
    events = differ.events(snap(entry(state='scaling', skip_upgrades=True, skip_addons=True)))
    assert kinds(events) == ['cluster_state_changed']
    assert (events[0]['from'], events[0]['to'], events[0]['cluster_state']) == ('running', 'scaling', 'scaling')
    assert differ.events(snap(entry(state='scaling', skip_upgrades=True, skip_addons=True))) == []
    events = differ.events(snap(entry()))  # upgrades read again, unchanged: no upgrade event
    assert kinds(events) == ['cluster_state_changed', 'task_finished']
    assert events[1]['task'] == 'scaling' and events[1]['log'] is None
    events = differ.events(snap(entry(state='updating', skip_upgrades=True)))
    events += differ.events(snap(entry(state='failed', skip_upgrades=True)))
    assert kinds(events) == ['cluster_state_changed', 'cluster_state_changed', 'task_failed']
    assert events[2]['error'] == dict(code=None, message='the cluster went from updating to failed')


def test_node_not_ready_removed_and_added_each_once():
    differ = Differ()
    differ.events(snap(entry()))
    failed = entry(nodes=[node(1, 'failed', 'NotReady'), node(2)])
    events = differ.events(snap(failed))
    assert kinds(events) == ['node_state_changed']
    assert events[0]['node']['instance_id'] == 'i-0001'
    assert events[0]['from'] == dict(state='running', node_status='Ready')
    assert events[0]['to'] == dict(state='failed', node_status='NotReady')
    assert differ.events(snap(failed)) == []
    events = differ.events(snap(entry(nodes=[node(2), node(3, 'pending', 'NotReady')])))
    assert kinds(events) == ['node_removed', 'node_added']
    assert events[0]['to'] is None and events[0]['node']['state'] == 'failed'
    assert events[1]['from'] is None and events[1]['to']['state'] == 'pending'
    # nodes not read this time (a failed read is never a snapshot; a serverless cluster has none): nothing told
    assert differ.events(snap(entry(skip_nodes=True))) == []


def test_log_outcomes_are_tasks_once_and_start_lines_are_skipped():
    start = dict(created='2026-01-01T00:00:00+08:00', level='INFO', message='Start to remove nodes n1 (drain true)')
    differ = Differ()
    differ.events(snap(entry(logs=[start])))
    failed = dict(created='2026-01-01T00:02:00+08:00', level='ERROR',
                  message='Failed to remove nodes n1 (drain true): InvalidStatus.NodeState: node n1 is busy')
    done = dict(created='2026-01-01T00:03:00+08:00', level='INFO', message='Scaled out the cluster by 1 node')
    logs = [start, failed, dict(start, created='2026-01-01T00:02:30+08:00'), done]
    events = differ.events(snap(entry(logs=logs)))
    assert kinds(events) == ['task_failed', 'task_finished']
    assert events[0]['task'] == 'remove nodes n1 (drain true)'
    assert events[0]['error'] == dict(code='InvalidStatus.NodeState', message='node n1 is busy')
    assert events[1]['message'] == 'Scaled out the cluster by 1 node' and events[1]['log'] == done
    assert differ.events(snap(entry(logs=logs))) == []


def test_upgrades_and_addons_told_when_they_change_and_kept_while_not_read():
    differ = Differ()
    addons = {'coredns': dict(version='v1.8', next_version='v1.9')}
    differ.events(snap(entry(upgrades=['1.30.2-aliyun.1', '1.31.1-aliyun.1'], addons=addons)))
    # upgrading: not read; back at 1.31.1 with nothing newer offered: no event, the old offer forgotten
    assert kinds(differ.events(snap(entry(state='upgrading', skip_upgrades=True, skip_addons=True)))) == [
        'cluster_state_changed']
    events = differ.events(snap(entry(version='1.31.1-aliyun.1', upgrades=[], addons=addons)))
    assert kinds(events) == ['cluster_state_changed', 'task_finished']
    events = differ.events(snap(entry(version='1.31.1-aliyun.1', upgrades=['1.32.1-aliyun.1'],
                                      addons={'coredns': dict(version='v1.8', next_version='v1.10'),
                                              'flannel': dict(version='v0.1', next_version='v0.2')})))
    assert kinds(events) == ['upgrade_available', 'addon_upgradable', 'addon_upgradable']
    assert events[0]['version'] == '1.32.1-aliyun.1' and events[0]['cluster_version'] == '1.31.1-aliyun.1'
    assert [(e['addon'], e['next_version']) for e in events[1:]] == [('coredns', 'v1.10'), ('flannel', 'v0.2')]


def test_clusters_added_and_removed_after_the_baseline():
    differ = Differ()
    differ.events(snap(entry('c1')))
    events = differ.events(snap(entry('c1'), entry('c2', state='initial', nodes=[], skip_upgrades=True,
                                                   skip_addons=True)))
    assert kinds(events) == ['cluster_added']
    assert events[0]['cluster_id'] == 'c2' and events[0]['cluster_state'] == 'initial'
    events = differ.events(snap(entry('c1'), entry('c2', nodes=[node(5)])))
    assert kinds(events) == ['cluster_state_changed', 'task_finished', 'node_added', 'upgrade_available']
    events = differ.events(snap(entry('c2', nodes=[node(5)])))
    assert kinds(events) == ['cluster_removed'] and events[0]['last_state'] == 'running'


def test_backoff_doubles_up_to_the_maximum():
    assert [backoff(5, n, 60) for n in range(6)] == [5, 10, 20, 40, 60, 60]
    assert backoff(120, 3, 60) == 120


# ---------------------------------------------------------------- main() against a real local HTTP server


class Cloud(object):
    """The reads the source makes, answered from self.clusters / self.nodes; self.fail: an error answer given
    instead of the next answers (a list of (status, body))."""

    def __init__(self):
        self.clusters = [dict(cluster_id='c1', name='web', cluster_type='ManagedKubernetes', region_id='cn-hangzhou',
                              state='running', current_version='1.31.1-aliyun.1',
                              tags=[{'key': 'env', 'value': 'prod'}, {'key': 'ack.aliyun.com', 'value': 'c1'}])]
        self.nodes = [node(1), node(2)]
        self.fail = []

    def __call__(self, request):
        if self.fail:
            return self.fail.pop(0)
        path = request.path
        if path == '/api/v1/clusters':
            return 200, {}, {'clusters': self.clusters, 'page_info': {'total_count': len(self.clusters)}}
        if path.endswith('/nodes'):
            return 200, {}, {'nodes': self.nodes, 'page': {'total_count': str(len(self.nodes))}}
        if path.endswith('/logs'):
            return 200, {}, []
        if path == '/api/v1/metadata/versions':
            return 200, {}, [{'version': '1.31.1-aliyun.1', 'upgradable_versions': []}]
        if path.endswith('/components/version'):
            return 200, {}, [{'component_name': 'coredns', 'version': 'v1.9', 'can_upgrade': False}]
        return 404, {}, {'code': 'InvalidAction.NotFound', 'message': path}


class Stop(Exception):
    pass


def run_source(cloud, polls, changes=None, **args):
    """Run main() until `polls` waits happened; changes[n] is called before poll n + 1. Returns (events, waits)."""
    module = load_source()
    events, waits = [], []
    real_sleep = asyncio.sleep

    class Queue(object):
        async def put(self, event):
            events.append(event)

    async def sleep(delay):
        waits.append(delay)
        if len(waits) >= polls:
            raise Stop()
        (changes or {}).get(len(waits), lambda: None)()
        await real_sleep(0)

    module.asyncio = type('Asyncio', (), dict(sleep=staticmethod(sleep), get_running_loop=asyncio.get_running_loop))
    with ApiServer(cloud) as server:
        options = dict(endpoint=server.url, alicloud_access_key='LTAI5tTESTACCESSKEYID', alicloud_secret_key=SECRET,
                       alicloud_region='cn-hangzhou', api_retries=0)
        options.update(args)
        with pytest.raises(Stop):
            asyncio.run(module.main(Queue(), options))
    return events, waits


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')
    for name in ('ALIBABA_CLOUD_ACK_ENDPOINT', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'):
        monkeypatch.delenv(name, raising=False)


def test_main_polls_and_tells_only_changes():
    cloud = Cloud()

    def fail_node():
        cloud.nodes = [node(1, 'failed', 'NotReady'), node(2)]

    # None: what a rulebook variable left out gives (`{{ ack_regions | default(None) }}`)
    events, waits = run_source(cloud, polls=5, changes={2: fail_node}, interval=7, regions=None, watch=None,
                               emit_initial=None, cluster_tags={'env': 'prod'})
    assert kinds(events) == ['node_state_changed']
    assert events[0]['tags'] == {'env': 'prod'} and events[0]['cluster_name'] == 'web'
    assert waits == [7, 7, 7, 7, 7]


def test_an_api_error_is_an_event_without_secrets_and_polling_backs_off(caplog):
    cloud = Cloud()
    # the server echoes the secret in its message: the client redacts it before anything sees it
    error = (503, {}, {'code': 'ServiceUnavailable', 'message': 'backend down (key %s)' % SECRET, 'requestId': 'r-1'})

    def outage():
        cloud.fail = [error, error, (400, {}, {'code': 'Throttling.User', 'message': 'slow down'})]

    def fail_node():
        cloud.nodes = [node(1), node(2, 'failed', 'NotReady')]

    caplog.set_level(logging.INFO)
    events, waits = run_source(cloud, polls=7, changes={1: outage, 4: fail_node}, interval=2, max_backoff=5)
    assert kinds(events) == ['api_error', 'api_error', 'api_recovered', 'node_state_changed']
    first = events[0]
    assert (first['code'], first['operation'], first['http_status'], first['request_id'], first['failures']) == (
        'ServiceUnavailable', 'DescribeClustersV1', 503, 'r-1', 1)
    assert events[1]['code'] == 'Throttling.User' and events[2]['failures'] == 3
    assert waits == [2, 4, 5, 5, 2, 2, 2]  # the second 503 in a row is not told again
    assert SECRET not in repr(events) and SECRET not in caplog.text
    assert 'poll 5: 1 clusters, 1 events' in caplog.text


def test_bad_options_fail_before_any_call():
    module = load_source()
    with pytest.raises(ValueError, match='interval'):
        asyncio.run(module.main(None, dict(interval=0)))
    with pytest.raises(ValueError, match='watch takes'):
        asyncio.run(module.main(None, dict(watch=['pods'])))
    with pytest.raises(ValueError, match='endpoint'):
        asyncio.run(module.main(None, dict(endpoint='ftp://x', alicloud_access_key='a', alicloud_secret_key='b',
                                           alicloud_region='cn-hangzhou')))


def test_documentation_is_yaml_and_documents_every_option_read():
    yaml = pytest.importorskip('yaml')
    module = load_source()
    doc = yaml.safe_load(module.DOCUMENTATION)
    documented = set(doc['options'])
    read = set(module.CONNECTION) | {'regions', 'cluster_ids', 'cluster_names', 'cluster_types', 'cluster_tags',
                                     'interval', 'emit_initial', 'watch', 'max_backoff', 'max_workers'}
    assert documented == read
    assert set(doc['options']['watch']['choices']) == set(module.WATCHABLE)
    aliases = dict((a, name) for name, o in doc['options'].items() for a in o.get('aliases', []))
    assert aliases == module.ALIASES
    [rulebook] = yaml.safe_load(module.EXAMPLES)
    assert list(rulebook['sources'][0]) == ['alicloud.ack.ack_events']
