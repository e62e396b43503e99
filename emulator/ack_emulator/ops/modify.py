"""Changes to a cluster: ModifyCluster (reference 7.3) and its tags, ListTagResources and ModifyClusterTags
(7.10, 7.11)."""
import json

from .. import errors
from ..lifecycle import AT, iso, new_task, schedule, short_id
from ..registry import op
from .catalogue import CLUSTER_SPECS
from .clusters import master_url
from .common import body_dict, cluster_log, get_cluster, live_clusters
from .maintenance import modify_policy, modify_window
from .params import boolean, items, mapping, text, token_page
from .validation import MAX_TAGS, check_name, check_tags, id_list, is_system_tag, prefixed

MODIFY_SECONDS = 60   # real-world duration of an infrastructure change (the ``updating`` phase)
MODIFY_STATES = ('running',)
TAG_STATES = ('initial', 'running', 'failed', 'updating', 'scaling', 'upgrading', 'removing', 'draining',
              'stopped', 'unavailable')


# -- ModifyCluster ------------------------------------------------------------------------------------------
def _id_reader(prefix, what):
    """A reader of an optional resource id ('' clears it)."""
    return lambda body, key: prefixed(body, key, prefix, what) or ''


# ModifyCluster parameters recorded as they are: name -> (reader, changes the infrastructure: ``updating`` phase)
MODIFY_FIELDS = {
    'deletion_protection': (boolean, False),
    'instance_deletion_protection': (boolean, False),
    'resource_group_id': (_id_reader('rg-', 'a resource group ID'), False),
    'timezone': (text, False),
    'control_plane_config': (mapping, True),
    'control_plane_endpoints_config': (mapping, True),
    'system_events_logging': (mapping, True),
    'rrsa_config': (mapping, True),
    'ingress_loadbalancer_id': (_id_reader('lb-', 'a load balancer ID'), True),
    'ingress_domain_rebinding': (boolean, True),
    'enable_rrsa': (boolean, True),
    'access_control_list': (items, True),
    'api_server_custom_cert_sans': (mapping, True),
}
# Inputs the detail does not answer (neither the SDK's DescribeClusterDetail nor reference 7.6): kept as internal
# ``_<name>`` fields; master_url and DescribeClusterResources show the public endpoint, its EIP and the ingress SLB.
INTERNAL_FIELDS = ('api_server_eip', 'api_server_eip_id', 'ingress_loadbalancer_id', 'instance_deletion_protection',
                   'system_events_logging', 'ingress_domain_rebinding', 'enable_rrsa', 'access_control_list',
                   'api_server_custom_cert_sans')


# ModifyCluster parameters with rules of their own: (ctx, cluster, body, changes) -> changes the infrastructure
def _modify_name(ctx, cluster, body, changes):
    name = check_name('cluster_name', body['cluster_name'])
    for c in live_clusters(ctx):
        if c['cluster_id'] != cluster['cluster_id'] and c.get('region_id') == cluster.get('region_id') \
                and c.get('name') == name:
            raise errors.ApiError(400, 'ClusterNameAlreadyExist', 'cluster name %s already exists in %s'
                                  % (name, cluster.get('region_id')))
    changes['name'] = name
    return False


def _modify_eip(ctx, cluster, body, changes):
    on = changes['api_server_eip'] = boolean(body, 'api_server_eip')
    changes['api_server_eip_id'] = (body.get('api_server_eip_id') or cluster.get('_api_server_eip_id')
                                    or short_id('eip-', 20)) if on else ''
    cluster['_api_server_eip_given'] = bool(on and body.get('api_server_eip_id'))  # the caller's EIP, not ours
    return True


def _modify_eip_id(ctx, cluster, body, changes):
    eip = prefixed(body, 'api_server_eip_id', 'eip-', 'an EIP ID')
    if not boolean(body, 'api_server_eip', default=True):
        return False
    changes.setdefault('api_server_eip_id', eip or '')
    cluster['_api_server_eip_given'] = bool(eip)
    return True


def _modify_vswitches(ctx, cluster, body, changes):
    ids = id_list(body, 'vswitch_ids', 'vsw-', 1, 5)
    if ids is None:
        raise errors.missing_param('vswitch_ids')
    changes.update({'vswitch_ids': ids, 'vswitch_id': ','.join(ids)})
    return True


def _modify_security_group(ctx, cluster, body, changes):
    sg = prefixed(body, 'security_group_id', 'sg-', 'a security group ID')
    if not sg:
        raise errors.bad_param('security_group_id', "'' is not a security group ID (sg-...)")
    changes['security_group_id'] = sg
    return True


def _modify_spec(ctx, cluster, body, changes):
    spec = text(body, 'cluster_spec', choices=CLUSTER_SPECS)
    if cluster.get('cluster_type') == 'Kubernetes':
        raise errors.bad_param('cluster_spec', 'dedicated (Kubernetes) clusters have no cluster_spec')
    if cluster.get('cluster_spec') == 'ack.pro.small' and spec == 'ack.standard':
        raise errors.bad_param('cluster_spec', 'a Pro cluster cannot be changed back to ack.standard')
    changes['cluster_spec'] = spec
    return True


MODIFY_RULES = {'cluster_name': _modify_name, 'api_server_eip': _modify_eip, 'api_server_eip_id': _modify_eip_id,
                'vswitch_ids': _modify_vswitches, 'security_group_id': _modify_security_group,
                'cluster_spec': _modify_spec, 'maintenance_window': modify_window, 'operation_policy': modify_policy}
