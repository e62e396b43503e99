"""CreateCluster validation: required parameters per cluster kind (reference 7.1.1-7.1.5, as corrected by the
protocol notes and the official SDKs' field names) and value rules. ``validate_create`` returns a normalised
spec that clusters.py turns into documents.

Kinds: ``dedicated`` (Kubernetes), ``managed`` (ManagedKubernetes), ``ask`` (Ask), ``edge`` (ManagedKubernetes +
profile Edge), ``sandboxed`` (ManagedKubernetes + runtime Sandboxed-Container.runv).
"""
import ipaddress
import json
import re

from .. import errors

REGIONS = {
    'cn-qingdao': 'bc', 'cn-beijing': 'abcdefghijkl', 'cn-zhangjiakou': 'abc', 'cn-huhehaote': 'ab',
    'cn-wulanchabu': 'abc', 'cn-hangzhou': 'bfghijkm', 'cn-shanghai': 'abcdefgklmn', 'cn-nanjing': 'a',
    'cn-fuzhou': 'a', 'cn-shenzhen': 'abcdef', 'cn-heyuan': 'ab', 'cn-guangzhou': 'ab', 'cn-chengdu': 'ab',
    'cn-hongkong': 'bcd', 'ap-northeast-1': 'abc', 'ap-northeast-2': 'a', 'ap-southeast-1': 'abc',
    'ap-southeast-3': 'ab', 'ap-southeast-5': 'abc', 'ap-southeast-6': 'ab', 'ap-southeast-7': 'a',
    'ap-south-1': 'ab', 'us-east-1': 'ab', 'us-west-1': 'ab', 'eu-west-1': 'ab', 'eu-central-1': 'abc',
    'me-east-1': 'a', 'me-central-1': 'a', 'cn-shanghai-finance-1': 'abz', 'cn-shenzhen-finance-1': 'ade',
    'cn-beijing-finance-1': 'a',
}
CLUSTER_TYPES = {'kubernetes': 'Kubernetes', 'managedkubernetes': 'ManagedKubernetes', 'ask': 'Ask'}
CLUSTER_SPECS = ('ack.standard', 'ack.pro.small')
DISK_CATEGORIES = ('cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd', 'cloud_auto')
RUNTIMES = {'docker': '19.03.15', 'containerd': '1.6.28', 'Sandboxed-Container.runv': '1.0.0'}
SANDBOX_RUNTIME = 'Sandboxed-Container.runv'
SANDBOX_INSTANCE_TYPES = ('ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge')
SANDBOX_MIN_VERSION = (1, 14, 6)
SANDBOX_MIN_DATA_DISK = 200
PASSWORD_SPECIALS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/"
NAME_RE = re.compile(r'^[0-9A-Za-z\u4e00-\u9fa5][0-9A-Za-z\u4e00-\u9fa5-]{0,62}$')
INSTANCE_TYPE_RE = re.compile(r'^ecs\.[a-z0-9-]+\.[a-z0-9-]+$')
VERSION_RE = re.compile(r'^(\d+)\.(\d+)\.(\d+)-aliyun\.(\d+)$')
PRIVATE_NETS = [ipaddress.ip_network(n) for n in ('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16')]
AUTO_VPC_CIDR = ipaddress.ip_network('192.168.0.0/16')
MAX_TAGS = 20
SYSTEM_TAG_PREFIXES = ('ack.aliyun.com', 'acs:')


# -- value helpers ----------------------------------------------------------------------------------------
def pick(body, *names):
    """(name, value) of the first alias present with a non-null value, else (names[0], None)."""
    for n in names:
        if body.get(n) is not None:
            return n, body[n]
    return names[0], None


def as_bool(name, value, default=None):
    if value is None or value == '':
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    raise errors.bad_param(name, 'must be true or false, got %r' % (value,))


def as_int(name, value, lo=None, hi=None, default=None):
    if value is None or value == '':
        return default
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise errors.bad_param(name, 'must be an integer, got %r' % (value,))
    try:
        n = int(str(value).strip()) if not isinstance(value, float) else int(value)
    except (TypeError, ValueError):
        raise errors.bad_param(name, 'must be an integer, got %r' % (value,))
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        raise errors.bad_param(name, 'must be between %s and %s, got %d' % (lo, hi, n))
    return n


