"""The request rules of the node pool operations: each section of a CreateClusterNodePool / ModifyClusterNodePool
body (``nodepool_info``, ``scaling_group``, ``kubernetes_config``, ``auto_scaling``, ``management``...) read into
what the pool document keeps. A table per section names each field's reader; fields the SDK's request model does
not declare are not kept. ``partial=True`` (ModifyClusterNodePool) reads only what the body gives and requires
nothing."""
from .. import errors
from . import catalogue as cat
from .params import boolean, integer, items, mapping, text
from .validation import check_disks, check_login, check_name, check_tags, id_list

MAX_POOL_NODES = 1000            # desired_size, count and the auto scaling bounds
RUNTIMES = ('containerd', 'docker', cat.SANDBOX_RUNTIME)


def _text(*choices):
    return lambda src, name, label: text(src, name, choices=choices or None, label=label)


def _int(low=None, high=None):
    return lambda src, name, label: integer(src, name, low, high, label=label)


def _bool(src, name, label):
    return boolean(src, name, default=None, label=label)


def _strings(src, name, label):
    values = items(src, name, label=label)
    if values is not None and not all(isinstance(v, str) and v for v in values):
        raise errors.bad_param(label, 'must be a list of non-empty strings')
    return values


def _object(src, name, label):
    return mapping(src, name, label=label)


def _instance_types(src, name, label):
    types = _strings(src, name, label)
    for t in types or []:
        if not cat.INSTANCE_TYPE_RE.match(t):
            raise errors.bad_param(label, '%r is not an ECS instance type' % t)
    if types is not None and not 1 <= len(types) <= 10:
        raise errors.bad_param(label, 'specify 1 to 10 instance types')
    return types


def _key_values(src, name, label):
    """Labels: ``[{key, value}]`` with unique non-empty keys."""
    pairs = items(src, name, label=label)
    if pairs is None:
        return None
    seen = set()
    for p in pairs:
        if not isinstance(p, dict) or not isinstance(p.get('key'), str) or not p['key']:
            raise errors.bad_param(label, 'each item is an object with a non-empty string "key" (and "value")')
        if isinstance(p.get('value'), (dict, list)):  # the SDK's Tag value is a string
            raise errors.bad_param(label, 'the value of %r is not a string' % p['key'])
        if p['key'] in seen:
            raise errors.bad_param(label, 'duplicate key %r' % p['key'])
        seen.add(p['key'])
    return [{'key': p['key'], 'value': '' if p.get('value') is None else str(p['value'])} for p in pairs]


def _taints(src, name, label):
    taints = items(src, name, label=label)
    if taints is None:
        return None
    out = []
    for t in taints:
        if not isinstance(t, dict) or not isinstance(t.get('key'), str) or not t['key']:
            raise errors.bad_param(label, 'each taint is an object with a non-empty string "key"')
        effect = t.get('effect') or 'NoSchedule'
        if effect not in cat.TAINT_EFFECTS:
            raise errors.bad_param(label, 'effect must be one of %s, got %r' % (', '.join(cat.TAINT_EFFECTS), effect))
        out.append({'key': t['key'], 'value': '' if t.get('value') is None else str(t['value']), 'effect': effect})
    return out


def _disks(src, name, label):
    disks = check_disks(src, name, low=20)
    return None if disks is None else [dict(d, encrypted=str(d['encrypted']).lower()) if 'encrypted' in d else d
                                       for d in disks]


def _tags(src, name, label):
    return check_tags(src, name) if src.get(name) is not None else None


def _vswitches(src, name, label):
    return id_list(src, name, 'vsw-', 1, 8)


