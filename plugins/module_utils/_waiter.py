# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting as data: named conditions, and one Waiter (one deadline) per task that every wait draws on."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError

TASK_DONE = ('success', 'succeeded', 'finished')
TASK_FAILED = ('fail', 'failed', 'canceled', 'cancelled')


class Condition(object):
    """A named wait. poll() reads the API; done(value) says it holds; failed(value) returns a message when it
    never will; show(value) says what was seen, for the timeout message."""

    def __init__(self, what, poll, done, failed=None, show=None):
        self.what = what
        self.poll = poll
        self.done = done
        self.failed = failed or (lambda value: None)
        self.show = show or _show

    def __repr__(self):
        return 'Condition(%r)' % self.what


def _show(value):
    if isinstance(value, dict):
        for key in ('state', 'status'):
            if value.get(key):
                return '%s %s' % (key, value[key])
    return 'nothing' if value is None else str(value)[:200]


class Waiter(object):
    """One deadline for the whole task, so waits never add up past wait_timeout."""

    def __init__(self, timeout, sleep, clock=time.monotonic, pause=time.sleep):
        self.started = clock()
        self.deadline = self.started + timeout
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.pause = pause

    def left(self):
        return self.deadline - self.clock()

    def hold(self, seconds, since):
        """Pause until `seconds` have passed since the clock read `since` (within the task's deadline)."""
        self.pause(max(0, min(since + seconds - self.clock(), self.left())))

    def wait(self, condition):
        """Poll until the condition holds; raise AckModuleError when it fails or the task's time is up."""
        value = seen = None
        while True:
            try:
                value = condition.poll()
            except AckApiError as e:
                if not transient(e):
                    raise
                seen = 'no answer (%s)' % e.code  # a poll that failed after its retries: poll again
            else:
                if condition.done(value):
                    return value
                problem = condition.failed(value)
                if problem:
                    raise AckModuleError(problem, last_state=value)
                seen = condition.show(value)
            left = self.left()
            if left <= 0:
                raise AckModuleError('timed out after %ss (the wait_timeout of the whole task) waiting for %s; '
                                     'last seen: %s' % (self.timeout, condition.what, seen), last_state=value)
            self.pause(max(0, min(self.sleep, left)))


def transient(error):
    """An error that says nothing about the resource: throttling, a server error, a lost connection."""
    return error.throttled or error.server_error or error.code in ('ConnectionError', 'Timeout')


def task_done(client, task_id):
    """DescribeTaskInfo until the task succeeds; a failed task fails with its own error."""
    def failed(task):
        if str(task.get('state', '')).lower() in TASK_FAILED:
            err = task.get('error') or {}
            detail = err.get('message') or err.get('code') or 'no error given'
            return 'task %s %s: %s' % (task_id, task.get('state'), detail)
        return None

    return Condition('task %s to finish' % task_id,
                     lambda: client.call('DescribeTaskInfo', 'GET', '/tasks/{}', task_id) or {},
                     lambda t: str(t.get('state', '')).lower() in TASK_DONE, failed)