def as_str(name, value, choices=None, default=None, maxlen=None):
    if value is None or value == '':
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise errors.bad_param(name, 'must be a string')
    if choices and value not in choices:
        raise errors.bad_param(name, 'valid values are %s, got %r' % (', '.join(choices), value))
    if maxlen and len(value) > maxlen:
        raise errors.bad_param(name, 'must be at most %d characters' % maxlen)
    return value


def as_list(name, value):
    """A list; JSON text of a list and comma-separated text are accepted too."""
    if value is None or value == '':
        return None
    if isinstance(value, str):
        s = value.strip()
        if s.startswith('['):
            try:
                value = json.loads(s)
            except ValueError:
                raise errors.bad_param(name, 'must be an array')
        else:
            value = [v.strip() for v in s.split(',') if v.strip()]
    if not isinstance(value, list):
        raise errors.bad_param(name, 'must be an array')
    return value


def as_dict(name, value):
    if value is None or value == '':
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise errors.bad_param(name, 'must be a JSON object')
    if not isinstance(value, dict):
        raise errors.bad_param(name, 'must be an object')
    return value


def id_list(name, value, prefix, lo=1, hi=3):
    items = as_list(name, value)
    if items is None:
        return None
    if not lo <= len(items) <= hi:
        raise errors.bad_param(name, 'specify %d to %d IDs, got %d' % (lo, hi, len(items)))
    for i in items:
        if not isinstance(i, str) or not i.startswith(prefix) or len(i) <= len(prefix):
            raise errors.bad_param(name, '%r is not a valid ID (expected %s...)' % (i, prefix))
    return items


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


def check_login(body, required=True):
    key_pair = as_str('key_pair', body.get('key_pair'))
    password = body.get('login_password')
    if key_pair and password not in (None, ''):
        raise errors.bad_param('login_password', 'key_pair and login_password are mutually exclusive')
    if password not in (None, ''):
        check_password('login_password', password)
        return {'login': 'password'}
    if key_pair:
        return {'login': 'key_pair', 'key_pair': key_pair}
    if required:
        raise errors.missing_param('key_pair or login_password')
    return {}


def check_name(name, value):
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise errors.bad_param(name, 'the name must be 1 to 63 characters of letters, digits, Chinese characters '
                                     'and hyphens (-), and must not start with a hyphen, got %r' % (value,))
    return value


def check_tags(name, value):
    """``[{key, value}]`` -> normalised list (keys unique, at most 20)."""
    tags = as_list(name, value)
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


def known_versions():
    from .upgrade import KUBERNETES_VERSIONS  # here, not at the top: upgrade.py imports this module
    return tuple(KUBERNETES_VERSIONS)


def parse_version(v):
    m = VERSION_RE.match(v or '')
    return tuple(int(x) for x in m.groups()) if m else None


def check_version(name, value):
    """Any patch of a minor version the catalogue offers (``1.28.3-aliyun.1`` is accepted when 1.28 is offered)."""
    versions = known_versions()
    if value is None or value == '':
        return versions[-1]
    parsed = parse_version(value) if isinstance(value, str) else None
    minors = sorted({parse_version(v)[:2] for v in versions})
    if parsed is None:
        raise errors.bad_param(name, '%r is not a Kubernetes version like 1.28.9-aliyun.1' % (value,))
    if parsed[:2] not in minors:
        raise errors.bad_param(name, 'Kubernetes %s is not supported; supported minor versions: %s'
                               % (value, ', '.join('%d.%d' % m for m in minors)))
    return value


