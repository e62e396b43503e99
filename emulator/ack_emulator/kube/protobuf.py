"""Protobuf request bodies (``application/vnd.kubernetes.protobuf``), which kubectl's typed ``create`` subcommands send
(``kubectl create namespace|configmap|secret|serviceaccount|service|deployment``).

A body is ``k8s\\0`` + a ``runtime.Unknown`` message whose ``raw`` bytes are the object. Only the messages and fields
of those kinds are known (field numbers from k8s.io/api and apimachinery ``generated.proto``); other fields are
skipped. Go's encoder also writes empty strings, zero numbers and false, which JSON would omit: they are dropped
(``replicas`` keeps 0).
"""
import base64
import datetime

from .status import bad_request

MAGIC = b'k8s\x00'
STR, INT, BOOL, BYTES = 'string', 'int', 'bool', 'bytes'
KEEP_ZERO = ('replicas',)

SCHEMA = {
    'Unknown': {1: ('typeMeta', 'TypeMeta'), 2: ('raw', 'raw')},
    'TypeMeta': {1: ('apiVersion', STR), 2: ('kind', STR)},
    'ObjectMeta': {1: ('name', STR), 2: ('generateName', STR), 3: ('namespace', STR), 5: ('uid', STR),
                   6: ('resourceVersion', STR), 7: ('generation', INT), 8: ('creationTimestamp', 'Time'),
                   11: ('labels', 'map:string'), 12: ('annotations', 'map:string'),
                   13: ('ownerReferences', '[OwnerReference'), 14: ('finalizers', '[string')},
    'OwnerReference': {5: ('apiVersion', STR), 1: ('kind', STR), 3: ('name', STR), 4: ('uid', STR),
                       6: ('controller', BOOL), 7: ('blockOwnerDeletion', BOOL)},
    'Time': {1: ('seconds', INT), 2: ('nanos', INT)},
    'IntOrString': {1: ('type', INT), 2: ('intVal', INT), 3: ('strVal', STR)},
    'Quantity': {1: ('string', STR)},
    'LabelSelector': {1: ('matchLabels', 'map:string'), 2: ('matchExpressions', '[LabelSelectorRequirement')},
    'LabelSelectorRequirement': {1: ('key', STR), 2: ('operator', STR), 3: ('values', '[string')},
    'Namespace': {1: ('metadata', 'ObjectMeta'), 2: ('spec', 'NamespaceSpec')},
    'NamespaceSpec': {1: ('finalizers', '[string')},
    'ConfigMap': {1: ('metadata', 'ObjectMeta'), 2: ('data', 'map:string'), 3: ('binaryData', 'map:bytes'),
                  4: ('immutable', BOOL)},
    'Secret': {1: ('metadata', 'ObjectMeta'), 2: ('data', 'map:bytes'), 3: ('type', STR),
               4: ('stringData', 'map:string'), 5: ('immutable', BOOL)},
    'ServiceAccount': {1: ('metadata', 'ObjectMeta'), 2: ('secrets', '[ObjectReference'),
                       3: ('imagePullSecrets', '[LocalObjectReference'), 4: ('automountServiceAccountToken', BOOL)},
    'ObjectReference': {1: ('kind', STR), 2: ('namespace', STR), 3: ('name', STR), 4: ('uid', STR),
                        5: ('apiVersion', STR)},
    'LocalObjectReference': {1: ('name', STR)},
    'Service': {1: ('metadata', 'ObjectMeta'), 2: ('spec', 'ServiceSpec')},
    'ServiceSpec': {1: ('ports', '[ServicePort'), 2: ('selector', 'map:string'), 3: ('clusterIP', STR),
                    4: ('type', STR), 5: ('externalIPs', '[string'), 7: ('sessionAffinity', STR),
                    10: ('externalName', STR), 11: ('externalTrafficPolicy', STR), 17: ('ipFamilyPolicy', STR),
                    19: ('ipFamilies', '[string'), 22: ('internalTrafficPolicy', STR)},
    'ServicePort': {1: ('name', STR), 2: ('protocol', STR), 3: ('port', INT), 4: ('targetPort', 'IntOrString'),
                    5: ('nodePort', INT), 6: ('appProtocol', STR)},
    'Deployment': {1: ('metadata', 'ObjectMeta'), 2: ('spec', 'DeploymentSpec')},
    'DeploymentSpec': {1: ('replicas', INT), 2: ('selector', 'LabelSelector'), 3: ('template', 'PodTemplateSpec'),
                       4: ('strategy', 'DeploymentStrategy'), 5: ('minReadySeconds', INT),
                       6: ('revisionHistoryLimit', INT), 7: ('paused', BOOL), 9: ('progressDeadlineSeconds', INT)},
    'DeploymentStrategy': {1: ('type', STR), 2: ('rollingUpdate', 'RollingUpdateDeployment')},
    'RollingUpdateDeployment': {1: ('maxUnavailable', 'IntOrString'), 2: ('maxSurge', 'IntOrString')},
    'Pod': {1: ('metadata', 'ObjectMeta'), 2: ('spec', 'PodSpec')},
    'PodTemplateSpec': {1: ('metadata', 'ObjectMeta'), 2: ('spec', 'PodSpec')},
    'PodSpec': {2: ('containers', '[Container'), 20: ('initContainers', '[Container'), 3: ('restartPolicy', STR),
                4: ('terminationGracePeriodSeconds', INT), 6: ('dnsPolicy', STR), 7: ('nodeSelector', 'map:string'),
                8: ('serviceAccountName', STR), 10: ('nodeName', STR), 11: ('hostNetwork', BOOL),
                15: ('imagePullSecrets', '[LocalObjectReference'), 19: ('schedulerName', STR),
                22: ('tolerations', '[Toleration'), 24: ('priorityClassName', STR)},
    'Container': {1: ('name', STR), 2: ('image', STR), 3: ('command', '[string'), 4: ('args', '[string'),
                  5: ('workingDir', STR), 6: ('ports', '[ContainerPort'), 7: ('env', '[EnvVar'),
                  8: ('resources', 'ResourceRequirements'), 9: ('volumeMounts', '[VolumeMount'),
                  13: ('terminationMessagePath', STR), 14: ('imagePullPolicy', STR), 16: ('stdin', BOOL),
                  18: ('tty', BOOL), 20: ('terminationMessagePolicy', STR)},
    'ContainerPort': {1: ('name', STR), 2: ('hostPort', INT), 3: ('containerPort', INT), 4: ('protocol', STR)},
    'EnvVar': {1: ('name', STR), 2: ('value', STR)},
    'ResourceRequirements': {1: ('limits', 'map:Quantity'), 2: ('requests', 'map:Quantity')},
    'VolumeMount': {1: ('name', STR), 2: ('readOnly', BOOL), 3: ('mountPath', STR), 4: ('subPath', STR)},
    'DeleteOptions': {4: ('propagationPolicy', STR), 5: ('dryRun', '[string')},
    'Toleration': {1: ('key', STR), 2: ('operator', STR), 3: ('value', STR), 4: ('effect', STR),
                   5: ('tolerationSeconds', INT)},
}
ROOTS = ('Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Deployment', 'Pod', 'DeleteOptions')


