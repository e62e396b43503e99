"""Issue #28: two ack_template tasks creating one name at the same time end with one template.

Two ansible-playbook runs start together against an emulator made slow on DescribeTemplates, so each finds no
template of the name and both create one. Each lists the name again after its create: both keep the oldest (created
time, then id), the task that made the other deletes its own and adopts the kept one.
"""
import threading

from ack_emulator.client import SignedClient
from cases import run_cases
from conftest import Playbook

NAME = 'race'
MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: race\ndata:\n  key: value\n'
# no template_type: a task lists both types to find the name, so a create comes two slow reads after the first one
TASK = ('alicloud.ack.ack_template', {'name': NAME, 'template': MANIFEST, 'description': 'made by two tasks'})
LATENCY_MS = 3000  # longer than ansible-playbook start-ups differ: both tasks read before either creates
WRITES = ('CreateTemplate', 'UpdateTemplate', 'DeleteTemplate')
SETTLED = 'a concurrent create of the name %r was settled' % NAME


def templates_named(emulator, name):
    signed = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
    found = []
    for ttype in ('kubernetes', 'compose'):
        answer = signed.call('GET', '/templates', query={'template_type': ttype, 'page_size': '100'},
                             action='DescribeTemplates')
        assert answer.status == 200, answer
        found += [t for t in answer.json['templates'] if t['name'] == name]
    return found


def writes(emulator):
    stats = emulator.stats()
    return dict((op, stats.get(op, 0)) for op in WRITES)


def test_two_concurrent_creates_of_one_name_end_with_one_template(emulator, tmp_path):
    emulator.reset()
    emulator.faults(latency_ms=LATENCY_MS, operations=['DescribeTemplates'])
    results = [None, None]

    def run(i):
        (tmp_path / str(i)).mkdir()
        results[i] = run_cases(Playbook(emulator, tmp_path / str(i)), [TASK])

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    emulator.faults(latency_ms=0)

    made = writes(emulator)
    assert made['CreateTemplate'] == 2, made  # the race happened: each task found nothing and created
    left = templates_named(emulator, NAME)
    assert len(left) == 1, left
    (a, out_a), (b, out_b) = results
    for r, out in ((a[0], out_a), (b[0], out_b)):
        assert not r.get('failed') and r['changed'] is True, (r, out[-3000:])
        assert r['template']['id'] == left[0]['id'] and r['template']['description'] == 'made by two tasks', r
    assert made['DeleteTemplate'] == 1 and made['UpdateTemplate'] == 0, made  # one task deleted its own
    assert any(SETTLED in w for r in (a[0], b[0]) for w in r.get('warnings', [])), (a[0], b[0])

    # a rerun finds the one template: unchanged, no write
    again, out = run_cases(Playbook(emulator, tmp_path), [TASK])
    assert again[0]['changed'] is False and again[0]['template']['id'] == left[0]['id'], (again, out[-3000:])
    assert writes(emulator) == made
