"""Cluster nodes: ScaleOutCluster (ECS workers, edge ENS workers, sandboxed-container workers),
DescribeClusterNodes, RemoveClusterNodes (and its older spelling DeleteClusterNodes), AttachInstances (ECS and ENS),
DescribeClusterAttachScripts.

Reference sections 7.2.1-7.2.3 and 8.1-8.4; protocol-notes win where they disagree.

Documents of kind ``node`` (id = instance id) belong to a cluster through ``cluster_id``. A node removed without
``release_node`` stays as a detached instance (``cluster_id`` None, ``_detached``) that AttachInstances may take
back; a released node is kept as a tombstone (``_released``) so it can neither be listed nor attached again.

The helpers at the top (``require_running``, ``push_timeline``, the value parsers) are shared with upgrade.py,
templates.py and addons.py; the request body and the cluster lookup come from common.py.
"""

import hashlib
import json
import random
import re
import string
import uuid

from werkzeug.wrappers import Response

from .. import errors
from ..lifecycle import AT, iso, new_task
from ..registry import op
from .common import body_dict, get_cluster, refuse_ask
from .validation import check_password

# --- real-world durations (seconds; scaled with ctx.duration) ----------------------------------------------
SCALE_OUT_SECONDS = 300          # ECS workers join in about 5 minutes
EDGE_SCALE_OUT_SECONDS = 420     # ENS nodes are slower to provision
SANDBOXED_SCALE_OUT_SECONDS = 600  # bare-metal instances
ATTACH_SECONDS = 240
REMOVE_SECONDS = 120
DRAIN_SECONDS = 60

MAX_COUNT_PER_CALL = 500         # ScaleOutCluster count range: 1..500 per call
MAX_NODES_PER_CLUSTER = 1000     # total nodes (masters included) a cluster may hold
MAX_ATTACH_PER_CALL = 100

SANDBOXED_INSTANCE_TYPES = ('ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge', 'ecs.ebmgn6i.24xlarge')
SANDBOXED_MIN_DATA_DISK = 200
DISK_CATEGORIES = ('cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd')
PERIODS_MONTH = (1, 2, 3, 6, 12)
PERIODS_WEEK = (1, 2, 3, 4)
ENS_PERIODS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12)
ENS_CHARGE_TYPES = ('BandwidthByDay', 'BandwidthByMonth')
TAINT_EFFECTS = ('NoSchedule', 'NoExecute', 'PreferNoSchedule')
DEFAULT_IMAGE = 'aliyun_2_1903_x64_20G_alibase_20210726.vhd'
DEFAULT_ENS_IMAGE = 'centos_7_06_64_20G_alibase_20190218.vhd'
DEFAULT_INSTANCE_TYPE = 'ecs.g6.xlarge'
DEFAULT_MASTER_TYPE = 'ecs.g6.large'
DEFAULT_ENS_TYPE = 'ens.sn1.stiny'

NODE_STATES = ('all', 'running', 'pending', 'starting', 'stopping', 'stopped', 'removing', 'initial', 'failed')


# --- shared helpers -----------------------------------------------------------------------------------------
def require_running(cluster, operation):
    if cluster.get('state') != 'running':
        raise errors.invalid_status(cluster, operation)


def push_timeline(doc, at, patch):
    """Append one absolute-time entry to a document's ``_timeline`` (kept sorted, stable for equal times)."""
    tl = doc.setdefault('_timeline', [])
    tl.append([at, patch])
    tl.sort(key=lambda e: e[0])


def set_busy(ctx, cluster, state, seconds, final_patch=None):
    """Put the cluster in ``state`` now and back to ``running`` (plus ``final_patch``) after ``seconds``."""
    cluster['state'] = state
    cluster['updated'] = iso(ctx.now)
    patch = {'state': 'running', 'updated': AT}
    patch.update(final_patch or {})
    push_timeline(cluster, ctx.now + seconds, patch)
    ctx.db.put('cluster', cluster['cluster_id'], cluster)


def as_bool(name, value, default=False):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('true', 'false'):
        return value.lower() == 'true'
    raise errors.bad_param(name, 'must be true or false')


def as_int(name, value, lo=None, hi=None, default=None, required=False):
    if value is None or value == '':
        if required:
            raise errors.missing_param(name)
        return default
    if isinstance(value, bool):
        raise errors.bad_param(name, 'must be an integer')
    try:
        ivalue = int(str(value).strip())
    except (TypeError, ValueError):
        raise errors.bad_param(name, 'must be an integer')
    if lo is not None and ivalue < lo or hi is not None and ivalue > hi:
        raise errors.bad_param(name, 'must be between %s and %s' % (lo, hi))
    return ivalue


def as_list(name, value, required=False):
    """A list value; JSON text of a list is accepted (form-encoded bodies carry it as text)."""
    if value is None or value == '' or value == []:
        if required:
            raise errors.missing_param(name)
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [v for v in value.split(',') if v]
    if not isinstance(value, list):
        raise errors.bad_param(name, 'must be an array')
    return value


