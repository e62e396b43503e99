"""Contract test (#21): the official Python SDK (alibabacloud_cs20151215, generated from the live API) is the
contract of the emulator's answers and of the collection's requests.

Answers (contract_scenario.py): every operation the emulator implements is called THROUGH the SDK, in states that
fill its answer; each raw body is compared with the SDK's response model (ack_emulator.sdk_shapes): no key the
model does not declare unless the reference documents it there (ack_emulator/reference_extras.json), no type
mismatch. Requests (contract_requests.py): what the collection's request builders send with every option set;
each query and body key must be one the SDK sends for that operation, or one the reference documents.

KNOWN_GAPS and KNOWN_REQUEST_GAPS hold the differences found when this test came in: temporary, emptied as the
emulator (or the collection) is fixed. A new difference fails, and so does a listed one that is gone.
"""
import json
import os
import re
import typing
from pathlib import Path

import pytest

from ack_emulator import registry, sdk_shapes

pytest.importorskip('alibabacloud_cs20151215')

from contract_requests import load_module_utils, collection_requests  # noqa: E402
from contract_scenario import Scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXTRAS_DOC = ROOT / 'emulator' / 'REFERENCE_EXTRAS.md'
# emulator operations the SDK has no method for (each would need a reason); none today
NO_SDK_METHOD = {}

# (operation, json path, kind): why the emulator answers it; temporary, see the module docstring
KNOWN_GAPS = {}

# (operation, json path, kind): why the collection sends it; temporary, see the module docstring
KNOWN_REQUEST_GAPS = {}


def emulator_operations():
    import ack_emulator.ops  # noqa: F401  (the handlers register on import)
    return sorted(set(registry.operation_names()))


OPERATIONS = [op for op in emulator_operations() if op not in NO_SDK_METHOD]


# -- sdk_shapes on its own --------------------------------------------------------------------------------------
def test_model_fields_use_wire_names_and_hints():
    from alibabacloud_cs20151215 import models
    logs = sdk_shapes.fields(models.DescribeClusterLogsResponseBody)
    assert logs['ID'] is int and logs['cluster_log'] is str
    assert sdk_shapes.response_body('DescribeClusterLogs') == typing.List[models.DescribeClusterLogsResponseBody]
    assert sdk_shapes.response_body('CancelClusterUpgrade') is sdk_shapes.NO_BODY
    assert sdk_shapes.response_body('DescribeClusterAttachScripts') is str
    assert sdk_shapes.sdk_operations()['DescribeClustersV1'] == 'describe_clusters_v1with_options'


def test_differences_name_undeclared_keys_and_type_mismatches():
    body = {'cluster_id': 'c1', 'size': '3', 'deletion_protection': 'true', 'surprise': 1,
            'tags': {'key': 'a'}, 'vswitch_ids': ['vsw-1', 2], 'parameters': {'A': 'b'}, 'private_zone': None}
    assert sdk_shapes.differences('DescribeClusterDetail', body) == [
        ('deletion_protection', 'type', 'boolean declared, got string: "true"'),
        ('size', 'type', 'integer declared, got string: "3"'),
        ('surprise', 'undeclared', 'integer 1'),
        ('tags', 'type', 'array declared, got object'),
        ('vswitch_ids[]', 'type', 'string declared, got integer: 2'),
    ]
    # arrays and maps of models, a free map, an answer the SDK does not read
    assert sdk_shapes.differences('DescribeClusters', [{'cluster_id': 'c', 'tags': [{'key': 'k', 'x': 1}]}]) == [
        ('[].tags[].x', 'undeclared', 'integer 1')]
    assert sdk_shapes.differences('DescribeClusters', {'cluster_id': 'c'}) == [
        ('', 'type', 'array declared, got object')]
    assert sdk_shapes.differences('DescribeUserQuota', {'quotas': {'q1': {'quota': 1, 'odd': True}}}) == [
        ('quotas.*.odd', 'undeclared', 'boolean true'), ('quotas.*.quota', 'type',
                                                         'string declared, got integer: 1')]
    assert sdk_shapes.differences('DescribeClusterAddonsVersion', {'any': {'thing': 1}}) == []
    assert sdk_shapes.differences('CancelClusterUpgrade', {}) == []
    assert sdk_shapes.differences('CancelClusterUpgrade', {'RequestId': 'r'}) == [
        ('RequestId', 'undeclared', 'the SDK reads no body; string "r"')]
    # the keys the reference documents (9.4, 11.2) are not differences with extras
    assert sdk_shapes.differences('CancelClusterUpgrade', {'RequestId': 'r'}, extras=True) == []
    assert sdk_shapes.differences('DescribeAddons', {'StandardComponents': {'a': {'config': '', 'x': 1}}},
                                  extras=True) == [('StandardComponents.*.x', 'undeclared', 'integer 1')]


