"""Value checks (passwords, logins, names, tags, CIDR blocks, versions, disks, subscriptions, ids) and the
CreateCluster rules: a table per cluster kind (reference 7.1.1-7.1.5, as corrected by the protocol notes and the
official SDKs' field names) and ``validate_create``, which runs the steps and returns the normalised spec that
clusters.py turns into documents.

Kinds: ``dedicated`` (Kubernetes), ``managed`` (ManagedKubernetes), ``ask`` (Ask), ``edge`` (ManagedKubernetes +
profile Edge), ``sandboxed`` (ManagedKubernetes + runtime Sandboxed-Container.runv).
"""
import ipaddress
import re

from .. import errors
from . import catalogue as cat
from .params import boolean, integer, items, mapping, pick, text

PASSWORD_SPECIALS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/"
NAME_RE = re.compile(r'^[0-9A-Za-z\u4e00-\u9fa5][0-9A-Za-z\u4e00-\u9fa5-]{0,62}$')
PRIVATE_NETS = [ipaddress.ip_network(n) for n in ('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16')]
AUTO_VPC_CIDR = ipaddress.ip_network('192.168.0.0/16')
MAX_TAGS = 20
SYSTEM_TAG_PREFIXES = ('ack.aliyun.com', 'acs:')


# -- value checks -----------------------------------------------------------------------------------------
def id_list(src, name, prefix, low=1, high=3):
    """A list of ``low``..``high`` resource ids starting with ``prefix`` (None when absent)."""
    ids = items(src, name)
    if ids is None:
        return None
    if not low <= len(ids) <= high:
        raise errors.bad_param(name, 'specify %d to %d IDs, got %d' % (low, high, len(ids)))
    for i in ids:
        if not isinstance(i, str) or not i.startswith(prefix) or len(i) <= len(prefix):
            raise errors.bad_param(name, '%r is not a valid ID (expected %s...)' % (i, prefix))
    return ids


def prefixed(src, name, prefix, what):
    """An optional resource id that must start with ``prefix`` (``what`` names it in the message)."""
    value = text(src, name)
    if value is not None and (not value.startswith(prefix) or len(value) <= len(prefix)):
        raise errors.bad_param(name, '%r is not %s (%s...)' % (value, what, prefix))
    return value


def check_password(name, password):
    """8 to 30 characters, at least three of: upper case, lower case, digits, special characters."""
    if not isinstance(password, str):
        raise errors.bad_param(name, 'must be a string')
    if not 8 <= len(password) <= 30:
        raise errors.bad_param(name, 'the password must be 8 to 30 characters in length')
    if any(not (c.isascii() and (c.isalnum() or c in PASSWORD_SPECIALS)) for c in password):
        raise errors.bad_param(name, 'the password contains characters that are not allowed')
    kinds = sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                 any(c.isdigit() for c in password), any(c in PASSWORD_SPECIALS for c in password)])
    if kinds < 3:
        raise errors.bad_param(name, 'the password must contain at least three of the following: uppercase '
                                     'letters, lowercase letters, digits and special characters')
    return password


def check_login(body, required=True, password_key='login_password'):
    """Either ``password_key`` (a strong password) or ``key_pair`` -> ``{"login", "key_pair"?}`` (``{}`` when
    neither is given and ``required`` is false)."""
    key_pair = text(body, 'key_pair')
    password = body.get(password_key)
    if key_pair and password not in (None, ''):
        raise errors.bad_param(password_key, 'key_pair and %s are mutually exclusive' % password_key)
    if password not in (None, ''):
        check_password(password_key, password)
        return {'login': 'password'}
    if key_pair:
        return {'login': 'key_pair', 'key_pair': key_pair}
    if required:
        raise errors.missing_param('key_pair or %s' % password_key)
    return {}


def check_name(name, value):
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise errors.bad_param(name, 'the name must be 1 to 63 characters of letters, digits, Chinese characters '
                                     'and hyphens (-), and must not start with a hyphen, got %r' % (value,))
    return value


