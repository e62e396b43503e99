"""Clusters (reference 7.1-7.11): CreateCluster, DescribeClusterDetail, DescribeClusters, DescribeClustersV1,
DeleteCluster, DescribeClusterResources, DescribeExternalAgent, DescribeUserQuota, DescribeClusterLogs,
DescribeClusterUserKubeconfig, DescribeTaskInfo.

(ModifyCluster and the tag operations live in modify.py, ScaleOutCluster in scale_out.py.)
"""
import hashlib
import ipaddress
import json
import random
import secrets

from .. import errors, kube
from ..lifecycle import AT, cluster_id as new_cluster_id, iso, new_task, schedule, short_id
from ..registry import op
from . import addons, nodes, pools
from .catalogue import REGIONS
from .common import cluster_log, get_cluster, live_clusters
from .params import boolean, integer, paginate, text
from .validation import validate_create

# Real-world durations in seconds (multiplied by --time-scale).
CREATE_SECONDS = {'dedicated': 900, 'managed': 480, 'ask': 120, 'edge': 480, 'sandboxed': 600}
DELETE_SECONDS = {'dedicated': 300, 'managed': 180, 'ask': 60, 'edge': 180, 'sandboxed': 240}
CLIENT_TOKEN_TTL = 24 * 3600
SYSTEM_TAG = 'ack.aliyun.com'
QUOTA_KEY = {'Kubernetes': 'cluster_quota', 'ManagedKubernetes': 'amk_cluster_quota', 'Ask': 'ask_cluster_quota'}

# The keys of a cluster in the list answers: those of the SDK's list items (DescribeClustersResponseBody,
# DescribeClustersV1ResponseBodyClusters); tests/emulator/test_answer_shapes.py keeps them in step with the SDK.
LIST_KEYS = ('cluster_id', 'cluster_type', 'created', 'current_version', 'data_disk_category', 'data_disk_size',
             'deletion_protection', 'docker_version', 'external_loadbalancer_id', 'init_version', 'master_url',
             'meta_data', 'name', 'network_mode', 'private_zone', 'profile', 'region_id', 'resource_group_id',
             'security_group_id', 'size', 'state', 'subnet_cidr', 'tags', 'updated', 'vpc_id', 'vswitch_cidr',
             'vswitch_id', 'worker_ram_role_name', 'zone_id')
LIST_V1_KEYS = ('cluster_domain', 'cluster_id', 'cluster_spec', 'cluster_type', 'container_cidr', 'created',
                'current_version', 'deletion_protection', 'docker_version', 'external_loadbalancer_id',
                'init_version', 'ip_stack', 'maintenance_window', 'master_url', 'meta_data', 'name', 'network_mode',
                'next_version', 'operation_policy', 'private_zone', 'profile', 'proxy_mode', 'region_id',
                'resource_group_id', 'security_group_id', 'service_cidr', 'size', 'state', 'subnet_cidr', 'tags',
                'timezone', 'updated', 'vpc_id', 'vswitch_id', 'vswitch_ids', 'worker_ram_role_name', 'zone_id')

# states in which the API server exists (kubeconfig, agent) / the cluster may be deleted
SERVING_STATES = ('running', 'updating', 'scaling', 'upgrading', 'removing', 'draining')
DELETE_STATES = ('running', 'failed', 'delete_failed', 'stopped', 'unavailable', 'inactive')


# -- helpers ------------------------------------------------------------------------------------------------
def master_url(ctx, cluster, public):
    public_url, internal_url = kube.endpoints(ctx, cluster)  # the loopback ports of its Kubernetes API
    return json.dumps({
        'api_server_endpoint': public_url if public else '',
        'dashboard_endpoint': '',
        'intranet_api_server_endpoint': internal_url,
    }, separators=(',', ':'))