def test_shape_keeps_declared_keys_and_documented_ones_on_request():
    answer = [{'cluster_id': 'c', 'surprise': 1, 'tags': [{'key': 'k', 'value': 'v', 'x': 1}]}]
    assert sdk_shapes.shape('DescribeClusters', answer) == [{'cluster_id': 'c', 'tags': [{'key': 'k', 'value': 'v'}]}]
    scaled = {'cluster_id': 'c', 'task_id': 't', 'request_id': 'r', 'instanceId': 'i-1', 'odd': 1}
    assert sdk_shapes.shape('ScaleOutCluster', scaled) == {'cluster_id': 'c', 'task_id': 't', 'request_id': 'r'}
    del scaled['odd']
    assert sdk_shapes.shape('ScaleOutCluster', dict(scaled, odd=1), extras=True) == scaled  # 7.2.1 documents it
    assert sdk_shapes.shape('CancelClusterUpgrade', {'RequestId': 'r', 'x': 1}) == {}
    assert sdk_shapes.shape('CancelClusterUpgrade', {'RequestId': 'r', 'x': 1}, extras=True) == {'RequestId': 'r'}


def test_request_differences():
    assert sdk_shapes.request_differences('DeleteCluster', {'keep_slb': 'true', 'odd': '1'}) == [
        ('?odd', 'undeclared', 'query parameter')]
    assert sdk_shapes.request_differences('ModifyClusterTags', body=[{'key': 'a', 'value': 'b', 'x': 1}]) == [
        ('[].x', 'undeclared', 'integer 1')]
    # documented by the reference (7.1.3), not by the SDK; a type is still checked
    assert sdk_shapes.request_differences('CreateCluster', body={'name': 'n', 'private_zone': True}) == []
    assert sdk_shapes.request_differences('CreateCluster', body={'name': 1}) == [
        ('name', 'type', 'string declared, got integer: 1')]
    assert sdk_shapes.request_differences('GetUpgradeStatus', body={'a': 1}) == [
        ('', 'undeclared', 'the SDK sends no body')]


# -- the reference extras ---------------------------------------------------------------------------------------
def extras_table():
    rows = ['| %s | %s | `%s` | %s |' % (e['operation'], e['side'], e['path'], e['section'])
            for side in ('response', 'request') for e in sdk_shapes.reference_extras(side=side)]
    return '\n'.join(['| Operation | Side | Path | Reference section |', '| --- | --- | --- | --- |'] + rows)


def test_reference_extras_are_beyond_the_sdk_and_in_the_doc_table():
    extras = sdk_shapes.reference_extras(side=None)
    for e in extras:
        assert e['operation'] in sdk_shapes.sdk_operations(), e
        assert not sdk_shapes.declared(e['operation'], e['path'], e['side']), ('the SDK declares it', e)
    assert len(set((e['operation'], e['side'], e['path']) for e in extras)) == len(extras)
    doc = EXTRAS_DOC.read_text()
    assert extras_table() in doc, 'emulator/REFERENCE_EXTRAS.md: replace the table with\n' + extras_table()


def reference_text():
    """The API reference, when the shared spec is beside the repository (ACK_SHARED_DIR, or ../shared)."""
    shared = os.environ.get('ACK_SHARED_DIR') or ROOT.parent / 'shared'
    path = Path(shared) / 'spec' / 'ack-api-reference.txt'
    return path.read_text() if path.exists() else None


