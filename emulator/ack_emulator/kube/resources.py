"""The kinds served, and the discovery documents that describe them (``/api``, ``/apis``, resource lists)."""
import hashlib

RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
RO = ['get', 'list', 'watch']
SUB_RW = ['get', 'patch', 'update']
METRICS = 'metrics.k8s.io/v1beta1'


class Kind:
    def __init__(self, plural, kind, versions, namespaced=True, short=(), verbs=None, sub=None, categories=(),
                 virtual=False):
        self.plural = plural
        self.kind = kind
        self.versions = list(versions)       # group/version strings, the first one is the storage version
        self.namespaced = namespaced
        self.short = list(short)
        self.verbs = verbs or RW
        self.sub = dict(sub or {})           # subresource -> (verbs, kind, group, version)
        self.categories = list(categories)
        self.virtual = virtual               # computed from ACK documents, not stored

    @property
    def group(self):
        return group_of(self.versions[0])

    def resource(self, gv):
        out = {'name': self.plural, 'singularName': self.kind.lower(), 'namespaced': self.namespaced,
               'kind': self.kind, 'verbs': list(self.verbs)}
        if self.short and gv == self.versions[0]:  # the legacy group repeats neither (kubectl would warn)
            out['shortNames'] = list(self.short)
        if self.categories and gv == self.versions[0]:
            out['categories'] = list(self.categories)
        out['storageVersionHash'] = hashlib.sha256(('%s/%s' % (gv, self.plural)).encode()).hexdigest()[:11]
        return out


def group_of(gv):
    return gv.split('/', 1)[0] if '/' in gv else ''


SCALE = (SUB_RW, 'Scale', 'autoscaling', 'v1')
KINDS = [
    Kind('namespaces', 'Namespace', ['v1'], namespaced=False, short=['ns'],
         verbs=['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
         sub={'status': (SUB_RW, 'Namespace', '', '')}),
    Kind('pods', 'Pod', ['v1'], short=['po'], categories=['all'],
         sub={'log': (['get'], 'Pod', '', ''), 'status': (SUB_RW, 'Pod', '', '')}),
    Kind('nodes', 'Node', ['v1'], namespaced=False, short=['no'], verbs=RO, virtual=True,
         sub={'status': (['get'], 'Node', '', '')}),
    Kind('services', 'Service', ['v1'], short=['svc'], categories=['all'],
         verbs=['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
         sub={'status': (SUB_RW, 'Service', '', '')}),
    Kind('configmaps', 'ConfigMap', ['v1'], short=['cm']),
    Kind('secrets', 'Secret', ['v1']),
    Kind('serviceaccounts', 'ServiceAccount', ['v1'], short=['sa']),
    Kind('events', 'Event', ['v1'], short=['ev']),
    Kind('deployments', 'Deployment', ['apps/v1', 'extensions/v1beta1'], short=['deploy'], categories=['all'],
         sub={'scale': SCALE, 'status': (SUB_RW, 'Deployment', '', '')}),
    Kind('replicasets', 'ReplicaSet', ['apps/v1', 'extensions/v1beta1'], short=['rs'], categories=['all'],
         sub={'scale': SCALE, 'status': (SUB_RW, 'ReplicaSet', '', '')}),
    Kind('nodes', 'NodeMetrics', [METRICS], namespaced=False, verbs=['get', 'list'], virtual=True),
    Kind('pods', 'PodMetrics', [METRICS], verbs=['get', 'list'], virtual=True),
]
PREFERRED = {'': 'v1', 'apps': 'v1', 'extensions': 'v1beta1', 'metrics.k8s.io': 'v1beta1'}


def group_versions(metrics=True):
    out = []
    for k in KINDS:
        for gv in k.versions:
            if gv not in out and (metrics or gv != METRICS):
                out.append(gv)
    return out


def find(gv, plural):
    return next((k for k in KINDS if gv in k.versions and k.plural == plural), None)


def by_kind(kind):
    return next((k for k in KINDS if k.kind == kind and not k.virtual), None)


# -- discovery documents ---------------------------------------------------------------------------------------
def api_versions():
    return {'kind': 'APIVersions', 'versions': ['v1'],
            'serverAddressByClientCIDRs': [{'clientCIDR': '0.0.0.0/0', 'serverAddress': '127.0.0.1:6443'}]}


def _group(name, metrics):
    versions = [gv for gv in group_versions(metrics) if group_of(gv) == name]
    pref = '%s/%s' % (name, PREFERRED[name])
    return {'name': name, 'versions': [{'groupVersion': gv, 'version': gv.split('/')[1]} for gv in versions],
            'preferredVersion': {'groupVersion': pref, 'version': PREFERRED[name]}}


def group_names(metrics):
    out = []
    for gv in group_versions(metrics):
        if group_of(gv) and group_of(gv) not in out:
            out.append(group_of(gv))
    return out


def api_group_list(metrics):
    return {'kind': 'APIGroupList', 'apiVersion': 'v1', 'groups': [_group(g, metrics) for g in group_names(metrics)]}


def api_group(name, metrics):
    if name not in group_names(metrics):
        return None
    out = _group(name, metrics)
    out.update({'kind': 'APIGroup', 'apiVersion': 'v1'})
    return out


def resource_list(gv, metrics):
    if gv not in group_versions(metrics):
        return None
    resources = []
    for k in KINDS:
        if gv not in k.versions:
            continue
        resources.append(k.resource(gv))
        for name, (verbs, kind, group, version) in sorted(k.sub.items()):
            sub = {'name': '%s/%s' % (k.plural, name), 'singularName': '', 'namespaced': k.namespaced,
                   'kind': kind, 'verbs': list(verbs)}
            if group:
                sub.update({'group': group, 'version': version})
            resources.append(sub)
    return {'kind': 'APIResourceList', 'apiVersion': 'v1', 'groupVersion': gv, 'resources': resources}


def version_info(cluster):
    """``/version`` from the cluster's current Kubernetes version (``1.30.1-aliyun.1``)."""
    version = cluster.get('current_version') or cluster.get('init_version') or '1.30.1-aliyun.1'
    core = version.split('-', 1)[0].split('.')
    major = core[0] if core else '1'
    minor = core[1] if len(core) > 1 else '0'
    return {'major': major, 'minor': minor, 'gitVersion': 'v' + version,
            'gitCommit': hashlib.sha1(version.encode()).hexdigest(), 'gitTreeState': 'clean',
            'buildDate': '2024-06-01T00:00:00Z', 'goVersion': 'go1.22.5', 'compiler': 'gc',
            'platform': 'linux/amd64'}