def as_str(name, value, required=False, choices=None):
    if value is None or value == '':
        if required:
            raise errors.missing_param(name)
        return None
    if not isinstance(value, str):
        raise errors.bad_param(name, 'must be a string')
    if choices and value not in choices:
        raise errors.bad_param(name, 'valid values are %s' % ', '.join(choices))
    return value


def cluster_log(cluster, at, message, level='INFO'):
    """One entry of the cluster's DescribeClusterLogs (kept in ``_logs``, shown once ``at`` has passed)."""
    cluster.setdefault('_logs', []).append([at, level, message])


def log_outcome(cluster, now, duration, doing, fail, done):
    """The start of an asynchronous node operation now, and its end (``done``, or the failure) after duration."""
    cluster_log(cluster, now, 'Start to %s' % doing)
    if fail:
        cluster_log(cluster, now + duration, 'Failed to %s: %s: %s' % (doing, fail.get('code'), fail.get('message')),
                    'ERROR')
    else:
        cluster_log(cluster, now + duration, done)


def _rand(n, alphabet=string.ascii_lowercase + string.digits):
    return ''.join(random.choice(alphabet) for _ in range(n))


def default_nodepool_id(cluster_id):
    return 'np' + hashlib.md5(('default-' + cluster_id).encode()).hexdigest()


def cluster_nodes(ctx, cluster_id):
    """Live node documents of a cluster, in creation order."""
    return [n for n in ctx.db.list('node', now=ctx.now, where={'cluster_id': cluster_id})
            if not n.get('_released')]


def _used_ips(ctx, cluster_id):
    ips = set()
    for n in cluster_nodes(ctx, cluster_id):
        ips.update(n.get('ip_address') or [])
    return ips


def _new_ip(used, prefix='192.168'):
    for _ in range(10000):
        ip = '%s.%d.%d' % (prefix, random.randint(0, 255), random.randint(2, 253))
        if ip not in used:
            used.add(ip)
            return ip
    raise errors.ApiError(500, 'InternalError', 'no free address')


def _instance_family(instance_type):
    parts = (instance_type or '').split('.')
    return '.'.join(parts[:2]) if len(parts) >= 2 else instance_type


def _node_doc(ctx, cluster, instance_id, role, ip, instance_type, image_id, charge_type='PostPaid',
              period_months=None, nodepool_id=None, source='ros', instance_name=None, edge=False, extra=None):
    region = cluster.get('region_id') or ctx.region
    cid = cluster['cluster_id']
    expired = ctx.now + period_months * 30 * 86400 if (charge_type == 'PrePaid' and period_months) else None
    doc = {
        'instance_id': instance_id,
        'cluster_id': cid,
        'instance_role': role,
        'instance_name': instance_name or '%s-k8s-for-cs-%s' % ('master-01' if role == 'Master' else 'worker', cid),
        'host_name': 'iZ%sZ' % _rand(21),
        'node_name': '%s.%s' % (region, ip),
        'ip_address': [ip],
        'instance_type': instance_type,
        'instance_type_family': _instance_family(instance_type),
        'image_id': image_id,
        'instance_charge_type': charge_type,
        'expired_time': iso(expired) if expired else '2099-12-31T15:59:00+08:00',
        'creation_time': iso(ctx.now),
        'is_aliyun_node': True,
        'nodepool_id': '' if role == 'Master' else (nodepool_id or default_nodepool_id(cid)),
        'source': source,
        'spot_strategy': 'NoSpot',
        'error_message': '',
        'state': 'pending',
        'instance_status': 'Pending',
        'node_status': 'NotReady',
    }
    if edge:
        doc['is_edge_worker'] = True
    if extra:
        doc.update(extra)
    return doc


def _schedule_node_ready(node, now, seconds):
    push_timeline(node, now + seconds * 0.5, {'state': 'starting', 'instance_status': 'Starting'})
    push_timeline(node, now + seconds, {'state': 'running', 'instance_status': 'Running', 'node_status': 'Ready'})


def _failed_patch(fail):
    return {'state': 'failed', 'instance_status': 'Running', 'node_status': 'NotReady',
            'error_message': '%s: %s' % (fail.get('code'), fail.get('message'))}


def _check_quota(ctx, cluster_id, adding):
    quota = int(ctx.quotas.get('node_quota', MAX_NODES_PER_CLUSTER))
    total = len(cluster_nodes(ctx, cluster_id)) + adding
    if total > quota:
        raise errors.ApiError(400, 'QuotaExceeded.Nodes', 'cluster %s would have %d nodes, more than the quota of %d '
                              'nodes per cluster' % (cluster_id, total, quota))


def _bump_size(cluster, delta):
    if 'size' in cluster:
        try:
            cluster['size'] = max(0, int(cluster.get('size') or 0) + delta)
        except (TypeError, ValueError):
            pass


