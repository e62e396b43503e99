"""AttachInstances (existing ECS instances, reference 8.3; ENS instances of an edge cluster, 8.4),
AttachInstancesToNodePool and DescribeClusterAttachScripts. Both attach operations take detached nodes and the
instances declared with the admin API (instances.py), nothing else; the nodes join the named pool (AttachInstances:
``nodepool_id``, else the cluster's default pool) and carry its labels and taints."""

import json
import re
import uuid

from werkzeug.wrappers import Response

from .. import errors
from ..lifecycle import new_task
from ..registry import op
from . import catalogue as cat, pools
from .common import body_dict, get_cluster, log_outcome, require_running, require_state, set_busy
from .nodes import bump_size, check_quota, new_ip, node_doc, schedule_ready, used_ips
from .params import boolean, integer, items, text
from .scale_out import is_edge
from .validation import check_login, check_password

ATTACH_SECONDS = 240
MAX_ATTACH_PER_CALL = 100
ARCHES = ('amd64', 'arm', 'arm64')


def _gone(message):
    return errors.ApiError(404, 'InvalidInstanceId.NotFound', message)


def _free_instance(ctx, doc, iid, edge_worker):
    """Refuse ``doc`` (the node document of ``iid``, or None) unless AttachInstances may take it."""
    if doc is None:
        raise _gone('instance %s does not exist (declare existing instances with POST /__emulator/instances)' % iid)
    if doc.get('_released'):
        raise _gone('instance %s does not exist (it was released)' % iid)
    if doc.get('cluster_id') and ctx.db.get('cluster', doc['cluster_id'], now=ctx.now) is None:
        raise _gone('instance %s does not exist (released with its cluster)' % iid)
    if doc.get('cluster_id'):
        raise errors.ApiError(400, 'ErrorInstanceAlreadyInCluster', 'instance %s already belongs to cluster %s'
                              % (iid, doc['cluster_id']))
    if bool(doc.get('is_edge_worker') or doc.get('_ens')) != edge_worker:
        raise errors.bad_param('instances', 'instance %s is %s instance: is_edge_worker must be %s' % (
            iid, 'an ENS' if not edge_worker else 'an ECS', str(not edge_worker).lower()))


def _instance_ids(body):
    instances = items(body, 'instances', required=True)
    if len(instances) > MAX_ATTACH_PER_CALL:
        raise errors.bad_param('instances', 'at most %d instances per call' % MAX_ATTACH_PER_CALL)
    if len(set(map(str, instances))) != len(instances):
        raise errors.bad_param('instances', 'duplicate instance IDs')
    for iid in instances:
        if not isinstance(iid, str) or not re.match(r'^i-[0-9a-z*]{4,}$', iid):
            raise errors.bad_param('instances', '%r is not an instance ID' % (iid,))
    return instances


def _join(ctx, cluster, pool, instances, options, operation):
    """The instances join ``pool`` (ready after ATTACH_SECONDS, or failed); returns the task id. ``options``:
    edge_worker, format_disk, keep_name, image_id, tags (None: the pool's), busy_cluster (the cluster is
    ``updating`` meanwhile, as AttachInstances leaves it)."""
    edge_worker = options.get('edge_worker', False)
    known = {n.get('instance_id'): n for n in ctx.db.list('node', now=ctx.now)}
    for iid in instances:
        _free_instance(ctx, known.get(iid), iid, edge_worker)
    cluster_id = cluster['cluster_id']
    check_quota(ctx, cluster_id, len(instances))
    require_running(cluster, operation)

    duration = ctx.duration(ATTACH_SECONDS)
    fail = ctx.should_fail()
    used = used_ips(ctx, cluster_id)
    fields = pools.node_fields(pool)
    for iid in instances:
        old = known[iid]  # a detached node or a declared instance: it keeps its address, type and age
        name = (old.get('instance_name') or 'instance-%s' % iid[2:10]) if options.get('keep_name', True) else None
        extra = dict(fields, format_disk=options.get('format_disk', False),
                     tags=options.get('tags') or fields['tags'] or old.get('tags') or [])
        node = node_doc(ctx, cluster, iid, 'Worker', (old.get('ip_address') or [None])[0] or new_ip(used),
                        old.get('instance_type'), options.get('image_id') or old.get('image_id'),
                        nodepool_id=pool['nodepool_id'], source='attach', instance_name=name, edge=edge_worker,
                        extra=extra)
        node['creation_time'] = old.get('creation_time', node['creation_time'])
        schedule_ready(node, ctx.now, duration, fail)
        ctx.db.put('node', iid, node)
    bump_size(cluster, len(instances))
    log_outcome(cluster, ctx.now, duration, 'attach instances %s' % ', '.join(instances), fail,
                'Attached instances %s' % ', '.join(instances))
    pools.set_busy(ctx, pool, 'scaling', duration)
    pools.put(ctx, pool)
    if options.get('busy_cluster'):
        set_busy(ctx, cluster, 'updating', duration)
    else:
        ctx.db.put('cluster', cluster_id, cluster)
    return new_task(ctx, cluster_id, 'cluster_attach', duration, fail=fail,
                    parameters={'instances': list(instances), 'is_edge_worker': edge_worker,
                                'nodepool_id': pool['nodepool_id']},
                    target=None if options.get('busy_cluster') else {'id': pool['nodepool_id'], 'type': 'nodepool'})


