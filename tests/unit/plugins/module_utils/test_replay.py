# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recorded answers replayed through the modules (#25).

tests/fixtures/recorded/reference/ holds the API reference's own sample answers as cassettes (extracted by
scripts/extract_reference_samples.py; index.json accounts for every JSON block of the reference). Each one is
replayed through the module that reads that answer, on the fake client: the module must decide as it does on the
emulator's answer to the same call (tests/fixtures/answers, captured from the emulator), e.g. a cluster read back
and asked for as it is stays unchanged, and what it returns must come from the sample (task ids, lists, values).
Other cassettes under tests/fixtures/recorded/ (real recordings, ALIBABA_CLOUD_ACK_RECORD) are loaded and checked
for secrets; tests/integration/test_recording.py replays a recording made against the emulator.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import subprocess
import sys

import pytest

from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.cassette_client import (
    RECORDED,
    CassetteClient,
    Interaction,
    cassettes,
    decision,
    load,
    run_module,
)
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import INDEX, answer

REFERENCE = os.path.join(RECORDED, 'reference')
with open(os.path.join(REFERENCE, 'index.json')) as _f:
    SECTIONS = json.load(_f)['sections']
RUNNING = answer('DescribeClusterDetail.running')
CID = RUNNING['cluster_id']
WORKERS = [n for n in answer('DescribeClusterNodes')['nodes'] if n['instance_role'] == 'Worker']
TEMPLATE = answer('DescribeTemplateAttribute')[0]
NEW = dict(name='replay', cluster_type='ManagedKubernetes', kubernetes_version='1.28.9-aliyun.1', vpc_id='vpc-test0001',
           vswitch_ids=['vsw-test0001'], container_cidr='172.20.0.0/16', service_cidr='172.21.0.0/20', num_of_nodes=2,
           worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
           worker_system_disk_size=120, key_pair='web-key', snat_entry=True, wait=False)
NEXT = '1.30.1-aliyun.1'  # the version the paused upgrade of the fixtures goes to
REMOVE_CSI = {'name': 'csi-plugin', 'state': 'absent'}
SERVERLESS = dict(name='replay', cluster_type='Ask', vpc_id='vpc-test0001', vswitch_ids=['vsw-test0001'],
                  zone_id='cn-hangzhou-i', private_zone=False, wait=False)


def truthy(value):
    return value in (True, 'true', 'True')


def the_same_cluster(detail):
    """ack_cluster options that ask for the cluster as `detail` shows it (the reference's "true" is true)."""
    return dict(cluster_id=CID, name=detail['name'], deletion_protection=truthy(detail.get('deletion_protection')),
                tags=dict((t['key'], t['value']) for t in detail.get('tags') or [] if t['key'] != 'ack.aliyun.com'))


def listed(answer):
    """The templates of a DescribeTemplates answer: {templates: [...]}, or the reference's one bare template."""
    return answer['templates'] if 'templates' in answer else [answer]


def first_cluster(result):
    return result['clusters'][0]


