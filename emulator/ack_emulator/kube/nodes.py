"""Nodes (computed from the cluster's ACK node documents; a serverless cluster's virtual node) and the
metrics.k8s.io answers (metrics-server)."""
import datetime
import hashlib
import json
import re
import uuid

from ..lifecycle import iso_utc

CPU_BY_SIZE = {'small': 1, 'medium': 2, 'large': 2, 'xlarge': 4}
GIB_PER_CPU = {'c': 2, 'g': 4, 'r': 8, 'u': 4, 'hf': 2, 'hfc': 2, 'hfg': 4, 'hfr': 8, 'gn': 4, 'sn': 4}


def ack_nodes(db, cluster_id, now):
    """The cluster's nodes as DescribeClusterNodes lists them."""
    return [n for n in db.list('node', now=now, where={'cluster_id': cluster_id})
            if not n.get('_released') and not n.get('_detached')]


def instance_capacity(instance_type):
    """``(cpus, memory GiB)`` of an ECS type such as ``ecs.g7.xlarge`` (a guess by name when unknown)."""
    parts = (instance_type or '').split('.')
    size = parts[-1] if parts else ''
    m = re.match(r'^(\d+)xlarge$', size)
    cpus = int(m.group(1)) * 4 if m else CPU_BY_SIZE.get(size, 4)
    family = re.match(r'^[a-z]+', parts[1]).group(0) if len(parts) > 2 and re.match(r'^[a-z]+', parts[1]) else 'g'
    return cpus, cpus * GIB_PER_CPU.get(family, 4)


def _labels(cluster, n):
    name = n.get('node_name')
    region = cluster.get('region_id') or ''
    zone = cluster.get('zone_id') or (region + '-a' if region else '')
    labels = {'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux',
              'beta.kubernetes.io/instance-type': n.get('instance_type') or '',
              'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name,
              'node.kubernetes.io/instance-type': n.get('instance_type') or '',
              'topology.kubernetes.io/region': region, 'topology.kubernetes.io/zone': zone,
              'failure-domain.beta.kubernetes.io/region': region, 'failure-domain.beta.kubernetes.io/zone': zone,
              'ack.aliyun.com': cluster['cluster_id']}
    if n.get('instance_role') == 'Master':
        labels['node-role.kubernetes.io/master'] = ''
        labels['node-role.kubernetes.io/control-plane'] = ''
    elif n.get('nodepool_id'):
        labels['alibabacloud.com/nodepool-id'] = n['nodepool_id']
    if n.get('is_edge_worker'):
        labels['alibabacloud.com/is-edge-worker'] = 'true'
    own = n.get('labels') or {}
    if isinstance(own, list):
        own = {i.get('key'): i.get('value', '') for i in own if isinstance(i, dict) and i.get('key')}
    labels.update({str(k): '' if v is None else str(v) for k, v in own.items()})
    return labels


def _taints(cluster, n):
    if 'taints' in n:
        own = n.get('taints') or []
    elif n.get('instance_role') == 'Master':
        own = [{'key': 'node-role.kubernetes.io/master', 'effect': 'NoSchedule'}]
    elif n.get('creation_time') == cluster.get('created'):  # the workers CreateCluster made get its taints
        own = (cluster.get('_spec') or {}).get('taints') or []
    else:
        own = []
    out = []
    for t in own:
        if isinstance(t, dict) and t.get('key'):
            taint = {'key': t['key'], 'effect': t.get('effect') or 'NoSchedule'}
            if t.get('value') not in (None, ''):
                taint['value'] = str(t['value'])
            out.append(taint)
    return out