def _parameters(spec, cluster_id):
    """The ``parameters`` map of DescribeClusterDetail: the create inputs (strings), as the ROS stack keeps them."""
    p = {
        'ClusterId': cluster_id, 'ClusterType': spec['cluster_type'], 'Profile': spec['profile'],
        'KubernetesVersion': spec['kubernetes_version'], 'ContainerCIDR': spec['container_cidr'],
        'ServiceCIDR': spec['service_cidr'], 'VpcId': spec['vpc_id'] or '',
        'WorkerVSwitchIds': ','.join(spec['vswitch_ids']), 'PodVswitchIds': ','.join(spec['pod_vswitch_ids']),
        'NumOfNodes': str(spec['num_of_nodes']), 'WorkerInstanceTypes': ','.join(spec['worker_instance_types']),
        'WorkerSystemDiskCategory': spec.get('worker_system_disk_category') or '',
        'WorkerSystemDiskSize': str(spec.get('worker_system_disk_size') or ''),
        'WorkerDataDisk': str(bool(spec['worker_data_disks'])).lower(),
        'WorkerDataDisks': json.dumps(spec['worker_data_disks'], separators=(',', ':')),
        'WorkerInstanceChargeType': spec.get('worker_instance_charge_type', 'PostPaid'),
        'SNatEntry': str(spec['snat_entry']).lower(), 'NatGateway': str(spec['nat_gateway']).lower(),
        'EndpointPublicAccess': str(spec['endpoint_public_access']).lower(),
        'ProxyMode': spec['proxy_mode'], 'NodeCIDRMask': str(spec['node_cidr_mask']),
        'Runtime': spec['runtime']['name'], 'RuntimeVersion': spec['runtime']['version'],
        'ZoneId': spec['zone_id'] or '', 'ClusterSpec': spec.get('cluster_spec') or '',
        'KeyPair': spec.get('key_pair', ''), 'LoginPassword': '******' if spec.get('login') == 'password' else '',
        'CpuPolicy': spec['cpu_policy'], 'OsType': spec['os_type'], 'Platform': spec['platform'],
        'NodePortRange': spec['node_port_range'], 'PrivateZone': str(spec['private_zone']).lower(),
        'SecurityGroupId': spec.get('security_group_id') or '', 'ImageId': spec.get('image_id') or '',
    }
    if spec['kind'] == 'dedicated':
        p.update({'MasterCount': str(spec['master_count']),
                  'MasterInstanceTypes': ','.join(spec['master_instance_types']),
                  'MasterVSwitchIds': ','.join(spec['master_vswitch_ids']),
                  'MasterSystemDiskCategory': spec['master_system_disk_category'],
                  'MasterSystemDiskSize': str(spec['master_system_disk_size']),
                  'MasterInstanceChargeType': spec.get('master_instance_charge_type', 'PostPaid')})
    return p


def _meta_data(spec, addons):
    network = 'terway-eniip' if any(a in ('terway-eniip', 'terway') for a in addons) else 'flannel'
    return json.dumps({
        'Addons': [{'name': a} for a in addons], 'AuditProjectName': '', 'Capabilities': {
            'AnyAZ': True, 'Network': network, 'ProxyMode': spec['proxy_mode'], 'PublicSLB':
            spec['endpoint_public_access']},
        'EdgeVersion': '1.0.0' if spec['kind'] == 'edge' else '', 'KubernetesVersion': spec['kubernetes_version'],
        'MultiAZ': len(spec['vswitch_ids']) > 1, 'NodeCIDRMask': str(spec['node_cidr_mask']),
        'Platform': spec['platform'], 'Runtime': spec['runtime']['name'],
        'RuntimeVersion': spec['runtime']['version'], 'ServiceCIDR': spec['service_cidr'],
        'SubnetCIDR': spec['container_cidr'], 'VpcId': spec['vpc_id'], 'VSwitchIds': spec['vswitch_ids'],
        'PodVswitchIds': spec['pod_vswitch_ids'], 'ExtraSans': [],
    }, separators=(',', ':'))


