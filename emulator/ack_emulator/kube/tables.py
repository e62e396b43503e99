"""Server-side printing: the ``Table`` answer kubectl asks for (``Accept: ...;as=Table;g=meta.k8s.io;v=v1``)."""
from .objects import parse_time, selector_text

NAME_DOC = 'Name must be unique within a namespace.'


def human_age(seconds):
    """Kubernetes' HumanDuration (``5s``, ``3m2s``, ``5h``, ``2d3h``)."""
    s = int(seconds)
    if s < 0:
        return '0s'
    if s < 120:
        return '%ds' % s
    m = s // 60
    if m < 10:
        return '%dm%ds' % (m, s % 60) if s % 60 else '%dm' % m
    if m < 180:
        return '%dm' % m
    h = m // 60
    if h < 8:
        return '%dh%dm' % (h, m % 60) if m % 60 else '%dh' % h
    if h < 48:
        return '%dh' % h
    if h < 24 * 8:
        return '%dd%dh' % (h // 24, h % 24) if h % 24 else '%dd' % (h // 24)
    if h < 24 * 365 * 2:
        return '%dd' % (h // 24)
    return '%dy' % (h // 24 // 365)


def _age(obj, now):
    created = parse_time(obj['metadata'].get('creationTimestamp'))
    return human_age(now - created) if created else '<unknown>'


def _pod(o, now):
    status = o.get('status') or {}
    containers = o['spec'].get('containers') or []
    statuses = status.get('containerStatuses') or []
    ready = len([c for c in statuses if c.get('ready')])
    phase = 'Terminating' if o['metadata'].get('deletionTimestamp') else status.get('phase') or 'Pending'
    restarts = sum(c.get('restartCount', 0) for c in statuses)
    return ['%d/%d' % (ready, len(containers)), phase, restarts, _age(o, now), status.get('podIP') or '<none>',
            o['spec'].get('nodeName') or '<none>', '<none>', '<none>']


def _images(o):
    containers = o['spec']['template']['spec'].get('containers') or []
    return ','.join(c.get('name', '') for c in containers), ','.join(c.get('image', '') for c in containers)


def _deployment(o, now):
    s, desired = o.get('status') or {}, o['spec'].get('replicas', 1)
    names, images = _images(o)
    return ['%d/%d' % (s.get('readyReplicas', 0), desired), s.get('updatedReplicas', 0), s.get('availableReplicas', 0),
            _age(o, now), names, images, selector_text(o['spec'].get('selector'))]


def _replicaset(o, now):
    s = o.get('status') or {}
    names, images = _images(o)
    return [o['spec'].get('replicas', 1), s.get('replicas', 0), s.get('readyReplicas', 0), _age(o, now), names,
            images, selector_text(o['spec'].get('selector'))]


def _node(o, now):
    ready = next((c['status'] for c in o['status']['conditions'] if c['type'] == 'Ready'), 'Unknown')
    status = {'True': 'Ready', 'False': 'NotReady'}.get(ready, 'Unknown')
    if o['spec'].get('unschedulable'):
        status += ',SchedulingDisabled'
    roles = sorted(k.split('/', 1)[1] for k in o['metadata'].get('labels') or {}
                   if k.startswith('node-role.kubernetes.io/'))
    info = o['status']['nodeInfo']
    ips = {a['type']: a['address'] for a in o['status'].get('addresses') or []}
    return [status, ','.join(roles) or '<none>', _age(o, now), info['kubeletVersion'], ips.get('InternalIP', '<none>'),
            ips.get('ExternalIP', '<none>'), info['osImage'], info['kernelVersion'], info['containerRuntimeVersion']]


def _service(o, now):
    spec = o['spec']
    ingress = ((o.get('status') or {}).get('loadBalancer') or {}).get('ingress') or []
    external = ','.join(i.get('ip') or i.get('hostname', '') for i in ingress) or (
        '<pending>' if spec.get('type') == 'LoadBalancer' else '<none>')
    ports = ','.join('%s%s/%s' % (p['port'], ':%s' % p['nodePort'] if p.get('nodePort') else '',
                                  p.get('protocol', 'TCP')) for p in spec.get('ports') or []) or '<none>'
    selector = ','.join('%s=%s' % kv for kv in sorted((spec.get('selector') or {}).items())) or '<none>'
    return [spec.get('type'), spec.get('clusterIP') or '<none>', external, ports, _age(o, now), selector]


def _col(name, kind='string', priority=0, fmt=''):
    return {'name': name, 'type': kind, 'format': fmt, 'description': NAME_DOC if fmt == 'name' else name,
            'priority': priority}


COLUMNS = {
    'Namespace': ([_col('Status'), _col('Age')], lambda o, now: [o['status'].get('phase'), _age(o, now)]),
    'Pod': ([_col('Ready'), _col('Status'), _col('Restarts', 'string'), _col('Age'), _col('IP', priority=1),
             _col('Node', priority=1), _col('Nominated Node', priority=1), _col('Readiness Gates', priority=1)], _pod),
    'Deployment': ([_col('Ready'), _col('Up-to-date', 'integer'), _col('Available', 'integer'), _col('Age'),
                    _col('Containers', priority=1), _col('Images', priority=1), _col('Selector', priority=1)],
                   _deployment),
    'ReplicaSet': ([_col('Desired', 'integer'), _col('Current', 'integer'), _col('Ready', 'integer'), _col('Age'),
                    _col('Containers', priority=1), _col('Images', priority=1), _col('Selector', priority=1)],
                   _replicaset),
    'Node': ([_col('Status'), _col('Roles'), _col('Age'), _col('Version'), _col('Internal-IP', priority=1),
              _col('External-IP', priority=1), _col('OS-Image', priority=1), _col('Kernel-Version', priority=1),
              _col('Container-Runtime', priority=1)], _node),
    'Service': ([_col('Type'), _col('Cluster-IP'), _col('External-IP'), _col('Port(s)'), _col('Age'),
                 _col('Selector', priority=1)], _service),
    'ConfigMap': ([_col('Data', 'integer'), _col('Age')], lambda o, now: [len(o.get('data') or {}) + len(
        o.get('binaryData') or {}), _age(o, now)]),
    'Secret': ([_col('Type'), _col('Data', 'integer'), _col('Age')],
               lambda o, now: [o.get('type', 'Opaque'), len(o.get('data') or {}), _age(o, now)]),
}


def table(kind, objects, now, include='Metadata', resource_version=''):
    columns, cells = COLUMNS.get(kind, ([_col('Age')], lambda o, n: [_age(o, n)]))
    rows = []
    for o in objects:
        row = {'cells': [o['metadata']['name']] + cells(o, now)}
        if include == 'Object':
            row['object'] = o
        elif include != 'None':
            row['object'] = {'kind': 'PartialObjectMetadata', 'apiVersion': 'meta.k8s.io/v1',
                             'metadata': o['metadata']}
        rows.append(row)
    return {'kind': 'Table', 'apiVersion': 'meta.k8s.io/v1', 'metadata': {'resourceVersion': resource_version},
            'columnDefinitions': [_col('Name', fmt='name')] + columns, 'rows': rows}
