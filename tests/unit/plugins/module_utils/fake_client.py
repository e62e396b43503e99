# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake AckClient that answers from the captured API answers (tests/fixtures/answers) and records every call, and
a fake AckModule (params from a module's real argument spec, a Waiter on a fake clock), for the planner tests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import json
import os
from urllib.parse import quote

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.alicloud.ack.plugins.module_utils._base import AUTH_ARGSPEC, WAIT_ARGSPEC
from ansible_collections.alicloud.ack.plugins.module_utils._client import (
    SAFE_METHODS,
    AckApiError,
    AckClient,
    error_from_response,
    expand_path,
)
from ansible_collections.alicloud.ack.plugins.module_utils._signer import clean_query
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Waiter

ANSWERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'fixtures', 'answers')
REGION = 'cn-hangzhou'


# ---- fixtures -------------------------------------------------------------------------------------------------

def _index():
    with open(os.path.join(ANSWERS, 'index.json')) as f:
        return json.load(f)


INDEX = _index()


def answer(name):
    """A fresh copy of the captured answer <name>.json."""
    with open(os.path.join(ANSWERS, name + '.json')) as f:
        return json.load(f)


class Failure(object):
    """An error answer to raise: a captured error body, or a lost answer (no body: ConnectionError)."""

    def __init__(self, name=None, operation=None, maybe_applied=None, repeated=False):
        self.name = name
        self.operation = operation or name.split('.')[0]
        self.maybe_applied = maybe_applied
        self.repeated = repeated

    def error(self, method):
        if self.name is None:
            error = AckApiError(self.operation, 'ConnectionError', 'the connection closed before an answer came')
        else:
            status = INDEX[self.name + '.json']['status']
            error = error_from_response(self.operation, status, {}, json.dumps(answer(self.name)))
        # as AckClient marks it: a write whose answer was lost or broken may have been applied
        ambiguous = AckClient._ambiguous(error, False)  # pylint: disable=protected-access
        ambiguous = ambiguous and method not in SAFE_METHODS
        error.maybe_applied = ambiguous if self.maybe_applied is None else self.maybe_applied
        error.repeated = self.repeated
        return error


def error(name, **kwargs):
    """The captured error answer <name>.json (e.g. DescribeClusterDetail.ErrorClusterNotFound), raised."""
    return Failure(name, **kwargs)


def lost(operation, **kwargs):
    """A call whose answer never came (a write: maybe applied)."""
    return Failure(operation=operation, **kwargs)


# ---- the client -----------------------------------------------------------------------------------------------

class Call(object):
    """One call as it would be sent: the path expanded, the query without unset values, the body as JSON."""

    def __init__(self, operation, method, path, query, body):
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.body = body

    @property
    def write(self):
        return self.method not in SAFE_METHODS

    def __repr__(self):
        return 'Call(%s %s %s%s)' % (self.operation, self.method, self.path,
                                     ' %s' % json.dumps(self.body) if self.body is not None else '')


