"""Issue #21: the modules against answers shaped exactly as the official SDK models them.

The emulator answers every key it keeps by default. With POST /__emulator/config {"answers": "sdk"} it answers
only the keys the SDK (alibabacloud_cs20151215, generated from the live API) declares; with "reference", those and
the keys the API reference documents beyond them. Resources made with the default answers, then the same tasks run
again in those modes: no write reaches the emulator and no task reports a change. The _info modules still return
their data, and an add-on installed with the emulator in "sdk" mode from the start gets its catalogue version.
"""
import pytest

from cases import run_cases

FROM, TO = '1.28.9-aliyun.1', '1.30.1-aliyun.1'
READS = ('Describe', 'Get', 'List')
MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shapes\ndata:\n  key: value\n'
WAITS = dict(wait_sleep=0.2, wait_timeout=60)
CLUSTER = dict(
    name='shapes', cluster_type='ManagedKubernetes', kubernetes_version=FROM, vpc_id='vpc-shape0001',
    vswitch_ids=['vsw-shape0001'], num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'],
    worker_system_disk_category='cloud_essd', worker_system_disk_size=120, key_pair='k1', snat_entry=True,
    worker_data_disks=[{'category': 'cloud_essd', 'size': 100, 'encrypted': True}],
    container_cidr='172.20.0.0/16', service_cidr='172.21.0.0/20', node_cidr_mask=26, proxy_mode='ipvs',
    endpoint_public_access=False, api_server_eip=True, api_server_eip_id='eip-shape00000001',
    ingress_loadbalancer_id='lb-shape00000001', deletion_protection=True, resource_group_id='rg-shape0001',
    tags={'env': 'shapes', 'team': 'core'}, **WAITS)
ADDON = dict(name='arms-prometheus')


def writes(emulator):
    return dict((op, n) for op, n in emulator.stats().items() if not op.startswith(READS))


def answers(emulator, mode):
    assert emulator.admin('config', {'answers': mode})['answers'] == mode


def state_cases(kubeconfig):
    return [
        ('alicloud.ack.ack_cluster', dict(CLUSTER)),
        ('alicloud.ack.ack_nodes', dict(name='shapes', count=2, worker_instance_types=['ecs.g7.xlarge'], key_pair='k1',
                                        worker_data_disks=[{'category': 'cloud_essd', 'size': 100, 'encrypted': True,
                                                            'performance_level': 'PL1'}], **WAITS)),
        ('alicloud.ack.ack_addon', dict(name='shapes', addons=[ADDON, {'name': 'logtail-ds', 'config': {'a': 'b'}}],
                                        **WAITS)),
        ('alicloud.ack.ack_template', dict(name='shapes-web', template_type='kubernetes', template=MANIFEST,
                                           description='shapes', tags='common')),
        ('alicloud.ack.ack_upgrade', dict(name='shapes', version=TO, **WAITS)),
        ('alicloud.ack.ack_kubeconfig', dict(name='shapes', path=str(kubeconfig))),
    ]


INFO_CASES = [
    ('alicloud.ack.ack_cluster_info', dict(name='shapes', gather=['resources', 'tags', 'logs'])),
    ('alicloud.ack.ack_nodes_info', dict(name='shapes')),
    ('alicloud.ack.ack_addon_info', dict(name='shapes', catalog=True)),
    ('alicloud.ack.ack_addon_info', dict(name='shapes', names=['arms-prometheus'])),
    ('alicloud.ack.ack_template_info', dict(name='shapes-web', template_type='kubernetes', parse=True)),
    ('alicloud.ack.ack_upgrade_info', dict(name='shapes')),
]


@pytest.mark.parametrize('mode', ['sdk', 'reference'])
def test_an_unchanged_rerun_against_sdk_shaped_answers_writes_nothing(playbook, emulator, tmp_path, mode):
    cases = state_cases(tmp_path / 'kubeconfig')
    made, out = run_cases(playbook, cases)
    assert all(not r.get('failed') for r in made), out[-6000:]
    assert all(r['changed'] for r in made), [r.get('changed') for r in made]
    answers(emulator, mode)
    before = writes(emulator)
    cases[0][1]['kubernetes_version'] = TO  # the task as the user keeps it after the upgrade
    again, out = run_cases(playbook, cases)
    for (module, _args), r in zip(cases, again):
        assert not r.get('failed') and r['changed'] is False, (module, r.get('msg'), r.get('diff'))
    assert writes(emulator) == before, out[-4000:]

    info, out = run_cases(playbook, INFO_CASES)
    assert all(not r.get('failed') for r in info), out[-6000:]
    clusters, nodes, addons, one, templates, upgrade = info
    cluster = clusters['clusters'][0]
    assert cluster['name'] == 'shapes' and cluster['current_version'] == TO and cluster['resources']
    assert len([n for n in nodes['nodes'] if n.get('instance_role') != 'Master']) == 2
    installed = dict((a['name'], a) for a in addons['addons'])
    assert installed['arms-prometheus']['version'] and installed['arms-prometheus']['state'] == 'active'
    catalog = dict((i['name'], i) for g in addons['catalog'] for i in g['items'])
    assert catalog['arms-prometheus']['version'] == installed['arms-prometheus']['version']
    assert [a['name'] for a in one['addons']] == ['arms-prometheus'] and one['addons'][0]['upgrade_status']
    assert templates['templates'][0]['documents'][0]['metadata']['name'] == 'shapes'
    assert upgrade['current_version'] == TO and upgrade['upgrade']['status']
    assert writes(emulator) == before


def test_an_add_on_installs_at_its_catalogue_version_with_sdk_shaped_answers(playbook, emulator):
    answers(emulator, 'sdk')
    cluster = dict((k, v) for k, v in CLUSTER.items() if k not in ('api_server_eip', 'api_server_eip_id',
                                                                   'ingress_loadbalancer_id', 'deletion_protection'))
    cases = [('alicloud.ack.ack_cluster', dict(cluster, name='shapes-sdk')),
             ('alicloud.ack.ack_addon', dict(name='shapes-sdk', addons=[ADDON], **WAITS))]
    made, out = run_cases(playbook, cases)
    assert all(not r.get('failed') and r['changed'] for r in made), out[-6000:]
    installed = dict((a['name'], a) for a in made[1]['addons'])
    assert installed['arms-prometheus']['version'] == '1.1.3', installed  # the catalogue's (StandardComponents)
    before = writes(emulator)
    again, out = run_cases(playbook, cases)
    assert all(not r.get('failed') and r['changed'] is False for r in again), out[-6000:]
    assert writes(emulator) == before
