"""Fault injection and introspection: throttling, 5xx, latency, dropped connections, apply-then-drop, seeds,
operation filters, task failures, CLI flags, stats and reset."""
import http.client
import time

import pytest

from conftest import MANAGED_BODY, new_sdk_client


def quota(emu):
    return emu.signed('GET', '/quota', action='DescribeUserQuota')


def test_throttling(emulator):
    emulator.admin('faults', {'throttle_rate': 1.0})
    r = quota(emulator)
    assert r.status == 429
    assert r.json['Code'] == 'Throttling.User' and r.json['RequestId'] and 'x-acs-retry-after' not in r.headers
    emulator.admin('faults', {'throttle_rate': 1.0, 'retry_after_ms': 1500})
    r = quota(emulator)
    assert r.headers['x-acs-retry-after'] == '1500'
    stats = emulator.admin('stats')
    assert stats['requests']['DescribeUserQuota'] == 2
    assert stats['faults_injected']['throttle_rate:DescribeUserQuota'] == 2


def test_new_sdk_sees_throttling_with_retry_after(emulator):
    emulator.admin('faults', {'throttle_rate': 1.0, 'retry_after_ms': 20})
    client = new_sdk_client(emulator)
    with pytest.raises(Exception) as e:
        client.describe_user_quota()
    inner = getattr(e.value, 'inner_exception', None) or e.value
    assert 'Throttling.User' in repr(inner) or 'Throttling.User' in str(e.value)


def test_server_errors(emulator):
    emulator.admin('faults', {'error_rate': 1.0})
    r = quota(emulator)
    assert (r.status, r.json['Code']) == (503, 'ServiceUnavailable')


def test_latency(emulator):
    emulator.admin('faults', {'latency_ms': 250})
    start = time.monotonic()
    assert quota(emulator).status == 200
    assert time.monotonic() - start >= 0.25


def test_dropped_connection(emulator):
    emulator.admin('faults', {'drop_rate': 1.0})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)):
        quota(emulator)
    emulator.admin('faults', {})
    assert quota(emulator).status == 200
    assert emulator.admin('stats')['faults_injected'] == {'drop_rate:DescribeUserQuota': 1}


def test_apply_then_drop_for_writes(emulator):
    emulator.set_time_scale(0)
    emulator.admin('faults', {'drop_after_apply_rate': 1.0})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)):
        emulator.signed('POST', '/clusters', body=MANAGED_BODY, action='CreateCluster')
    # reads are never dropped by this fault; the write was applied
    listed = emulator.signed('GET', '/clusters', action='DescribeClusters')
    assert listed.status == 200 and [c['name'] for c in listed.json] == [MANAGED_BODY['name']]
    # a blind retry now hits the name check (a client_token avoids that)
    emulator.admin('faults', {})
    r = emulator.signed('POST', '/clusters', body=MANAGED_BODY, action='CreateCluster')
    assert r.json['code'] == 'ClusterNameAlreadyExist'


def test_apply_then_drop_with_client_token_retry(emulator):
    emulator.set_time_scale(0)
    emulator.admin('faults', {'drop_after_apply_rate': 1.0, 'operations': ['CreateCluster']})
    body = dict(MANAGED_BODY, client_token='retry-token-1')
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)):
        emulator.signed('POST', '/clusters', body=body, action='CreateCluster')
    emulator.admin('faults', {})
    r = emulator.signed('POST', '/clusters', body=body, action='CreateCluster')
    assert r.status == 202
    assert len(emulator.signed('GET', '/clusters', action='DescribeClusters').json) == 1


def pattern(emu, n=30):
    return [quota(emu).status for _ in range(n)]


def test_seed_makes_faults_repeatable(emulator):
    emulator.admin('faults', {'throttle_rate': 0.5, 'seed': 42})
    first = pattern(emulator)
    emulator.admin('faults', {'throttle_rate': 0.5, 'seed': 42})
    second = pattern(emulator)
    assert first == second and 429 in first and 200 in first
    emulator.admin('faults', {'throttle_rate': 0.5, 'seed': 7})
    assert pattern(emulator) != first


def test_operation_filter(emulator):
    emulator.admin('faults', {'throttle_rate': 1.0, 'operations': ['DescribeUserQuota']})
    assert quota(emulator).status == 429
    assert emulator.signed('GET', '/clusters', action='DescribeClusters').status == 200


def test_fault_settings_are_validated(emulator):
    for bad in ({'throttle_rate': 1.5}, {'latency_ms': -1}, {'operations': ['NoSuchOp']}, {'bogus': 1},
                {'error_rate': 'x'}):
        with pytest.raises(AssertionError) as e:
            emulator.admin('faults', bad)
        assert '400' in str(e.value)
    assert emulator.admin('faults')['throttle_rate'] == 0.0


def test_task_failure_rate(emulator):
    emulator.set_time_scale(0)
    emulator.admin('faults', {'task_fail_rate': 1.0, 'operations': ['CreateCluster']})
    r = emulator.signed('POST', '/clusters', body=MANAGED_BODY, action='CreateCluster')
    task = emulator.wait_task(r.json['task_id'])
    assert task['state'] == 'failed' and task['error']['code'] == 'InjectedTaskFailure'
    emulator.wait_cluster(r.json['cluster_id'], state='failed')


def test_reset_clears_state_counters_and_faults(emulator):
    emulator.set_time_scale(0)
    emulator.create_cluster()
    emulator.admin('faults', {'error_rate': 1.0})
    emulator.admin('reset', {})
    assert emulator.admin('stats')['requests'] == {}
    assert quota(emulator).status == 200
    assert emulator.signed('GET', '/clusters', action='DescribeClusters').json == []
    assert emulator.admin('config')['time_scale'] == 0.001


def test_cli_fault_flags(emulator_factory):
    emu = emulator_factory('--throttle-rate', '1', '--fault-operations', 'DescribeUserQuota', '--retry-after-ms',
                           '900', '--seed', '3', time_scale=0)
    r = quota(emu)
    assert (r.status, r.headers.get('x-acs-retry-after')) == (429, '900')
    assert emu.signed('GET', '/clusters', action='DescribeClusters').status == 200
    faults = emu.admin('faults')
    assert faults['operations'] == ['DescribeUserQuota'] and faults['seed'] == 3
    # reset goes back to the start-up faults
    emu.admin('faults', {})
    emu.admin('reset', {})
    assert quota(emu).status == 429


def test_cli_drop_and_latency_flags(emulator_factory):
    emu = emulator_factory('--latency-ms', '100', '--drop-rate', '1', '--fault-operations', 'DescribeClusters',
                           time_scale=0)
    start = time.monotonic()
    assert quota(emu).status == 200
    assert time.monotonic() - start < 0.1
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)):
        emu.signed('GET', '/clusters', action='DescribeClusters')