def _varint(buf, i):
    shift = value = 0
    while True:
        if i >= len(buf):
            raise ValueError('truncated varint')
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _fields(buf):
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = buf[i:i + size], i + size
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError('unsupported wire type %d' % wire)
        yield number, value


def _scalar(kind, value):
    if kind == STR:
        return value.decode('utf-8')
    if kind == INT:
        return value - (1 << 64) if value >= 1 << 63 else value
    if kind == BOOL:
        return bool(value)
    if kind in (BYTES, 'raw'):
        return base64.b64encode(value).decode() if kind == BYTES else value
    msg = decode(value, kind)
    if kind == 'Time':
        seconds = msg.get('seconds')
        return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ') \
            if seconds else None
    if kind == 'IntOrString':
        return msg.get('strVal', '') if msg.get('type') == 1 else msg.get('intVal', 0)
    if kind == 'Quantity':
        return msg.get('string', '')
    return msg


def _empty(name, value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value == 0 and name not in KEEP_ZERO
    return value in ('', None, [], {})


def decode(buf, message):
    schema = SCHEMA[message]
    out = {}
    for number, value in _fields(buf):
        if number not in schema:
            continue
        name, kind = schema[number]
        if kind.startswith('map:'):
            entry = {n: v for n, v in _fields(value)}
            key = entry.get(1, b'').decode('utf-8')
            out.setdefault(name, {})[key] = _scalar(kind[4:], entry.get(2, b''))
        elif kind.startswith('['):
            out.setdefault(name, []).append(_scalar(kind[1:], value))
        else:
            out[name] = _scalar(kind, value)
    return {k: v for k, v in out.items() if not _empty(k, v)}


def parse(raw):
    """A protobuf request body as the JSON object it stands for."""
    if not raw.startswith(MAGIC):
        raise bad_request('the protobuf body does not start with the Kubernetes magic number')
    try:
        envelope = decode(raw[len(MAGIC):], 'Unknown')
        type_meta = envelope.get('typeMeta') or {}
        kind = type_meta.get('kind')
        if kind not in ROOTS:
            raise bad_request('protobuf bodies of kind %s are not supported here; send JSON' % kind)
        body = decode(envelope.get('raw', b''), kind)
    except (ValueError, UnicodeDecodeError, IndexError) as e:
        raise bad_request('the protobuf body cannot be decoded: %s' % e)
    out = {'apiVersion': type_meta.get('apiVersion'), 'kind': kind}
    out.update(body)
    return out
