"""The roles against the modules they call, in both directions.

Every option of an alicloud.ack module a role calls is set by a task of the role, or is in NOT_FORWARDED with the
reason. Every variable the tasks use is declared (meta/argument_specs.yml, vars/main.yml, register, task vars), and
every declared variable is used. A role variable passed straight to a module option (through default, bool, a
conditional) has that option's type, elements, choices and suboptions, and one named after an option of the module
goes to that option. The module specs are the ones the modules build (main() run until AnsibleModule is made).
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import os

import jinja2
import pytest
import yaml
from jinja2 import nodes

from ansible_collections.alicloud.ack.plugins.module_utils import _base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = ('cluster', 'upgrade', 'apps')

# Options of the modules a role calls that the role sets in no task, each with the reason: {role: {module: {option:
# reason}}}. The connection and wait options of every module are in none of them: the play sets them with
# module_defaults (group/alicloud.ack.ack, or per module), which reach the role's tasks.
PLAY_DEFAULTS = 'set by the play with module_defaults'
BY_ID = 'the role passes the cluster_id it read (name and cluster_id are alternatives)'
BY_POOL = 'the role passes the cluster_id it read (cluster_name and cluster_id are alternatives)'
# ack_nodepool's settings of a pool, which the upgrade role leaves to the cluster role
POOL_SETTINGS = ('state', 'force', 'desired_size', 'auto_scaling', 'management', 'labels', 'taints', 'update_nodes',
                 'unschedulable', 'runtime', 'runtime_version', 'tags', 'vswitch_ids', 'security_group_ids',
                 'login_as_non_root', 'ram_role_name', 'worker_instance_types', 'worker_system_disk_category',
                 'worker_system_disk_size', 'worker_data_disks', 'worker_instance_charge_type', 'worker_period',
                 'worker_period_unit', 'worker_auto_renew', 'worker_auto_renew_period', 'key_pair', 'login_password',
                 'cpu_policy', 'cloud_monitor_flags', 'image_id', 'user_data', 'remove_nodes', 'drain', 'release')
NOT_FORWARDED = {
    'cluster': {
        'ack_cluster': {
            'cluster_id': 'the role names its cluster by cluster_name',
            'client_token': 'derived from the create inputs by the module, so a re-run never makes a second cluster',
        },
        'ack_nodes': {
            'name': BY_ID,
            'state': 'the role converges a count (present); removal by name is a task of its own, not a setting',
            'nodes': 'removal by name is a one-off task, not a setting; the role removes by remove_policy',
            'instances': 'attaching existing instances is a one-off task, not part of converging a cluster',
            'format_disk': 'goes with instances (not forwarded)',
            'keep_instance_name': 'goes with instances (not forwarded)',
            'timeout_mins': 'the ENS scale-out timeout; cluster_settings.timeout_mins is the create timeout of '
                            'ack_cluster, one name cannot carry both',
            'disable_rollback': 'a scale-out keeps the API default (the resources of a failed one stay, to look at); '
                                'cluster_settings.disable_rollback is the create\'s',
        },
        'ack_nodepool': {
            'cluster_name': BY_POOL,
            'nodepool_id': 'the role names its pools by name',
            'kubernetes_version': 'pool upgrades are the upgrade role\'s (upgrade_node_pools), after the control plane',
            'rolling_policy': 'goes with kubernetes_version (not forwarded)',
            'remove_nodes': 'removing named nodes is a one-off task, not a setting',
            'drain': 'goes with remove_nodes (not forwarded)',
            'release': 'goes with remove_nodes (not forwarded)',
        },
        'ack_addon': {
            'name': BY_ID,
        },
        'ack_kubeconfig': {
            'temporary_duration_minutes': 'the role writes a lasting kubeconfig; a temporary one is a task of its own',
            'confirm_revoke': 'revoking kubeconfigs (state revoked) is a one-off task of its own, not a setting',
            'revoked_before': 'goes with state revoked (not forwarded)',
        },
    },
    'upgrade': {
        'ack_upgrade_info': {
            'cluster_id': 'the role names its cluster by upgrade_cluster_name',
        },
        'ack_addon_info': {
            'name': BY_ID,
            'names': 'the role reads every add-on, to find the failed and the upgradable ones',
            'catalog': 'the role reads the installed add-ons only',
        },
        'ack_nodes_info': {
            'name': BY_ID,
            'nodepool_id': 'the role reads the failed nodes of the whole cluster',
            'instance_ids': 'the role reads the failed nodes, whichever they are',
            'node_names': 'the role reads the failed nodes, whichever they are',
            'gather': 'attach scripts are not part of an upgrade',
            'arch': 'an option of the attach script (gather)',
            'format_disk': 'an option of the attach script (gather)',
            'keep_instance_name': 'an option of the attach script (gather)',
            'options': 'an option of the attach script (gather)',
        },
        'ack_upgrade': {
            'name': BY_ID,
            'state': 'the role upgrades (the default, present); pausing, resuming, cancelling are tasks of their own',
        },
        'ack_addon': {
            'name': BY_ID,
        },
        'ack_nodepool_info': {
            'cluster_name': BY_POOL,
            'name': 'the role reads every pool (upgrade_node_pools chooses among them)',
            'nodepool_id': 'the role reads every pool (upgrade_node_pools chooses among them)',
            'gather_nodes': 'the pools\' states tell whether they can be upgraded; their nodes are not needed',
        },
        'ack_nodepool': dict(
            dict.fromkeys(POOL_SETTINGS, 'the role upgrades pools; their settings are the cluster role\'s '
                                         '(cluster_node_pools)'),
            cluster_name=BY_POOL,
            name='the role passes the nodepool_id it read (name and nodepool_id are alternatives)'),
    },
    'apps': {
        'ack_template': {},
        'ack_template_info': {
            'template_id': 'the role reads the templates of its type, by name',
            'name': 'the role reads every template of its type (for apps_templates_prune and apps_deploy)',
        },
    },
}

# Names the tasks may use that no role declares: Ansible's and Jinja's.
BUILTINS = {'omit', 'item', 'ansible_check_mode', 'lookup', 'query', 'dict', 'range'}
# Filters that pass their input on (default also its first argument): a variable under them is passed straight.
PASSING = {'default', 'd', 'bool', 'int', 'string', 'expanduser', 'list'}
BARE = ('when', 'that', 'changed_when', 'failed_when', 'until')  # keys whose values are bare expressions
ENV = jinja2.Environment()


class _Spec(Exception):
    pass


def _capture(argument_spec, **kwargs):
    raise _Spec(argument_spec)


_SPECS = {}


def module_spec(name):
    """The argument spec module `name` builds: its main() is run until AnsibleModule is made."""
    if name not in _SPECS:
        module = importlib.import_module('ansible_collections.alicloud.ack.plugins.modules.%s' % name)
        original, _base.AnsibleModule = _base.AnsibleModule, _capture
        try:
            module.main()
        except _Spec as e:
            _SPECS[name] = e.args[0]
        finally:
            _base.AnsibleModule = original
    return _SPECS[name]


def load(role, *parts):
    path = os.path.join(ROOT, 'roles', role, *parts)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return yaml.safe_load(f)


def role_options(role):
    return load(role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']


def tasks_of(role):
    """Every task of the role's task files, blocks opened, with the file it is in."""
    def walk(tasks, where):
        for task in tasks or []:
            yield where, task
            for key in ('block', 'rescue', 'always'):
                yield from walk(task.get(key), where)
    folder = os.path.join(ROOT, 'roles', role, 'tasks')
    for name in sorted(os.listdir(folder)):
        yield from walk(load(role, 'tasks', name), name)