# --- helpers for E1's CreateCluster / DeleteCluster (CONTRACT.md, Requests from E2) ------------------------
def create_nodes(ctx, cluster, count, role='Worker', spec=None, ready_after=0, nodepool_id=None):
    """Store ``count`` new nodes of ``role`` for ``cluster``; pending until ``ready_after`` (scaled seconds)."""
    spec = spec or {}
    used = _used_ips(ctx, cluster['cluster_id'])
    ids = []
    if role == 'Master':
        types = spec.get('master_instance_types') or [DEFAULT_MASTER_TYPE]
        charge = spec.get('master_instance_charge_type') or 'PostPaid'
        period = spec.get('master_period')
    else:
        types = spec.get('worker_instance_types') or [DEFAULT_INSTANCE_TYPE]
        charge = spec.get('worker_instance_charge_type') or 'PostPaid'
        period = spec.get('worker_period')
    if isinstance(types, str):
        types = [types]
    image = spec.get('image_id') or DEFAULT_IMAGE
    for i in range(int(count or 0)):
        iid = 'i-' + _rand(20)
        name = None
        if role == 'Master':
            name = 'master-%02d-k8s-for-cs-%s' % (i + 1, cluster['cluster_id'])
        node = _node_doc(ctx, cluster, iid, role, _new_ip(used), types[i % len(types)], image, charge_type=charge,
                         period_months=_months(period, spec.get('%s_period_unit' % role.lower())),
                         nodepool_id=nodepool_id, instance_name=name)
        if ready_after and ready_after > 0:
            _schedule_node_ready(node, ctx.now, ready_after)
        else:
            node.update({'state': 'running', 'instance_status': 'Running', 'node_status': 'Ready'})
        ctx.db.put('node', iid, node)
        ids.append(iid)
    return ids


def delete_cluster_nodes(ctx, cluster_id, release=True):
    """Drop the nodes of a deleted cluster (``release=False`` keeps them as detached instances instead)."""
    for node in cluster_nodes(ctx, cluster_id):
        if release:
            ctx.db.delete('node', node['instance_id'])
        else:
            node.update({'cluster_id': None, '_detached': True, '_timeline': []})
            ctx.db.put('node', node['instance_id'], node)


