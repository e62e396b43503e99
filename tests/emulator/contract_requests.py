"""The contract test's request side (tests/emulator/test_contract.py): the collection's request builders
(plugins/module_utils) run with every option set against a recording client; what each call would send is kept."""
import importlib
import json
import sys
from pathlib import Path

from contract_scenario import FROM, MANIFEST, TO

CLUSTER_ID = 'c0123456789abcdef0123456789abcdef'
PACKAGE = 'ansible_collections.alicloud.ack.plugins.module_utils.'
MODULES = ('client', 'cluster', 'cluster_info', 'nodes', 'nodes_info', 'addon', 'upgrade', 'template', 'inventory',
           'waiter', 'nodepool', 'nodepool_info')


def load_module_utils(tmp):
    """{name: module} of the collection's module_utils. `make test` runs from a collection layout; from a plain
    clone, a symlink <tmp>/collections/ansible_collections/alicloud/ack -> the repository is put where Ansible's
    collection finder (installed by pytest-ansible) or, without it, Python looks."""
    try:
        importlib.import_module(PACKAGE + '_client')
    except ImportError:
        link = Path(tmp) / 'collections' / 'ansible_collections' / 'alicloud' / 'ack'
        link.parent.mkdir(parents=True)
        link.symlink_to(Path(__file__).resolve().parents[2])
        finder = next((f for f in sys.meta_path if type(f).__name__ == '_AnsibleCollectionFinder'), None)
        if finder is not None:
            finder.set_playbook_paths([str(tmp)])
        else:
            sys.path.insert(0, str(Path(tmp) / 'collections'))
    return dict((n, importlib.import_module(PACKAGE + '_' + n)) for n in MODULES)


class Blank(dict):
    """An answer with nothing in it: any key reads '', but a cluster id reads as one (a reader that goes on to the
    cluster's own paths needs a well-formed id)."""

    def __missing__(self, key):
        return CLUSTER_ID if key == 'cluster_id' else ''


class Recorder:
    """Stands in for AckClient: records what each call would send (query cleaned as AckClient cleans it, body as
    its JSON), answers Blank."""
    region = 'cn-hangzhou'

    def __init__(self, mu):
        self.clean_query = mu['client'].clean_query
        self.paginate_pages = mu['client'].AckClient.paginate_pages.__get__(self)
        self.sent = []

    def call(self, operation, method, path, *path_args, **kw):
        body = kw.get('body')
        self.sent.append((operation, self.clean_query(kw.get('query')),
                          None if body is None else json.loads(json.dumps(body))))
        return Blank()


IDS = dict(cluster_id=CLUSTER_ID, nodepool_id='np0123456789abcdef', template_id='tpl-0123456789',
           task_id='T-0123456789')


def sample(spec):
    """Params with every option of an argument spec set (lists and choices: every choice; ids well formed)."""
    values = dict(str='text', int=60, bool=True, float=1.0, raw='text', path='/tmp/contract')
    params = {}
    for name, option in spec.items():
        kind, choices = option.get('type', 'str'), option.get('choices')
        if name in IDS:
            params[name] = IDS[name]
        elif kind == 'list':
            item = sample(option['options']) if option.get('options') else 'text'
            params[name] = list(choices) if choices else [item]
        elif kind == 'dict':
            params[name] = sample(option['options']) if option.get('options') else {'key': 'value'}
        else:
            params[name] = choices[0] if choices else values.get(kind, 'text')
    return params


def planner(cls, client, spec, **params):
    """A planner of `cls` on sample params (plus `params`), without its constructor's reads."""
    p = sample(spec)
    p.update(params)
    obj = cls.__new__(cls)
    obj.params, obj.client = p, client
    obj.ack = Ack(p, client)
    return obj


class Waiter:
    """Nothing is awaited here: the requests are recorded, not carried out."""

    def clock(self):
        return 0.0

    def hold(self, seconds, since):
        pass


class Ack:
    """The little of AckModule the readers use."""
    wait = False
    check_mode = False
    waiter = Waiter()

    def __init__(self, params, client):
        self.params, self.client = params, client

    def hide(self, *args, **kwargs):
        pass

    def warn(self, *args, **kwargs):
        pass


def run_steps(plan):
    for step in plan.steps:
        step.run()