def check_disks(name, value):
    disks = as_list(name, value)
    if disks is None:
        return None
    out = []
    for d in disks:
        if not isinstance(d, dict):
            raise errors.bad_param(name, 'each data disk is an object {category, size}')
        cat = as_str('%s.category' % name, d.get('category'), choices=DISK_CATEGORIES, default='cloud_efficiency')
        size = as_int('%s.size' % name, d.get('size'), 20, 32768)
        if size is None:
            raise errors.missing_param('%s.size' % name)
        disk = dict(d)
        disk.update({'category': cat, 'size': size})
        if 'encrypted' in d:
            disk['encrypted'] = as_bool('%s.encrypted' % name, d.get('encrypted'), False)
        out.append(disk)
    return out


def check_period(body, prefix):
    """``<prefix>_instance_charge_type`` and its subscription fields."""
    charge = as_str('%s_instance_charge_type' % prefix, body.get('%s_instance_charge_type' % prefix),
                    choices=('PrePaid', 'PostPaid'), default='PostPaid')
    out = {'%s_instance_charge_type' % prefix: charge}
    if charge == 'PrePaid':
        unit = as_str('%s_period_unit' % prefix, body.get('%s_period_unit' % prefix), choices=('Week', 'Month'),
                      default='Month')
        allowed = (1, 2, 3, 4) if unit == 'Week' else (1, 2, 3, 6, 12)
        period = as_int('%s_period' % prefix, body.get('%s_period' % prefix))
        if period is None:
            raise errors.missing_param('%s_period' % prefix)
        if period not in allowed:
            raise errors.bad_param('%s_period' % prefix, 'valid values for %s are %s' % (unit, allowed))
        out.update({'%s_period_unit' % prefix: unit, '%s_period' % prefix: period})
        renew = as_bool('%s_auto_renew' % prefix, body.get('%s_auto_renew' % prefix), False)
        out['%s_auto_renew' % prefix] = renew
        if renew:
            rp = as_int('%s_auto_renew_period' % prefix, body.get('%s_auto_renew_period' % prefix))
            if rp is None:
                raise errors.missing_param('%s_auto_renew_period' % prefix)
            if rp not in allowed:
                raise errors.bad_param('%s_auto_renew_period' % prefix, 'valid values for %s are %s'
                                       % (unit, allowed))
            out['%s_auto_renew_period' % prefix] = rp
    return out


def _require(body, kind, fields):
    for f in fields:
        names = f if isinstance(f, tuple) else (f,)
        _, v = pick(body, *names)
        if v is None or v == '' or v == []:
            raise errors.missing_param(names[0])


# -- CreateCluster ----------------------------------------------------------------------------------------
REQUIRED = {
    # reference 7.1.1 (dedicated)
    'dedicated': ['region_id', 'snat_entry', 'master_system_disk_category', 'master_system_disk_size',
                  'num_of_nodes', 'worker_system_disk_category', 'worker_system_disk_size',
                  ('worker_instance_types', 'worker_instance_type'), 'master_instance_types',
                  'master_vswitch_ids', ('worker_vswitch_ids', 'vswitch_ids')],
    # 7.1.2 (managed)
    'managed': ['name', 'num_of_nodes', 'region_id', 'snat_entry', ('vswitch_ids', 'worker_vswitch_ids'),
                'worker_system_disk_category', 'worker_system_disk_size', ('vpcid', 'vpc_id'),
                ('worker_instance_types', 'worker_instance_type')],
    # 7.1.3 (serverless); the zone may also come from the VSwitches
    'ask': ['name', 'region_id'],
    # 7.1.4 (edge)
    'edge': ['name', 'num_of_nodes', 'profile', 'region_id', 'snat_entry', ('vswitch_ids', 'worker_vswitch_ids'),
             'worker_system_disk_category', 'worker_system_disk_size'],
    # 7.1.5 (sandboxed)
    'sandboxed': ['addons', 'kubernetes_version', 'name', 'num_of_nodes', 'pod_vswitch_ids', 'region_id',
                  'runtime', 'snat_entry', ('vpcid', 'vpc_id'), ('vswitch_ids', 'worker_vswitch_ids'),
                  ('worker_instance_types', 'worker_instance_type'), 'worker_system_disk_category',
                  'worker_system_disk_size'],
}
NEEDS_LOGIN = ('dedicated', 'managed', 'edge', 'sandboxed')