class FakeClient(object):
    """What the planners call on AckClient. Answers are queued per (operation, path arguments[, query]); each call
    takes the next answer of its queue and the last one stays, so a poll keeps seeing the final state."""

    def __init__(self, region=REGION):
        self.region = region
        self.calls = []
        self.closed = False
        self._answers = []  # [operation, args, query, queue]

    def on(self, operation, *args, **kwargs):
        """Queue answers: on('DescribeClusterDetail', cluster_id, answers=[...]) or answer=one. An answer is data,
        a fixture name (str: its JSON), or a Failure (raised). query={...}: only calls whose query has these."""
        answers = kwargs['answers'] if 'answers' in kwargs else [kwargs['answer']]
        queue = [answer(a) if isinstance(a, str) else a for a in answers]
        self._answers.append([operation, args, kwargs.get('query') or {}, queue])
        return self

    def _match(self, operation, path, query):
        segments = path.split('/')
        best = None
        for entry in self._answers:
            name, args, wanted, queue = entry
            if name != operation or not queue:
                continue
            if not all(quote(str(a), safe='') in segments for a in args):
                continue
            if any(str(query.get(k)) != str(v) for k, v in wanted.items()):
                continue
            if best is None or len(args) + len(wanted) >= len(best[1]) + len(best[2]):  # the later on() wins a tie
                best = entry
        if best is None:
            raise LookupError('no answer for %s %s %r' % (operation, path, query))
        queue = best[3]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def call(self, operation, method, path, *path_args, **kwargs):
        method = method.upper()
        try:
            path = expand_path(path, path_args)
        except ValueError as e:
            raise AckApiError(operation, 'InvalidPathArgument', str(e))
        query = clean_query(kwargs.get('query'))
        body = kwargs.get('body')
        self.calls.append(Call(operation, method, path, query,
                               json.loads(json.dumps(body)) if body is not None else None))
        found = self._match(operation, path, query)
        if isinstance(found, Failure):
            error = found.error(method)
            if error.code in (kwargs.get('absent') or ()) and error.http_status is not None and error.http_status < 500:
                return None
            raise error
        return json.loads(json.dumps(found))  # a fresh copy: a planner may change what it got

    paginate_pages = AckClient.paginate_pages

    def close(self):
        self.closed = True

    # ---- what was sent ----------------------------------------------------------------------------------------
    def operations(self):
        return [c.operation for c in self.calls]

    def writes(self):
        return [c for c in self.calls if c.write]

    def sent(self, operation):
        """The bodies sent to operation, in order."""
        return [c.body for c in self.calls if c.operation == operation]

    def forget(self):
        """Start recording anew (after planning, to see what the steps send)."""
        self.calls = []


# ---- the module -----------------------------------------------------------------------------------------------

class _Stop(Exception):
    pass


def module_spec(module_name):
    """(argument spec, checks) exactly as plugins/modules/<name>.py builds its AckModule, read by running its
    main() up to the AckModule it creates; the spec is composed as AckModule.__init__ composes it."""
    module = importlib.import_module('ansible_collections.alicloud.ack.plugins.modules.' + module_name)
    seen = {}

    def capture(argument_spec, wait=False, wait_timeout=None, **kwargs):
        spec = dict(AUTH_ARGSPEC)
        if wait:
            spec.update(WAIT_ARGSPEC)
            if wait_timeout is not None:
                spec['wait_timeout'] = dict(type='int', default=wait_timeout)
        spec.update(argument_spec)
        seen.update(spec=spec, checks=dict((k, v) for k, v in kwargs.items() if k.startswith(('required', 'mutually'))))
        raise _Stop()

    real, module.AckModule = module.AckModule, capture
    try:
        module.main()
    except _Stop:
        pass
    finally:
        module.AckModule = real
    return seen['spec'], seen['checks']


def module_params(module_name, **given):
    """The params AnsibleModule would give the module for these options (defaults, aliases, suboptions, checks)."""
    spec, checks = module_spec(module_name)
    result = ArgumentSpecValidator(spec, **checks).validate(given)
    if result.error_messages:
        raise ValueError('; '.join(result.error_messages))
    return result.validated_parameters


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FakeAck(object):
    """What a planner and execute() use of AckModule: params, client, waiter, check_mode, want_diff, wait, hide,
    warn. The waiter is real, on a fake clock: waits never sleep, clock.now tells how long they would have."""

    def __init__(self, module_name, client, check_mode=False, want_diff=True, **options):
        self.params = module_params(module_name, **options)
        self.client = client
        self.check_mode = check_mode
        self.want_diff = want_diff
        self.clock = Clock()
        self.waiter = Waiter(self.params.get('wait_timeout') or 3600, self.params.get('wait_sleep') or 10,
                             clock=self.clock, pause=self.clock.sleep)
        self.warnings = []
        self.hidden = []

    @property
    def wait(self):
        return bool(self.params.get('wait', False))

    def hide(self, values, what=None, hint=''):
        """Records the values a real task would mask (and, with what, the warning it would give)."""
        values = [v for v in values if v]
        if values:
            self.hidden.extend(values)
            if what:
                self.warn('the %s carries credentials: they are masked%s' % (what, hint))

    def warn(self, msg):
        self.warnings.append(msg)