SECTIONS = {
    'nodepool_info': {'name': lambda src, name, label: None if src.get(name) in (None, '') else check_name(
        label, src.get(name)), 'resource_group_id': _text(), 'type': _text('ess', 'edge', 'lingjun')},
    'scaling_group': {
        'instance_types': _instance_types, 'vswitch_ids': _vswitches, 'desired_size': _int(0, MAX_POOL_NODES),
        'system_disk_category': _text(*cat.DISK_CATEGORIES), 'system_disk_size': _int(20, 2048),
        'system_disk_performance_level': _text(), 'data_disks': _disks, 'image_id': _text(), 'image_type': _text(),
        'instance_charge_type': _text(*cat.CHARGE_TYPES), 'period': _int(1, 60), 'period_unit': _text('Month', 'Week'),
        'auto_renew': _bool, 'auto_renew_period': _int(1, 60), 'key_pair': _text(), 'login_as_non_root': _bool,
        'security_group_id': _text(), 'security_group_ids': _strings, 'tags': _tags,
        'spot_strategy': _text('NoSpot', 'SpotWithPriceLimit', 'SpotAsPriceGo'),
        'multi_az_policy': _text('PRIORITY', 'COST_OPTIMIZED', 'BALANCE'), 'scaling_policy': _text('release',
                                                                                                   'recycle'),
        'internet_charge_type': _text('PayByTraffic', 'PayByBandwidth'), 'internet_max_bandwidth_out': _int(0, 100),
        'platform': _text(), 'rds_instances': _strings, 'deploymentset_id': _text(), 'ram_role_name': _text(),
        'compensate_with_on_demand': _bool, 'on_demand_base_capacity': _int(0, 1000),
        'on_demand_percentage_above_base_capacity': _int(0, 100), 'spot_instance_pools': _int(1, 10),
        'spot_instance_remedy': _bool, 'cis_enabled': _bool, 'soc_enabled': _bool, 'security_hardening_os': _bool,
        'system_disk_encrypted': _bool, 'system_disk_kms_key_id': _text(), 'system_disk_categories': _strings,
        'system_disk_bursting_enabled': _bool, 'system_disk_provisioned_iops': _int(0, None),
        'system_disk_encrypt_algorithm': _text(), 'system_disk_snapshot_policy_id': _text(),
        'spot_price_limit': lambda src, name, label: items(src, name, label=label),
        'private_pool_options': _object, 'resource_pool_options': _object, 'cpu_options': _object},
    'kubernetes_config': {
        'runtime': _text(*RUNTIMES), 'runtime_version': _text(), 'labels': _key_values, 'taints': _taints,
        'cpu_policy': _text(*cat.CPU_POLICIES), 'cms_enabled': _bool, 'unschedulable': _bool,
        'node_name_mode': _text(), 'user_data': _text(), 'pre_user_data': _text()},
    'auto_scaling': {
        'enable': _bool, 'min_instances': _int(0, MAX_POOL_NODES), 'max_instances': _int(0, MAX_POOL_NODES),
        'type': _text('cpu', 'gpu', 'gpushare', 'spot'), 'is_bond_eip': _bool, 'eip_bandwidth': _int(0, 500),
        'eip_internet_charge_type': _text('PayByBandwidth', 'PayByTraffic')},
    'management': {
        'enable': _bool, 'auto_repair': _bool, 'auto_upgrade': _bool, 'auto_vul_fix': _bool, 'drift_enabled': _bool,
        'auto_fault_diagnosis': _bool, 'auto_repair_policy': _object, 'auto_upgrade_policy': _object,
        'auto_vul_fix_policy': _object, 'upgrade_config': _object},
    'tee_config': {'tee_enable': _bool},
}


def read_section(body, section, partial):
    """The fields of ``body[section]`` that are given, read by the section's table (``{}`` when absent)."""
    src = mapping(body, section)
    if src is None:
        return {}
    out = {}
    for name, reader in SECTIONS[section].items():
        value = reader(src, name, '%s.%s' % (section, name))
        if value is not None:
            out[name] = value
    if section == 'scaling_group':
        login = check_login(src, required=not partial)  # the password is checked, never kept
        if login.get('key_pair'):
            out['key_pair'] = login['key_pair']
    return out


def read_body(body, partial):
    """Every section of the body -> ``{section: fields}``; CreateClusterNodePool's required fields."""
    out = {section: read_section(body, section, partial) for section in SECTIONS}
    if not partial:
        if not out['nodepool_info'].get('name'):
            raise errors.missing_param('nodepool_info.name')
        for name in ('instance_types', 'vswitch_ids'):
            if not out['scaling_group'].get(name):
                raise errors.missing_param('scaling_group.' + name)
    for extra in ('node_config',):
        value = mapping(body, extra)
        if value is not None:
            out[extra] = value
    if body.get('max_nodes') not in (None, ''):
        out['max_nodes'] = integer(body, 'max_nodes', 0, MAX_POOL_NODES)
    return out


def check_auto_scaling(auto):
    """An enabled pool's bounds: 0 <= min_instances <= max_instances, max_instances >= 1."""
    if not auto.get('enable'):
        return
    low, high = auto.get('min_instances', 0), auto.get('max_instances', 0)
    if high < 1 or low > high:
        raise errors.bad_param('auto_scaling', 'with enable true, 0 <= min_instances <= max_instances and '
                                               'max_instances >= 1 (got %s..%s)' % (low, high))


def check_version(pool_version, control_plane, wanted):
    """UpgradeClusterNodepool's target: an ACK version, not older than the pool's, never past the control plane."""
    target = cat.parse_version(wanted)
    if target is None:
        raise errors.bad_param('kubernetes_version', '%r is not a Kubernetes version ACK offers' % (wanted,))
    if target > cat.parse_version(control_plane):
        raise errors.bad_param('kubernetes_version', 'a node pool cannot run a newer version (%s) than the control '
                                                     'plane (%s): upgrade the cluster first' % (wanted, control_plane))
    if target < cat.parse_version(pool_version):
        raise errors.bad_param('kubernetes_version', 'node pools are not downgraded (%s is older than the pool\'s '
                                                     '%s)' % (wanted, pool_version))
    return wanted
