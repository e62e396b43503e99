# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cassettes (vcrpy's YAML format, read with vcrpy: tests/fixtures/recorded/, or what ALIBABA_CLOUD_ACK_RECORD
wrote) as the answers of the fake client, and a module run on any client: the module's own main() with a FakeAck
in place of AckModule, so a replay decides exactly as the module would."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import json
import os
from urllib.parse import parse_qsl, unquote, urlsplit

from vcr import serialize
from vcr.serializers import yamlserializer

from ansible_collections.alicloud.ack.plugins.module_utils._client import (
    SAFE_METHODS,
    AckApiError,
    AckClient,
    error_from_response,
)
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    ANSWERS,
    FakeAck,
    FakeClient,
    Failure,
)

RECORDED = os.path.join(os.path.dirname(ANSWERS), 'recorded')


def _json(text):
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return text


class Interaction(object):
    """One request and its answer, as vcrpy read them from a cassette."""

    def __init__(self, request, response):
        self.method = request.method
        self.operation = (request.headers.get('x-acs-action') or '').strip()
        parts = urlsplit(request.uri)
        self.path = unquote(parts.path)
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = request.body
        self.body = _json(body.decode('utf-8')) if body else None
        self.status = int(response['status']['code'])
        self.text = (response['body'].get('string') or b'').decode('utf-8')
        self.headers = dict((k, v[0]) for k, v in (response.get('headers') or {}).items())

    @property
    def answer(self):
        return _json(self.text)

    @property
    def write(self):
        return self.method not in SAFE_METHODS

    def __repr__(self):
        return 'Interaction(%s %s %s -> %d)' % (self.operation, self.method, self.path, self.status)


def load(path):
    """(interactions, metadata) of a cassette file."""
    with open(path) as f:
        loaded = serialize.deserialize(f.read(), yamlserializer)
    requests, responses = loaded[0], loaded[1]
    metadata = loaded[2] if len(loaded) > 2 else {}
    return [Interaction(q, r) for q, r in zip(requests, responses)], metadata


def cassettes(folder):
    """The cassette files under folder, sorted."""
    found = []
    for base, dummy, files in os.walk(folder):
        found += [os.path.join(base, f) for f in files if f.endswith('.yaml')]
    return sorted(found)


class RecordedFailure(Failure):
    """An error answer of a cassette, raised as AckClient raises it."""

    def __init__(self, item):  # pylint: disable=super-init-not-called
        self.item = item
        self.operation = item.operation
        self.maybe_applied = None
        self.repeated = False

    def error(self, method):
        error = error_from_response(self.operation, self.item.status, self.item.headers, self.item.text)
        ambiguous = AckClient._ambiguous(error, False)  # pylint: disable=protected-access
        error.maybe_applied = ambiguous and method not in SAFE_METHODS
        return error


class CassetteClient(FakeClient):
    """The fake client answering from interactions: each (operation, path, query) takes its recorded answers in
    order and the last one stays (a poll keeps seeing the final state). With match='operation' only the operation
    is compared (the reference's samples: illustrative ids and queries). Answers queued with on() answer what the
    cassette does not."""

    def __init__(self, interactions, match='request', region='cn-hangzhou'):
        super(CassetteClient, self).__init__(region)
        self.match = match
        self.recorded = list(interactions)
        self._queues = {}
        for item in interactions:
            answer = RecordedFailure(item) if item.status >= 300 else item.answer
            self._queues.setdefault(self._key(item.operation, item.path, item.query), []).append(answer)

    def _key(self, operation, path, query):
        if self.match == 'operation':
            return (operation,)
        return (operation, unquote(path), tuple(sorted(query.items())))

    def _match(self, operation, path, query):
        queue = self._queues.get(self._key(operation, path, query))
        if not queue:
            return super(CassetteClient, self)._match(operation, path, query)
        return queue.pop(0) if len(queue) > 1 else queue[0]


# ---- a module run on a client -------------------------------------------------------------------------------------

def run_module(module_name, client, check_mode=False, **params):
    """What plugins/modules/<module_name>.py returns for these params, its AckModule replaced by a FakeAck on
    client (a waiter on a fake clock): the result dict, or {failed, msg, error} as AckModule.run() fails."""
    module = importlib.import_module('ansible_collections.alicloud.ack.plugins.modules.' + module_name)
    outcome = {}

    class Replayed(FakeAck):
        def __init__(self, argument_spec, wait=False, wait_timeout=None, **kwargs):  # pylint: disable=unused-argument
            FakeAck.__init__(self, module_name, client, check_mode=check_mode, **params)

        def run(self, func):
            try:
                outcome.update(func(self))
            except AckApiError as e:
                outcome.update(failed=True, msg=str(e), error=e.to_dict())
            except AckModuleError as e:
                outcome.update(e.extra, failed=True, msg=e.msg)

    real, module.AckModule = module.AckModule, Replayed
    try:
        module.main()
    finally:
        module.AckModule = real
    return outcome


def decision(result, client):
    """What a run decided: changed or failed (with its error code), and the writes it sent."""
    return dict(changed=bool(result.get('changed')), failed=bool(result.get('failed')),
                error=(result.get('error') or {}).get('code'),
                writes=[(c.operation, unquote(c.path)) for c in client.writes()])
