"""ScaleOutCluster: ECS workers (reference 7.2.1), edge ENS workers (7.2.2), sandboxed-container workers (7.2.3).

The new nodes join the cluster's default pool (pools.py) and carry its labels, and the ``tags`` (ECS instance tags)
and ``taints`` (Kubernetes, see kube/nodes.py) of the call.
"""

import random

from .. import errors
from ..lifecycle import new_task, short_id
from ..registry import op
from . import catalogue as cat, pools
from .common import body_dict, get_cluster, log_outcome, push_timeline, require_running, set_busy
from .nodes import bump_size, check_quota, new_ip, node_doc, schedule_ready, used_ips
from .params import boolean, integer, items, text
from .validation import check_disks, check_login, check_password, check_period, check_tags, id_list, months

SCALE_OUT_SECONDS = 300          # real-world durations: ECS workers join in about 5 minutes
EDGE_SCALE_OUT_SECONDS = 420     # ENS nodes are slower to provision
SANDBOXED_SCALE_OUT_SECONDS = 600  # bare-metal instances
MAX_COUNT_PER_CALL = 500         # count range: 1..500 per call


def is_edge(cluster):
    return (cluster.get('profile') or '').lower() == 'edge' or cluster.get('_kind') == 'edge'


def _is_sandboxed(cluster, body):
    if cluster.get('_kind') == 'sandboxed':
        return True
    for runtime in (cluster.get('runtime'), (cluster.get('_spec') or {}).get('runtime'), body.get('runtime')):
        if isinstance(runtime, dict) and str(runtime.get('name', '')).startswith('Sandboxed-Container'):
            return True
    return False


def _check_worker_fields(body):
    """The fields of an ECS (or sandboxed) scale out, all optional."""
    integer(body, 'worker_system_disk_size', low=40, high=500)
    text(body, 'worker_system_disk_category', choices=cat.SCALE_OUT_DISK_CATEGORIES)
    text(body, 'cpu_policy', choices=cat.CPU_POLICIES)
    for flag in ('cloud_monitor_flags', 'disable_rollback', 'worker_data_disk'):
        boolean(body, flag)
    id_list(body, 'vswitch_ids', 'vsw-', 0, 3)
    check_disks(body, 'worker_data_disks', cat.SCALE_OUT_DISK_CATEGORIES)   # sizes as at create (7.1, 7.2.1)
    check_tags(body, 'tags')
    for taint in items(body, 'taints') or []:
        if not isinstance(taint, dict) or not taint.get('key'):
            raise errors.bad_param('taints', 'each taint must be an object with a non-empty key')
        if taint.get('effect') not in (None, '') + cat.TAINT_EFFECTS:
            raise errors.bad_param('taints', 'effect must be one of %s' % ', '.join(cat.TAINT_EFFECTS))


def _edge_types(body):
    """ENS workers (7.2.2) -> ``([instance type], image, period in months)``."""
    if not boolean(body, 'is_edge_worker'):
        raise errors.bad_param('is_edge_worker', 'only ENS instances can be added to an edge cluster: set it to true')
    itype = text(body, 'worker_instance_type', required=True)
    if not itype.startswith('ens.'):
        raise errors.bad_param('worker_instance_type', '%s is not an ENS instance type' % itype)
    text(body, 'ens_region_id', required=True)
    image = text(body, 'worker_image_id', required=True)
    text(body, 'ens_internet_charge_type', choices=cat.ENS_CHARGE_TYPES)
    period = integer(body, 'worker_period', required=True)
    if period not in cat.ENS_PERIODS:
        raise errors.bad_param('worker_period', 'valid values are %s' % list(cat.ENS_PERIODS))
    if body.get('login_password') in (None, ''):
        raise errors.missing_param('login_password')
    check_password('login_password', body.get('login_password'))
    if integer(body, 'worker_system_disk_size', required=True, low=20, high=100) % 10:
        raise errors.bad_param('worker_system_disk_size', 'must be a multiple of 10 between 20 and 100')
    data = integer(body, 'worker_data_disk_size', default=0)
    if data and (data % 10 or not 20 <= data <= 200):
        raise errors.bad_param('worker_data_disk_size', '0, or a multiple of 10 between 20 and 200')
    if boolean(body, 'worker_auto_renew'):
        integer(body, 'worker_auto_renew_period', required=True, low=1, high=12)
    integer(body, 'timeout_mins', low=1, high=1440)
    return [itype], image, period


