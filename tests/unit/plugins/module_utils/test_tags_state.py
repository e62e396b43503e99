"""Pure helpers of the state runner and tags (amazon.aws purge_tags semantics)."""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._cluster import differences, user_set
from ansible_collections.alicloud.ack.plugins.module_utils._tags import dict_to_tags, is_system, merge_tags, tags_to_dict
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition, Waiter
from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModuleError


def test_user_set_drops_only_none():
    assert user_set({'a': None, 'b': False, 'c': 0, 'd': '', 'e': []}) == {'b': False, 'c': 0, 'd': '', 'e': []}


def test_differences_compares_only_wanted_keys():
    current = {'a': 1, 'b': 2, 'untouched': 'x'}
    assert differences(current, {'a': 1, 'b': 3}) == {'b': 3}
    assert differences(current, {}) == {}
    assert differences(current, {'missing': None}) == {}


@pytest.mark.parametrize('purge,expected', [
    (True, {'env': 'prod'}),
    (False, {'env': 'prod', 'team': 'a'}),
])
def test_merge_tags(purge, expected):
    assert merge_tags({'env': 'test', 'team': 'a'}, {'env': 'prod'}, purge) == expected


def test_merge_tags_never_takes_system_tags_from_the_user():
    assert merge_tags({}, {'acs:x': '1', 'ack.y': '2', 'k': 'v'}, True) == {'k': 'v'}


def test_tags_conversions():
    api = [{'key': 'ack.aliyun.com', 'value': 'c1'}, {'key': 'env', 'value': 'prod'}, {'key': 'empty'}]
    assert tags_to_dict(api) == {'ack.aliyun.com': 'c1', 'env': 'prod', 'empty': ''}
    assert tags_to_dict(api, user_only=True) == {'env': 'prod', 'empty': ''}
    assert dict_to_tags({'b': '2', 'a': '1'}) == [{'key': 'a', 'value': '1'}, {'key': 'b', 'value': '2'}]
    assert is_system('acs:rm:rgId') and is_system('ack.aliyun.com') and not is_system('env')


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_waiter_times_out_at_the_deadline():
    clock = FakeClock()
    waiter = Waiter(timeout=10, sleep=3, clock=clock, pause=clock.sleep)
    with pytest.raises(AckModuleError) as err:
        waiter.wait(Condition('cluster c1 to be running', lambda: 'initial', lambda v: v == 'running'))
    assert 'timed out after 10s' in err.value.msg
    assert clock.now == 10


def test_waiter_fails_fast():
    clock = FakeClock()
    waiter = Waiter(timeout=100, sleep=1, clock=clock, pause=clock.sleep)
    states = iter(['initial', 'failed'])
    with pytest.raises(AckModuleError) as err:
        waiter.wait(Condition('x', lambda: next(states), lambda v: v == 'running',
                              lambda v: 'it failed' if v == 'failed' else None))
    assert err.value.msg == 'it failed'
    assert clock.now == 1
