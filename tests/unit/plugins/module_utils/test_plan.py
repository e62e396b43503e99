"""The one executor: check mode, diff, several steps, wait: false, errors, ambiguous writes, one deadline."""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step, execute
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Condition, Waiter


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class Ack:
    """What execute() reads of a module."""

    def __init__(self, check_mode=False, want_diff=True, wait=True, timeout=100, sleep=1):
        self.check_mode = check_mode
        self.want_diff = want_diff
        self.wait = wait
        self.clock = FakeClock()
        self.waiter = Waiter(timeout, sleep, clock=self.clock, pause=self.clock.sleep)


def recorder(log):
    """Steps that record their runs and waits in log."""
    def step(name, task=None, wait_polls=1):
        def run():
            log.append('run ' + name)
            return {'task_id': task} if task else None

        def until(answer):
            polls = []

            def poll():
                polls.append(1)
                log.append('poll ' + name)
                return len(polls)
            return [Condition(name + ' done', poll, lambda n: n >= wait_polls)]
        return Step(name, run, until=until)
    return step


def test_check_mode_runs_nothing_and_shows_the_diff():
    log = []
    step = recorder(log)
    plan = Plan('thing', {'id': 1}, {'a': 1}, {'a': 2}, [step('one', 'T-1'), step('two')])
    result = execute(Ack(check_mode=True), plan)
    assert log == []
    assert result == {'changed': True, 'thing': {'id': 1}, 'diff': {'before': {'a': 1}, 'after': {'a': 2}},
                      'task_ids': []}


def test_no_steps_is_not_changed_and_makes_no_call():
    result = execute(Ack(want_diff=False), Plan('thing', {'id': 1}, {'a': 1}, {'a': 1}, extra={'path': []}))
    assert result == {'changed': False, 'thing': {'id': 1}, 'path': [], 'task_ids': []}


def test_steps_run_in_order_each_waited_and_task_ids_collected():
    log = []
    step = recorder(log)
    plan = Plan('thing', None, {}, {'a': 1}, [step('one', 'T-1', 2), step('two'), step('three', 'T-3')],
                finish=lambda answers: {'read': len(answers)})
    result = execute(Ack(), plan)
    assert log == ['run one', 'poll one', 'poll one', 'run two', 'poll two', 'run three', 'poll three']
    assert result['task_ids'] == ['T-1', 'T-3'] and result['task_id'] == 'T-3'
    assert result['thing'] == {'read': 3} and result['changed']


def test_wait_false_skips_only_the_wait_after_the_last_step():
    log = []
    step = recorder(log)
    execute(Ack(wait=False), Plan('thing', steps=[step('one'), step('two')]))
    assert log == ['run one', 'poll one', 'run two']


def test_an_error_in_the_middle_step_stops_the_plan():
    log = []
    step = recorder(log)

    def boom():
        log.append('run middle')
        raise AckApiError('Middle', 'InvalidParameter', 'bad', 400)
    plan = Plan('thing', steps=[step('one'), Step('middle', boom), step('three')])
    with pytest.raises(AckApiError):
        execute(Ack(), plan)
    assert log == ['run one', 'poll one', 'run middle']


def ambiguous(code='ServiceUnavailable', repeated=False):
    error = AckApiError('ScaleOutCluster', code, 'lost', 503)
    error.maybe_applied = True
    error.repeated = repeated
    return error


def test_an_ambiguous_write_is_read_again_not_resent_when_it_took_effect():
    sent = []

    def run():
        sent.append(1)
        raise ambiguous()
    result = execute(Ack(), Plan('thing', steps=[Step('scale', run, recheck=lambda: {'task_id': 'T-9'})]))
    assert sent == [1] and result['task_ids'] == ['T-9']


def test_an_ambiguous_write_that_did_not_take_effect_is_sent_again():
    sent = []

    def run():
        sent.append(1)
        if len(sent) == 1:
            raise ambiguous()
        return {'task_id': 'T-2'}
    result = execute(Ack(), Plan('thing', steps=[Step('scale', run, recheck=lambda: None)]))
    assert sent == [1, 1] and result['task_id'] == 'T-2'


def test_an_ambiguous_write_without_recheck_fails():
    def run():
        raise ambiguous()
    with pytest.raises(AckApiError):
        execute(Ack(), Plan('thing', steps=[Step('scale', run)]))


def test_a_repeat_meeting_its_effect_is_success():
    def run():
        raise ambiguous('ErrorClusterNotFound', repeated=True)
    result = execute(Ack(), Plan('thing', steps=[Step('delete', run, done_codes=['ErrorClusterNotFound'])]))
    assert result['changed'] and result['task_ids'] == []


def test_all_waits_of_a_task_share_one_deadline():
    ack = Ack(timeout=10, sleep=1)

    def never(answer):
        return [Condition('never', lambda: {'state': 'updating'}, lambda v: False)]

    plan = Plan('thing', steps=[Step('one', lambda: None, until=lambda a: [
        Condition('soon', lambda: ack.clock.now, lambda now: now >= 6)]), Step('two', lambda: None, until=never)])
    with pytest.raises(AckModuleError) as info:
        execute(ack, plan)
    assert ack.clock.now == 10  # 6 s for the first wait, the 4 s left for the second: never 2 x 10
    assert 'timed out after 10s' in info.value.msg and 'never' in info.value.msg and 'state updating' in info.value.msg


def test_extra_after_replaces_parts_of_extra_after_the_steps():
    plan = Plan('thing', steps=[Step('one', lambda: None)], extra={'path': ['a'], 'status': 'planned'},
                extra_after=lambda: {'status': 'done'})
    assert execute(Ack(check_mode=True), plan)['status'] == 'planned'
    result = execute(Ack(), plan)
    assert result['status'] == 'done' and result['path'] == ['a']


def test_task_ids_are_the_executors_in_every_mode():
    plan = Plan('thing', {'id': 1}, steps=[Step('one', lambda: {'task_id': 'T-1'})], extra={'cluster_id': 'c1'})
    assert execute(Ack(check_mode=True), plan)['task_ids'] == []
    assert 'task_id' not in execute(Ack(check_mode=True), plan)
    real = execute(Ack(wait=False), plan)
    assert (real['task_ids'], real['task_id'], real['cluster_id']) == (['T-1'], 'T-1', 'c1')
    untasked = execute(Ack(), Plan('thing', steps=[Step('write a file', lambda: None)]))
    assert untasked['task_ids'] == [] and 'task_id' not in untasked


def test_the_deadline_starts_when_the_waiter_is_made():
    ack = Ack(timeout=10, sleep=1)
    ack.clock.now = 7  # planning took 7 s before the first wait
    plan = Plan('thing', steps=[Step('one', lambda: None, until=lambda a: [
        Condition('never', lambda: {'state': 'updating'}, lambda v: False)])])
    with pytest.raises(AckModuleError) as info:
        execute(ack, plan)
    assert ack.clock.now == 10 and 'timed out after 10s' in info.value.msg
