# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deciding apart from doing: planners return a Plan; execute() is the one executor.

A planner reads the API and returns a Plan: the before/after views of the diff and the ordered write Steps, each
with the conditions that tell it has taken effect. Refusals are raised while planning, so check mode refuses exactly
what a real run would. execute() is the only place that writes or not by check mode, and it alone assembles the
result (planners add only plan.extra).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError

RESENDS = 3  # how often a write is sent again after a failure that a re-read showed was not applied


class Step(object):
    """One write.

    run() sends it and returns the API's answer (a dict, maybe with task_id, or None).
    until(answer) -> the Conditions to await before the next step (and after the last one when wait is on).
    recheck() is called after an ambiguous failure (the write may have been applied): it reads the API and returns
    an answer when the write took effect, or None when it did not (then the write is sent again). Without recheck,
    an ambiguous failure fails the task.
    done_codes: error codes that, met by a repeat of a write that may have been applied, mean it was.
    """

    def __init__(self, label, run, until=None, recheck=None, done_codes=()):
        self.label = label
        self.run = run
        self.until = until
        self.recheck = recheck
        self.done_codes = tuple(done_codes)

    def __repr__(self):
        return 'Step(%r)' % self.label


class Plan(object):
    """What a task would do. key names the resource in the result; resource is what it is now (returned as is in
    check mode and when nothing changes); finish(answers) reads it again after the steps; extra goes into the
    result in every mode (for example an upgrade's planned path); extra_after() -> dict replaces parts of extra
    after the steps ran (for example the upgrade status read again)."""

    def __init__(self, key, resource=None, before=None, after=None, steps=(), finish=None, extra=None,
                 extra_after=None):
        self.key = key
        self.resource = resource
        self.before = before if before is not None else {}
        self.after = after if after is not None else {}
        self.steps = list(steps)
        self.finish = finish
        self.extra = dict(extra or {})
        self.extra_after = extra_after

    @property
    def changed(self):
        return bool(self.steps)


def task_id_of(answer):
    return answer.get('task_id') if isinstance(answer, dict) else None


def send(step):
    """Run a step once, or again after an ambiguous failure that its recheck says was not applied."""
    for attempt in range(RESENDS + 1):
        try:
            return step.run()
        except AckApiError as e:
            if e.repeated and e.code in step.done_codes:
                return None  # an earlier attempt was applied; this repeat met its effect
            if not e.maybe_applied or step.recheck is None or attempt == RESENDS:
                raise
            answer = step.recheck()
            if answer is not None:
                return answer


def execute(ack, plan):
    """Carry out a plan for the module `ack` (check_mode, want_diff, wait, waiter) and return the whole result:
    changed, the resource under plan.key, diff, task_ids (always a list) and task_id (the last one, when there is
    one), and plan.extra."""
    result = dict(plan.extra)
    result['changed'] = plan.changed
    if ack.want_diff:
        result['diff'] = dict(before=plan.before, after=plan.after)
    task_ids = []
    resource = plan.resource
    if plan.steps and not ack.check_mode:
        answers = []
        for number, step in enumerate(plan.steps, 1):
            answer = send(step)
            answers.append(answer)
            if task_id_of(answer):
                task_ids.append(task_id_of(answer))
            # a later step depends on this one: always wait; after the last step only when asked to
            if step.until and (ack.wait or number < len(plan.steps)):
                for condition in step.until(answer):
                    ack.waiter.wait(condition)
        resource = plan.finish(answers) if plan.finish else plan.resource
        if plan.extra_after:
            result.update(plan.extra_after())
    result[plan.key] = resource if resource is not None else {}
    result['task_ids'] = task_ids
    if task_ids:
        result['task_id'] = task_ids[-1]
    return result
