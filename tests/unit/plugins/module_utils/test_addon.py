"""Add-on helpers without the API: version order, config text, states from upgrade status."""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._addon import (
    config_text,
    last_failure,
    state_of,
    truthy,
    version_key,
)
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError


@pytest.mark.parametrize('older, newer', [
    ('v1.2.9', 'v1.2.10'),
    ('v1.8.4.1-3a376cc-aliyun', 'v1.9.3.10-7dfca203-aliyun'),
    ('v0.15.1.4-e02c8f12-aliyun', 'v0.15.1.22-20a397e6-aliyun'),
    ('v1.2.1-aliyun.1', 'v1.2.1-aliyun.2'),
    ('v1.2.1-aliyun.9', 'v1.2.1-aliyun.10'),
    ('1.2.7', '1.2.16'),
    ('1.1.3', 'v1.1.17'),
    ('v1.2', 'v1.2.0.1'),
])
def test_versions_compare_by_their_numbers(older, newer):
    assert version_key(older) < version_key(newer)
    assert sorted([newer, older], key=version_key) == [older, newer]


def test_versions_without_numbers_still_compare():
    assert version_key('beta') < version_key('gamma')
    assert version_key('') < version_key('v1')


@pytest.mark.parametrize('config, text', [
    (None, None),
    ('', None),
    ({'b': 1, 'a': 'x'}, '{"a":"x","b":1}'),
    ('{"IngressDashboardEnabled": "true"}', '{"IngressDashboardEnabled": "true"}'),
])
def test_config_is_sent_as_json_text(config, text):
    assert config_text('logtail-ds', config) == text


@pytest.mark.parametrize('config', ['{not json', '[1, 2]', '"text"', 3, ['a']])
def test_config_must_be_a_json_object(config):
    with pytest.raises(AckModuleError, match='config of add-on logtail-ds'):
        config_text('logtail-ds', config)


@pytest.mark.parametrize('tasks, state', [
    ({'status': 'running', 'type': 'install'}, 'installing'),
    ({'status': 'Running', 'type': 'upgrade'}, 'upgrading'),
    ({'status': 'running', 'type': 'uninstall'}, 'uninstalling'),
    ({'status': 'failed', 'type': 'install'}, 'failed'),
    ({'status': 'failed', 'type': 'upgrade'}, 'active'),  # a failed upgrade leaves the old version running
    ({'status': 'success', 'type': 'upgrade'}, 'active'),
    ({}, 'active'),
])
def test_state_from_the_last_operation(tasks, state):
    assert state_of({'tasks': tasks}) == state


def test_state_the_api_gives_wins():
    assert state_of({'state': 'upgrading', 'tasks': {'status': 'success'}}) == 'upgrading'
    assert state_of(None) is None


def test_last_failure_of_a_kind():
    status = {'tasks': {'status': 'failed', 'type': 'upgrade', 'message': 'ImagePullBackOff'}}
    assert last_failure(status, 'upgrade') == 'ImagePullBackOff'
    assert last_failure(status, 'install') is None
    assert last_failure({'tasks': {'status': 'success', 'type': 'upgrade'}}, 'upgrade') is None


@pytest.mark.parametrize('value, expected', [(True, True), ('true', True), ('True', True), (False, False),
                                             ('false', False), ('', False), (None, False)])
def test_booleans_as_the_api_spells_them(value, expected):
    assert truthy(value) is expected