def cluster_kind(body):
    ctype_raw = body.get('cluster_type')
    if ctype_raw is None or ctype_raw == '':
        raise errors.missing_param('cluster_type')
    ctype = CLUSTER_TYPES.get(str(ctype_raw).lower())
    if ctype is None:
        raise errors.bad_param('cluster_type', 'valid values are Kubernetes, ManagedKubernetes and Ask, got %r'
                               % (ctype_raw,))
    profile = as_str('profile', body.get('profile'))
    runtime = as_dict('runtime', body.get('runtime'))
    sandboxed = bool(runtime) and runtime.get('name') == SANDBOX_RUNTIME
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
    _require(body, kind, REQUIRED[kind])
    spec = {'cluster_type': ctype, 'kind': kind, 'profile': profile}

    region = as_str('region_id', body.get('region_id'))
    if region is not None and region not in REGIONS:
        raise errors.bad_param('region_id', 'unknown region %r' % region)
    spec['region_id'] = region
    name = body.get('name')
    spec['name'] = check_name('name', name) if name not in (None, '') else None

    if kind in NEEDS_LOGIN:
        spec.update(check_login(body))

    # networking
    vpc_name, vpc = pick(body, 'vpcid', 'vpc_id')
    vpc = as_str(vpc_name, vpc)
    if vpc is not None and (not vpc.startswith('vpc-') or len(vpc) < 5):
        raise errors.bad_param(vpc_name, '%r is not a VPC ID (vpc-...)' % vpc)
    vsw_name, vsw = pick(body, 'vswitch_ids', 'worker_vswitch_ids', 'vswitch_id', 'vswitchid')
    vswitches = id_list(vsw_name, vsw, 'vsw-', 1, 5 if kind == 'edge' else 3)
    if vswitches and vpc is None:
        raise errors.missing_param('vpcid')
    if vpc is not None and not vswitches:
        raise errors.missing_param('vswitch_ids')
    spec.update({'vpc_id': vpc, 'vpc_auto': vpc is None, 'vswitch_ids': vswitches or []})
    spec['pod_vswitch_ids'] = id_list('pod_vswitch_ids', body.get('pod_vswitch_ids'), 'vsw-', 1, 20) or []
    sg = as_str('security_group_id', body.get('security_group_id'))
    if sg is not None and not sg.startswith('sg-'):
        raise errors.bad_param('security_group_id', '%r is not a security group ID (sg-...)' % sg)
    spec['security_group_id'] = sg
    spec['snat_entry'] = as_bool('snat_entry', body.get('snat_entry'), False)
    spec['endpoint_public_access'] = as_bool('endpoint_public_access', pick(body, 'endpoint_public_access',
                                                                             'public_slb')[1], True)
    if kind == 'edge' and not spec['endpoint_public_access']:
        raise errors.bad_param('endpoint_public_access', 'edge clusters must allow public access to the API server '
                                                         '(edge nodes reach it over the Internet)')
    zone_name, zone = pick(body, 'zone_id', 'zoneid')
    zone = as_str(zone_name, zone)
    if zone is not None and region is not None and not zone.startswith(region + '-'):
        raise errors.bad_param(zone_name, 'zone %r is not in region %s' % (zone, region))
    if kind == 'ask' and zone is None and not vswitches:
        raise errors.missing_param('zone_id')
    spec['zone_id'] = zone or ('%s-%s' % (region, REGIONS[region][0]) if region else None)
    spec['nat_gateway'] = as_bool('nat_gateway', body.get('nat_gateway'), spec['vpc_auto'])
    spec['private_zone'] = as_bool('private_zone', body.get('private_zone'), False)

    # CIDR blocks
    container = check_cidr('container_cidr', body.get('container_cidr'))
    service = check_cidr('service_cidr', body.get('service_cidr'))
    if kind != 'ask':
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
    mask = as_int('node_cidr_mask', body.get('node_cidr_mask'), 24, 28, 26)
    if container is not None and mask <= container.prefixlen:
        raise errors.bad_param('node_cidr_mask', 'must be longer than the prefix of container_cidr (%d)'
                               % container.prefixlen)
    spec['node_cidr_mask'] = mask

    # versions and runtime
    version = check_version('kubernetes_version', body.get('kubernetes_version'))
    spec['kubernetes_version'] = version
    runtime = as_dict('runtime', body.get('runtime')) or {}
    rname = as_str('runtime.name', runtime.get('name'), choices=tuple(RUNTIMES))
    if rname is None:
        rname = 'containerd' if parse_version(version)[:2] >= (1, 24) else 'docker'
    if rname == 'docker' and parse_version(version)[:2] >= (1, 24):
        raise errors.bad_param('runtime', 'the docker runtime is not supported from Kubernetes 1.24; use containerd')
    spec['runtime'] = {'name': rname, 'version': as_str('runtime.version', runtime.get('version'),
                                                        default=RUNTIMES[rname])}
    spec['cluster_spec'] = as_str('cluster_spec', body.get('cluster_spec'), choices=CLUSTER_SPECS)
    if kind == 'dedicated' and spec['cluster_spec']:
        raise errors.bad_param('cluster_spec', 'dedicated (Kubernetes) clusters have no cluster_spec')
    if kind != 'dedicated' and not spec['cluster_spec']:
        spec['cluster_spec'] = 'ack.standard'

    # nodes
    if kind == 'ask':
        spec['num_of_nodes'] = 0
    else:
        spec['num_of_nodes'] = as_int('num_of_nodes', body.get('num_of_nodes'), 0, 300 if kind == 'edge' else 100)
    it_name, types = pick(body, 'worker_instance_types', 'worker_instance_type')
    types = as_list(it_name, types) or []
    for t in types:
        if not isinstance(t, str) or not INSTANCE_TYPE_RE.match(t):
            raise errors.bad_param(it_name, '%r is not an ECS instance type (e.g. ecs.g7.xlarge)' % (t,))
    spec['worker_instance_types'] = types
    if kind != 'ask':
        spec['worker_system_disk_category'] = as_str('worker_system_disk_category',
                                                     body.get('worker_system_disk_category'),
                                                     choices=DISK_CATEGORIES, default='cloud_efficiency')
        spec['worker_system_disk_size'] = as_int('worker_system_disk_size', body.get('worker_system_disk_size'),
                                                 40, 500, 120)
    disks = check_disks('worker_data_disks', body.get('worker_data_disks'))
    legacy_size = as_int('worker_data_disk_size', body.get('worker_data_disk_size'), 20, 32768)
    data_disk = as_bool('worker_data_disk', body.get('worker_data_disk'), None)
    if disks is None and (legacy_size or data_disk):
        if data_disk is not False:
            disks = [{'category': as_str('worker_data_disk_category', body.get('worker_data_disk_category'),
                                         choices=DISK_CATEGORIES, default='cloud_efficiency'),
                      'size': legacy_size or 120}]
    if data_disk is False and disks:
        raise errors.bad_param('worker_data_disk', 'is false but data disks are configured')
    spec['worker_data_disks'] = disks or []
    spec.update(check_period(body, 'worker'))
    spec['image_id'] = as_str('image_id', body.get('image_id'))

    if kind == 'sandboxed':
        for t in types:
            if t not in SANDBOX_INSTANCE_TYPES:
                raise errors.bad_param(it_name, 'sandboxed containers run only on %s, got %r'
                                       % (', '.join(SANDBOX_INSTANCE_TYPES), t))
        if not spec['worker_data_disks']:
            raise errors.missing_param('worker_data_disks')
        small = [d['size'] for d in spec['worker_data_disks'] if d['size'] < SANDBOX_MIN_DATA_DISK]
        if small:
            raise errors.bad_param('worker_data_disks', 'sandboxed containers need data disks of %d GiB or more, '
                                   'got %d GiB' % (SANDBOX_MIN_DATA_DISK, small[0]))
        if parse_version(version)[:3] < SANDBOX_MIN_VERSION:
            raise errors.bad_param('kubernetes_version', 'sandboxed containers need Kubernetes 1.14.6-aliyun.1 or '
                                                         'later')
        if not as_list('addons', body.get('addons')):
            raise errors.missing_param('addons')

    if kind == 'dedicated':
        count = as_int('master_count', body.get('master_count'), default=3)
        if count not in (3, 5):
            raise errors.bad_param('master_count', 'valid values are 3 and 5, got %d' % count)
        mtypes = as_list('master_instance_types', body.get('master_instance_types')) or []
        if len(mtypes) not in (1, count):
            raise errors.bad_param('master_instance_types', 'specify 1 or %d instance types (one per master)' % count)
        for t in mtypes:
            if not isinstance(t, str) or not INSTANCE_TYPE_RE.match(t):
                raise errors.bad_param('master_instance_types', '%r is not an ECS instance type' % (t,))
        mvsw = id_list('master_vswitch_ids', body.get('master_vswitch_ids'), 'vsw-', 1, count)
        spec.update({
            'master_count': count,
            'master_instance_types': mtypes if len(mtypes) == count else mtypes * count,
            'master_vswitch_ids': mvsw,
            'master_system_disk_category': as_str('master_system_disk_category',
                                                  body.get('master_system_disk_category'), choices=DISK_CATEGORIES),
            'master_system_disk_size': as_int('master_system_disk_size', body.get('master_system_disk_size'),
                                              40, 500),
        })
        spec.update(check_period(body, 'master'))

    # everything else
    spec['tags'] = check_tags('tags', body.get('tags'))
    for t in spec['tags']:
        if is_system_tag(t['key']):  # as ModifyClusterTags: system tags are ACK's to set
            raise errors.bad_param('tags', 'system tag %r cannot be added or changed' % t['key'])
    spec['deletion_protection'] = as_bool('deletion_protection', body.get('deletion_protection'), False)
    spec['proxy_mode'] = as_str('proxy_mode', body.get('proxy_mode'), choices=('iptables', 'ipvs'),
                                default='ipvs')
    spec['cpu_policy'] = as_str('cpu_policy', body.get('cpu_policy'), choices=('none', 'static'), default='none')
    spec['os_type'] = as_str('os_type', body.get('os_type'), choices=('Linux', 'Windows'), default='Linux')
    spec['platform'] = as_str('platform', body.get('platform'), default='AliyunLinux')
    npr = as_str('node_port_range', body.get('node_port_range'), default='30000-32767')
    m = re.match(r'^(\d+)-(\d+)$', npr)
    if not m or not 30000 <= int(m.group(1)) < int(m.group(2)) <= 65535:
        raise errors.bad_param('node_port_range', 'expected LOW-HIGH within 30000-65535, got %r' % npr)
    spec['node_port_range'] = npr
    spec['timeout_mins'] = as_int('timeout_mins', body.get('timeout_mins'), 1, 1440, 60)
    spec['disable_rollback'] = as_bool('disable_rollback', body.get('disable_rollback'), True)
    spec['cloud_monitor_flags'] = as_bool('cloud_monitor_flags', body.get('cloud_monitor_flags'), False)
    spec['ssh_flags'] = as_bool('ssh_flags', body.get('ssh_flags'), False)
    rg = as_str('resource_group_id', body.get('resource_group_id'))
    if rg is not None and not rg.startswith('rg-'):
        raise errors.bad_param('resource_group_id', '%r is not a resource group ID (rg-...)' % rg)
    spec['resource_group_id'] = rg
    spec['timezone'] = as_str('timezone', body.get('timezone'), default='Asia/Shanghai')
    spec['maintenance_window'] = as_dict('maintenance_window', body.get('maintenance_window'))
    spec['client_token'] = as_str('client_token', body.get('client_token'), maxlen=64)
    addons = as_list('addons', body.get('addons'))
    if addons is not None:
        for a in addons:
            if not isinstance(a, dict) or not isinstance(a.get('name'), str) or not a['name']:
                raise errors.bad_param('addons', 'each add-on is an object with a "name"')
    spec['addons'] = addons
    spec['taints'] = as_list('taints', pick(body, 'taints', 'taint')[1]) or []
    return spec
