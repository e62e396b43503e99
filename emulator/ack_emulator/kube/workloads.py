"""What the control plane does with the stored kinds: validation and defaults (``prepare``), the deployment and
replica set controllers, the scheduler (pods go to ready ACK nodes whose taints they tolerate) and cascading
deletes. Pods start ``Running`` at once when a node takes them, ``Pending`` (Unschedulable) otherwise.
"""
import copy
import hashlib
import ipaddress
import json
import random
import re

from .nodes import is_ready
from .objects import SYSTEM_NAMESPACES, selector_matcher, suffix, timestamp
from .status import KubeError, field_error, invalid

SUBDOMAIN = re.compile(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')
LABEL = re.compile(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')
SUBDOMAIN_TEXT = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_TEXT = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
              "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
              "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DEFAULT_TOLERATIONS = [
    {'key': 'node.kubernetes.io/not-ready', 'operator': 'Exists', 'effect': 'NoExecute', 'tolerationSeconds': 300},
    {'key': 'node.kubernetes.io/unreachable', 'operator': 'Exists', 'effect': 'NoExecute', 'tolerationSeconds': 300}]
HASH_LABEL = 'pod-template-hash'
REVISION = 'deployment.kubernetes.io/revision'


def check_name(meta, label=False, errors=None):
    errors = [] if errors is None else errors
    name = meta.get('name')
    if not name:
        errors.append(field_error('metadata.name', 'Required', 'name or generateName is required'))
    elif len(name) > (63 if label else 253) or not (LABEL if label else SUBDOMAIN).match(name):
        errors.append(field_error('metadata.name', 'Invalid', LABEL_TEXT if label else SUBDOMAIN_TEXT, name))
    return errors


def _labels_ok(meta, path, errors):
    for key, value in (meta.get('labels') or {}).items():
        if not isinstance(value, str) or len(value) > 63 or (value and not re.match(
                r'^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', value)):
            errors.append(field_error('%s.labels' % path, 'Invalid', "a valid label must be an empty string or "
                                      "consist of alphanumeric characters, '-', '_' or '.'", value))


# -- pod specs ----------------------------------------------------------------------------------------------
def pod_spec_errors(spec, path):
    errors = []
    if not isinstance(spec, dict):
        return [field_error(path, 'Required')]
    containers = spec.get('containers')
    if not containers or not isinstance(containers, list):
        errors.append(field_error(path + '.containers', 'Required'))
        containers = []
    seen = set()
    for i, c in enumerate(list(containers) + list(spec.get('initContainers') or [])):
        where = '%s.%s[%d]' % (path, 'containers' if i < len(containers) else 'initContainers',
                               i if i < len(containers) else i - len(containers))
        if not isinstance(c, dict):
            errors.append(field_error(where, 'Invalid', 'must be an object', c))
            continue
        name = c.get('name')
        if not name:
            errors.append(field_error(where + '.name', 'Required'))
        elif not isinstance(name, str) or not LABEL.match(name) or len(name) > 63:
            errors.append(field_error(where + '.name', 'Invalid', LABEL_TEXT, name))
        elif name in seen:
            errors.append(field_error(where + '.name', 'Duplicate', value=name))
        seen.add(name)
        if not c.get('image') or not isinstance(c.get('image'), str):
            errors.append(field_error(where + '.image', 'Required'))
        for j, p in enumerate(c.get('ports') or []):
            port = p.get('containerPort') if isinstance(p, dict) else None
            if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
                errors.append(field_error('%s.ports[%d].containerPort' % (where, j), 'Invalid',
                                          'must be between 1 and 65535, inclusive', port))
    policy = spec.get('restartPolicy')
    if policy is not None and policy not in ('Always', 'OnFailure', 'Never'):
        errors.append(field_error(path + '.restartPolicy', 'NotSupported',
                                  'supported values: "Always", "OnFailure", "Never"', policy))
    return errors


def _pull_policy(image):
    tail = image.rsplit('/', 1)[-1]
    return 'Always' if ':' not in tail or tail.endswith(':latest') else 'IfNotPresent'


def default_pod_spec(spec):
    spec.setdefault('restartPolicy', 'Always')
    spec.setdefault('terminationGracePeriodSeconds', 30)
    spec.setdefault('dnsPolicy', 'ClusterFirst')
    spec.setdefault('securityContext', {})
    spec.setdefault('schedulerName', 'default-scheduler')
    for c in list(spec.get('containers') or []) + list(spec.get('initContainers') or []):
        c.setdefault('resources', {})
        c.setdefault('terminationMessagePath', '/dev/termination-log')
        c.setdefault('terminationMessagePolicy', 'File')
        c.setdefault('imagePullPolicy', _pull_policy(c.get('image') or ''))
        for p in c.get('ports') or []:
            p.setdefault('protocol', 'TCP')
    return spec


# -- the scheduler ---------------------------------------------------------------------------------------------
def _tolerates(tolerations, taint):
    for t in tolerations or []:
        if t.get('effect') and t.get('effect') != taint.get('effect'):
            continue
        if t.get('operator') == 'Exists' and (not t.get('key') or t.get('key') == taint.get('key')):
            return True
        if t.get('key') == taint.get('key') and (t.get('value') or '') == (taint.get('value') or ''):
            return True
    return False


def _fits(pod, node):
    if not is_ready(node) or node['spec'].get('unschedulable'):
        return False
    spec = pod['spec']
    for taint in node['spec'].get('taints') or []:
        if taint.get('effect') in ('NoSchedule', 'NoExecute') and not _tolerates(spec.get('tolerations'), taint):
            return False
    labels = node['metadata'].get('labels') or {}
    return all(labels.get(k) == v for k, v in (spec.get('nodeSelector') or {}).items())


def _pod_ip(objs):
    try:
        net = ipaddress.ip_network(objs.cluster.get('container_cidr') or '172.20.0.0/16')
        return str(net.network_address + random.randint(2, max(2, net.num_addresses - 2)))
    except ValueError:
        return '172.20.%d.%d' % (random.randint(0, 255), random.randint(2, 254))


def schedule(objs, pod):
    """Bind ``pod`` to a node and make it Running, or leave it Pending with the reason; True when it changed."""
    spec, status = pod['spec'], pod.setdefault('status', {})
    if spec.get('nodeName') and status.get('phase') == 'Running':
        return False
    nodes = objs.nodes()
    by_name = {n['metadata']['name']: n for n in nodes}
    node = by_name.get(spec.get('nodeName')) if spec.get('nodeName') else None
    if node is None:
        fits = [n for n in nodes if _fits(pod, n)]
        if fits:
            load = {}
            for p in objs.list('pods'):
                load[p['spec'].get('nodeName')] = load.get(p['spec'].get('nodeName'), 0) + 1
            node = min(fits, key=lambda n: (load.get(n['metadata']['name'], 0), n['metadata']['name']))
    if node is None or not is_ready(node):
        why = ('%d node(s) were not ready or had untolerated taints' % len(nodes)) if nodes \
            else 'no nodes available to schedule pods'
        message = '0/%d nodes are available: %s.' % (len(nodes), why)
        pending = {'phase': 'Pending', 'qosClass': _qos(spec),
                   'conditions': [{'type': 'PodScheduled', 'status': 'False', 'lastProbeTime': None,
                                   'lastTransitionTime': (status.get('conditions') or [{}])[0].get('lastTransitionTime')
                                   or timestamp(objs.now), 'reason': 'Unschedulable', 'message': message}]}
        changed = pending != status
        pod['status'] = pending
        return changed
    spec['nodeName'] = node['metadata']['name']
    host_ip = next((a['address'] for a in node['status']['addresses'] if a['type'] == 'InternalIP'), '')
    now = timestamp(objs.now)
    ip = _pod_ip(objs)
    conditions = [{'type': t, 'status': 'True', 'lastProbeTime': None, 'lastTransitionTime': now}
                  for t in ('PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled')]
    pod['status'] = {'phase': 'Running', 'conditions': conditions, 'hostIP': host_ip, 'hostIPs': [{'ip': host_ip}],
                     'podIP': ip, 'podIPs': [{'ip': ip}], 'startTime': now, 'qosClass': _qos(spec),
                     'containerStatuses': [_container_status(c, now) for c in spec.get('containers') or []]}
    return True


def _container_status(c, now):
    image = c.get('image') or ''
    full = image if '/' in image.split(':')[0] and '.' in image.split('/')[0] else 'docker.io/library/' + image \
        if '/' not in image else 'docker.io/' + image
    digest = hashlib.sha256(image.encode()).hexdigest()
    return {'name': c.get('name'), 'state': {'running': {'startedAt': now}}, 'lastState': {}, 'ready': True,
            'restartCount': 0, 'image': full, 'imageID': '%s@sha256:%s' % (full.split(':')[0], digest),
            'containerID': 'containerd://' + hashlib.sha256((c.get('name', '') + now).encode()).hexdigest(),
            'started': True}


def _qos(spec):
    res = [c.get('resources') or {} for c in spec.get('containers') or []]
    if not any(r.get('requests') or r.get('limits') for r in res):
        return 'BestEffort'
    if all(r.get('limits') and set(r['limits']) >= {'cpu', 'memory'} and (r.get('requests') or r['limits'])
           == r['limits'] for r in res):
        return 'Guaranteed'
    return 'Burstable'


# -- namespaces ---------------------------------------------------------------------------------------------
def prepare_namespace(objs, obj, old):
    if old is None:
        errors = check_name(obj['metadata'], label=True)
        if errors:
            raise invalid('Namespace', obj['metadata'].get('name', ''), errors)
    obj['metadata'].setdefault('labels', {})['kubernetes.io/metadata.name'] = obj['metadata']['name']
    obj['spec'] = {'finalizers': ['kubernetes']}
    obj['status'] = {'phase': 'Active'}
    return obj


def delete_namespace(objs, obj, kinds):
    name = obj['metadata']['name']
    if name in SYSTEM_NAMESPACES:
        raise KubeError(403, 'Forbidden', 'namespaces "%s" is forbidden: this namespace may not be deleted' % name,
                        {'name': name, 'kind': 'namespaces'})
    for kind in kinds:
        if kind.namespaced and not kind.virtual:
            for o in objs.list(kind.plural, name):
                objs.delete(kind.plural, name, o['metadata']['name'])


def seed(objs):
    """The namespaces every cluster starts with (once per cluster)."""
    if objs.meta.get('seeded'):
        return
    created = objs.cluster.get('_created_at') or objs.now
    for name in SYSTEM_NAMESPACES:
        if objs.get('namespaces', '', name) is None:
            meta = objs.new_metadata({'name': name})
            meta['creationTimestamp'] = timestamp(created)
            objs.put('namespaces', prepare_namespace(objs, {'apiVersion': 'v1', 'kind': 'Namespace',
                                                            'metadata': meta}, None))
    objs.meta['seeded'] = True
    objs.save_meta()


# -- pods -----------------------------------------------------------------------------------------------------
MUTABLE_POD_FIELDS = ('containers', 'initContainers', 'activeDeadlineSeconds', 'tolerations')


def prepare_pod(objs, obj, old):
    name = obj['metadata'].get('name', '')
    errors = check_name(obj['metadata']) + pod_spec_errors(obj.get('spec'), 'spec')
    _labels_ok(obj['metadata'], 'metadata', errors)
    if errors:
        raise invalid('Pod', name, errors)
    spec = default_pod_spec(obj['spec'])
    if old is None:
        spec.setdefault('serviceAccountName', 'default')
        spec.setdefault('serviceAccount', spec['serviceAccountName'])
        spec.setdefault('enableServiceLinks', True)
        spec.setdefault('priority', 0)
        spec.setdefault('preemptionPolicy', 'PreemptLowerPriority')
        spec['tolerations'] = list(spec.get('tolerations') or []) + [
            t for t in DEFAULT_TOLERATIONS if t not in (spec.get('tolerations') or [])]
        obj['status'] = {}
        schedule(objs, obj)
        return obj
    before = {k: v for k, v in old['spec'].items() if k not in MUTABLE_POD_FIELDS}
    after = {k: v for k, v in spec.items() if k not in MUTABLE_POD_FIELDS}
    strip = [dict(c, image=None) for c in old['spec'].get('containers') or []]
    if before != after or strip != [dict(c, image=None) for c in spec.get('containers') or []]:
        raise invalid('Pod', name, [field_error('spec', 'Forbidden', 'pod updates may not change fields other than '
                                                '`spec.containers[*].image`,`spec.initContainers[*].image`,'
                                                '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to '
                                                'existing tolerations),`spec.terminationGracePeriodSeconds`')])
    obj['status'] = copy.deepcopy(old.get('status') or {})
    now = timestamp(objs.now)
    for cs in obj['status'].get('containerStatuses') or []:
        new = next((c for c in spec['containers'] if c.get('name') == cs.get('name')), None)
        if new is not None and _container_status(new, now)['image'] != cs.get('image'):
            fresh = _container_status(new, now)
            cs.update(image=fresh['image'], imageID=fresh['imageID'], containerID=fresh['containerID'],
                      restartCount=cs.get('restartCount', 0) + 1, state=fresh['state'])
    return obj


# -- deployments and replica sets -----------------------------------------------------------------------------
def _replicas(spec):
    value = spec.get('replicas', 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _workload_errors(obj, old, kind, legacy):
    meta, spec = obj['metadata'], obj.get('spec')
    errors = check_name(meta)
    _labels_ok(meta, 'metadata', errors)
    if not isinstance(spec, dict):
        return errors + [field_error('spec', 'Required')]
    template = spec.get('template') if isinstance(spec.get('template'), dict) else {}
    tlabels = (template.get('metadata') or {}).get('labels') or {}
    if legacy and not spec.get('selector') and tlabels:
        spec['selector'] = {'matchLabels': dict(tlabels)}
    selector = spec.get('selector')
    if not selector:
        errors.append(field_error('spec.selector', 'Required'))
    elif not (selector.get('matchLabels') or selector.get('matchExpressions')):
        errors.append(field_error('spec.selector', 'Invalid', 'empty selector is invalid for %s' % kind.lower(),
                                  selector))
    elif not selector_matcher(selector)(tlabels):
        errors.append(field_error('spec.template.metadata.labels', 'Invalid',
                                  '`selector` does not match template `labels`', tlabels))
    if old is not None and not legacy and selector and selector != old['spec'].get('selector'):
        errors.append(field_error('spec.selector', 'Invalid', 'field is immutable', selector))
    if _replicas(spec) < 0:
        errors.append(field_error('spec.replicas', 'Invalid', 'must be greater than or equal to 0',
                                  spec.get('replicas')))
    errors += pod_spec_errors(template.get('spec'), 'spec.template.spec')
    return errors


def _default_template(spec):
    template = spec['template']
    template.setdefault('metadata', {})
    template['metadata'].setdefault('creationTimestamp', None)
    default_pod_spec(template['spec'])


def prepare_deployment(objs, obj, old, legacy=False):
    errors = _workload_errors(obj, old, 'Deployment', legacy)
    if errors:
        raise invalid('Deployment', obj['metadata'].get('name', ''), errors, 'apps')
    spec = obj['spec']
    spec.setdefault('replicas', 1)
    spec.setdefault('revisionHistoryLimit', 10)
    spec.setdefault('progressDeadlineSeconds', 600)
    strategy = spec.setdefault('strategy', {})
    strategy.setdefault('type', 'RollingUpdate')
    if strategy['type'] == 'RollingUpdate':
        strategy.setdefault('rollingUpdate', {}).setdefault('maxUnavailable', '25%')
        strategy['rollingUpdate'].setdefault('maxSurge', '25%')
    _default_template(spec)
    _generation(obj, old)
    obj['status'] = copy.deepcopy((old or {}).get('status') or {})
    return obj


def prepare_replicaset(objs, obj, old, legacy=False):
    errors = _workload_errors(obj, old, 'ReplicaSet', legacy)
    if errors:
        raise invalid('ReplicaSet', obj['metadata'].get('name', ''), errors, 'apps')
    obj['spec'].setdefault('replicas', 1)
    _default_template(obj['spec'])
    _generation(obj, old)
    obj['status'] = copy.deepcopy((old or {}).get('status') or {'replicas': 0})
    return obj


def _generation(obj, old):
    if old is None:
        obj['metadata']['generation'] = 1
    else:
        gen = old['metadata'].get('generation', 1)
        obj['metadata']['generation'] = gen + 1 if obj['spec'] != old['spec'] else gen


def _owned(objs, plural, owner):
    uid = owner['metadata']['uid']
    return [o for o in objs.list(plural, owner['metadata'].get('namespace'))
            if any(r.get('uid') == uid and r.get('controller') for r in o['metadata'].get('ownerReferences') or [])]


def _owner_ref(kind, obj):
    return {'apiVersion': 'apps/v1', 'kind': kind, 'name': obj['metadata']['name'], 'uid': obj['metadata']['uid'],
            'controller': True, 'blockOwnerDeletion': True}


def template_hash(template):
    text = json.dumps(template, sort_keys=True, separators=(',', ':'))
    return suffix(10, text)


def _save(objs, plural, obj, before):
    if obj != before:
        objs.put(plural, obj)


def _pod_ready(pod):
    return any(c.get('type') == 'Ready' and c.get('status') == 'True'
               for c in (pod.get('status') or {}).get('conditions') or [])


def reconcile_replicaset(objs, rs):
    before = copy.deepcopy(rs)
    pods = sorted(_owned(objs, 'pods', rs), key=lambda p: (p['metadata']['creationTimestamp'], p['metadata']['name']))
    want = rs['spec'].get('replicas', 1)
    ns = rs['metadata']['namespace']
    for _ in range(want - len(pods)):
        template = rs['spec']['template']
        name = rs['metadata']['name'] + '-' + suffix(5)
        while objs.get('pods', ns, name) is not None:
            name = rs['metadata']['name'] + '-' + suffix(5)
        meta = objs.new_metadata({'name': name, 'generateName': rs['metadata']['name'] + '-',
                                  'labels': dict((template.get('metadata') or {}).get('labels') or {}),
                                  'ownerReferences': [_owner_ref('ReplicaSet', rs)]}, ns)
        annotations = (template.get('metadata') or {}).get('annotations')
        if annotations:
            meta['annotations'] = dict(annotations)
        pod = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': meta, 'spec': copy.deepcopy(template['spec'])}
        pods.append(objs.put('pods', prepare_pod(objs, pod, None)))
    for pod in reversed(pods[want:] if want < len(pods) else []):
        objs.delete('pods', ns, pod['metadata']['name'])
    pods = pods[:want]
    ready = len([p for p in pods if _pod_ready(p)])
    status = {'replicas': len(pods), 'fullyLabeledReplicas': len(pods), 'readyReplicas': ready,
              'availableReplicas': ready, 'observedGeneration': rs['metadata'].get('generation', 1)}
    rs['status'] = {k: v for k, v in status.items() if v or k in ('replicas', 'observedGeneration')}
    _save(objs, 'replicasets', rs, before)
    return pods


def _max_unavailable(dep, desired):
    value = ((dep['spec'].get('strategy') or {}).get('rollingUpdate') or {}).get('maxUnavailable', '25%')
    if isinstance(value, str) and value.endswith('%'):
        try:
            return desired * int(value[:-1]) // 100
        except ValueError:
            return 0
    return value if isinstance(value, int) else 0


def _condition(old, ctype, status, reason, message, now):
    prev = next((c for c in old if c.get('type') == ctype), None)
    if prev and prev.get('status') == status and prev.get('reason') == reason and prev.get('message') == message:
        return prev
    since = prev['lastTransitionTime'] if prev and prev.get('status') == status else now
    return {'type': ctype, 'status': status, 'lastUpdateTime': now, 'lastTransitionTime': since, 'reason': reason,
            'message': message}


def reconcile_deployment(objs, dep):
    before = copy.deepcopy(dep)
    ns, name = dep['metadata']['namespace'], dep['metadata']['name']
    spec = dep['spec']
    template = copy.deepcopy(spec['template'])
    pod_hash = template_hash(template)
    owned = _owned(objs, 'replicasets', dep)
    revisions = [int((r['metadata'].get('annotations') or {}).get(REVISION, '0') or 0) for r in owned]
    current = next((r for r in owned if r['metadata']['name'] == '%s-%s' % (name, pod_hash)), None)
    desired = spec.get('replicas', 1)
    if current is None:
        template['metadata'].setdefault('labels', {})[HASH_LABEL] = pod_hash
        selector = copy.deepcopy(spec['selector'])
        selector.setdefault('matchLabels', {})[HASH_LABEL] = pod_hash
        meta = objs.new_metadata({'name': '%s-%s' % (name, pod_hash), 'labels': dict(template['metadata']['labels']),
                                  'annotations': {REVISION: str(max(revisions + [0]) + 1),
                                                  'deployment.kubernetes.io/desired-replicas': str(desired)},
                                  'ownerReferences': [_owner_ref('Deployment', dep)]}, ns)
        current = {'apiVersion': 'apps/v1', 'kind': 'ReplicaSet', 'metadata': meta,
                   'spec': {'replicas': desired, 'selector': selector, 'template': template}}
        current = objs.put('replicasets', prepare_replicaset(objs, current, None))
        owned.append(current)
    latest = max(revisions + [0])
    pods = []
    for rs in owned:
        rs_before = copy.deepcopy(rs)
        want = desired if rs is current else 0
        rs['spec']['replicas'] = want
        annotations = rs['metadata'].setdefault('annotations', {})
        if rs is current:
            if int(annotations.get(REVISION, '0') or 0) < latest:
                annotations[REVISION] = str(latest + 1)
            annotations['deployment.kubernetes.io/desired-replicas'] = str(desired)
        if rs['spec'] != rs_before['spec']:
            rs['metadata']['generation'] = rs['metadata'].get('generation', 1) + 1
        _save(objs, 'replicasets', rs, rs_before)
        pods += [(rs is current, p) for p in reconcile_replicaset(objs, rs)]
    history = sorted((r for r in owned if r is not current and not r['spec']['replicas']),
                     key=lambda r: int((r['metadata'].get('annotations') or {}).get(REVISION, '0') or 0))
    limit = spec.get('revisionHistoryLimit', 10)
    for rs in history[:max(0, len(history) - limit)]:
        objs.delete('replicasets', ns, rs['metadata']['name'])
    dep['metadata'].setdefault('annotations', {})[REVISION] = \
        current['metadata']['annotations'][REVISION]
    total, updated = len(pods), len([p for cur, p in pods if cur])
    ready = len([p for _c, p in pods if _pod_ready(p)])
    now = timestamp(objs.now)
    old_conditions = (dep.get('status') or {}).get('conditions') or []
    available = ready >= desired - _max_unavailable(dep, desired)
    rs_name = current['metadata']['name']
    done = updated == desired and ready == desired and total == desired
    progress = ('ReplicaSet "%s" has successfully progressed.' if done else 'ReplicaSet "%s" is progressing.') % rs_name
    conditions = [
        _condition(old_conditions, 'Available', 'True' if available else 'False',
                   'MinimumReplicasAvailable' if available else 'MinimumReplicasUnavailable',
                   'Deployment has minimum availability.' if available
                   else 'Deployment does not have minimum availability.', now),
        _condition(old_conditions, 'Progressing', 'True', 'NewReplicaSetAvailable' if done else 'ReplicaSetUpdated',
                   progress, now)]
    status = {'observedGeneration': dep['metadata'].get('generation', 1), 'replicas': total,
              'updatedReplicas': updated, 'readyReplicas': ready, 'availableReplicas': ready,
              'unavailableReplicas': max(0, desired - ready), 'conditions': conditions}
    dep['status'] = {k: v for k, v in status.items() if v or k == 'observedGeneration'}
    _save(objs, 'deployments', dep, before)


def delete_owned(objs, obj, orphan=False):
    """Cascade to what ``obj`` controls (replica sets, pods); ``orphan`` keeps them without the owner reference."""
    for plural in ('replicasets', 'pods'):
        for child in _owned(objs, plural, obj):
            if orphan:
                child['metadata']['ownerReferences'] = [r for r in child['metadata']['ownerReferences']
                                                        if r.get('uid') != obj['metadata']['uid']]
                objs.put(plural, child)
            else:
                delete_owned(objs, child)
                objs.delete(plural, child['metadata']['namespace'], child['metadata']['name'])


def controllers(objs):
    """Run the controllers over every workload (after writes and when the nodes changed)."""
    for pod in objs.list('pods'):
        node = pod['spec'].get('nodeName')
        if node and node not in {n['metadata']['name'] for n in objs.nodes()}:
            objs.delete('pods', pod['metadata']['namespace'], pod['metadata']['name'])  # its node is gone
        elif not node:
            before = copy.deepcopy(pod)
            schedule(objs, pod)
            _save(objs, 'pods', pod, before)
    for dep in objs.list('deployments'):
        reconcile_deployment(objs, dep)
    for rs in objs.list('replicasets'):
        if not any(r.get('controller') for r in rs['metadata'].get('ownerReferences') or []):
            reconcile_replicaset(objs, rs)


def settle(objs):
    """Namespaces on first use; the controllers again when the ACK nodes changed (scale out, removal, ready)."""
    seed(objs)
    fingerprint = hashlib.sha256(json.dumps(
        [(n['metadata']['name'], is_ready(n), n['spec'].get('taints'), n['spec'].get('unschedulable'))
         for n in objs.nodes()], sort_keys=True).encode()).hexdigest()
    if objs.meta.get('nodes') != fingerprint:
        controllers(objs)
        objs.meta['nodes'] = fingerprint
        objs.save_meta()


# -- services -------------------------------------------------------------------------------------------------
def prepare_service(objs, obj, old):
    errors = check_name(obj['metadata'], label=True)
    spec = obj.setdefault('spec', {})
    stype = spec.setdefault('type', 'ClusterIP')
    if stype not in ('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'):
        errors.append(field_error('spec.type', 'NotSupported', 'supported values: "ClusterIP", "ExternalName", '
                                  '"LoadBalancer", "NodePort"', stype))
    ports = spec.get('ports') or []
    if not ports and stype != 'ExternalName':
        errors.append(field_error('spec.ports', 'Required'))
    for i, p in enumerate(ports):
        if not isinstance(p, dict) or not isinstance(p.get('port'), int) or not 0 < p['port'] < 65536:
            errors.append(field_error('spec.ports[%d].port' % i, 'Invalid', 'must be between 1 and 65535, inclusive',
                                      p.get('port') if isinstance(p, dict) else p))
    if errors:
        raise invalid('Service', obj['metadata'].get('name', ''), errors)
    for p in ports:
        p.setdefault('protocol', 'TCP')
        p.setdefault('targetPort', p['port'])
        if stype in ('NodePort', 'LoadBalancer'):
            p.setdefault('nodePort', 30000 + int(hashlib.sha256(obj['metadata']['name'].encode()).hexdigest(), 16)
                         % 2767)
    spec.setdefault('sessionAffinity', 'None')
    if stype != 'ExternalName':
        ip = (old or {}).get('spec', {}).get('clusterIP') or spec.get('clusterIP') or _service_ip(objs)
        spec['clusterIP'] = ip
        spec['clusterIPs'] = [ip]
        spec.setdefault('ipFamilies', ['IPv4'])
        spec.setdefault('ipFamilyPolicy', 'SingleStack')
        spec.setdefault('internalTrafficPolicy', 'Cluster')
    status = {'loadBalancer': {}}
    if stype == 'LoadBalancer':
        seed_text = objs.cid + obj['metadata']['name']
        digest = hashlib.sha256(seed_text.encode()).digest()
        status['loadBalancer'] = {'ingress': [{'ip': '47.%d.%d.%d' % (digest[0], digest[1], digest[2] or 1),
                                               'ipMode': 'VIP'}]}
        spec.setdefault('externalTrafficPolicy', 'Cluster')
    obj['status'] = status
    return obj


def _service_ip(objs):
    try:
        net = ipaddress.ip_network(objs.cluster.get('service_cidr') or '172.21.0.0/20')
    except ValueError:
        net = ipaddress.ip_network('172.21.0.0/20')
    used = {s['spec'].get('clusterIP') for s in objs.list('services')}
    for _ in range(1000):
        ip = str(net.network_address + random.randint(11, max(11, net.num_addresses - 2)))
        if ip not in used:
            return ip
    return str(net.network_address + 10)


def prepare_generic(objs, obj, old):
    errors = check_name(obj['metadata'])
    if errors:
        raise invalid(obj.get('kind') or 'Object', obj['metadata'].get('name', ''), errors)
    if obj.get('kind') == 'Secret':
        obj.setdefault('type', 'Opaque')
    return obj


PREPARE = {'namespaces': prepare_namespace, 'pods': prepare_pod, 'deployments': prepare_deployment,
           'replicasets': prepare_replicaset, 'services': prepare_service}
