"""Issue #28: inputs a careless or hostile user gives, in the classes the issue names, for every module, through
ansible-playbook against the emulator: numbers past what a socket timeout or the API's 32-bit Integer holds, text
with a control character (a trailing newline from a lookup), data nested past any sense, and limits the reference
or the SDK documents that used to be left to the API (disk sizes, periods, vSwitches, instance types, parallelism,
network plug-ins, node quota). Each ends in one line naming the option, without Python's own error text, before any
write call.
"""
import pytest

from cases import assert_one_line_failure, run_cases
from conftest import Playbook
from test_bad_inputs import WRITES

V128 = '1.28.9-aliyun.1'
SEEDED = {'name': 'hostile-inputs', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
          'vpcid': 'vpc-hos00001', 'vswitch_ids': ['vsw-hos00001'], 'num_of_nodes': 1,
          'kubernetes_version': '1.26.15-aliyun.1', 'worker_instance_types': ['ecs.g7.xlarge'],
          'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
          'snat_entry': True, 'container_cidr': '172.20.0.0/16', 'service_cidr': '172.21.0.0/20'}
PYTHON_TEXT = ('Traceback', 'recursion', 'Errno', '_PyTime_t', 'timestamp too large', 'object of type',
               'NoneType', 'OverflowError', 'invalid literal')
HUGE = 10 ** 20


def nested(depth):
    value = 'x'
    for _level in range(depth):
        value = [value]
    return value


DEEP = {'a': nested(100)}
VSWITCHES = ['vsw-hos%05d' % i for i in range(9)]


def base_args(cid, folder):
    """Each module's task with valid options (the hostile one is added to it)."""
    c = dict(cluster_id=cid)
    return {
        'ack_cluster': dict(name='hostile-new', cluster_type='ManagedKubernetes', vpc_id='vpc-hos00002',
                            vswitch_ids=['vsw-hos00002'], num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'],
                            worker_system_disk_category='cloud_essd', worker_system_disk_size=120, key_pair='k1',
                            snat_entry=True),
        'ack_cluster_info': dict(c),
        'ack_nodes': dict(c, count=3, key_pair='k1', worker_instance_types=['ecs.g7.xlarge']),
        'ack_nodes_info': dict(c),
        'ack_nodepool': dict(c, name='hostile-pool', desired_size=1, key_pair='k1', vswitch_ids=['vsw-hos00001'],
                             worker_instance_types=['ecs.g7.xlarge']),
        'ack_nodepool_info': dict(c),
        'ack_addon': dict(c, addons=[{'name': 'arms-prometheus'}]),
        'ack_addon_info': dict(c),
        'ack_upgrade': dict(c, version='next'),
        'ack_upgrade_info': dict(c),
        'ack_template': {'name': 'hostile-new', 'template': 'kind: ConfigMap\nmetadata: {name: x}\n'},
        'ack_template_info': {},
        'ack_kubeconfig': dict(c, path=folder + '/config'),
    }


def every_module(base):
    """The classes every module shares: connection and wait numbers, a trailing newline in text, deep data."""
    cases = []
    for short, args in sorted(base.items()):
        module = 'alicloud.ack.' + short
        cases += [
            ('%s connect_timeout huge' % short, module, dict(args, connect_timeout=HUGE),
             'connect_timeout must be at most 300'),
            ('%s read_timeout huge' % short, module, dict(args, read_timeout=HUGE), 'read_timeout must be at most'),
            ('%s api_retries huge' % short, module, dict(args, api_retries=HUGE), 'api_retries must be at most 100'),
            ('%s secret key with a newline' % short, module,
             dict(args, alicloud_access_key='LTAI5tACKEMULATORDEMO', alicloud_secret_key='not-the-secret\n'),
             'control character'),  # the secret is never shown
        ]
        if 'cluster_id' in args:
            cases.append(('%s cluster id with a newline' % short, module,
                          dict(args, cluster_id=args['cluster_id'] + '\n'), 'cluster_id \'%s\\n\' contains a control '
                          'character' % args['cluster_id']))
        else:
            cases.append(('%s name with a NUL' % short, module, dict(args, name='hostile\x00'),
                          'name \'hostile\\x00\' contains a control character'))
        if short in ('ack_cluster', 'ack_nodes', 'ack_nodepool', 'ack_addon', 'ack_upgrade'):
            cases += [('%s wait_timeout huge' % short, module, dict(args, wait_timeout=HUGE),
                       'wait_timeout must be at most 604800'),
                      ('%s wait_sleep NaN' % short, module, dict(args, wait_sleep='nan'), 'wait_sleep must be at least')]
    return cases