def test_reference_extras_name_sections_that_document_them():
    text = reference_text()
    if text is None:
        pytest.skip('the API reference is not beside the repository')
    heads = [(m.start(), m.group(1)) for m in re.finditer(r'^(\d+\.\d+(?:\.\d+)?)\. ', text, re.M)]
    # a section runs to the next heading; the body's headings come after the table of contents' and win
    sections = dict((number, text[start:(heads[i + 1][0] if i + 1 < len(heads) else len(text))])
                    for i, (start, number) in enumerate(heads))
    for e in sdk_shapes.reference_extras(side=None):
        key = re.split(r'[.\[\]*]+', e['path'])[-1] or e['path']
        for cited in e['section'].split('; '):
            assert key in sections[cited.split(' ')[0]], (key, cited)


# -- the emulator's answers -------------------------------------------------------------------------------------
@pytest.fixture(scope='module')
def scenario(_emulator_session):
    """One run of the scenario on the session's emulator (reset before and after)."""
    emu = _emulator_session
    if emu.proc is None or emu.proc.poll() is not None:
        emu.start()
    emu.reset()
    try:
        yield Scenario(emu).run()
    finally:
        emu.reset()


def answer_differences(operation, bodies):
    """{(path, kind): detail} of every answer of `operation`, the keys the reference documents there left out."""
    found = {}
    for body in bodies:
        for path, kind, detail in sdk_shapes.differences(operation, body, extras=True):
            found.setdefault((path, kind), detail)
    return found


def test_every_operation_has_an_sdk_method():
    sdk = sdk_shapes.sdk_operations()
    ours = emulator_operations()
    assert sorted(op for op in ours if op not in sdk) == sorted(NO_SDK_METHOD)
    print('\nSDK operations the emulator does not implement (%d): %s' % (
        len(set(sdk) - set(ours)), ', '.join(sorted(set(sdk) - set(ours)))))


def test_the_scenario_calls_every_operation(scenario):
    assert sorted(scenario.answers) == OPERATIONS
    assert scenario.unreadable == {}, 'the SDK could not read these answers into its models'


@pytest.mark.parametrize('operation', OPERATIONS)
def test_answers_match_the_sdk(scenario, operation):
    found = answer_differences(operation, scenario.answers.get(operation, []))
    known = dict(((p, k), why) for (op, p, k), why in KNOWN_GAPS.items() if op == operation)
    new = dict((key, detail) for key, detail in found.items() if key not in known)
    gone = sorted(key for key in known if key not in found)
    assert not new, 'answers of %s differ from the SDK model: %s' % (operation, json.dumps(
        sorted('%s %s: %s' % (p, k, d) for (p, k), d in new.items()), indent=1))
    assert not gone, 'fixed, remove from KNOWN_GAPS: %s' % gone


# -- the collection's requests ----------------------------------------------------------------------------------
@pytest.fixture(scope='module')
def requests_sent(tmp_path_factory):
    pytest.importorskip('ansible')
    return collection_requests(load_module_utils(tmp_path_factory.mktemp('playbook')))


def test_collection_requests_match_the_sdk(requests_sent):
    found = {}
    for operation, query, body in requests_sent:
        assert operation in sdk_shapes.sdk_operations(), operation
        for path, kind, detail in sdk_shapes.request_differences(operation, query, body):
            found.setdefault((operation, path, kind), detail)
    new = dict((key, detail) for key, detail in found.items() if key not in KNOWN_REQUEST_GAPS)
    gone = sorted(key for key in KNOWN_REQUEST_GAPS if key not in found)
    assert not new, 'the collection sends what the SDK does not: %s' % json.dumps(
        sorted('%s %s %s: %s' % (k + (d,)) for k, d in new.items()), indent=1)
    assert not gone, 'fixed, remove from KNOWN_REQUEST_GAPS: %s' % gone
    operations = set(op for op, _q, _b in requests_sent)
    assert {'CreateCluster', 'ScaleOutCluster', 'InstallClusterAddons', 'UpgradeCluster', 'CreateTemplate',
            'DescribeClustersV1', 'DescribeClusterNodes'} <= operations
