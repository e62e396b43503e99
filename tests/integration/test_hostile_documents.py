"""Issue #28: documents built to exhaust a parser (deep nesting, "billion laughs" aliases) given to ack_template,
ack_template_info, ack_addon and ack_cluster, through ansible-playbook against the emulator.

Each is refused in one line naming the cause (never "maximum recursion depth exceeded", never a hang), before
any write; a stored manifest of that kind is reported by ack_template_info parse: true as a parse error.
"""
import pytest

from ack_emulator.client import SignedClient
from cases import assert_one_line_failure, run_cases
from conftest import Playbook

SEEDED = {'name': 'hostile-docs', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
          'vpcid': 'vpc-host0001', 'vswitch_ids': ['vsw-host0001'], 'num_of_nodes': 1,
          'kubernetes_version': '1.28.9-aliyun.1', 'worker_instance_types': ['ecs.g7.xlarge'],
          'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
          'snat_entry': True, 'container_cidr': '172.20.0.0/16', 'service_cidr': '172.21.0.0/20'}
NEW = dict(name='hostile-new', cluster_type='ManagedKubernetes', vpc_id='vpc-host0002', vswitch_ids=['vsw-host0002'],
           num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
           worker_system_disk_size=120, key_pair='k1', snat_entry=True)
MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\ndata:\n  key: value\n'
LAUGHS = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n' + ''.join(
    '  l%d: &l%d [%s]\n' % (n, n, ', '.join(['*l%d' % (n - 1)] * 10) if n else ', '.join(['lol'] * 10))
    for n in range(10))
DEEP_YAML = 'kind: ConfigMap\ndata: ' + '[' * 10000 + ']' * 10000 + '\n'
DEEP_JSON = '{"a": ' + '[' * 10000 + ']' * 10000 + '}'
WRITES = ('CreateCluster', 'CreateTemplate', 'UpdateTemplate', 'InstallClusterAddons', 'UpgradeClusterAddons')
DEEPER = 'is nested deeper than 64 levels'


def nested(depth):
    value = 'x'
    for _level in range(depth):
        value = [value]
    return value


def corpus(cid, tid):
    """[(label, module, args, words in msg)]."""
    m, c = 'alicloud.ack.', dict(cluster_id=cid)
    return [
        ('laughs on create', m + 'ack_template', {'name': 'lol', 'template': LAUGHS}, 'expands to more than'),
        ('laughs on update', m + 'ack_template', {'template_id': tid, 'template': LAUGHS}, 'expands to more than'),
        ('deep manifest text', m + 'ack_template', {'name': 'deep', 'template': DEEP_YAML}, DEEPER),
        ('deep manifest data', m + 'ack_template', {'name': 'deep', 'template': {'kind': 'ConfigMap',
                                                                                 'data': nested(100)}}, DEEPER),
        ('deep addon config text', m + 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus',
                                                                     'config': DEEP_JSON}]), DEEPER),
        ('deep addon config data', m + 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus',
                                                                     'config': {'a': nested(100)}}]), DEEPER),
        ('deep cluster addon config', m + 'ack_cluster', dict(NEW, addons=[{'name': 'flannel',
                                                                            'config': DEEP_JSON}]), DEEPER),
    ]


@pytest.fixture(scope='module')
def ran(emulator, tmp_path_factory):
    emulator.reset()
    signed = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
    # a template to update, and one stored with an alias bomb (the API keeps what it is given)
    tid, stored = [signed.call('POST', '/templates', body={'name': name, 'template': text}, action='CreateTemplate')
                   .json['template_id'] for name, text in (('hostile', MANIFEST), ('stored-lol', LAUGHS))]
    cases = corpus(emulator.seed_clusters([SEEDED])[0], tid)
    before = emulator.stats()
    tasks = [(case[1], case[2], {'timeout': 120}) for case in cases]
    tasks.append(('alicloud.ack.ack_template_info', {'template_id': stored, 'parse': True}, {'timeout': 120}))
    work = tmp_path_factory.mktemp('hostile-docs')
    results, out = run_cases(Playbook(emulator, work), tasks)
    after = emulator.stats()
    return dict(cases=cases, results=results, out=out,
                writes=dict((op, after.get(op, 0) - before.get(op, 0)) for op in WRITES
                            if after.get(op, 0) != before.get(op, 0)))


def test_each_document_is_refused_in_one_line(ran):
    problems = []
    for (label, module, _args, words), r in zip(ran['cases'], ran['results']):
        try:
            assert_one_line_failure(r, words, ran['out'])
            assert 'recursion' not in r['msg'], r['msg']
        except AssertionError as e:
            problems.append('%s (%s): %s' % (label, module.split('.')[-1], str(e)[:400]))
    assert not problems, '\n'.join(problems)


def test_no_write_call_reached_the_emulator(ran):
    assert ran['writes'] == {}


def test_a_stored_laughs_manifest_is_a_parse_error_of_template_info(ran):
    r = ran['results'][-1]
    assert not r.get('failed'), r
    template = r['templates'][0]
    assert template['documents'] is None and 'expands to more than' in template['parse_error'], template