def api_limits(cid, base):
    """Limits the reference or the SDK documents, left to the API before."""
    c, b = dict(cluster_id=cid), base
    pool, nodes, cluster = b['ack_nodepool'], b['ack_nodes'], b['ack_cluster']
    default_pool = dict(c, name='default-nodepool', kubernetes_version=V128)
    return [
        ('nodes system disk negative', 'ack_nodes', dict(nodes, worker_system_disk_size=-1),
         'worker_system_disk_size must be 40 to 500 GiB'),
        ('nodes data disk huge', 'ack_nodes', dict(nodes, worker_data_disks=[{'size': 10 ** 9}]),
         'worker_data_disks size must be 20 to 32768 GiB'),
        ('nodes period negative', 'ack_nodes', dict(nodes, worker_period=-1), 'worker_period must be one of'),
        ('nodes PrePaid period 5', 'ack_nodes', dict(nodes, worker_instance_charge_type='PrePaid', worker_period=5),
         'worker_period must be one of 1, 2, 3, 6, 12'),
        ('nodes four vSwitches', 'ack_nodes', dict(nodes, vswitch_ids=VSWITCHES[:4]), 'vswitch_ids: at most 3'),
        ('nodes count past int32', 'ack_nodes', dict(nodes, count=HUGE), 'count must be within a 32-bit integer'),
        ('nodes count past the quota', 'ack_nodes', dict(nodes, count=100000), 'node quota'),
        ('nodes taint key newline', 'ack_nodes', dict(nodes, taints=[{'key': 'gpu\n'}]),
         'taints.key \'gpu\\n\' contains a control character'),
        ('pool system disk 10', 'ack_nodepool', dict(pool, worker_system_disk_size=10),
         'worker_system_disk_size must be 20 to 2048 GiB'),
        ('pool data disk 20', 'ack_nodepool', dict(pool, worker_data_disks=[{'size': 20}]),
         'worker_data_disks size must be 40 to 32768 GiB'),
        ('pool eleven data disks', 'ack_nodepool', dict(pool, worker_data_disks=[{'size': 40}] * 11),
         'worker_data_disks: at most 10 data disks'),
        ('pool nine vSwitches', 'ack_nodepool', dict(pool, vswitch_ids=VSWITCHES), 'vswitch_ids: at most 8'),
        ('pool eleven instance types', 'ack_nodepool',
         dict(pool, worker_instance_types=['ecs.g7.%dxlarge' % i for i in range(11)]),
         'worker_instance_types: at most 10'),
        ('pool renew period 5', 'ack_nodepool', dict(pool, worker_instance_charge_type='PrePaid', worker_period=1,
                                                     worker_auto_renew=True, worker_auto_renew_period=5),
         'worker_auto_renew_period must be one of 1, 2, 3, 6, 12, 24'),
        ('pool parallelism 11', 'ack_nodepool', dict(default_pool, rolling_policy={'max_parallelism': 11}),
         'rolling_policy.max_parallelism must be 1 to 10'),
        ('pool batch interval 3', 'ack_nodepool', dict(default_pool, rolling_policy={'max_parallelism': 1,
                                                                                     'batch_interval': 3}),
         'rolling_policy.batch_interval must be 5 to 120'),
        ('pool max unavailable 0', 'ack_nodepool', dict(pool, management={'enable': True, 'max_unavailable': 0}),
         'management.max_unavailable must be 1 to 1000'),
        ('pool labels deep', 'ack_nodepool', dict(pool, labels=DEEP), 'labels is refused: it is nested deeper'),
        ('cluster four vSwitches', 'ack_cluster', dict(cluster, vswitch_ids=VSWITCHES[:4]), 'vswitch_ids: at most 3'),
        ('cluster period negative', 'ack_cluster', dict(cluster, worker_period=-1), 'worker_period must be one of'),
        ('cluster timeout_mins negative', 'ack_cluster', dict(cluster, timeout_mins=-1),
         'timeout_mins must be at least 1'),
        ('cluster 2000 master types', 'ack_cluster', dict(
            cluster, cluster_type='Kubernetes', master_instance_types=['ecs.g7.xlarge'] * 2000,
            master_vswitch_ids=['vsw-hos00002'], master_system_disk_category='cloud_essd', master_system_disk_size=120),
         'master_instance_types: give one instance type, or one per master (3), got 2000'),
        ('cluster flannel and terway', 'ack_cluster', dict(cluster, addons=[{'name': 'flannel'},
                                                                            {'name': 'terway-eniip'}]),
         'Flannel and Terway cannot be installed together'),
        ('cluster tags deep', 'ack_cluster', dict(cluster, tags=DEEP), 'tags is refused: it is nested deeper'),
        ('addon terway beside flannel', 'ack_addon', dict(c, addons=[{'name': 'terway-eniip'}]),
         'Flannel and Terway cannot be installed together'),
        ('addon config deep', 'ack_addon', dict(c, addons=[{'name': 'arms-prometheus', 'config': DEEP}]),
         'is nested deeper than'),
        ('upgrade parallelism 0', 'ack_upgrade', dict(b['ack_upgrade'], rolling_policy={'max_parallelism': 0}),
         'rolling_policy.max_parallelism must be at least 1'),
        ('upgrade parallelism past int32', 'ack_upgrade',
         dict(b['ack_upgrade'], rolling_policy={'max_parallelism': HUGE}), 'must be within a 32-bit integer'),
        ('nodes_info options deep', 'ack_nodes_info', dict(c, options=DEEP), 'options is refused: it is nested'),
        ('cluster_info max_workers past int32', 'ack_cluster_info', dict(c, max_workers=HUGE),
         'max_workers must be within a 32-bit integer'),
        ('kubeconfig path with a newline', 'ack_kubeconfig', dict(b['ack_kubeconfig'], path='/tmp/config\n'),
         'path \'/tmp/config\\n\' contains a control character'),
        ('kubeconfig duration past int32', 'ack_kubeconfig',
         dict(b['ack_kubeconfig'], temporary_duration_minutes=HUGE), 'temporary_duration_minutes must be'),
    ]