def check_tags(src, name, value_required=False):
    """``[{key, value}]`` -> normalised list (keys unique, at most 20; ``[]`` when absent); ``value_required``:
    an absent or empty value is refused (ModifyClusterTags, reference 7.11: key and value are required)."""
    tags = items(src, name)
    if tags is None:
        return []
    if len(tags) > MAX_TAGS:
        raise errors.bad_param(name, 'at most %d tags are allowed' % MAX_TAGS)
    out, seen = [], set()
    for t in tags:
        if not isinstance(t, dict) or not isinstance(t.get('key'), str) or not t['key']:
            raise errors.bad_param(name, 'each tag is an object with a non-empty string "key" (and "value")')
        key = t['key']
        val = t.get('value')
        val = '' if val is None else val
        if value_required and val == '':
            raise errors.bad_param(name, 'tag %r has no value (a tag needs a key and a value)' % key)
        if not isinstance(val, str):
            raise errors.bad_param(name, 'the value of tag %r must be a string' % key)
        if len(key) > 128 or len(val) > 128:
            raise errors.bad_param(name, 'tag keys and values are at most 128 characters')
        low = key.lower()
        if low.startswith('aliyun') or low.startswith('http://') or low.startswith('https://'):
            raise errors.bad_param(name, 'tag key %r may not start with aliyun, http:// or https://' % key)
        if key in seen:
            raise errors.bad_param(name, 'duplicate tag key %r' % key)
        seen.add(key)
        out.append({'key': key, 'value': val})
    return out


def is_system_tag(key):
    return any(key.startswith(p) for p in SYSTEM_TAG_PREFIXES)


def check_cidr(name, value):
    if value is None or value == '':
        return None
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError:
        raise errors.bad_param(name, '%r is not a valid IPv4 CIDR block (network address/prefix)' % (value,))
    if net.version != 4:
        raise errors.bad_param(name, 'only IPv4 CIDR blocks are supported')
    if not any(net.subnet_of(p) for p in PRIVATE_NETS):
        raise errors.bad_param(name, '%s must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16' % net)
    return net


def check_version(name, value):
    """Any patch of a minor version the catalogue offers (``1.28.3-aliyun.1`` is accepted when 1.28 is offered)."""
    if value is None or value == '':
        return cat.KUBERNETES_VERSIONS[-1]
    parsed = cat.parse_version(value) if isinstance(value, str) else None
    if parsed is None:
        raise errors.bad_param(name, '%r is not a Kubernetes version like 1.28.9-aliyun.1' % (value,))
    if parsed[:2] not in cat.minors():
        raise errors.bad_param(name, 'Kubernetes %s is not supported; supported minor versions: %s'
                               % (value, ', '.join('%d.%d' % m for m in cat.minors())))
    return value


def check_disks(src, name, categories=cat.DISK_CATEGORIES, low=20):
    """Data disks ``[{category, size, encrypted?}]`` (None when absent)."""
    disks = items(src, name)
    if disks is None:
        return None
    out = []
    for d in disks:
        if not isinstance(d, dict):
            raise errors.bad_param(name, 'each data disk is an object {category, size}')
        disk = dict(d)
        disk.update({'category': text(d, 'category', choices=categories, default='cloud_efficiency',
                                      label=name + '.category'),
                     'size': integer(d, 'size', low, 32768, required=True, label=name + '.size')})
        if 'encrypted' in d:
            disk['encrypted'] = boolean(d, 'encrypted', label=name + '.encrypted')
        out.append(disk)
    return out


def check_period(body, prefix, periods=cat.PERIODS):
    """``<prefix>_instance_charge_type`` and, for PrePaid, its subscription fields (unit Month by default;
    ``periods``: the valid periods by unit, whose keys are the valid units)."""
    def key(field):
        return '%s_%s' % (prefix, field)
    charge = text(body, key('instance_charge_type'), choices=cat.CHARGE_TYPES, default='PostPaid')
    out = {key('instance_charge_type'): charge}
    if charge == 'PrePaid':
        unit = text(body, key('period_unit'), choices=tuple(periods), default='Month')
        out.update({key('period_unit'): unit, key('period'): _period(body, key('period'), unit, periods),
                    key('auto_renew'): boolean(body, key('auto_renew'))})
        if out[key('auto_renew')]:
            out[key('auto_renew_period')] = _period(body, key('auto_renew_period'), unit, cat.AUTO_RENEW_PERIODS)
    return out


def _period(body, name, unit, periods):
    period = integer(body, name, required=True)
    if period not in periods[unit]:
        raise errors.bad_param(name, 'valid values for %s are %s' % (unit, list(periods[unit])))
    return period


