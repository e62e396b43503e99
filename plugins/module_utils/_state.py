# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where state modules decide what changes, check mode and diff.

A resource service subclasses StatefulResource and supplies find/create/update/delete plus the
options it compares. ensure() does the rest: compare only what the user set, refuse what cannot
change in place, make no write call in check mode, and report before/after.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._base import AckModuleError


def user_set(options):
    """Drop options the user did not set (None)."""
    return dict((k, v) for k, v in options.items() if v is not None)


def differences(current, wanted):
    """Keys of `wanted` whose value differs from `current` (only keys the user set are compared)."""
    return dict((k, v) for k, v in wanted.items() if current.get(k) != v)


class StatefulResource(object):
    """Declarative present/absent for one resource; subclasses fill in the API calls."""

    result_key = 'resource'
    immutable = ()  # option names that cannot be changed in place

    def __init__(self, ack):
        self.ack = ack
        self.params = ack.params
        self.client = ack.client

    # ---- hooks for subclasses -------------------------------------------------------
    def find(self):
        raise NotImplementedError

    def wanted(self):
        """Options the user set, as {name: value} in the shape current_view() uses."""
        raise NotImplementedError

    def current_view(self, current):
        """The compared options of an existing resource, same keys as wanted()."""
        raise NotImplementedError

    def changes(self, current, wanted):
        """What an update must send; default: every differing compared option."""
        return differences(self.current_view(current), wanted)

    def delete_view(self, current):
        """What the diff shows as going away; default: the compared options."""
        return self.current_view(current)

    def create_view(self):
        """What the diff shows for a create; default: the compared options."""
        return self.wanted()

    def hint(self, option):
        """What to use instead, for an option that cannot change in place."""
        return None

    def create(self):
        """Create; returns (resource, task_id)."""
        raise NotImplementedError

    def update(self, current, changes):
        """Change in place; returns (resource, task_id)."""
        raise NotImplementedError

    def delete(self, current):
        """Delete; returns task_id (or None)."""
        raise NotImplementedError

    def check_create(self):
        """Raise AckModuleError for inputs the create would be refused for (also in check mode)."""

    def check_delete(self, current):
        """Raise AckModuleError when the delete would be refused (also in check mode)."""

    def prepare_delete(self, current):
        """Writes needed before delete, such as turning off protection the task asked to turn off."""

    # ---- the runner -----------------------------------------------------------------
    def ensure(self, state):
        current = self.find()
        if state == 'absent':
            return self._absent(current)
        return self._present(current)

    def _result(self, changed, resource, before, after, task_id=None):
        result = {'changed': changed, self.result_key: resource or {}}
        if task_id:
            result['task_id'] = task_id
        if self.ack.want_diff:
            result['diff'] = {'before': before, 'after': after}
        return result

    def _present(self, current):
        if current is None:
            self.check_create()
            after = self.create_view()
            if self.ack.check_mode:
                return self._result(True, None, {}, after)
            resource, task_id = self.create()
            return self._result(True, resource, {}, after, task_id)
        wanted = self.wanted()
        before = self.current_view(current)
        changes = self.changes(current, wanted)
        fixed = sorted(k for k in changes if k in self.immutable)
        if fixed:
            raise AckModuleError('cannot change %s of an existing %s in place: %s' % (
                ', '.join(fixed), self.result_key, '; '.join(self._why(k, before, changes) for k in fixed)),
                **{self.result_key: current})
        if not changes:
            return self._result(False, current, before, before)
        after = dict(before)
        after.update(changes)
        if self.ack.check_mode:
            return self._result(True, current, before, after)
        resource, task_id = self.update(current, changes)
        return self._result(True, resource, before, after, task_id)

    def _why(self, option, before, changes):
        why = '%s is %r, wanted %r' % (option, before.get(option), changes[option])
        hint = self.hint(option)
        return '%s (%s)' % (why, hint) if hint else why

    def _absent(self, current):
        if current is None:
            return self._result(False, None, {}, {})
        before = self.delete_view(current)
        self.check_delete(current)
        if self.ack.check_mode:
            return self._result(True, current, before, {})
        self.prepare_delete(current)
        task_id = self.delete(current)
        return self._result(True, current, before, {}, task_id)