def _body_hash(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _check_vpc_cidrs(spec, neighbours):
    """Pod and service CIDR blocks may not overlap those of other clusters in the same VPC. Defaults (not given
    by the caller) move to the next free block instead."""
    used = []
    for c in neighbours:
        used += [(ipaddress.ip_network(n), c['cluster_id']) for n in (c.get('container_cidr'), c.get('service_cidr'))
                 if n]

    def clash(net):
        return next(((b, cid) for b, cid in used if net.overlaps(b)), None)

    if spec['container_cidr'] and not spec.get('container_cidr_given'):
        net = ipaddress.ip_network(spec['container_cidr'])
        for second in range(net.network_address.packed[1], 32):
            cand = ipaddress.ip_network('172.%d.0.0/16' % second)
            if not clash(cand):
                spec['container_cidr'] = str(cand)
                break
    if not spec.get('service_cidr_given'):
        mine = ipaddress.ip_network(spec['container_cidr']) if spec['container_cidr'] else None
        for third in range(0, 256, 16):
            for second in (21, 19, 30, 31):
                cand = ipaddress.ip_network('172.%d.%d.0/20' % (second, third))
                if not clash(cand) and not (mine and cand.overlaps(mine)):
                    spec['service_cidr'] = str(cand)
                    break
            else:
                continue
            break
    for name in ('container_cidr', 'service_cidr'):
        if spec[name]:
            hit = clash(ipaddress.ip_network(spec[name]))
            if hit:
                raise errors.bad_param(name, '%s overlaps %s used by cluster %s in the same VPC'
                                       % (spec[name], hit[0], hit[1]))


# -- CreateCluster ------------------------------------------------------------------------------------------
@op('CreateCluster', 'POST', '/clusters')
def create_cluster(ctx):
    body = ctx.json
    if body is None:
        raise errors.missing_param('cluster_type')
    if not isinstance(body, dict):
        raise errors.bad_param('body', 'a JSON object is expected')
    token = body.get('client_token')
    if token not in (None, '') and isinstance(token, str):
        prior = ctx.db.get('client_token', token)
        # a token is remembered for 24 hours, and forgotten once its cluster is deleted
        if prior is not None and (ctx.now - prior.get('at', ctx.now) > CLIENT_TOKEN_TTL
                                  or ctx.db.get('cluster', prior['cluster_id'], now=ctx.now) is None):
            prior = None
        if prior is not None:
            if prior['hash'] != _body_hash(body):
                raise errors.ApiError(400, 'IdempotentParameterMismatch', 'The request uses the same client_token '
                                      'as a previous, but non-identical request.')
            return 202, {'cluster_id': prior['cluster_id'], 'request_id': ctx.request_id,
                         'task_id': prior['task_id']}
    spec = validate_create(body)
    kind = spec['kind']
    live = live_clusters(ctx)
    region = spec['region_id']
    if spec['name'] is None:
        spec['name'] = 'k8s-cluster-%s' % secrets.token_hex(3)
    for c in live:
        if c.get('region_id') == region and c.get('name') == spec['name']:
            raise errors.ApiError(400, 'ClusterNameAlreadyExist', 'cluster name %s already exists in %s (cluster %s)'
                                  % (spec['name'], region, c['cluster_id']))
    quota_key = QUOTA_KEY[spec['cluster_type']]
    same_type = [c for c in live if c.get('cluster_type') == spec['cluster_type']]
    if len(same_type) >= ctx.app.quotas[quota_key]:
        raise errors.ApiError(400, 'QuotaExceeded.Cluster', 'the %s quota (%d) is used up'
                              % (quota_key, ctx.app.quotas[quota_key]))
    if spec['vpc_id']:
        _check_vpc_cidrs(spec, [c for c in live if c.get('vpc_id') == spec['vpc_id'] and c.get('state') != 'deleting'])

    now = ctx.now
    cid = new_cluster_id()
    duration = ctx.duration(CREATE_SECONDS[kind])
    fail = ctx.should_fail()
    masters = spec.get('master_count', 0)
    workers = spec['num_of_nodes']
    if spec['vpc_auto']:
        spec['vpc_id'] = short_id('vpc-', 22)
        spec['vswitch_ids'] = [short_id('vsw-', 22)]
    public_ip = '47.%d.%d.%d' % (random.randint(1, 254), random.randint(0, 254), random.randint(1, 254))
    intranet_ip = '192.168.%d.%d' % (random.randint(0, 254), random.randint(2, 253))
    cluster = {
        'cluster_id': cid, 'name': spec['name'], 'cluster_type': spec['cluster_type'],
        'cluster_spec': spec.get('cluster_spec') or '', 'profile': spec['profile'], 'state': 'initial',
        'region_id': region, 'zone_id': spec['zone_id'], 'vpc_id': spec['vpc_id'],
        'vswitch_id': ','.join(spec['vswitch_ids']), 'vswitch_ids': list(spec['vswitch_ids']),
        'security_group_id': spec['security_group_id'] or short_id('sg-', 20),
        'current_version': spec['kubernetes_version'], 'init_version': spec['kubernetes_version'],
        'next_version': '', 'size': workers + masters,
        'tags': spec['tags'] + [{'key': SYSTEM_TAG, 'value': cid}],
        'deletion_protection': spec['deletion_protection'],
        'resource_group_id': spec['resource_group_id'] or 'rg-acfm%s' % secrets.token_hex(6)[:11],
        'created': iso(now), 'updated': iso(now), 'master_url': '', '_created_at': now,
        'external_loadbalancer_id': short_id('lb-', 21),
        'network_mode': 'vpc', 'docker_version': spec['runtime']['version'] if spec['runtime']['name'] == 'docker'
        else '', 'instance_type': '', 'data_disk_category': (spec['worker_data_disks'] or [{}])[0].get('category',
                                                                                                        'cloud'),
        'data_disk_size': (spec['worker_data_disks'] or [{}])[0].get('size', 0),
        'container_cidr': spec['container_cidr'], 'subnet_cidr': spec['container_cidr'],
        'service_cidr': spec['service_cidr'], 'proxy_mode': spec['proxy_mode'],
        'node_cidr_mask': str(spec['node_cidr_mask']), 'ip_stack': 'ipv4', 'cluster_domain': 'cluster.local',
        'timezone': spec['timezone'], 'private_zone': spec['private_zone'],
        'maintenance_window': spec['maintenance_window'] or {'enable': False, 'maintenance_time': '',
                                                             'duration': '', 'weekly_period': ''},
        'operation_policy': {'cluster_auto_upgrade': {'enabled': False, 'channel': ''}},
        'worker_ram_role_name': 'KubernetesWorkerRole-%s' % secrets.token_hex(8),
        'parameters': _parameters(spec, cid), 'vswitch_cidr': '',
        # ModifyCluster's api_server_eip / api_server_eip_id / ingress_loadbalancer_id: neither the SDK's detail
        # nor 7.6 answers them (master_url and DescribeClusterResources show them), so they are kept internal
        '_api_server_eip': spec['endpoint_public_access'], '_api_server_eip_id': '', '_ingress_loadbalancer_id': '',
        '_spec': spec, '_kind': kind, '_public_ip': public_ip, '_intranet_ip': intranet_ip,
        '_client_token': spec.get('client_token'),
    }
    if spec['endpoint_public_access']:
        cluster['_api_server_eip_id'] = short_id('eip-', 20)

    # add-ons first: E2's helper raises on unknown add-ons before anything else is stored
    addon_names = addons.install_initial_addons(ctx, cluster, spec['addons'], ready_after=duration) or []
    cluster['meta_data'] = _meta_data(spec, addon_names)
    if masters:
        nodes.create_nodes(ctx, cluster, masters, role='Master', spec=spec, ready_after=duration)
    if workers:
        nodes.create_nodes(ctx, cluster, workers, role='Worker', spec=spec, ready_after=duration)
        pools.default_pool(ctx, cluster, ready_after=duration)  # the workers' pool
    cluster['size'] = workers + masters

    cluster_log(cluster, now, 'Start to create cluster %s (%s)' % (cid, spec['cluster_type']))
    cluster_log(cluster, now + duration * 0.2,
                'Start to create the cluster network, load balancer and security group')
    if workers or masters:
        cluster_log(cluster, now + duration * 0.5, 'Start to create %d nodes' % (workers + masters))
    if fail:
        cluster_log(cluster, now + duration, 'Failed to create cluster: %s: %s' % (fail['code'], fail['message']),
                    'ERROR')
        schedule(cluster, now, [(duration, {'state': 'failed', 'updated': AT})])
    else:
        cluster_log(cluster, now + duration, 'Cluster created successfully')
        schedule(cluster, now, [(duration, {'state': 'running', 'updated': AT,
                                            'master_url': master_url(ctx, cluster,
                                                                      spec['endpoint_public_access'])})])
    task_id = new_task(ctx, cid, 'cluster_create', duration, fail=fail,
                       stages=['CreateNetwork', 'CreateControlPlane', 'CreateNodes', 'InstallAddons'])
    cluster['_create_task'] = task_id
    ctx.db.put('cluster', cid, cluster)
    if token not in (None, ''):
        ctx.db.put('client_token', token, {'cluster_id': cid, 'task_id': task_id, 'hash': _body_hash(body),
                                           'at': now})
    return 202, {'cluster_id': cid, 'request_id': ctx.request_id, 'task_id': task_id}


# -- describe / list ----------------------------------------------------------------------------------------
@op('DescribeClusterDetail', 'GET', '/clusters/<cluster_id>', pure=True)
def describe_cluster_detail(ctx, cluster_id):
    return get_cluster(ctx, cluster_id)


def _q(ctx, *names):
    for n in names:
        val = ctx.query.get(n)
        if val not in (None, ''):
            return val
    return None


def _listed(clusters, keys):
    return [{k: c[k] for k in keys if k in c} for c in clusters]


def _filtered(ctx, name=None, ctype=None, extra=None):
    out = []
    for c in live_clusters(ctx):
        if not ctx.allowed(c['cluster_id']):
            continue
        if name and name not in c.get('name', ''):
            continue
        if ctype and (c.get('cluster_type') or '').lower() != ctype.lower():
            continue
        if extra and any(val not in (None, '') and str(c.get(k) or '') != val for k, val in extra.items()):
            continue
        out.append(c)
    return out


@op('DescribeClusters', 'GET', '/clusters', pure=True)
def describe_clusters(ctx):
    return _listed(_filtered(ctx, _q(ctx, 'name', 'Name'), _q(ctx, 'clusterType', 'cluster_type', 'ClusterType'),
                             {'resource_group_id': _q(ctx, 'resource_group_id')}), LIST_KEYS)


@op('DescribeClustersV1', 'GET', '/api/v1/clusters', pure=True)
def describe_clusters_v1(ctx):
    region = _q(ctx, 'region_id')
    if region is not None and region not in REGIONS:
        raise errors.bad_param('region_id', 'unknown region %r' % region)
    rows = _filtered(ctx, _q(ctx, 'name', 'Name'), _q(ctx, 'cluster_type', 'ClusterType', 'clusterType'),
                     {'cluster_id': _q(ctx, 'cluster_id'), 'cluster_spec': _q(ctx, 'cluster_spec'),
                      'profile': _q(ctx, 'profile'), 'region_id': _q(ctx, 'region_id')})
    page, info = paginate(rows, ctx.query)
    return {'clusters': _listed(page, LIST_V1_KEYS), 'page_info': info}


# -- DeleteCluster ------------------------------------------------------------------------------------------
@op('DeleteCluster', 'DELETE', '/clusters/<cluster_id>')
def delete_cluster(ctx, cluster_id):
    cluster = get_cluster(ctx, cluster_id)
    if cluster.get('deletion_protection'):
        raise errors.ApiError(400, 'DeletionProtectionEnabled', 'cluster %s has deletion protection enabled; '
                              'disable it (ModifyCluster deletion_protection: false) before deleting it'
                              % cluster_id)
    if cluster.get('state') not in DELETE_STATES:
        raise errors.invalid_status(cluster, 'DeleteCluster')
    for name in ('retain_resources', 'delete_options'):
        raw = ctx.query.get(name)
        if raw not in (None, ''):
            try:
                json.loads(raw)
            except ValueError:
                raise errors.bad_param(name, 'must be a JSON array')
    for name in ('keep_slb', 'retain_all_resources'):
        boolean(ctx.query, name)
    now = ctx.now
    duration = ctx.duration(DELETE_SECONDS.get(cluster.get('_kind'), 180))
    fail = ctx.should_fail()
    cluster['state'] = 'deleting'
    cluster['updated'] = iso(now)
    cluster_log(cluster, now, 'Start to delete cluster %s' % cluster_id)
    if fail:
        schedule(cluster, now, [(duration, {'state': 'delete_failed', 'updated': AT})])
        cluster_log(cluster, now + duration, 'Failed to delete cluster: %s' % fail['message'], 'ERROR')
    else:
        schedule(cluster, now, [(duration, {'state': 'deleted', '_gone': True})])
        # its nodes and add-ons go when the deletion ends (7.4 releases the nodes), not at the call
        nodes.delete_cluster_nodes(ctx, cluster_id, at=now + duration)
        pools.delete_cluster_pools(ctx, cluster_id)
        addons.delete_cluster_addons(ctx, cluster_id, at=now + duration)
    ctx.db.put('cluster', cluster_id, cluster)
    task_id = new_task(ctx, cluster_id, 'cluster_delete', duration, fail=fail)
    return 202, {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


# -- DescribeClusterResources -------------------------------------------------------------------------------
def _resource_state(cluster):
    return {'initial': 'CREATE_IN_PROGRESS', 'failed': 'CREATE_FAILED', 'deleting': 'DELETE_IN_PROGRESS',
            'delete_failed': 'DELETE_FAILED'}.get(cluster.get('state'), 'CREATE_COMPLETE')


@op('DescribeClusterResources', 'GET', '/clusters/<cluster_id>/resources')
def describe_cluster_resources(ctx, cluster_id):
    cluster = get_cluster(ctx, cluster_id)
    spec = cluster.get('_spec') or {}
    state = _resource_state(cluster)
    created = cluster.get('created')

    def res(logical, rtype, physical, auto=1):
        info = {'Id': logical, 'Name': logical, 'Type': rtype, 'Status': state, 'StatusReason': 'state changed',
                'Updated': cluster.get('updated'), 'PhysicalId': physical}
        return {'cluster_id': cluster_id, 'instance_id': physical, 'resource_type': rtype,
                'resource_info': json.dumps(info, separators=(',', ':')), 'created': created,
                'auto_create': auto, 'state': state, 'dependencies': []}

    out = []
    if spec.get('vpc_auto'):
        out.append(res('k8s_vpc', 'ALIYUN::ECS::VPC', cluster['vpc_id']))
        for i, vsw in enumerate(cluster.get('vswitch_ids') or []):
            out.append(res('k8s_vswitch_%d' % i, 'ALIYUN::ECS::VSwitch', vsw))
    if spec.get('nat_gateway') or spec.get('snat_entry'):
        out.append(res('k8s_nat_gateway', 'ALIYUN::VPC::NatGateway', cluster.setdefault('_nat', short_id('ngw-'))))
    if not spec.get('security_group_id'):
        out.append(res('k8s_sg', 'ALIYUN::ECS::SecurityGroup', cluster['security_group_id']))
    if cluster.get('external_loadbalancer_id'):
        out.append(res('k8s_master_slb', 'ALIYUN::SLB::LoadBalancer', cluster['external_loadbalancer_id']))
    # the API server's EIP and the ingress SLB bound by ModifyCluster (the detail does not show them)
    if cluster.get('_api_server_eip') and cluster.get('_api_server_eip_id'):
        out.append(res('k8s_api_server_eip', 'ALIYUN::VPC::EIP', cluster['_api_server_eip_id'],
                       0 if cluster.get('_api_server_eip_given') else 1))
    if cluster.get('_ingress_loadbalancer_id'):
        out.append(res('k8s_ingress_slb', 'ALIYUN::SLB::LoadBalancer', cluster['_ingress_loadbalancer_id'], 0))
    out.append(res('k8s_worker_role', 'ALIYUN::RAM::Role', cluster.get('worker_ram_role_name', '')))
    nodes = ctx.db.list('node', now=ctx.now, where={'cluster_id': cluster_id})
    for n in nodes:
        if n.get('_released') or n.get('_detached'):
            continue
        logical = 'k8s_master' if n.get('instance_role') == 'Master' else 'k8s_nodes'
        out.append(res(logical, 'ALIYUN::ECS::InstanceGroup' if n.get('instance_role') == 'Master'
                       else 'ALIYUN::ESS::ScalingGroup', n['instance_id']))
    if boolean(ctx.query, 'with_addon_resources'):
        out.append(res('k8s_sls_project', 'ALIYUN::SLS::Project', 'k8s-log-%s' % cluster_id))
    return out


# -- DescribeExternalAgent ----------------------------------------------------------------------------------
def _api_server_url(ctx, cluster, private):
    """The URL of the cluster's emulated API server (internal or public endpoint, as its kubeconfig names it)."""
    if not private and not cluster.get('_api_server_eip'):
        raise errors.ApiError(400, 'ErrorPublicEndpointNotFound', 'cluster %s has no public API server endpoint; '
                              'ask for the internal one (PrivateIpAddress=true)' % cluster['cluster_id'])
    had_ports = bool(cluster.get('_kube_ports'))
    public_url, internal_url = kube.endpoints(ctx, cluster)
    if not had_ports:  # a cluster stored before the emulator served the Kubernetes API
        ctx.db.put('cluster', cluster['cluster_id'], cluster)
    return internal_url if private else public_url


@op('DescribeExternalAgent', 'GET', '/k8s/<cluster_id>/external/agent/deployment')
def describe_external_agent(ctx, cluster_id):
    cluster = get_cluster(ctx, cluster_id, SERVING_STATES)
    private = boolean(ctx.query, 'PrivateIpAddress')
    mode = text(ctx.query, 'AgentMode', choices=('default', 'cluster', 'namespace'), default='default')
    endpoint = _api_server_url(ctx, cluster, private)
    config = ('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ack-cluster-agent\n'
              '  namespace: kube-system\n  labels:\n    app: ack-cluster-agent\n    mode: %s\nspec:\n'
              '  replicas: 1\n  selector:\n    matchLabels:\n      app: ack-cluster-agent\n  template:\n'
              '    metadata:\n      labels:\n        app: ack-cluster-agent\n    spec:\n      containers:\n'
              '      - name: agent\n        image: registry.%s.aliyuncs.com/acs/ack-cluster-agent:v1.0.0\n'
              '        env:\n        - name: CLUSTER_ID\n          value: "%s"\n        - name: ENDPOINT\n'
              '          value: "%s"\n        - name: TOKEN\n          value: "%s"\n'
              % (mode, cluster.get('region_id'), cluster_id, endpoint,
                 hashlib.sha256(('agent/%s/%s' % (cluster_id, ctx.identity.access_key_id)).encode()).hexdigest()[:32]))
    return {'config': config}


# -- DescribeUserQuota --------------------------------------------------------------------------------------
@op('DescribeUserQuota', 'GET', '/quota')
def describe_user_quota(ctx):
    q = ctx.app.quotas
    return {'amk_cluster_quota': q['amk_cluster_quota'], 'ask_cluster_quota': q['ask_cluster_quota'],
            'cluster_quota': q['cluster_quota'], 'node_quota': q['node_quota'],
            'cluster_nodepool_quota': q['cluster_nodepool_quota'],
            'edge_improved_nodepool_quota': {'bandwidth': 10, 'count': 3, 'period': 3}, 'quotas': {}}


# -- DescribeClusterLogs ------------------------------------------------------------------------------------
@op('DescribeClusterLogs', 'GET', '/clusters/<cluster_id>/logs')
def describe_cluster_logs(ctx, cluster_id):
    cluster = get_cluster(ctx, cluster_id)
    out = []
    for i, (at, level, message) in enumerate(sorted(cluster.get('_logs') or [], key=lambda e: e[0])):
        if at > ctx.now:
            continue
        out.append({'ID': i + 1, 'cluster_id': cluster_id, 'cluster_log': message, 'log_level': level,
                    'created': iso(at), 'updated': iso(at)})
    out.reverse()  # newest first, as the console shows them
    return out


# -- DescribeClusterUserKubeconfig --------------------------------------------------------------------------
@op('DescribeClusterUserKubeconfig', 'GET', '/k8s/<cluster_id>/user_config')
def describe_cluster_user_kubeconfig(ctx, cluster_id):
    cluster = get_cluster(ctx, cluster_id, SERVING_STATES)
    private = boolean(ctx.query, 'PrivateIpAddress')
    minutes = integer(ctx.query, 'TemporaryDurationMinutes', 15, 4320)
    _api_server_url(ctx, cluster, private)
    return kube.user_kubeconfig(ctx, cluster, private, minutes)


# -- DescribeTaskInfo ---------------------------------------------------------------------------------------
@op('DescribeTaskInfo', 'GET', '/tasks/<task_id>')
def describe_task_info(ctx, task_id):
    task = ctx.db.get('task', task_id, now=ctx.now)
    if task is None:
        raise errors.not_found('task', task_id)
    if task.get('cluster_id'):
        ctx.authorize(task['cluster_id'])
    out = dict(task)
    if out.get('error') is None:
        out.pop('error', None)
    return out
