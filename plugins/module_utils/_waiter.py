# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting: follow a task, then a resource's state, within wait_timeout, polling every wait_sleep."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModuleError

TASK_DONE = ('success', 'succeeded', 'finished')
TASK_FAILED = ('fail', 'failed', 'canceled', 'cancelled')


class Waiter(object):
    """One deadline for a whole wait (task, then state), so waits never hang past wait_timeout."""

    def __init__(self, timeout, sleep, clock=time.monotonic, pause=time.sleep):
        self.deadline = clock() + timeout
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.pause = pause

    def until(self, poll, done, what, failed=None):
        """Call poll() until done(value); raise on failed(value) -> message, or on timeout."""
        while True:
            value = poll()
            if done(value):
                return value
            problem = failed(value) if failed else None
            if problem:
                raise AckModuleError(problem, last_state=value)
            left = self.deadline - self.clock()
            if left <= 0:
                raise AckModuleError('timed out after %ss waiting for %s' % (self.timeout, what), last_state=value)
            self.pause(min(self.sleep, left))

    def task(self, client, task_id):
        """Follow DescribeTaskInfo until the task succeeds; a failed task fails with its own error."""
        def poll():
            return client.call('DescribeTaskInfo', 'GET', '/tasks/%s' % task_id) or {}

        def failed(task):
            if str(task.get('state', '')).lower() in TASK_FAILED:
                err = task.get('error') or {}
                detail = err.get('message') or err.get('code') or 'no error given'
                return 'task %s %s: %s' % (task_id, task.get('state'), detail)
            return None

        return self.until(poll, lambda t: str(t.get('state', '')).lower() in TASK_DONE,
                          'task %s' % task_id, failed)