def node_object(cluster, n, version=None):
    name = n.get('node_name')
    ip = (n.get('ip_address') or [''])[0]
    cpus, gib = instance_capacity(n.get('instance_type'))
    created = _epoch(n.get('creation_time')) or cluster.get('_created_at') or 0
    ready = n.get('node_status') == 'Ready'
    version = 'v' + (n.get('kubelet_version') or version or cluster.get('current_version') or '1.30.1-aliyun.1')
    status_text = {'Ready': 'True', 'NotReady': 'False'}.get(n.get('node_status'), 'Unknown')
    since = iso_utc(created)
    digest = hashlib.sha256(json.dumps(n, sort_keys=True, default=str).encode()).hexdigest()
    conditions = [
        {'type': 'MemoryPressure', 'status': 'False', 'reason': 'KubeletHasSufficientMemory',
         'message': 'kubelet has sufficient memory available'},
        {'type': 'DiskPressure', 'status': 'False', 'reason': 'KubeletHasNoDiskPressure',
         'message': 'kubelet has no disk pressure'},
        {'type': 'PIDPressure', 'status': 'False', 'reason': 'KubeletHasSufficientPID',
         'message': 'kubelet has sufficient PID available'},
        {'type': 'Ready', 'status': status_text, 'reason': 'KubeletReady' if ready else 'KubeletNotReady',
         'message': 'kubelet is posting ready status' if ready else 'container runtime network not ready'},
    ]
    for c in conditions:
        c.update({'lastHeartbeatTime': since, 'lastTransitionTime': since})
    spec = {'podCIDR': '', 'providerID': '%s.%s' % (cluster.get('region_id') or '', n.get('instance_id'))}
    taints = _taints(cluster, n)
    if taints:
        spec['taints'] = taints
    if n.get('unschedulable') or n.get('state') in ('removing', 'draining'):
        spec['unschedulable'] = True
    return {
        'kind': 'Node', 'apiVersion': 'v1',
        'metadata': {'name': name, 'uid': str(uuid.uuid5(uuid.NAMESPACE_URL, 'node/' + n['instance_id'])),
                     'resourceVersion': str(int(digest[:8], 16)), 'creationTimestamp': since,
                     'labels': _labels(cluster, n),
                     'annotations': {'node.alpha.kubernetes.io/ttl': '0',
                                     'volumes.kubernetes.io/controller-managed-attach-detach': 'true'}},
        'spec': spec,
        'status': {
            'capacity': {'cpu': str(cpus), 'memory': '%dKi' % (gib * 1024 * 1024), 'pods': '64',
                         'ephemeral-storage': '123722704Ki', 'hugepages-2Mi': '0'},
            'allocatable': {'cpu': '%dm' % (cpus * 1000 - 100), 'memory': '%dKi' % (gib * 1024 * 1024 * 9 // 10),
                            'pods': '64', 'ephemeral-storage': '114022843818', 'hugepages-2Mi': '0'},
            'conditions': conditions,
            'addresses': [{'type': 'InternalIP', 'address': ip}, {'type': 'Hostname', 'address': name}],
            'daemonEndpoints': {'kubeletEndpoint': {'Port': 10250}},
            'nodeInfo': {'machineID': digest[:32], 'systemUUID': str(uuid.uuid5(uuid.NAMESPACE_DNS, name or '')),
                         'bootID': digest[32:64], 'kernelVersion': '5.10.134-16.3.al8.x86_64',
                         'osImage': 'Alibaba Cloud Linux 3.2104 U10 (OpenAnolis Edition)',
                         'containerRuntimeVersion': 'containerd://1.6.28', 'kubeletVersion': version,
                         'kubeProxyVersion': version, 'operatingSystem': 'linux', 'architecture': 'amd64'},
        },
    }


def _epoch(iso_text):
    """ACK's ``2024-01-01T08:00:00+08:00`` as epoch seconds (None when it is not such a time)."""
    try:
        return datetime.datetime.fromisoformat(iso_text).timestamp()
    except (TypeError, ValueError):
        return None


def node_objects(db, cluster, now):
    if (cluster.get('cluster_type') or '').lower() == 'ask':
        return [virtual_node(cluster)]
    return [node_object(cluster, n) for n in ack_nodes(db, cluster['cluster_id'], now) if n.get('node_name')]


# -- the virtual node of a serverless (Ask) cluster ---------------------------------------------------------------
VIRTUAL_CAPACITY = {'cpu': '2k', 'memory': '6Ti', 'pods': '20k', 'ephemeral-storage': '1Pi', 'hugepages-2Mi': '0'}


def virtual_node(cluster):
    """A serverless cluster has no ECS nodes: its pods run on a virtual-kubelet node in the cluster's zone
    (elastic container instances), ``virtual-kubelet-<zone>``, Ready while the cluster serves."""
    zone = cluster.get('zone_id') or '%s-a' % (cluster.get('region_id') or 'cn-hangzhou')
    seed = hashlib.sha256(cluster['cluster_id'].encode()).digest()
    doc = {'node_name': 'virtual-kubelet-%s' % zone, 'instance_id': 'virtual-kubelet-%s' % zone,
           'instance_role': 'Worker', 'instance_type': '', 'node_status': 'Ready', 'taints': [],
           'creation_time': cluster.get('created'), 'ip_address': ['192.168.%d.%d' % (seed[0], 2 + seed[1] % 250)],
           'labels': {'type': 'virtual-kubelet', 'kubernetes.io/role': 'agent',
                      'alibabacloud.com/virtual-node': 'true'}}
    node = node_object(cluster, doc)
    for key in ('beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type'):
        node['metadata']['labels'].pop(key, None)
    node['spec']['providerID'] = 'virtual-kubelet://%s/%s' % (cluster['cluster_id'], zone)
    node['status'].update({'capacity': dict(VIRTUAL_CAPACITY), 'allocatable': dict(VIRTUAL_CAPACITY)})
    node['status']['nodeInfo'].update({'kernelVersion': '', 'osImage': '', 'containerRuntimeVersion': 'eci://1.0.0'})
    return node


def is_ready(node):
    return any(c['type'] == 'Ready' and c['status'] == 'True' for c in node['status']['conditions'])


# -- metrics.k8s.io -------------------------------------------------------------------------------------------
def _value(seed, lo, hi):
    n = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16)
    return lo + n % max(1, hi - lo)