MODIFY_IGNORED = ('client_token', 'ClusterId')


@op('ModifyCluster', 'PUT', '/api/v2/clusters/<cluster_id>')
def modify_cluster(ctx, cluster_id):
    body = body_dict(ctx)
    cluster = get_cluster(ctx, cluster_id, MODIFY_STATES)
    changes = {}
    infra = False
    for key, val in body.items():
        if val is None or key in MODIFY_IGNORED:
            continue
        if key in MODIFY_FIELDS:
            read, changed = MODIFY_FIELDS[key]
            changes[key] = read(body, key)
        elif key in MODIFY_RULES:
            changed = MODIFY_RULES[key](ctx, cluster, body, changes)
        else:
            raise errors.bad_param(key, 'ModifyCluster does not accept this parameter')
        infra = infra or changed
    if 'api_server_eip' in changes or 'api_server_eip_id' in changes:
        public = changes.get('api_server_eip', cluster.get('_api_server_eip'))
        if cluster.get('master_url'):
            changes['master_url'] = master_url(ctx, cluster, public)
    now = ctx.now
    cluster.update((('_' + k) if k in INTERNAL_FIELDS else k, v) for k, v in changes.items())
    cluster['updated'] = iso(now)
    duration = ctx.duration(MODIFY_SECONDS) if infra else 0.0
    if infra:
        cluster['state'] = 'updating'
        schedule(cluster, now, [(duration, {'state': 'running', 'updated': AT})])
        cluster_log(cluster, now, 'Start to update cluster: %s' % ', '.join(sorted(changes)))
        cluster_log(cluster, now + duration, 'Cluster updated successfully')
    elif changes:
        cluster_log(cluster, now, 'Cluster attributes changed: %s' % ', '.join(sorted(changes)))
    ctx.db.put('cluster', cluster_id, cluster)
    task_id = new_task(ctx, cluster_id, 'cluster_update', duration)
    return 202, {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


# -- tags -------------------------------------------------------------------------------------------------
def _json_query(ctx, name):
    raw = ctx.query.get(name)
    if raw in (None, ''):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise errors.bad_param(name, 'must be JSON text, e.g. %s' % ('["c1"]' if name == 'resource_ids'
                                                                     else '[{"key":"k","value":"v"}]'))


@op('ListTagResources', 'GET', '/tags')
def list_tag_resources(ctx):
    rtype = ctx.query.get('resource_type')
    if rtype in (None, ''):
        raise errors.missing_param('resource_type')
    if rtype.upper() != 'CLUSTER':
        raise errors.bad_param('resource_type', 'valid value is CLUSTER')
    ids = _json_query(ctx, 'resource_ids')
    tags = _json_query(ctx, 'tags')
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise errors.bad_param('resource_ids', 'must be a JSON array of cluster IDs')
    if tags is not None:
        tags = check_tags({'tags': tags}, 'tags')
    if not ids and not tags:
        raise errors.missing_param('resource_ids or tags')
    clusters = [c for c in live_clusters(ctx) if ctx.allowed(c['cluster_id'])]
    if ids:
        clusters = [c for c in clusters if c['cluster_id'] in ids]
    if tags:
        want = {(t['key'], t['value']) for t in tags}
        clusters = [c for c in clusters if want <= {(t['key'], t['value']) for t in c.get('tags') or []}]
    rows = [{'resource_id': c['cluster_id'], 'resource_type': 'ALIYUN::CS::CLUSTER', 'tag_key': t['key'],
             'tag_value': t['value']} for c in clusters for t in c.get('tags') or []]
    page, nxt = token_page(rows, ctx.query)
    return {'request_id': ctx.request_id, 'next_token': nxt, 'tag_resources': {'tag_resource': page}}


@op('ModifyClusterTags', 'POST', '/clusters/<cluster_id>/tags')
def modify_cluster_tags(ctx, cluster_id):
    """REPLACE semantics: the body (a JSON array of {key, value}) becomes the cluster's whole list of user tags.
    System tags (``ack.aliyun.com``, ``acs:*``) are kept when omitted and cannot be changed."""
    body = ctx.json
    if body is None:
        raise errors.missing_param('body')
    if not isinstance(body, list):
        raise errors.bad_param('body', 'a JSON array of {"key", "value"} objects is expected')
    cluster = get_cluster(ctx, cluster_id, TAG_STATES)
    new = check_tags({'tags': body}, 'tags', value_required=True)
    system = [t for t in cluster.get('tags') or [] if is_system_tag(t['key'])]
    sys_map = {t['key']: t['value'] for t in system}
    user = []
    for t in new:
        if is_system_tag(t['key']):
            if sys_map.get(t['key']) != t['value']:
                raise errors.bad_param('tags', 'system tag %r cannot be added or changed' % t['key'])
            continue
        user.append(t)
    if len(user) > MAX_TAGS:
        raise errors.bad_param('tags', 'at most %d tags are allowed' % MAX_TAGS)
    cluster['tags'] = user + system
    cluster['updated'] = iso(ctx.now)
    cluster_log(cluster, ctx.now, 'Cluster tags changed')
    ctx.db.put('cluster', cluster_id, cluster)
    task_id = new_task(ctx, cluster_id, 'cluster_tag', 0.0)
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}