def months(period, unit):
    """A subscription period in months (a week counts as a quarter of a month, at least one)."""
    try:
        period = int(period)
    except (TypeError, ValueError):
        return None
    return period if (unit or 'Month') == 'Month' else max(1, period // 4)


# -- CreateCluster: the rules of each kind ------------------------------------------------------------------
# required: parameters that must be given (a tuple: aliases, the first named in the error); login: key_pair or
# login_password; vswitches / nodes: the most vSwitches / num_of_nodes; workers: the kind has worker nodes of its
# own; cluster_spec: the kind takes one; zone: zone_id is needed unless vSwitches give it; public: the API server
# must have a public endpoint; steps: the kind's extra checks (functions below).
DEFAULT_RULES = {'login': True, 'vswitches': 3, 'nodes': 100, 'workers': True, 'cluster_spec': True,
                 'zone': False, 'public': False, 'steps': ()}
WORKER_TYPES = ('worker_instance_types', 'worker_instance_type')
VPC = ('vpcid', 'vpc_id')
VSWITCHES = ('vswitch_ids', 'worker_vswitch_ids')
KINDS = {
    # reference 7.1.1
    'dedicated': {'required': ['region_id', 'snat_entry', 'master_system_disk_category', 'master_system_disk_size',
                               'num_of_nodes', 'worker_system_disk_category', 'worker_system_disk_size',
                               WORKER_TYPES, 'master_instance_types', 'master_vswitch_ids', VSWITCHES[::-1]],
                  'cluster_spec': False, 'steps': ('masters',)},
    # 7.1.2
    'managed': {'required': ['name', 'num_of_nodes', 'region_id', 'snat_entry', VSWITCHES,
                             'worker_system_disk_category', 'worker_system_disk_size', VPC, WORKER_TYPES]},
    # 7.1.3: no nodes of its own; the zone may also come from the vSwitches
    'ask': {'required': ['name', 'region_id'], 'login': False, 'nodes': 0, 'workers': False, 'zone': True,
            'steps': ('serverless',)},
    # 7.1.4
    'edge': {'required': ['name', 'num_of_nodes', 'profile', 'region_id', 'snat_entry', VSWITCHES,
                          'worker_system_disk_category', 'worker_system_disk_size'],
             'vswitches': 5, 'nodes': 300, 'public': True},
    # 7.1.5
    'sandboxed': {'required': ['addons', 'kubernetes_version', 'name', 'num_of_nodes', 'pod_vswitch_ids',
                               'region_id', 'runtime', 'snat_entry', VPC, VSWITCHES, WORKER_TYPES,
                               'worker_system_disk_category', 'worker_system_disk_size'],
                  'steps': ('sandboxed',)},
}
# parameters read as they are, with their defaults: (name, reader, options)
FIELDS = [
    ('snat_entry', boolean, {}),
    ('private_zone', boolean, {}),
    ('image_id', text, {}),
    ('deletion_protection', boolean, {}),
    ('proxy_mode', text, {'choices': cat.PROXY_MODES, 'default': 'iptables'}),   # 7.1.1, 7.1.2
    ('cpu_policy', text, {'choices': cat.CPU_POLICIES, 'default': 'none'}),
    ('os_type', text, {'choices': cat.OS_TYPES, 'default': 'Linux'}),
    ('platform', text, {'default': 'AliyunLinux'}),
    ('timeout_mins', integer, {'low': 1, 'high': 1440, 'default': 60}),
    ('disable_rollback', boolean, {'default': True}),
    ('cloud_monitor_flags', boolean, {}),
    ('ssh_flags', boolean, {}),
    ('timezone', text, {'default': 'Asia/Shanghai'}),
    ('maintenance_window', mapping, {}),
    ('client_token', text, {'max_len': 64}),
]


def cluster_kind(body):
    """``(cluster_type, kind, profile)`` of a CreateCluster body."""
    ctype_raw = body.get('cluster_type')
    if ctype_raw is None or ctype_raw == '':
        raise errors.missing_param('cluster_type')
    ctype = cat.CLUSTER_TYPES.get(str(ctype_raw).lower())
    if ctype is None:
        raise errors.bad_param('cluster_type', 'valid values are Kubernetes, ManagedKubernetes and Ask, got %r'
                               % (ctype_raw,))
    profile = text(body, 'profile')
    runtime = mapping(body, 'runtime')
    sandboxed = bool(runtime) and runtime.get('name') == cat.SANDBOX_RUNTIME
    if ctype == 'Kubernetes':
        if profile not in (None, 'Default'):
            raise errors.bad_param('profile', 'dedicated (Kubernetes) clusters support only the Default profile')
        if sandboxed:
            raise errors.bad_param('runtime', 'sandboxed containers are supported only by ManagedKubernetes '
                                              'clusters')
        return ctype, 'dedicated', profile or 'Default'
    if ctype == 'Ask':
        if profile not in (None, 'Default', 'Serverless'):
            raise errors.bad_param('profile', 'serverless (Ask) clusters support the Default profile only')
        return ctype, 'ask', 'Serverless'
    if profile not in (None, 'Default', 'Edge'):
        raise errors.bad_param('profile', 'valid values are Default and Edge, got %r' % (profile,))
    if profile == 'Edge':
        if sandboxed:
            raise errors.bad_param('runtime', 'sandboxed containers are not supported by edge clusters')
        return ctype, 'edge', 'Edge'
    return ctype, ('sandboxed' if sandboxed else 'managed'), 'Default'


def validate_create(body):
    """Validate a CreateCluster body; returns the normalised spec (no password in it)."""
    if not isinstance(body, dict):
        raise errors.bad_param('body', 'a JSON object is expected')
    ctype, kind, profile = cluster_kind(body)
    rules = dict(DEFAULT_RULES, **KINDS[kind])
    for names in rules['required']:
        names = names if isinstance(names, tuple) else (names,)
        if body.get(pick(body, *names)) in (None, '', []):
            raise errors.missing_param(names[0])
    spec = {'cluster_type': ctype, 'kind': kind, 'profile': profile}
    for name, read, options in FIELDS:
        spec[name] = read(body, name, **options)
    for step in STEPS + tuple(EXTRA_STEPS[s] for s in rules['steps']):
        step(body, spec, rules)
    return spec


# -- CreateCluster: the steps (each reads the body and fills the spec) ---------------------------------------
def _place(body, spec, rules):
    """Region, name, login, VPC and vSwitches, zone, security group, API server endpoint."""
    region = text(body, 'region_id')
    if region is not None and region not in cat.REGIONS:
        raise errors.bad_param('region_id', 'unknown region %r' % region)
    spec['region_id'] = region
    spec['name'] = check_name('name', body['name']) if body.get('name') not in (None, '') else None
    if rules['login']:
        spec.update(check_login(body))
    vpc = prefixed(body, pick(body, *VPC), 'vpc-', 'a VPC ID')
    vswitches = id_list(body, pick(body, *VSWITCHES + ('vswitch_id', 'vswitchid')), 'vsw-', 1, rules['vswitches'])
    if vswitches and vpc is None:
        raise errors.missing_param('vpcid')
    if vpc is not None and not vswitches:
        raise errors.missing_param('vswitch_ids')
    spec.update({'vpc_id': vpc, 'vpc_auto': vpc is None, 'vswitch_ids': vswitches or [],
                 'pod_vswitch_ids': id_list(body, 'pod_vswitch_ids', 'vsw-', 1, 20) or [],
                 'security_group_id': prefixed(body, 'security_group_id', 'sg-', 'a security group ID'),
                 'endpoint_public_access': boolean(body, pick(body, 'endpoint_public_access', 'public_slb'),
                                                   default=True)})
    if rules['public'] and not spec['endpoint_public_access']:
        raise errors.bad_param('endpoint_public_access', 'edge clusters must allow public access to the API server '
                                                         '(edge nodes reach it over the Internet)')
    zone_name = pick(body, 'zone_id', 'zoneid')
    zone = text(body, zone_name)
    if zone is not None and region is not None and not zone.startswith(region + '-'):
        raise errors.bad_param(zone_name, 'zone %r is not in region %s' % (zone, region))
    if rules['zone'] and zone is None and not vswitches:
        raise errors.missing_param('zone_id')
    spec['zone_id'] = zone or ('%s-%s' % (region, cat.REGIONS[region][0]) if region else None)
    spec['nat_gateway'] = boolean(body, 'nat_gateway', default=spec['vpc_auto'])


def _cidrs(body, spec, rules):
    """Pod and service CIDR blocks (defaults outside the auto VPC) and the node CIDR mask."""
    container = check_cidr('container_cidr', body.get('container_cidr'))
    service = check_cidr('service_cidr', body.get('service_cidr'))
    if rules['workers']:
        if container is None and not spec['pod_vswitch_ids']:
            container = ipaddress.ip_network('172.16.0.0/16' if spec['vpc_auto'] else '172.20.0.0/16')
        if container is not None and not 8 <= container.prefixlen <= 24:
            raise errors.bad_param('container_cidr', 'the prefix length must be between 8 and 24')
    if service is None:
        service = ipaddress.ip_network('172.19.0.0/20' if spec['vpc_auto'] else '172.21.0.0/20')
    if not 16 <= service.prefixlen <= 24:
        raise errors.bad_param('service_cidr', 'the prefix length must be between 16 and 24')
    if container is not None and container.overlaps(service):
        raise errors.bad_param('service_cidr', '%s overlaps the container CIDR block %s' % (service, container))
    if spec['vpc_auto']:
        for n, net in (('container_cidr', container), ('service_cidr', service)):
            if net is not None and net.overlaps(AUTO_VPC_CIDR):
                raise errors.bad_param(n, '%s overlaps the CIDR block %s of the VPC created for the cluster'
                                       % (net, AUTO_VPC_CIDR))
    spec['container_cidr'] = str(container) if container is not None else ''
    spec['service_cidr'] = str(service)
    spec['container_cidr_given'] = body.get('container_cidr') not in (None, '')
    spec['service_cidr_given'] = body.get('service_cidr') not in (None, '')
    mask = integer(body, 'node_cidr_mask', 24, 28, 26)
    if container is not None and mask <= container.prefixlen:
        raise errors.bad_param('node_cidr_mask', 'must be longer than the prefix of container_cidr (%d)'
                               % container.prefixlen)
    spec['node_cidr_mask'] = mask


def _runtime(body, spec, rules):
    """Kubernetes version, container runtime, cluster_spec."""
    version = spec['kubernetes_version'] = check_version('kubernetes_version', body.get('kubernetes_version'))
    runtime = mapping(body, 'runtime') or {}
    containerd = cat.parse_version(version)[:2] >= cat.CONTAINERD_FROM
    rname = text(runtime, 'name', choices=tuple(cat.RUNTIMES), label='runtime.name')
    if rname is None:
        rname = 'containerd' if containerd else 'docker'
    if rname == 'docker' and containerd:
        raise errors.bad_param('runtime', 'the docker runtime is not supported from Kubernetes 1.24; use containerd')
    spec['runtime'] = {'name': rname, 'version': text(runtime, 'version', default=cat.RUNTIMES[rname],
                                                      label='runtime.version')}
    cluster_spec = text(body, 'cluster_spec', choices=cat.CLUSTER_SPECS)
    if cluster_spec and not rules['cluster_spec']:
        raise errors.bad_param('cluster_spec', 'dedicated (Kubernetes) clusters have no cluster_spec')
    spec['cluster_spec'] = cluster_spec or ('ack.standard' if rules['cluster_spec'] else None)


def _workers(body, spec, rules):
    """Worker count, instance types, disks and subscription."""
    spec['num_of_nodes'] = integer(body, 'num_of_nodes', 0, rules['nodes']) if rules['workers'] else 0
    spec['worker_instance_types'] = _instance_types(body, pick(body, *WORKER_TYPES))
    if rules['workers']:
        spec['worker_system_disk_category'] = text(body, 'worker_system_disk_category', choices=cat.DISK_CATEGORIES,
                                                   default='cloud_efficiency')
        spec['worker_system_disk_size'] = integer(body, 'worker_system_disk_size', 40, 500, 120)
    disks = check_disks(body, 'worker_data_disks')
    legacy_size = integer(body, 'worker_data_disk_size', 20, 32768)
    data_disk = boolean(body, 'worker_data_disk', default=None)
    if disks is None and (legacy_size or data_disk) and data_disk is not False:
        disks = [{'category': text(body, 'worker_data_disk_category', choices=cat.DISK_CATEGORIES,
                                   default='cloud_efficiency'),
                  'size': legacy_size or 120}]
    if data_disk is False and disks:
        raise errors.bad_param('worker_data_disk', 'is false but data disks are configured')
    spec['worker_data_disks'] = disks or []
    spec.update(check_period(body, 'worker', cat.SANDBOXED_PERIODS if spec['kind'] == 'sandboxed' else cat.PERIODS))


def _instance_types(body, name):
    types = items(body, name) or []
    for t in types:
        if not isinstance(t, str) or not cat.INSTANCE_TYPE_RE.match(t):
            raise errors.bad_param(name, '%r is not an ECS instance type (e.g. ecs.g7.xlarge)' % (t,))
    return types


def _others(body, spec, rules):
    """Tags, node port range, resource group, add-ons, taints."""
    spec['tags'] = check_tags(body, 'tags')
    for t in spec['tags']:
        if is_system_tag(t['key']):  # as ModifyClusterTags: system tags are ACK's to set
            raise errors.bad_param('tags', 'system tag %r cannot be added or changed' % t['key'])
    npr = text(body, 'node_port_range', default='30000-32767')
    m = re.match(r'^(\d+)-(\d+)$', npr)
    if not m or not 30000 <= int(m.group(1)) < int(m.group(2)) <= 65535:
        raise errors.bad_param('node_port_range', 'expected LOW-HIGH within 30000-65535, got %r' % npr)
    spec['node_port_range'] = npr
    spec['resource_group_id'] = prefixed(body, 'resource_group_id', 'rg-', 'a resource group ID')
    addons = items(body, 'addons')
    for a in addons or []:
        if not isinstance(a, dict) or not isinstance(a.get('name'), str) or not a['name']:
            raise errors.bad_param('addons', 'each add-on is an object with a "name"')
    spec['addons'] = addons
    spec['taints'] = items(body, pick(body, 'taints', 'taint')) or []


def _sandboxed(body, spec, rules):
    """Bare-metal instance types, data disks of 200 GiB or more, Kubernetes 1.14.6 or later, add-ons."""
    name = pick(body, *WORKER_TYPES)
    for t in spec['worker_instance_types']:
        if t not in cat.SANDBOXED_CREATE_TYPES:
            raise errors.bad_param(name, 'sandboxed containers run only on %s, got %r'
                                   % (', '.join(cat.SANDBOXED_CREATE_TYPES), t))
    if not spec['worker_data_disks']:
        raise errors.missing_param('worker_data_disks')
    small = [d['size'] for d in spec['worker_data_disks'] if d['size'] < cat.SANDBOXED_MIN_DATA_DISK]
    if small:
        raise errors.bad_param('worker_data_disks', 'sandboxed containers need data disks of %d GiB or more, '
                               'got %d GiB' % (cat.SANDBOXED_MIN_DATA_DISK, small[0]))
    if cat.parse_version(spec['kubernetes_version'])[:3] < cat.SANDBOX_MIN_VERSION:
        raise errors.bad_param('kubernetes_version', 'sandboxed containers need Kubernetes 1.14.6-aliyun.1 or '
                                                     'later')
    if not spec['addons']:
        raise errors.missing_param('addons')


def _serverless(body, spec, rules):
    """7.1.3's table requires private_zone and zoneid; its sample request, with an existing VPC and vSwitch, sends
    neither (the zone is then the vSwitch's, as the SDK's zone_id says). So both are required when the cluster
    creates its own VPC (zoneid: see _place). The SDK has no private_zone: service_discovery_types
    (``["PrivateZone"]``) says the same."""
    types = items(body, 'service_discovery_types')
    if spec['vpc_auto'] and body.get('private_zone') in (None, '') and types is None:
        raise errors.missing_param('private_zone')
    spec['private_zone'] = spec['private_zone'] or 'PrivateZone' in (types or [])


def _masters(body, spec, rules):
    """Three or five masters: instance types (one, or one each), vSwitches, system disks, subscription."""
    count = integer(body, 'master_count', default=3)
    if count not in (3, 5):
        raise errors.bad_param('master_count', 'valid values are 3 and 5, got %d' % count)
    mtypes = _instance_types(body, 'master_instance_types')
    if len(mtypes) not in (1, count):
        raise errors.bad_param('master_instance_types', 'specify 1 or %d instance types (one per master)' % count)
    spec.update({
        'master_count': count,
        'master_instance_types': mtypes if len(mtypes) == count else mtypes * count,
        'master_vswitch_ids': id_list(body, 'master_vswitch_ids', 'vsw-', 1, count),
        'master_system_disk_category': text(body, 'master_system_disk_category', choices=cat.DISK_CATEGORIES),
        'master_system_disk_size': integer(body, 'master_system_disk_size', 40, 500),
    })
    spec.update(check_period(body, 'master', cat.MASTER_PERIODS))


STEPS = (_place, _cidrs, _runtime, _workers, _others)
EXTRA_STEPS = {'sandboxed': _sandboxed, 'masters': _masters, 'serverless': _serverless}
