"""The emulator's answer to each recorded request beside the recorded answer (#25), compared by keys and types.

Every cassette of tests/fixtures/recorded/ (the API reference's samples today, real recordings once someone has
run `make cloud-smoke`) is sent again to a fresh emulator, its ids replaced by those of a running cluster, a
template and an installed add-on. The two answers are walked together: a key the recorded answer has and the
emulator's lacks is `missing`, a value of another JSON type is `type` (null matches anything), an error where the
recording has an answer (or the reverse) is `status`; keys only the emulator has are `extra`, listed and counted
but no failure (the reference's samples are excerpts). The test prints the whole listing and holds the emulator
to tests/fixtures/recorded/differences.json: a new difference fails, and so does one that is gone (remove it).
ACK_UPDATE_DIFFERENCES=1 rewrites the file from what the emulator answers now.
"""
import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from ack_emulator.client import SignedClient
from ack_emulator.sdk_shapes import JSON_TYPES
from ack_emulator.testing import EmulatorProcess
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.cassette_client import (
    RECORDED,
    cassettes,
    load,
)

KNOWN = Path(RECORDED) / 'differences.json'
CLUSTER = {'name': 'replayed', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
           'kubernetes_version': '1.28.9-aliyun.1', 'vpcid': 'vpc-replay01', 'vswitch_ids': ['vsw-replay01'],
           'container_cidr': '172.20.0.0/16', 'service_cidr': '172.21.0.0/20', 'num_of_nodes': 1,
           'worker_instance_types': ['ecs.g7.xlarge'], 'worker_system_disk_category': 'cloud_essd',
           'worker_system_disk_size': 120, 'key_pair': 'replay-key', 'snat_entry': True}
NEXT = '1.30.1-aliyun.1'  # the version after CLUSTER's
TEMPLATE = {'name': 'replayed', 'template': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: replayed\n'}


def kind(value):
    return JSON_TYPES.get(type(value), type(value).__name__)


def compare(recorded, emulated, path=''):
    """[(path, kind, detail)] between two JSON values; lists by their first items."""
    if recorded is None or emulated is None:
        return []
    if kind(recorded) != kind(emulated) and not {kind(recorded), kind(emulated)} <= {'integer', 'number'}:
        return [(path, 'type', '%s recorded, %s from the emulator' % (kind(recorded), kind(emulated)))]
    found = []
    if isinstance(recorded, dict):
        for key in recorded:
            at = '%s.%s' % (path, key) if path else key
            found += compare(recorded[key], emulated[key], at) if key in emulated else [(at, 'missing', '')]
        found += [(('%s.%s' % (path, key) if path else key), 'extra', '') for key in emulated if key not in recorded]
    elif isinstance(recorded, list) and recorded and emulated:
        found += compare(recorded[0], emulated[0], path + '[]')
    return found


class Stage(object):
    """A fresh emulator state with a running cluster, a template and the cluster's add-ons."""

    def __init__(self, emulator):
        emulator.reset()
        self.api = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret, region='cn-hangzhou')
        self.cid = self.send('CreateCluster', 'POST', '/clusters', body=CLUSTER).json['cluster_id']
        for dummy in range(50):
            if self.send('DescribeClusterDetail', 'GET', '/clusters/' + self.cid).json['state'] == 'running':
                break
        self.template = self.send('CreateTemplate', 'POST', '/templates', body=TEMPLATE).json['template_id']

    def prepare(self, emulator, operation):
        """What the recorded call needs first: an upgrade under way to pause or cancel, a paused one to resume."""
        if operation in ('PauseClusterUpgrade', 'CancelClusterUpgrade', 'ResumeUpgradeCluster'):
            emulator.admin('config', {'time_scale': 1})
            self.send('UpgradeCluster', 'POST', '/api/v2/clusters/%s/upgrade' % self.cid, body={'version': NEXT})
        if operation == 'ResumeUpgradeCluster':
            self.send('PauseClusterUpgrade', 'POST', '/api/v2/clusters/%s/upgrade/pause' % self.cid)

    def send(self, operation, method, path, query=None, body=None):
        return self.api.call(method, path, query=query or None, body=body, action=operation)

    def path(self, item):
        """The recorded path with the stage's ids in place of the recorded ones."""
        parts = item.path.split('/')
        for i, part in enumerate(parts[:-1]):
            if part in ('clusters', 'k8s') and parts[i + 1] not in ('components',):
                parts[i + 1] = self.cid
            if part == 'templates':
                parts[i + 1] = self.template
        return '/'.join(quote(p, safe='') for p in parts)


@pytest.fixture(scope='module')
def emulator():
    with EmulatorProcess(time_scale=0.0) as emu:
        yield emu


def differences(emulator, path):
    found = []
    for item in load(path)[0]:
        stage = Stage(emulator)
        stage.prepare(emulator, item.operation)
        answer = stage.send(item.operation, item.method, stage.path(item), query=item.query, body=item.body)
        if (answer.status < 300) != (item.status < 300):
            code = answer.json.get('code') or answer.json.get('Code') if isinstance(answer.json, dict) else None
            found.append(('', 'status', '%d recorded, %d %s from the emulator' % (item.status, answer.status, code)))
            continue
        found += compare(item.answer, answer.json)
    return found


def test_the_emulator_answers_each_recorded_request_with_the_recorded_keys_and_types(emulator, capsys):
    listing, failing = [], {}
    for path in cassettes(RECORDED):
        name = os.path.relpath(path, RECORDED)
        found = differences(emulator, path)
        failing[name] = sorted([p, k, d] for p, k, d in found if k != 'extra')
        extra = [p for p, k, d in found if k == 'extra']
        listing.append('%s: %d missing, %d type, %d status, %d extra%s' % (
            name, sum(1 for f in found if f[1] == 'missing'), sum(1 for f in found if f[1] == 'type'),
            sum(1 for f in found if f[1] == 'status'), len(extra), ''.join(
                '\n    %-8s %s %s' % (k, p or '(answer)', d) for p, k, d in sorted(found) if k != 'extra')))
    with capsys.disabled():
        print('\nrecorded answers beside the emulator\'s:\n' + '\n'.join(listing))
    failing = dict((k, v) for k, v in failing.items() if v)
    if os.environ.get('ACK_UPDATE_DIFFERENCES'):
        KNOWN.write_text(json.dumps(failing, indent=1, sort_keys=True) + '\n')
    known = json.loads(KNOWN.read_text())
    new = dict((k, [d for d in v if d not in known.get(k, [])]) for k, v in failing.items())
    gone = dict((k, [d for d in v if d not in failing.get(k, [])]) for k, v in known.items())
    assert (dict((k, v) for k, v in new.items() if v), dict((k, v) for k, v in gone.items() if v)) == ({}, {})