# section -> (module, options(sample answer) -> dict, extra answers {operation: fixture or data},
#             check(result, sample answer) -> bool, fixture: the emulator's answer to the same call or None)
SCENARIOS = {
    'CreateCluster': ('ack_cluster', lambda a: dict(NEW), {'DescribeClustersV1': 'DescribeClustersV1.empty'},
                      lambda r, a: r['task_id'] == a['task_id'], 'CreateCluster'),
    'CreateCluster.serverless': ('ack_cluster', lambda a: dict(SERVERLESS),
                                 {'DescribeClustersV1': 'DescribeClustersV1.empty'},
                                 lambda r, a: r['task_id'] == a['task_id'], 'CreateCluster'),
    'ScaleOutCluster': ('ack_nodes', lambda a: dict(cluster_id=CID, count=len(WORKERS) + 1, wait=False,
                                                    worker_instance_types=['ecs.g7.xlarge'], key_pair='web-key'),
                        {}, lambda r, a: r['task_id'] == a['task_id'], 'ScaleOutCluster'),
    'ModifyCluster': ('ack_cluster', lambda a: dict(cluster_id=CID, deletion_protection=True, wait=False), {},
                      lambda r, a: r['task_id'] == a['task_id'], 'ModifyCluster'),
    'DeleteCluster': ('ack_cluster', lambda a: dict(cluster_id=CID, state='absent', wait=False), {},
                      lambda r, a: r['changed'], 'DeleteCluster'),
    'DescribeClusterResources': ('ack_cluster_info', lambda a: dict(cluster_id=CID, gather=['resources']), {},
                                 lambda r, a: first_cluster(r)['resources'] == a, None),
    'DescribeClusterDetail': ('ack_cluster', the_same_cluster, {}, lambda r, a: r['cluster'] == a,
                              'DescribeClusterDetail.running'),
    'DescribeClusterDetail.info': ('ack_cluster_info', lambda a: dict(cluster_id=CID), {},
                                   lambda r, a: r['clusters'] == [a], 'DescribeClusterDetail.running'),
    'DescribeExternalAgent': ('ack_cluster_info', lambda a: dict(cluster_id=CID, gather=['external_agent']), {},
                              lambda r, a: first_cluster(r)['external_agent'] == a, None),
    'DescribeUserQuota': ('ack_cluster_info', lambda a: dict(cluster_id=CID, gather=['quota']), {},
                          lambda r, a: r['quota'] == a, None),
    'DescribeClusterLogs': ('ack_cluster_info', lambda a: dict(cluster_id=CID, gather=['logs']), {},
                            lambda r, a: first_cluster(r)['logs'] == a, None),
    'ListTagResources': ('ack_cluster_info', lambda a: dict(cluster_id=CID, gather=['tags']), {},
                         lambda r, a: first_cluster(r)['tag_resources'] == a['tag_resources']['tag_resource'], None),
    'ModifyClusterTags': ('ack_cluster', lambda a: dict(cluster_id=CID, tags={'env': 'prod'}, wait=False), {},
                          lambda r, a: r['changed'], 'ModifyClusterTags'),
    'DescribeClusterNodes': ('ack_nodes_info', lambda a: dict(cluster_id=CID), {},
                             lambda r, a: [n.get('instance_id') for n in r['nodes']]
                             == [n.get('instance_id') for n in a['nodes']], 'DescribeClusterNodes'),
    'RemoveClusterNodes': ('ack_nodes', lambda a: dict(cluster_id=CID, state='absent', wait=False,
                                                       nodes=[WORKERS[0]['instance_id']]), {},
                           lambda r, a: r['changed'], 'RemoveClusterNodes'),
    'AttachInstances': ('ack_nodes', lambda a: dict(cluster_id=CID, instances=['i-replay000000000001'], wait=False,
                                                    key_pair='web-key'), {},
                        lambda r, a: r['task_id'] == a['task_id'], 'AttachInstances'),
    'GetUpgradeStatus': ('ack_upgrade_info', lambda a: dict(cluster_id=CID), {},
                         lambda r, a: json.dumps(a['upgrade_step']) in json.dumps(r), 'GetUpgradeStatus.none'),
    'UpgradeCluster': ('ack_upgrade', lambda a: dict(cluster_id=CID, version='next', wait=False),
                       {'DescribeKubernetesVersionMetadata': 'DescribeKubernetesVersionMetadata.1.28.9'},
                       lambda r, a: r['changed'], 'UpgradeCluster'),
    'PauseClusterUpgrade': ('ack_upgrade', lambda a: dict(cluster_id=CID, state='paused', wait=False),
                            {'GetUpgradeStatus': 'GetUpgradeStatus.running'}, lambda r, a: r['changed'],
                            'PauseClusterUpgrade'),
    'CancelClusterUpgrade': ('ack_upgrade', lambda a: dict(cluster_id=CID, state='canceled', wait=False),
                             {'GetUpgradeStatus': 'GetUpgradeStatus.running'}, lambda r, a: r['changed'],
                             'CancelClusterUpgrade'),
    'ResumeUpgradeCluster': ('ack_upgrade', lambda a: dict(cluster_id=CID, state='upgraded', version=NEXT, wait=False),
                             {'GetUpgradeStatus': 'GetUpgradeStatus.pause'}, lambda r, a: r['changed'],
                             'ResumeUpgradeCluster'),
    'CreateTemplate': ('ack_template', lambda a: dict(name='replay', template=TEMPLATE['template']),
                       {'DescribeTemplates': 'DescribeTemplates.empty'}, lambda r, a: r['changed'], 'CreateTemplate'),
    'DescribeTemplates': ('ack_template_info', lambda a: dict(name=listed(a)[0]['name']), {},
                          lambda r, a: [t['name'] for t in r['templates']] == [listed(a)[0]['name']],
                          'DescribeTemplates'),
    'UpdateTemplate': ('ack_template', lambda a: dict(template_id=TEMPLATE['id'], description='changed'), {},
                       lambda r, a: r['changed'], 'UpdateTemplate'),
    'DeleteTemplate': ('ack_template', lambda a: dict(template_id=TEMPLATE['id'], state='absent'), {},
                       lambda r, a: r['changed'], 'DeleteTemplate'),
    'InstallClusterAddons': ('ack_addon', lambda a: dict(cluster_id=CID, addons=[{'name': 'logtail-ds'}], wait=False),
                             {}, lambda r, a: r['changed'], 'InstallClusterAddons'),
    'DescribeAddons': ('ack_addon_info', lambda a: dict(cluster_id=CID, catalog=True), {},
                       lambda r, a: 'flexvolume' in json.dumps(r), 'DescribeAddons'),
    'DescribeClusterAddonsVersion': ('ack_addon_info', lambda a: dict(cluster_id=CID), {},
                                     lambda r, a: a.get('component_name', 'coredns') in json.dumps(r),
                                     'DescribeClusterAddonsVersion'),
    'DescribeClusterAddonUpgradeStatus': ('ack_addon_info', lambda a: dict(cluster_id=CID, names=['csi-plugin']), {},
                                          lambda r, a: not r.get('failed'), None),
    'UnInstallClusterAddons': ('ack_addon', lambda a: dict(cluster_id=CID, addons=[REMOVE_CSI], wait=False), {},
                               lambda r, a: r['changed'], 'UnInstallClusterAddons'),
}
# sections whose operation has another scenario than the operation's first one
SECTION_SCENARIOS = {'7.1.3': ['CreateCluster.serverless'],
                     '7.6': ['DescribeClusterDetail', 'DescribeClusterDetail.info']}