def module_of(task):
    """(module name, args) of an alicloud.ack task, (None, None) for another one."""
    for key, args in task.items():
        if key.startswith('alicloud.ack.'):
            return key.split('.')[-1], args
    return None, None


def path_of(node):
    """('var', 'attr', ...) of a variable or an attribute chain on one, else None."""
    if isinstance(node, nodes.Name) and node.ctx == 'load':
        return (node.name,)
    if isinstance(node, nodes.Getattr):
        inner = path_of(node.node)
        return inner + (node.attr,) if inner else None
    return None


def references(node):
    """Every variable path the expression reads."""
    path = path_of(node)
    if path:
        yield path
        return
    for child in node.iter_child_nodes():
        yield from references(child)


def passed_straight(node):
    """The variable paths whose value an expression passes on unchanged (under PASSING filters, conditionals)."""
    path = path_of(node)
    if path:
        yield path
    elif isinstance(node, nodes.Filter) and node.name in PASSING:
        yield from passed_straight(node.node)
        for arg in node.args[:1] if node.name in ('default', 'd') else ():
            yield from passed_straight(arg)
    elif isinstance(node, nodes.CondExpr):
        yield from passed_straight(node.expr1)
        if node.expr2 is not None:
            yield from passed_straight(node.expr2)


def expression(text, bare=False):
    """The parsed expression of '{{ x }}' (or of a bare one), or None for text with other content."""
    if bare:
        return ENV.parse('{{ %s }}' % text).body[0].nodes[0]
    body = ENV.parse(text).body
    if len(body) == 1 and isinstance(body[0], nodes.Output) and len(body[0].nodes) == 1:
        only = body[0].nodes[0]
        return None if isinstance(only, nodes.TemplateData) else only
    return None