def _sandboxed_types(body):
    """Sandboxed-container workers (7.2.3): bare-metal types and a data disk of 200 GiB or more."""
    types = items(body, 'worker_instance_types', required=True)
    for t in types:
        if t not in cat.SANDBOXED_SCALE_OUT_TYPES:
            raise errors.bad_param('worker_instance_types', '%s does not support sandboxed containers; valid types '
                                   'are %s' % (t, ', '.join(cat.SANDBOXED_SCALE_OUT_TYPES)))
    if not items(body, 'vswitch_ids') and not items(body, 'worker_vswitch_ids'):
        raise errors.missing_param('vswitch_ids')
    if not boolean(body, 'worker_data_disk'):
        raise errors.bad_param('worker_data_disk', 'sandboxed containers need a data disk: set it to true')
    source = body
    if body.get('worker_data_disk_size') in (None, '') and body.get('worker_data_disks'):
        disks = items(body, 'worker_data_disks')
        source = {'worker_data_disk_size': disks[0].get('size') if disks and isinstance(disks[0], dict) else None}
    if integer(source, 'worker_data_disk_size', required=True) < cat.SANDBOXED_MIN_DATA_DISK:
        raise errors.bad_param('worker_data_disk_size', 'sandboxed containers need a data disk of at least %d GiB'
                               % cat.SANDBOXED_MIN_DATA_DISK)
    text(body, 'worker_data_disk_category', choices=cat.SCALE_OUT_DISK_CATEGORIES)
    return types


def _ecs_types(body):
    types = items(body, 'worker_instance_types', required=True)
    for t in types:
        if not isinstance(t, str) or not t.startswith('ecs.'):
            raise errors.bad_param('worker_instance_types', '%r is not an ECS instance type' % (t,))
    return types


@op('ScaleOutCluster', 'POST', '/api/v2/clusters/<cluster_id>')
def scale_out_cluster(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id,
                          refuse_ask='serverless (Ask) cluster %s has no worker nodes to scale out' % cluster_id)
    count = integer(body, 'count', required=True, low=1, high=MAX_COUNT_PER_CALL)
    edge = is_edge(cluster)
    if not edge and boolean(body, 'is_edge_worker'):
        raise errors.bad_param('is_edge_worker', 'cluster %s is not a managed edge cluster' % cluster_id)
    sandboxed = (not edge) and _is_sandboxed(cluster, body)
    if edge:
        types, image, period = _edge_types(body)
        charge, seconds, source = 'PrePaid', EDGE_SCALE_OUT_SECONDS, 'ens'
    else:
        _check_worker_fields(body)
        billing = check_period(body, 'worker')
        charge = billing['worker_instance_charge_type']
        period = months(billing.get('worker_period'), billing.get('worker_period_unit'))
        check_login(body)
        types = _sandboxed_types(body) if sandboxed else _ecs_types(body)
        seconds = SANDBOXED_SCALE_OUT_SECONDS if sandboxed else SCALE_OUT_SECONDS
        image, source = body.get('image_id') or cat.DEFAULT_IMAGE, 'ros'
    check_quota(ctx, cluster_id, count)
    require_running(cluster, 'ScaleOutCluster')

    duration = ctx.duration(seconds)
    fail = ctx.should_fail()
    rollback = not boolean(body, 'disable_rollback', default=True)
    used = used_ips(ctx, cluster_id)
    pool = pools.default_pool(ctx, cluster)  # the new nodes join it and carry its labels
    extra = {'tags': check_tags(body, 'tags'), 'taints': items(body, 'taints') or [],
             'labels': pools.node_labels(pool)}
    if edge:
        extra['ens_region_id'] = body.get('ens_region_id')
    new_ids = []
    for i in range(count):
        iid = short_id('i-')
        new_ids.append(iid)
        prefix = '10.%d' % random.randint(1, 254) if edge else '192.168'
        node = node_doc(ctx, cluster, iid, 'Worker', new_ip(used, prefix), types[i % len(types)], image,
                        charge_type=charge, period_months=period, source=source, edge=edge, extra=extra)
        if fail and rollback:
            push_timeline(node, ctx.now + duration, {'_gone': True})
        else:
            schedule_ready(node, ctx.now, duration, fail)
        ctx.db.put('node', iid, node)
    bump_size(cluster, count)
    final = {}
    if fail and rollback and 'size' in cluster:
        final['size'] = cluster['size'] - count
    what = '%d %s nodes' % (count, 'ENS' if edge else 'sandboxed-container' if sandboxed else 'ECS')
    log_outcome(cluster, ctx.now, duration, 'scale out the cluster by %s' % what, fail,
                'Scaled out the cluster by %s' % what)
    set_busy(ctx, cluster, 'scaling', duration, final)
    pools.set_busy(ctx, pool, 'scaling', duration)
    pools.put(ctx, pool)
    task_id = new_task(ctx, cluster_id, 'cluster_scaleout', duration, fail=fail,
                       parameters={'count': count, 'edge': edge, 'sandboxed': sandboxed})
    # 7.2.1 documents instanceId beside the task: the first new node's instance
    return 202, {'cluster_id': cluster_id, 'instanceId': new_ids[0], 'request_id': ctx.request_id,
                 'task_id': task_id}