# answers every scenario may read besides the one under test (the emulator's, captured)
BASE = [('DescribeClusterDetail', 'DescribeClusterDetail.running'), ('DescribeClustersV1', 'DescribeClustersV1'),
        ('DescribeTaskInfo', 'DescribeTaskInfo.success'), ('DescribeClusterNodes', 'DescribeClusterNodes'),
        ('GetUpgradeStatus', 'GetUpgradeStatus.none'), ('DescribeClusterAddonsVersion', 'DescribeClusterAddonsVersion'),
        ('DescribeKubernetesVersionMetadata', 'DescribeKubernetesVersionMetadata.1.28.9'),
        ('DescribeAddons', 'DescribeAddons'), ('DescribeTemplates', 'DescribeTemplates'),
        ('DescribeClusterAddonsUpgradeStatus', 'DescribeClusterAddonsUpgradeStatus'),
        ('DescribeTemplateAttribute', 'DescribeTemplateAttribute')]


# replays whose sample the module cannot read as it reads the emulator's answer (a fixed one must be removed)
KNOWN_GAPS = {
    '10.2-DescribeTemplates': 'the reference shows one bare template object, the SDK and the emulator a `templates` '
                              'list: ack_template_info lists nothing from the excerpt',
}


def reference_cassettes():
    return [(e['section'], os.path.join(REFERENCE, e['cassette'])) for e in SECTIONS if e['cassette']]


def scenarios_of(section, operation):
    return SECTION_SCENARIOS.get(section, [operation])


def replay(name, item):
    """(result, decision) of scenario `name` with the interaction's answer for its operation."""
    module, options, extras, dummy, dummy = SCENARIOS[name]
    client = CassetteClient([item], match='operation')
    for operation, fixture in BASE + sorted(extras.items()):
        if operation != item.operation:
            client.on(operation, answer=fixture)
    result = run_module(module, client, **options(item.answer))
    return result, decision(result, client)


