"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and Kubernetes' strategic merge patch.

The strategic merge knows the merge keys of the lists of the built-in kinds served here, by field name.
"""
import copy

from .status import KubeError, bad_request

MERGE_PATCH = 'application/merge-patch+json'
STRATEGIC = 'application/strategic-merge-patch+json'
JSON_PATCH = 'application/json-patch+json'
APPLY = 'application/apply-patch+yaml'
TYPES = (JSON_PATCH, MERGE_PATCH, APPLY, STRATEGIC)

MERGE_KEYS = {'containers': 'name', 'initContainers': 'name', 'ephemeralContainers': 'name', 'env': 'name',
              'volumes': 'name', 'volumeMounts': 'mountPath', 'volumeDevices': 'devicePath',
              'imagePullSecrets': 'name', 'hostAliases': 'ip', 'conditions': 'type', 'ownerReferences': 'uid',
              'topologySpreadConstraints': 'topologyKey', 'taints': 'key', 'addresses': 'type'}
MERGED_PRIMITIVES = ('finalizers',)


def unsupported_media_type(content_type):
    if not content_type:
        return bad_request('missing content type')
    return KubeError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media '
                     'types include: %s' % ', '.join(TYPES), {})


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


# -- strategic merge patch ---------------------------------------------------------------------------------
def _list_key(field, items):
    key = MERGE_KEYS.get(field)
    if field == 'ports':
        sample = next((i for i in items if isinstance(i, dict)), {})
        key = 'containerPort' if 'containerPort' in sample else 'port'
    return key


def strategic_merge(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get('$patch') == 'replace':
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != '$patch'}
    if patch.get('$patch') == 'delete':
        return None
    out = dict(target) if isinstance(target, dict) else {}
    orders = {}
    retain = patch.get('$retainKeys')
    for key, value in patch.items():
        if key in ('$patch', '$retainKeys'):
            continue
        if key.startswith('$setElementOrder/'):
            orders[key.split('/', 1)[1]] = value
            continue
        if key.startswith('$deleteFromPrimitiveList/'):
            field = key.split('/', 1)[1]
            out[field] = [v for v in out.get(field) or [] if v not in (value or [])]
            continue
        if value is None:
            out.pop(key, None)
        elif isinstance(value, list):
            out[key] = _merge_list(key, out.get(key), value)
        elif isinstance(value, dict):
            merged = strategic_merge(out.get(key), value)
            if merged is None:
                out.pop(key, None)
            else:
                out[key] = merged
        else:
            out[key] = value
    for field, order in orders.items():
        if isinstance(out.get(field), list):
            out[field] = _reorder(field, out[field], order)
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _merge_list(field, current, items):
    if field in MERGED_PRIMITIVES:
        merged = list(current or [])
        return merged + [i for i in items if i not in merged]
    key = _list_key(field, items + list(current or []))
    if not key or not all(isinstance(i, dict) for i in items):
        return [copy.deepcopy(i) for i in items if not (isinstance(i, dict) and i.get('$patch'))]
    if any(i.get('$patch') == 'replace' for i in items):
        return [copy.deepcopy(i) for i in items if i.get('$patch') != 'replace']
    out = [copy.deepcopy(i) for i in current or []]
    for item in items:
        idx = next((n for n, c in enumerate(out) if isinstance(c, dict) and c.get(key) == item.get(key)), None)
        if item.get('$patch') == 'delete':
            if idx is not None:
                out.pop(idx)
        elif idx is None:
            out.append(strategic_merge({}, item))
        else:
            out[idx] = strategic_merge(out[idx], item)
    return out


def _reorder(field, items, order):
    key = _list_key(field, items)
    if not key:
        return items
    rank = {o.get(key): n for n, o in enumerate(order) if isinstance(o, dict)}
    return sorted(items, key=lambda i: rank.get(i.get(key) if isinstance(i, dict) else None, len(rank)))


# -- JSON patch --------------------------------------------------------------------------------------------
def _pointer(path):
    if path == '':
        return []
    if not path.startswith('/'):
        raise bad_request('invalid JSON patch path %r' % path)
    return [p.replace('~1', '/').replace('~0', '~') for p in path[1:].split('/')]


def _parent(doc, parts, path):
    cur = doc
    for part in parts[:-1]:
        if isinstance(cur, list):
            try:
                cur = cur[int(part)]
            except (ValueError, IndexError):
                raise bad_request('the server rejected our request due to an error in our request: '
                                  'path %s does not exist' % path)
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            raise bad_request('the server rejected our request due to an error in our request: '
                              'doc is missing path: "%s"' % path)
    return cur


def _get(doc, path):
    parts = _pointer(path)
    if not parts:
        return doc
    parent = _parent(doc, parts, path)
    last = parts[-1]
    try:
        return parent[int(last)] if isinstance(parent, list) else parent[last]
    except (KeyError, ValueError, IndexError, TypeError):
        raise bad_request('the server rejected our request due to an error in our request: '
                          'doc is missing path: "%s"' % path)


def _remove(doc, path):
    parts = _pointer(path)
    value = _get(doc, path)
    parent = _parent(doc, parts, path)
    if isinstance(parent, list):
        parent.pop(int(parts[-1]))
    else:
        del parent[parts[-1]]
    return value


def _add(doc, path, value):
    parts = _pointer(path)
    if not parts:
        return value
    parent = _parent(doc, parts, path)
    last = parts[-1]
    if isinstance(parent, list):
        if last == '-':
            parent.append(value)
        else:
            try:
                parent.insert(int(last), value)
            except ValueError:
                raise bad_request('invalid JSON patch index %r' % last)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise bad_request('doc is missing path: "%s"' % path)
    return doc


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise bad_request('the body of a JSON patch must be an array of operations')
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or 'op' not in op or 'path' not in op:
            raise bad_request('a JSON patch operation needs "op" and "path"')
        kind, path = op['op'], op['path']
        if kind == 'add':
            doc = _add(doc, path, copy.deepcopy(op.get('value')))
        elif kind == 'remove':
            _remove(doc, path)
        elif kind == 'replace':
            _get(doc, path)
            if _pointer(path):
                _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op.get('value')))
        elif kind == 'move':
            doc = _add(doc, path, _remove(doc, op.get('from', '')))
        elif kind == 'copy':
            doc = _add(doc, path, copy.deepcopy(_get(doc, op.get('from', ''))))
        elif kind == 'test':
            if _get(doc, path) != op.get('value'):
                raise KubeError(422, 'Invalid', 'the server rejected our request due to an error in our request: '
                                'testing value %s failed' % path)
        else:
            raise bad_request('unexpected JSON patch operation %r' % kind)
    return doc


def apply(content_type, current, body):
    """The object after applying ``body`` (already parsed) of ``content_type`` to ``current``."""
    if content_type == JSON_PATCH:
        return json_patch(current, body)
    if not isinstance(body, dict):
        raise bad_request('the body of a %s patch must be an object' % content_type)
    if content_type == MERGE_PATCH:
        return merge_patch(current, body)
    if content_type in (STRATEGIC, APPLY):
        return strategic_merge(current, body)
    raise unsupported_media_type(content_type)