def _months(period, unit):
    try:
        period = int(period)
    except (TypeError, ValueError):
        return None
    return period if (unit or 'Month') == 'Month' else max(1, period // 4)


# --- ScaleOutCluster ----------------------------------------------------------------------------------------
def _is_edge(cluster):
    return (cluster.get('profile') or '').lower() == 'edge' or cluster.get('_kind') == 'edge'


def _is_sandboxed(cluster, body):
    if cluster.get('_kind') == 'sandboxed':
        return True
    for runtime in (cluster.get('runtime'), (cluster.get('_spec') or {}).get('runtime'), body.get('runtime')):
        if isinstance(runtime, dict) and str(runtime.get('name', '')).startswith('Sandboxed-Container'):
            return True
    return False


def _check_login(body, required=True, password_key='login_password'):
    password = body.get(password_key)
    key_pair = body.get('key_pair')
    if password in (None, '') and key_pair in (None, ''):
        if required:
            raise errors.missing_param('%s or key_pair' % password_key)
        return
    if password not in (None, '') and key_pair not in (None, ''):
        raise errors.bad_param(password_key, 'specify either %s or key_pair, not both' % password_key)
    if password not in (None, ''):
        check_password(password_key, password)
    else:
        as_str('key_pair', key_pair)


def _check_prepaid(body):
    charge = as_str('worker_instance_charge_type', body.get('worker_instance_charge_type'),
                    choices=('PrePaid', 'PostPaid')) or 'PostPaid'
    period = None
    if charge == 'PrePaid':
        unit = as_str('worker_period_unit', body.get('worker_period_unit'), required=True, choices=('Month', 'Week'))
        allowed = PERIODS_MONTH if unit == 'Month' else PERIODS_WEEK
        period = as_int('worker_period', body.get('worker_period'), required=True)
        if period not in allowed:
            raise errors.bad_param('worker_period', 'valid values for %s are %s' % (unit, list(allowed)))
        if as_bool('worker_auto_renew', body.get('worker_auto_renew')):
            renew = as_int('worker_auto_renew_period', body.get('worker_auto_renew_period'), required=True)
            if renew not in allowed:
                raise errors.bad_param('worker_auto_renew_period', 'valid values for %s are %s' % (unit, list(allowed)))
        period = _months(period, unit)
    return charge, period


def _check_common_worker_fields(body):
    as_int('worker_system_disk_size', body.get('worker_system_disk_size'), lo=40, hi=500)
    as_str('worker_system_disk_category', body.get('worker_system_disk_category'), choices=DISK_CATEGORIES)
    as_str('cpu_policy', body.get('cpu_policy'), choices=('none', 'static'))
    as_bool('cloud_monitor_flags', body.get('cloud_monitor_flags'))
    as_bool('disable_rollback', body.get('disable_rollback'))
    as_bool('worker_data_disk', body.get('worker_data_disk'))
    vswitches = as_list('vswitch_ids', body.get('vswitch_ids'))
    if len(vswitches) > 3:
        raise errors.bad_param('vswitch_ids', 'specify one to three vSwitch IDs')
    for v in vswitches:
        if not isinstance(v, str) or not v.startswith('vsw-'):
            raise errors.bad_param('vswitch_ids', '%r is not a vSwitch ID' % (v,))
    for disk in as_list('worker_data_disks', body.get('worker_data_disks')):
        if not isinstance(disk, dict):
            raise errors.bad_param('worker_data_disks', 'each data disk must be an object')
        as_str('worker_data_disks.category', disk.get('category'), choices=DISK_CATEGORIES)
        as_int('worker_data_disks.size', disk.get('size'), lo=40, hi=32768)
    for tag in as_list('tags', body.get('tags')):
        if not isinstance(tag, dict) or not tag.get('key'):
            raise errors.bad_param('tags', 'each tag must be an object with a non-empty key')
    for taint in as_list('taints', body.get('taints')):
        if not isinstance(taint, dict) or not taint.get('key'):
            raise errors.bad_param('taints', 'each taint must be an object with a non-empty key')
        if taint.get('effect') not in (None, '') + TAINT_EFFECTS:
            raise errors.bad_param('taints', 'effect must be one of %s' % ', '.join(TAINT_EFFECTS))


def _validate_edge_scale_out(body):
    if not as_bool('is_edge_worker', body.get('is_edge_worker')):
        raise errors.bad_param('is_edge_worker', 'only ENS instances can be added to an edge cluster: set it to true')
    itype = as_str('worker_instance_type', body.get('worker_instance_type'), required=True)
    if not itype.startswith('ens.'):
        raise errors.bad_param('worker_instance_type', '%s is not an ENS instance type' % itype)
    as_str('ens_region_id', body.get('ens_region_id'), required=True)
    as_str('worker_image_id', body.get('worker_image_id'), required=True)
    as_str('ens_internet_charge_type', body.get('ens_internet_charge_type'), choices=ENS_CHARGE_TYPES)
    period = as_int('worker_period', body.get('worker_period'), required=True)
    if period not in ENS_PERIODS:
        raise errors.bad_param('worker_period', 'valid values are %s' % list(ENS_PERIODS))
    if body.get('login_password') in (None, ''):
        raise errors.missing_param('login_password')
    check_password('login_password', body.get('login_password'))
    size = as_int('worker_system_disk_size', body.get('worker_system_disk_size'), required=True, lo=20, hi=100)
    if size % 10:
        raise errors.bad_param('worker_system_disk_size', 'must be a multiple of 10 between 20 and 100')
    data = as_int('worker_data_disk_size', body.get('worker_data_disk_size'), default=0)
    if data and (data % 10 or not 20 <= data <= 200):
        raise errors.bad_param('worker_data_disk_size', '0, or a multiple of 10 between 20 and 200')
    if as_bool('worker_auto_renew', body.get('worker_auto_renew')):
        as_int('worker_auto_renew_period', body.get('worker_auto_renew_period'), required=True, lo=1, hi=12)
    as_int('timeout_mins', body.get('timeout_mins'), lo=1, hi=1440)
    return itype, body.get('worker_image_id'), period


def _validate_sandboxed_scale_out(body):
    _check_login(body)
    types = as_list('worker_instance_types', body.get('worker_instance_types'), required=True)
    for t in types:
        if t not in SANDBOXED_INSTANCE_TYPES:
            raise errors.bad_param('worker_instance_types', '%s does not support sandboxed containers; valid types '
                                   'are %s' % (t, ', '.join(SANDBOXED_INSTANCE_TYPES)))
    if not as_list('vswitch_ids', body.get('vswitch_ids') or body.get('worker_vswitch_ids')):
        raise errors.missing_param('vswitch_ids')
    if not as_bool('worker_data_disk', body.get('worker_data_disk')):
        raise errors.bad_param('worker_data_disk', 'sandboxed containers need a data disk: set it to true')
    size = body.get('worker_data_disk_size')
    if size in (None, '') and body.get('worker_data_disks'):
        disks = as_list('worker_data_disks', body.get('worker_data_disks'))
        size = disks[0].get('size') if disks and isinstance(disks[0], dict) else None
    size = as_int('worker_data_disk_size', size, required=True)
    if size < SANDBOXED_MIN_DATA_DISK:
        raise errors.bad_param('worker_data_disk_size', 'sandboxed containers need a data disk of at least %d GiB'
                               % SANDBOXED_MIN_DATA_DISK)
    as_str('worker_data_disk_category', body.get('worker_data_disk_category'), choices=DISK_CATEGORIES)
    return types


@op('ScaleOutCluster', 'POST', '/api/v2/clusters/<cluster_id>')
def scale_out_cluster(ctx, cluster_id):
    body = body_dict(ctx)
    with ctx.db.transaction():
        cluster = get_cluster(ctx, cluster_id)
        refuse_ask(cluster, 'serverless (Ask) cluster %s has no worker nodes to scale out' % cluster_id)
        count = as_int('count', body.get('count'), required=True)
        if count < 1 or count > MAX_COUNT_PER_CALL:
            raise errors.bad_param('count', 'must be between 1 and %d' % MAX_COUNT_PER_CALL)
        edge = _is_edge(cluster)
        if not edge and as_bool('is_edge_worker', body.get('is_edge_worker')):
            raise errors.bad_param('is_edge_worker', 'cluster %s is not a managed edge cluster' % cluster_id)
        sandboxed = (not edge) and _is_sandboxed(cluster, body)
        charge, period = 'PostPaid', None
        if edge:
            itype, image, period = _validate_edge_scale_out(body)
            types, seconds, source = [itype], EDGE_SCALE_OUT_SECONDS, 'ens'
            charge = 'PrePaid'
        else:
            _check_common_worker_fields(body)
            charge, period = _check_prepaid(body)
            if sandboxed:
                types, seconds = _validate_sandboxed_scale_out(body), SANDBOXED_SCALE_OUT_SECONDS
            else:
                _check_login(body)
                types = as_list('worker_instance_types', body.get('worker_instance_types'), required=True)
                seconds = SCALE_OUT_SECONDS
                for t in types:
                    if not isinstance(t, str) or not t.startswith('ecs.'):
                        raise errors.bad_param('worker_instance_types', '%r is not an ECS instance type' % (t,))
            image, source = body.get('image_id') or DEFAULT_IMAGE, 'ros'
        _check_quota(ctx, cluster_id, count)
        require_running(cluster, 'ScaleOutCluster')

        duration = ctx.duration(seconds)
        fail = ctx.should_fail()
        rollback = not as_bool('disable_rollback', body.get('disable_rollback'), default=True)
        used = _used_ips(ctx, cluster_id)
        # new nodes carry the tags (ECS instance tags) and taints (Kubernetes, see kube/nodes.py) they were made with
        extra = {'tags': as_list('tags', body.get('tags')), 'taints': as_list('taints', body.get('taints'))}
        if edge:
            extra['ens_region_id'] = body.get('ens_region_id')
        new_ids = []
        for i in range(count):
            iid = 'i-' + _rand(20)
            new_ids.append(iid)
            prefix = '10.%d' % random.randint(1, 254) if edge else '192.168'
            node = _node_doc(ctx, cluster, iid, 'Worker', _new_ip(used, prefix), types[i % len(types)], image,
                             charge_type=charge, period_months=period, source=source, edge=edge, extra=extra)
            if fail:
                push_timeline(node, ctx.now + duration, {'_gone': True} if rollback else _failed_patch(fail))
            else:
                _schedule_node_ready(node, ctx.now, duration)
            ctx.db.put('node', iid, node)
        _bump_size(cluster, count)
        final = {}
        if fail and rollback and 'size' in cluster:
            final['size'] = cluster['size'] - count
        what = '%d %s nodes' % (count, 'ENS' if edge else 'sandboxed-container' if sandboxed else 'ECS')
        log_outcome(cluster, ctx.now, duration, 'scale out the cluster by %s' % what, fail,
                    'Scaled out the cluster by %s' % what)
        set_busy(ctx, cluster, 'scaling', duration, final)
        task_id = new_task(ctx, cluster_id, 'cluster_scaleout', duration, fail=fail,
                           parameters={'count': count, 'edge': edge, 'sandboxed': sandboxed})
    # 7.2.1 documents instanceId beside the task: the first new node's instance
    return 202, {'cluster_id': cluster_id, 'instanceId': new_ids[0], 'request_id': ctx.request_id,
                 'task_id': task_id}


# --- DescribeClusterNodes -----------------------------------------------------------------------------------
NODE_KEYS = ('creation_time', 'error_message', 'expired_time', 'host_name', 'image_id', 'instance_charge_type',
             'instance_id', 'instance_name', 'instance_role', 'instance_status', 'instance_type',
             'instance_type_family', 'ip_address', 'is_aliyun_node', 'node_name', 'node_status', 'nodepool_id',
             'source', 'spot_strategy', 'state')


def _csv(value):
    if value in (None, ''):
        return None
    if isinstance(value, list):
        return set(str(v) for v in value)
    text = str(value).strip()
    if text.startswith('['):
        try:
            return set(str(v) for v in json.loads(text))
        except ValueError:
            pass
    return set(v.strip() for v in text.split(',') if v.strip())


@op('DescribeClusterNodes', 'GET', '/clusters/<cluster_id>/nodes')
def describe_cluster_nodes(ctx, cluster_id):
    q = ctx.query
    get_cluster(ctx, cluster_id)
    page_number = as_int('pageNumber', q.get('pageNumber'), lo=1, hi=100000, default=1)
    page_size = as_int('pageSize', q.get('pageSize'), lo=1, hi=100, default=10)
    state = q.get('state') or 'all'
    if state not in NODE_STATES:
        raise errors.bad_param('state', 'valid values are %s' % ', '.join(NODE_STATES))
    nodes = cluster_nodes(ctx, cluster_id)
    if state != 'all':
        wanted = ('pending', 'starting') if state == 'initial' else (state,)
        nodes = [n for n in nodes if n.get('state') in wanted]
    if q.get('nodepool_id'):
        nodes = [n for n in nodes if n.get('nodepool_id') == q.get('nodepool_id')]
    ids, ips, names = _csv(q.get('instanceIds')), _csv(q.get('nodeIps')), _csv(q.get('nodeNames'))
    if ids is not None:
        nodes = [n for n in nodes if n.get('instance_id') in ids]
    if ips is not None:
        nodes = [n for n in nodes if ips.intersection(n.get('ip_address') or [])]
    if names is not None:
        nodes = [n for n in nodes if n.get('node_name') in names]
    labels = _csv(q.get('nodeLabels'))
    if labels is not None:
        def has_labels(n):
            have = dict(n.get('labels') or {})
            for label in labels:
                k, _, v = label.partition('=')
                if have.get(k) != v:
                    return False
            return True
        nodes = [n for n in nodes if has_labels(n)]
    total = len(nodes)
    start = (page_number - 1) * page_size
    page = nodes[start:start + page_size]
    return {
        'nodes': [{k: n.get(k) for k in NODE_KEYS} for n in page],
        'page': {'page_number': page_number, 'page_size': page_size, 'total_count': total},
    }


# --- RemoveClusterNodes -------------------------------------------------------------------------------------
def _find_nodes(ctx, cluster_id, wanted, key='nodes'):
    nodes = cluster_nodes(ctx, cluster_id)
    by = {}
    for n in nodes:
        by[n.get('node_name')] = n
        by[n.get('instance_id')] = n
    found = []
    for w in wanted:
        if not isinstance(w, str) or not w:
            raise errors.bad_param(key, 'each node must be a node name or instance ID')
        node = by.get(w)
        if node is None:
            raise errors.ApiError(404, errors.NOT_FOUND_CODES['node'],
                                  'node %s not found in cluster %s' % (w, cluster_id))
        if node not in found:
            found.append(node)
    return found


@op('RemoveClusterNodes', 'POST', '/api/v2/clusters/<cluster_id>/nodes/remove')
def remove_cluster_nodes(ctx, cluster_id):
    return _remove_nodes(ctx, cluster_id, 'RemoveClusterNodes')


@op('DeleteClusterNodes', 'POST', '/clusters/<cluster_id>/nodes')
def delete_cluster_nodes_op(ctx, cluster_id):
    """The older spelling of RemoveClusterNodes (same body, same behaviour)."""
    return _remove_nodes(ctx, cluster_id, 'DeleteClusterNodes')


def _remove_nodes(ctx, cluster_id, operation):
    body = body_dict(ctx)
    with ctx.db.transaction():
        cluster = get_cluster(ctx, cluster_id)
        wanted = as_list('nodes', body.get('nodes'), required=True)
        drain = as_bool('drain_node', body.get('drain_node'), default=False)
        release = as_bool('release_node', body.get('release_node'), default=False)
        found = _find_nodes(ctx, cluster_id, wanted)
        masters = [n['node_name'] for n in found if n.get('instance_role') == 'Master']
        if masters:
            raise errors.bad_param('nodes', 'master nodes cannot be removed: %s' % ', '.join(masters))
        require_running(cluster, operation)
        busy = [n['node_name'] for n in found if n.get('state') not in ('running', 'stopped', 'failed')]
        if busy:
            raise errors.ApiError(400, 'InvalidStatus.NodeState', 'nodes %s are not in a state that allows removal'
                                  % ', '.join(busy))
        seconds = REMOVE_SECONDS + (DRAIN_SECONDS if drain else 0)
        duration = ctx.duration(seconds)
        fail = ctx.should_fail()
        for node in found:
            node['state'] = 'removing'
            if drain:
                push_timeline(node, ctx.now + ctx.duration(DRAIN_SECONDS), {'node_status': 'NotReady'})
            if fail:
                # the removal failed: the node stays in the cluster (cordoned when it was drained)
                final = {'state': 'running', 'error_message': '%s: %s' % (fail.get('code'), fail.get('message'))}
            elif release:
                # the ECS instance is released: the node disappears (tombstone kept so it cannot be re-attached)
                final = {'cluster_id': None, '_released': True, 'state': 'released', 'instance_status': 'Released'}
            else:
                # only detached: the ECS instance keeps running outside the cluster and may be attached again
                final = {'cluster_id': None, '_detached': True, 'state': 'running', 'instance_status': 'Running',
                         'node_status': 'Unknown', 'nodepool_id': ''}
            push_timeline(node, ctx.now + duration, final)
            ctx.db.put('node', node['instance_id'], node)
        size_patch = {}
        if 'size' in cluster and not fail:
            size_patch['size'] = max(0, int(cluster.get('size') or 0) - len(found))
        names = ', '.join(n['node_name'] for n in found)
        log_outcome(cluster, ctx.now, duration, 'remove nodes %s (drain %s, release %s)' % (
            names, str(drain).lower(), str(release).lower()), fail, 'Removed nodes %s' % names)
        set_busy(ctx, cluster, 'removing', duration, size_patch)
        task_id = new_task(ctx, cluster_id, 'cluster_remove_nodes', duration, fail=fail,
                           parameters={'nodes': [n['node_name'] for n in found], 'drain_node': drain,
                                       'release_node': release})
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


# --- AttachInstances ----------------------------------------------------------------------------------------
@op('AttachInstances', 'POST', '/clusters/<cluster_id>/attach')
def attach_instances(ctx, cluster_id):
    body = body_dict(ctx)
    with ctx.db.transaction():
        cluster = get_cluster(ctx, cluster_id)
        refuse_ask(cluster, 'instances cannot be attached to serverless cluster %s' % cluster_id)
        instances = as_list('instances', body.get('instances'), required=True)
        if len(instances) > MAX_ATTACH_PER_CALL:
            raise errors.bad_param('instances', 'at most %d instances per call' % MAX_ATTACH_PER_CALL)
        if len(set(map(str, instances))) != len(instances):
            raise errors.bad_param('instances', 'duplicate instance IDs')
        for iid in instances:
            if not isinstance(iid, str) or not re.match(r'^i-[0-9a-z*]{4,}$', iid):
                raise errors.bad_param('instances', '%r is not an instance ID' % (iid,))
        edge_worker = as_bool('is_edge_worker', body.get('is_edge_worker'))
        if edge_worker and not _is_edge(cluster):
            raise errors.bad_param('is_edge_worker', 'cluster %s is not a managed edge cluster' % cluster_id)
        if not edge_worker:
            _check_login(body, password_key='password')
        elif body.get('password') not in (None, ''):
            check_password('password', body.get('password'))
        as_str('cpu_policy', body.get('cpu_policy'), choices=('none', 'static'))
        format_disk = as_bool('format_disk', body.get('format_disk'))
        keep_name = as_bool('keep_instance_name', body.get('keep_instance_name'), default=True)
        nodepool_id = as_str('nodepool_id', body.get('nodepool_id'))
        known = {}
        for n in ctx.db.list('node', now=ctx.now) or []:
            known[n.get('instance_id')] = n
        for iid in instances:
            doc = known.get(iid)
            if doc is None:
                raise errors.ApiError(404, 'InvalidInstanceId.NotFound', 'instance %s does not exist (declare '
                                      'existing instances with POST /__emulator/instances)' % iid)
            if doc.get('_released'):
                raise errors.ApiError(404, 'InvalidInstanceId.NotFound', 'instance %s does not exist (it was released)'
                                      % iid)
            if doc.get('cluster_id') and ctx.db.get('cluster', doc['cluster_id'], now=ctx.now) is None:
                # its cluster was deleted (and with it the instance)
                raise errors.ApiError(404, 'InvalidInstanceId.NotFound', 'instance %s does not exist (released with '
                                      'its cluster)' % iid)
            if doc.get('cluster_id'):
                raise errors.ApiError(400, 'ErrorInstanceAlreadyInCluster', 'instance %s already belongs to cluster %s'
                                      % (iid, doc['cluster_id']))
            if bool(doc.get('is_edge_worker') or doc.get('_ens')) != edge_worker:
                raise errors.bad_param('instances', 'instance %s is %s instance: is_edge_worker must be %s' % (
                    iid, 'an ENS' if not edge_worker else 'an ECS', str(not edge_worker).lower()))
        _check_quota(ctx, cluster_id, len(instances))
        require_running(cluster, 'AttachInstances')

        duration = ctx.duration(ATTACH_SECONDS)
        fail = ctx.should_fail()
        used = _used_ips(ctx, cluster_id)
        result = []
        tags = as_list('tags', body.get('tags'))
        for iid in instances:
            old = known[iid]  # a detached node or a declared instance: it keeps its address, type and age
            ip = (old.get('ip_address') or [None])[0] or _new_ip(used)
            image = body.get('image_id') or old.get('image_id')
            name = old.get('instance_name') if keep_name else None
            if keep_name and not name:
                name = 'instance-%s' % iid[2:10]
            node = _node_doc(ctx, cluster, iid, 'Worker', ip, old.get('instance_type'), image,
                             nodepool_id=nodepool_id, source='attach', instance_name=name, edge=edge_worker,
                             extra={'format_disk': format_disk, 'tags': tags or old.get('tags') or []})
            node['creation_time'] = old.get('creation_time', node['creation_time'])
            if fail:
                push_timeline(node, ctx.now + duration, _failed_patch(fail))
            else:
                _schedule_node_ready(node, ctx.now, duration)
            ctx.db.put('node', iid, node)
            result.append({'code': '200', 'instanceId': iid, 'message': 'successful'})
        _bump_size(cluster, len(instances))
        log_outcome(cluster, ctx.now, duration, 'attach instances %s' % ', '.join(instances), fail,
                    'Attached instances %s' % ', '.join(instances))
        set_busy(ctx, cluster, 'updating', duration)
        task_id = new_task(ctx, cluster_id, 'cluster_attach', duration, fail=fail,
                           parameters={'instances': list(instances), 'is_edge_worker': edge_worker})
    return 202, {'list': result, 'task_id': task_id, 'request_id': ctx.request_id}


# --- DescribeClusterAttachScripts ---------------------------------------------------------------------------
@op('DescribeClusterAttachScripts', 'POST', '/clusters/<cluster_id>/attachscript')
def describe_cluster_attach_scripts(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id)
    refuse_ask(cluster, 'serverless cluster %s has no nodes to attach' % cluster_id)
    arch = as_str('arch', body.get('arch'), choices=('amd64', 'arm', 'arm64')) or 'amd64'
    format_disk = as_bool('format_disk', body.get('format_disk'))
    keep_name = as_bool('keep_instance_name', body.get('keep_instance_name'), default=True)
    one_time = as_bool('one_time_token', body.get('one_time_token'))
    expired = as_int('expired', body.get('expired'), lo=0)
    if expired is not None and expired <= ctx.now:
        raise errors.bad_param('expired', 'the token expiry must be in the future')
    options = body.get('options')
    if _is_edge(cluster) and options in (None, ''):
        raise errors.missing_param('options')
    if isinstance(options, str) and options:
        try:
            json.loads(options)
        except ValueError:
            raise errors.bad_param('options', 'must be a JSON object')
    if cluster.get('state') not in ('running', 'updating', 'scaling'):
        raise errors.invalid_status(cluster, 'DescribeClusterAttachScripts')
    region = cluster.get('region_id') or ctx.region
    version = cluster.get('current_version') or '1.22.15-aliyun.1'
    token = uuid.uuid4().hex[:6] + '.' + uuid.uuid4().hex[:16]
    if _is_edge(cluster):
        script = ('wget http://aliacs-k8s-%s.oss-%s.aliyuncs.com/public/pkg/run/attach/%s/edgeadm -O edgeadm; '
                  'chmod u+x edgeadm; ./edgeadm join --openapi-token=%s --arch=%s --node-name=\'\' '
                  '--options=%s' % (region, region, version, token, arch, json.dumps(options or '{}')))
    else:
        script = ('curl -fsSL http://aliacs-k8s-%s.oss-%s.aliyuncs.com/public/pkg/run/attach/%s/attach_node.sh '
                  '| bash -s -- --openapi-token %s --ess true --arch %s' % (region, region, version, token, arch))
        if format_disk:
            script += ' --disk-device /dev/vdb'
        if keep_name:
            script += ' --keep-instance-name true'
        if body.get('nodepool_id'):
            script += ' --nodepool-id %s' % body['nodepool_id']
        if one_time:
            script += ' --one-time-token true'
    return Response(script, status=200, content_type='text/plain; charset=utf-8')


# --- existing instances outside any cluster (admin API: /__emulator/instances) ------------------------------
def declare_instances(db, data, now):
    """Declare ECS / ENS instances that exist outside any cluster, so AttachInstances can take them.

    ``data``: ``{"instances": [...]}``, each an instance id or ``{"instance_id"?, "kind": "ecs"|"ens",
    "instance_type"?, "image_id"?, "ip_address"?, "instance_name"?, "tags"?}`` (a missing id is generated).
    Declaring a declared or detached instance again changes nothing. Returns ``{"instances": [documents]}``.
    """
    entries = data.get('instances')
    if not isinstance(entries, list) or not entries:
        raise ValueError('instances must be a non-empty list of instance ids or objects')
    out = []
    with db.transaction():
        used = set()
        for n in db.list('node', now=now):
            used.update(n.get('ip_address') or [])
        for entry in entries:
            entry = {'instance_id': entry} if isinstance(entry, str) else entry
            if not isinstance(entry, dict):
                raise ValueError('each instance is an id or an object')
            kind = entry.get('kind') or 'ecs'
            if kind not in ('ecs', 'ens'):
                raise ValueError('kind must be ecs or ens')
            iid = entry.get('instance_id') or 'i-' + _rand(20)
            if not re.match(r'^i-[0-9a-z]{4,40}$', iid):
                raise ValueError('%r is not an instance id (i- and lower case letters and digits)' % iid)
            doc = db.get('node', iid, now=now)
            if doc is not None and doc.get('cluster_id') is None and not doc.get('_released'):
                out.append(doc)
                continue
            if doc is not None:
                raise ValueError('instance %s exists already (in cluster %s, or released)' % (iid, doc.get('cluster_id')))
            ens = kind == 'ens'
            ip = entry.get('ip_address') or _new_ip(used, '10.%d' % random.randint(1, 254) if ens else '192.168')
            itype = entry.get('instance_type') or (DEFAULT_ENS_TYPE if ens else DEFAULT_INSTANCE_TYPE)
            doc = {'instance_id': iid, 'cluster_id': None, 'instance_role': 'Worker',
                   'instance_name': entry.get('instance_name') or 'instance-%s' % iid[2:10],
                   'host_name': 'iZ%sZ' % _rand(21), 'node_name': '', 'ip_address': [ip], 'instance_type': itype,
                   'instance_type_family': _instance_family(itype),
                   'image_id': entry.get('image_id') or (DEFAULT_ENS_IMAGE if ens else DEFAULT_IMAGE),
                   'instance_charge_type': 'PostPaid', 'expired_time': '2099-12-31T15:59:00+08:00',
                   'creation_time': iso(now), 'is_aliyun_node': True, 'nodepool_id': '', 'source': 'declared',
                   'spot_strategy': 'NoSpot', 'error_message': '', 'state': 'running', 'instance_status': 'Running',
                   'node_status': 'Unknown', 'tags': entry.get('tags') or [], '_detached': True, '_ens': ens}
            db.put('node', iid, doc)
            out.append(doc)
    return {'instances': out}


def free_instances(db, now):
    """Instances outside any cluster that AttachInstances can take (declared or detached)."""
    with db.transaction():
        return {'instances': db.list('node', now=now,
                                     where=lambda n: n.get('cluster_id') is None and not n.get('_released'))}