@op('AttachInstances', 'POST', '/clusters/<cluster_id>/attach')
def attach_instances(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id,
                          refuse_ask='instances cannot be attached to serverless cluster %s' % cluster_id)
    instances = _instance_ids(body)
    edge_worker = boolean(body, 'is_edge_worker')
    if edge_worker and not is_edge(cluster):
        raise errors.bad_param('is_edge_worker', 'cluster %s is not a managed edge cluster' % cluster_id)
    if not edge_worker:
        check_login(body, password_key='password')
    elif body.get('password') not in (None, ''):
        check_password('password', body.get('password'))
    text(body, 'cpu_policy', choices=cat.CPU_POLICIES)
    options = {'edge_worker': edge_worker, 'format_disk': boolean(body, 'format_disk'),
               'keep_name': boolean(body, 'keep_instance_name', default=True), 'image_id': body.get('image_id'),
               'tags': items(body, 'tags'), 'busy_cluster': True}
    nodepool_id = text(body, 'nodepool_id')  # the cluster's default pool when none is named
    pool = pools.get_pool(ctx, cluster_id, nodepool_id) if nodepool_id else pools.default_pool(ctx, cluster)
    task_id = _join(ctx, cluster, pool, instances, options, 'AttachInstances')
    result = [{'code': '200', 'instanceId': iid, 'message': 'successful'} for iid in instances]
    return 202, {'list': result, 'task_id': task_id}  # as the SDK and reference 8.3 declare it


@op('AttachInstancesToNodePool', 'POST', '/clusters/<cluster_id>/nodepools/<nodepool_id>/attach')
def attach_instances_to_node_pool(ctx, cluster_id, nodepool_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id,
                          refuse_ask='instances cannot be attached to serverless cluster %s' % cluster_id)
    pool = pools.get_pool(ctx, cluster_id, nodepool_id)
    instances = _instance_ids(body)
    check_login(body, required=False, password_key='password')
    options = {'format_disk': boolean(body, 'format_disk'),
               'keep_name': boolean(body, 'keep_instance_name', default=True)}
    if pool.get('_state') != 'active':
        raise errors.ApiError(400, 'InvalidStatus.NodePoolState', 'node pool %s is %s, AttachInstancesToNodePool is '
                              'not allowed in this state' % (nodepool_id, pool.get('_state')))
    task_id = _join(ctx, cluster, pool, instances, options, 'AttachInstancesToNodePool')
    return {'request_id': ctx.request_id, 'task_id': task_id}


# --- DescribeClusterAttachScripts ---------------------------------------------------------------------------
def _options(body, edge):
    options = body.get('options')
    if edge and options in (None, ''):
        raise errors.missing_param('options')
    if isinstance(options, str) and options:
        try:
            json.loads(options)
        except ValueError:
            raise errors.bad_param('options', 'must be a JSON object')
    return options


@op('DescribeClusterAttachScripts', 'POST', '/clusters/<cluster_id>/attachscript')
def describe_cluster_attach_scripts(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id, refuse_ask='serverless cluster %s has no nodes to attach' % cluster_id)
    arch = text(body, 'arch', choices=ARCHES) or 'amd64'
    format_disk = boolean(body, 'format_disk')
    keep_name = boolean(body, 'keep_instance_name', default=True)
    one_time = boolean(body, 'one_time_token')
    expired = integer(body, 'expired', low=0)
    if expired is not None and expired <= ctx.now:
        raise errors.bad_param('expired', 'the token expiry must be in the future')
    edge = is_edge(cluster)
    options = _options(body, edge)
    require_state(cluster, ('running', 'updating', 'scaling'), 'DescribeClusterAttachScripts')
    region = cluster.get('region_id') or ctx.region
    version = cluster.get('current_version') or '1.22.15-aliyun.1'
    token = uuid.uuid4().hex[:6] + '.' + uuid.uuid4().hex[:16]
    base = 'http://aliacs-k8s-%s.oss-%s.aliyuncs.com/public/pkg/run/attach/%s' % (region, region, version)
    if edge:
        script = ('wget %s/edgeadm -O edgeadm; chmod u+x edgeadm; ./edgeadm join --openapi-token=%s --arch=%s '
                  '--node-name=\'\' --options=%s' % (base, token, arch, json.dumps(options or '{}')))
    else:
        script = ''.join([
            'curl -fsSL %s/attach_node.sh | bash -s -- --openapi-token %s --ess true --arch %s' % (base, token, arch),
            ' --disk-device /dev/vdb' if format_disk else '', ' --keep-instance-name true' if keep_name else '',
            ' --nodepool-id %s' % body['nodepool_id'] if body.get('nodepool_id') else '',
            ' --one-time-token true' if one_time else ''])
    return Response(script, status=200, content_type='text/plain; charset=utf-8')