@pytest.fixture(scope='module')
def ran(emulator, tmp_path_factory):
    emulator.reset()
    cid = emulator.seed_clusters([SEEDED])[0]
    work = tmp_path_factory.mktemp('hostile-inputs')
    base = base_args(cid, str(work))
    cases = every_module(base) + [(label, 'alicloud.ack.' + m, args, words)
                                  for label, m, args, words in api_limits(cid, base)]
    before = emulator.stats()
    results, out = run_cases(Playbook(emulator, work), [(case[1], case[2], {'timeout': 120}) for case in cases])
    after = emulator.stats()
    return dict(cases=cases, results=results, out=out, files=sorted(p.name for p in work.iterdir()),
                writes=dict((op, after.get(op, 0) - before.get(op, 0)) for op in WRITES
                            if after.get(op, 0) != before.get(op, 0)))


def test_every_module_is_in_the_corpus(ran):
    assert len(set(case[1] for case in ran['cases'])) == 13
    assert len(set(case[0] for case in ran['cases'])) == len(ran['cases'])


def test_each_input_is_refused_in_one_line_without_python_text(ran):
    problems = []
    for (label, module, _args, words), r in zip(ran['cases'], ran['results']):
        try:
            assert_one_line_failure(r, words, ran['out'])
            assert not [w for w in PYTHON_TEXT if w in r['msg']], r['msg']
        except AssertionError as e:
            problems.append('%s (%s): %s' % (label, module.split('.')[-1], str(e)[:400]))
    assert not problems, '\n'.join(problems)


def test_no_write_call_and_no_file_left(ran):
    assert ran['writes'] == {}
    assert 'config' not in ran['files'] and not [f for f in ran['files'] if f.endswith('.tmp')], ran['files']