def read_paths(value, bare=False):
    """Every variable path a task value (string, list or dict, nested) reads."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from read_paths(inner, bare or key in BARE)
    elif isinstance(value, list):
        for inner in value:
            yield from read_paths(inner, bare)
    elif isinstance(value, str) and (bare or '{{' in value or '{%' in value):
        yield from references(ENV.parse('{{ %s }}' % value if bare else value))


def declared_at(options, path):
    """The spec of a declared role variable path, None when it is not declared, True when the spec does not say
    (an attribute of a value whose spec has no options)."""
    spec = options.get(path[0])
    for attr in path[1:]:
        if spec is None:
            return None
        if spec.get('type') != 'dict' or 'options' not in spec:
            return True
        spec = spec['options'].get(attr)
    return spec


def differences(where, role, module):
    """How a role variable's spec differs from the module option's it is passed to."""
    found = []
    if (role.get('type') or 'str') != (module.get('type') or 'str'):
        found.append('%s: type %s, the module says %s' % (where, role.get('type'), module.get('type')))
    if role.get('elements') != module.get('elements'):
        found.append('%s: elements %s, the module says %s' % (where, role.get('elements'), module.get('elements')))
    if sorted(map(str, role.get('choices') or [])) != sorted(map(str, module.get('choices') or [])):
        found.append('%s: choices %s, the module says %s' % (where, role.get('choices'), module.get('choices')))
    for name, sub in (role.get('options') or {}).items():
        if name not in (module.get('options') or {}):
            found.append('%s.%s: the module has no such suboption' % (where, name))
        else:
            found.extend(differences('%s.%s' % (where, name), sub, module['options'][name]))
    return found


def common_options():
    return set(_base.AUTH_ARGSPEC) | set(_base.WAIT_ARGSPEC)


@pytest.mark.parametrize('role', ROLES)
def test_every_module_option_is_set_or_listed_with_a_reason(role):
    used = {}
    for where, task in tasks_of(role):
        module, args = module_of(task)
        if module:
            assert isinstance(args, dict), '%s: %s takes its options as a mapping' % (where, task.get('name'))
            used.setdefault(module, set()).update(args)
    listed = NOT_FORWARDED[role]
    assert sorted(used) == sorted(listed), 'NOT_FORWARDED[%r] lists the modules the role calls' % role
    problems = []
    for module, options in sorted(used.items()):
        spec = set(module_spec(module))
        for option in sorted(spec - options - common_options() - set(listed[module])):
            problems.append('%s.%s: set by no task of the role and not in NOT_FORWARDED' % (module, option))
        for option in sorted(set(listed[module]) & options):
            problems.append('%s.%s: in NOT_FORWARDED but a task sets it' % (module, option))
        for option in sorted((options | set(listed[module])) - spec):
            problems.append('%s.%s: not an option of the module' % (module, option))
        for option in sorted(options & common_options()):
            problems.append('%s.%s: a connection or wait option, which the play sets' % (module, option))
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('role', ROLES)
def test_role_variables_passed_to_a_module_have_its_spec(role):
    options = role_options(role)
    problems, checked = [], 0
    for where, task in tasks_of(role):
        module, args = module_of(task)
        if not module:
            continue
        spec = module_spec(module)
        for option, value in args.items():
            parsed = expression(value) if isinstance(value, str) else None
            for path in passed_straight(parsed) if parsed is not None else ():
                role_spec = declared_at(options, path)
                if isinstance(role_spec, dict):
                    checked += 1
                    if path[-1] != option and path[-1] in spec:
                        problems.append('%s: %s is passed to %s.%s, not to the option it names' % (
                            where, '.'.join(path), module, option))
                    problems.extend(differences('%s: %s -> %s.%s' % (where, '.'.join(path), module, option),
                                                role_spec, spec[option]))
    assert checked, 'no role variable is passed straight to a module option'
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('role', ROLES)
def test_every_variable_used_is_declared_and_every_declared_one_used(role):
    options = role_options(role)
    role_vars = load(role, 'vars', 'main.yml') or {}
    defaults = load(role, 'defaults', 'main.yml') or {}
    known = set(options) | set(role_vars) | BUILTINS
    tasks = [task for _where, task in tasks_of(role)]
    for task in tasks:
        known.update(task.get('vars') or {})
        known.update([task['register']] if 'register' in task else [])
        known.update([(task.get('loop_control') or {}).get('loop_var', 'item')])
    read = set()
    for task in tasks:
        read.update(read_paths(task))
    read.update(read_paths(role_vars))
    problems = ['%s: used but not declared' % '.'.join(p) for p in sorted(read) if p[0] not in known]
    problems += ['%s: not declared in meta/argument_specs.yml' % '.'.join(p) for p in sorted(read)
                 if p[0] in options and declared_at(options, p) is None]
    problems += ['%s: in defaults/main.yml but not declared' % name for name in sorted(set(defaults) - set(options))]

    def unused(spec, prefix):
        for name, sub in spec.items():
            path = prefix + (name,)
            if not any(p[:len(path)] == path for p in read):
                yield '%s: declared but never used' % '.'.join(path)
            yield from unused(sub.get('options') or {}, path) if sub.get('type') == 'dict' else ()
    problems += list(unused(options, ()))
    assert not problems, '\n'.join(problems)


def test_the_checks_find_what_they_look_for():
    """The expression reading the checks stand on, on the shapes the roles use."""
    parsed = expression("{{ cluster_node_settings.vswitch_ids | default(cluster_vswitch_ids, true) | default(omit) }}")
    assert set(passed_straight(parsed)) == {('cluster_node_settings', 'vswitch_ids'), ('cluster_vswitch_ids',),
                                            ('omit',)}
    parsed = expression("{{ {'max_parallelism': upgrade_max_parallelism} if upgrade_max_parallelism else omit }}")
    assert set(passed_straight(parsed)) == {('omit',)}
    assert expression('manifest {{ item | basename }}') is None
    assert set(read_paths({'when': 'a.b is defined and c | length > 0', 'x': ['{{ d }} and {{ e.f.g }}']})) == {
        ('a', 'b'), ('c',), ('d',), ('e', 'f', 'g')}
    assert set(passed_straight(expression('{{ a.b if a.b is not none else c | bool }}'))) == {('a', 'b'), ('c',)}
    assert differences('v', dict(type='list', elements='str'), dict(type='list', elements='dict')) == [
        'v: elements str, the module says dict']
    assert differences('v', dict(type='dict', options=dict(a=dict(choices=[1, 2]))),
                       dict(type='dict', options=dict(a=dict(type='str', choices=[2, 1])))) == []
    assert 'worker_data_disks' in module_spec('ack_nodes') and 'wait_timeout' in module_spec('ack_nodes')