def clusters(mu, rec):
    cluster, cid = mu['cluster'], CLUSTER_ID
    for ctype in ('ManagedKubernetes', 'Kubernetes', 'Ask'):
        p = planner(cluster.ClusterPlanner, rec, cluster.ARGSPEC, cluster_type=ctype)
        rec.call('CreateCluster', 'POST', '/clusters', body=p.create_body())
    # an update: every modifiable option and the tags (ModifyCluster, ModifyClusterTags); then a delete
    changes = dict((k, None) for k in cluster.ARGSPEC)
    changes.update(sample(cluster.MODIFIABLE), tags={'team': 'web'}, purge_tags=True, auto_upgrade=dict(
        enabled=True, channel='stable'), maintenance_window=dict(enable=True, maintenance_time='03:00:00Z',
                                                                 duration='3h', weekly_period=['Monday'],
                                                                 recurrence='FREQ=WEEKLY;BYDAY=MO'))
    p = planner(cluster.ClusterPlanner, rec, cluster.ARGSPEC, **changes)
    run_steps(p.plan_update({'cluster_id': cid, 'tags': [{'key': 'ack.aliyun.com', 'value': cid}]}))
    p.params['deletion_protection'] = False
    run_steps(p.plan_absent({'cluster_id': cid, 'deletion_protection': True}))
    info = mu['cluster_info']
    info.gather_info(Ack(dict(sample(info.ARGSPEC), cluster_id=cid, kubeconfig_duration=60), rec))
    info.gather_info(Ack(dict(sample(info.ARGSPEC), cluster_id=None), rec))
    inventory = mu['inventory']
    inventory.list_clusters(rec, inventory.Filters(cluster_ids=[cid], names=['web'], types=['Ask']))
    mu['waiter'].task_done(rec, 'T-contract').poll()


def nodes(mu, rec):
    module, cid = mu['nodes'], CLUSTER_ID
    p = planner(module.NodesPlanner, rec, module.ARGSPEC)
    for kind in ('ecs', 'edge', 'sandboxed'):
        p.scale_step(cid, kind, 1, 1, set()).run()
        p.attach_step(cid, kind, ['i-contract0001']).run()
    p.remove_step(cid, [{'instance_id': 'i-contract0001', 'node_name': 'cn-hangzhou.10.0.0.1'}]).run()
    info = mu['nodes_info']
    info.gather_nodes(Ack(dict(sample(info.ARGSPEC), cluster_id=cid, name=None), rec))


def nodepools(mu, rec):
    module, cid, npid = mu['nodepool'], CLUSTER_ID, IDS['nodepool_id']
    p = planner(module.NodePoolPlanner, rec, module.ARGSPEC, key_pair=None)  # a password or a key pair
    wanted = p.wanted()
    rec.call('CreateClusterNodePool', 'POST', '/clusters/{}/nodepools', cid, body=p.create_body(wanted))
    # every setting changed in place at once (ModifyClusterNodePool), a removal, an upgrade, a delete
    changed = dict((k, v) for k, v in wanted.items() if k not in module.CREATE_ONLY)
    pool = dict(nodepool_info={'nodepool_id': npid, 'name': 'old'}, auto_scaling={}, management={})
    p.modify_step(cid, pool, changed, None).run()
    p.remove_step(cid, npid, [{'instance_id': 'i-contract0001', 'node_name': 'cn-hangzhou.10.0.0.1'}]).run()
    p.upgrade_step(cid, npid, TO).run()
    p.delete_step(cid, npid).run()
    module.describe_pool(rec, cid, npid)
    info = mu['nodepool_info']
    info.gather_pools(Ack(dict(sample(info.ARGSPEC), cluster_id=cid, cluster_name=None, nodepool_id=None), rec))


def addons(mu, rec):
    module, cid = mu['addon'], CLUSTER_ID
    p = planner(module.AddonPlanner, rec, module.ARGSPEC)
    p.install_step(cid, {'logtail-ds': 'v1'}, {'logtail-ds': '{"a":"b"}'}).run()
    p.upgrade_step(cid, {'logtail-ds': ('v1', 'v2')}, {'logtail-ds': '{"a":"b"}'}).run()
    p.uninstall_step(cid, ['logtail-ds']).run()
    module.read_status(rec, cid, ['logtail-ds'])
    module.read_catalogue(rec, {'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
                                'cluster_spec': 'ack.pro.small', 'current_version': FROM, 'profile': 'Default'})


def upgrades(mu, rec):
    module, cid = mu['upgrade'], CLUSTER_ID
    p = planner(module.UpgradePlanner, rec, module.ARGSPEC)
    p.hop_step(cid, TO).run()
    for what in ('pause', 'resume', 'cancel'):
        p.control_step(cid, what, until=None).run()
    module.upgrade_status(rec, cid)
    module.upgradable_versions(rec, {'region_id': 'cn-hangzhou', 'cluster_type': 'ManagedKubernetes',
                                     'profile': 'Default'}, FROM)


def templates(mu, rec):
    module = mu['template']
    p = planner(module.TemplatePlanner, rec, module.ARGSPEC, template_id=None)
    p.template_id, p.manifest = None, (MANIFEST, [{'kind': 'Pod'}])
    run_steps(p.plan_create())
    run_steps(p.plan_update({'id': 'tpl-0123456789'}))
    run_steps(p.plan_absent({'id': 'tpl-0123456789'}))
    module.list_templates(rec, None, 'web')
    module.read_template(rec, 'tpl-0123456789')


def collection_requests(mu):
    """Every (operation, query, body) the collection's request builders send, with every option set."""
    rec = Recorder(mu)
    for part in (clusters, nodes, nodepools, addons, upgrades, templates):
        part(mu, rec)
    return rec.sent