class Emulated(Interaction):
    """The same call answered as the emulator answers it (the captured fixture)."""

    def __init__(self, item, fixture):  # pylint: disable=super-init-not-called
        self.__dict__.update(item.__dict__)
        self.status = INDEX[fixture + '.json']['status']
        self.text = json.dumps(answer(fixture))


CASES = [pytest.param(section, name, path, id='%s-%s' % (section, name),
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS['%s-%s' % (section, name)])]
                      if '%s-%s' % (section, name) in KNOWN_GAPS else [])
         for section, path in reference_cassettes() for name in scenarios_of(section, load(path)[0][0].operation)]


@pytest.mark.parametrize('section, name, path', CASES)
def test_a_reference_sample_replays_through_the_module_as_the_emulator_answer_does(section, name, path):
    (item,), metadata = load(path)
    assert metadata['section'] == section and item.operation == metadata['operation']
    assert item.status < 300
    result, decided = replay(name, item)
    check, fixture = SCENARIOS[name][3], SCENARIOS[name][4]
    assert not decided['failed'], result
    assert check(result, item.answer), result
    if fixture:
        expected = replay(name, Emulated(item, fixture))[1]
        assert decided == expected


def test_every_section_with_a_sample_answer_has_a_cassette_and_every_json_block_is_accounted_for(capsys):
    lines = ['%-6s %-36s %-34s %s' % ('section', 'operation', 'JSON samples (cassette / other)', 'replays')]
    for entry in SECTIONS:
        if not entry['json_samples']:
            continue
        replays = scenarios_of(entry['section'], entry['operation']) if entry['cassette'] else []
        used = entry['json_samples'] - len(entry['skipped'])
        assert used + len(entry['skipped']) == entry['json_samples']
        assert bool(entry['cassette']) == (used > 0), entry
        counts = '%d (%d / %d)' % (entry['json_samples'], used, len(entry['skipped']))
        why = ', '.join(replays) or '; '.join(sorted(set(entry['skipped'])))
        lines.append('%-6s %-36s %-34s %s' % (entry['section'], entry['operation'] or '-', counts, why))
    with capsys.disabled():
        print('\nreference samples per section:\n' + '\n'.join(lines))
    # every operation section of the reference (7 to 11) gives a cassette, each replayed
    made = [e for e in SECTIONS if e['cassette']]
    assert [e['section'] for e in SECTIONS if e['operation'] and not e['cassette']] == []
    assert len(made) == len(reference_cassettes()) >= 35
    assert all(name in SCENARIOS for e in made for name in scenarios_of(e['section'], e['operation']))


def test_the_committed_cassettes_are_what_the_extraction_script_makes_of_the_reference(tmp_path):
    root = os.path.abspath(os.path.join(RECORDED, '..', '..', '..'))
    script = os.path.join(root, 'scripts', 'extract_reference_samples.py')
    spec = os.path.join(os.environ.get('ACK_SHARED_DIR') or os.path.join(root, '..', 'shared'), 'spec',
                        'ack-api-reference.txt')
    if not (os.path.exists(script) and os.path.exists(spec)):
        pytest.skip('the extraction script or the reference is not beside this copy')
    subprocess.run([sys.executable, script, spec, str(tmp_path)], check=True, capture_output=True)
    made = sorted(os.listdir(str(tmp_path)))
    assert made == sorted(os.listdir(REFERENCE))
    for name in made:
        with open(os.path.join(str(tmp_path), name)) as new, open(os.path.join(REFERENCE, name)) as old:
            assert new.read() == old.read(), name


SECRET = re.compile(r'(?i)authorization|x-acs-signature|x-acs-security-token|x-acs-accesskey|LS0tLS1|BEGIN [A-Z ]*'
                    r'PRIVATE KEY|--openapi-token [^<]')


@pytest.mark.parametrize('path', cassettes(RECORDED))
def test_every_cassette_loads_with_vcrpy_and_holds_no_credential(path):
    interactions, dummy = load(path)
    assert interactions and all(i.operation for i in interactions)
    with open(path) as f:
        assert SECRET.search(f.read()) is None