def pod_metrics(pod, now):
    minute = int(now // 60)
    meta = pod['metadata']
    containers = []
    for c in pod['spec'].get('containers') or []:
        seed = '%s/%s/%d' % (meta.get('uid'), c.get('name'), minute)
        usage = {'cpu': '%dn' % _value(seed + 'cpu', 100000, 5000000),
                 'memory': '%dKi' % _value(seed + 'mem', 2048, 16384)}
        containers.append({'name': c.get('name'), 'usage': usage})
    return {'kind': 'PodMetrics', 'apiVersion': 'metrics.k8s.io/v1beta1',
            'metadata': {'name': meta['name'], 'namespace': meta.get('namespace'), 'creationTimestamp': iso_utc(now),
                         'labels': dict(meta.get('labels') or {})},
            'timestamp': iso_utc(now - 15), 'window': '15.012s', 'containers': containers}


def node_metrics(node, pods, now):
    cpu = _value('%s/%d' % (node['metadata']['uid'], int(now // 60)), 80000000, 200000000)
    mem = _value('%s/%d/mem' % (node['metadata']['uid'], int(now // 60)), 900000, 1400000)
    for p in pods:
        for c in pod_metrics(p, now)['containers']:
            cpu += int(c['usage']['cpu'][:-1])
            mem += int(c['usage']['memory'][:-2])
    return {'kind': 'NodeMetrics', 'apiVersion': 'metrics.k8s.io/v1beta1',
            'metadata': {'name': node['metadata']['name'], 'creationTimestamp': iso_utc(now),
                         'labels': dict(node['metadata'].get('labels') or {})},
            'timestamp': iso_utc(now - 15), 'window': '20.034s',
            'usage': {'cpu': '%dn' % cpu, 'memory': '%dKi' % mem}}
