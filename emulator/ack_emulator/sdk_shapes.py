"""The official Python SDK (alibabacloud_cs20151215) as the contract of the API's shapes.

The SDK is generated from the live API: `<Op>Response.body` declares what an answer may hold, `<Op>Request` and the
client's `<op>_with_options` what a request may send. Wire names come from each model's `to_map` (`cluster_id`,
`ID`...), types from its type hints (str, int, bool, float, List[...], Dict[str, ...], nested models).

    differences(operation, body, extras=False) -> [(path, 'undeclared' | 'type', detail)] of an answer
    shape(operation, body, extras=False)    -> the answer with only the declared keys
    request_differences(operation, query, body) -> the same as differences for a request's query and body
    declared(operation, path, side)         -> whether the SDK declares that key
    reference_extras(operation, side)       -> the keys the reference documents beyond the SDK
    sdk_operations()                        -> {operation: client method name} of every SDK operation

With extras, the keys reference_extras.json lists (the API reference documents them, the SDK does not) count as
declared: not differences, and kept by shape. Requests always take them.

Paths: `clusters[].tags[].key` (`[]` any list item, `*` any map value, '' the body itself). The SDK is imported on
first use only: the emulator starts without it.
"""
import ast
import functools
import inspect
import json
import os
import re
import sys
import textwrap
import typing

EXTRAS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference_extras.json')
NO_BODY = 'no body'  # the SDK's response has no `body`: it reads nothing of the answer


def _sdk():
    from alibabacloud_cs20151215 import client, models  # lazy: only the contract tools need the SDK
    return client, models


class Fields(dict):
    """{wire name: type hint} of an object (a model's fields, or a request body assembled by the client)."""


def _is_model(hint):
    return isinstance(hint, type) and hasattr(hint, 'to_map') and hasattr(hint, 'from_map')


@functools.lru_cache(maxsize=None)
def _hints(cls):
    """{attribute: type hint} of a model class, from its __init__."""
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls.__init__, globalns=vars(module))


@functools.lru_cache(maxsize=None)
def _wire_names(cls):
    """{attribute: wire name}: each top statement of `to_map` that reads one `self.<attr>` and writes one
    `result['<name>']` (`if self.x is not None: result['x'] = ...`, or `result['x'] = []` then a loop)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls.to_map)))
    names, pending = {}, None
    for stmt in tree.body[0].body:
        attrs, keys = set(), set()
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'self':
                attrs.add(node.attr)
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == 'result'
                    and isinstance(node.slice, ast.Constant)):
                keys.add(node.slice.value)
        if len(keys) == 1 and not attrs:
            pending = keys.pop()  # result['x'] = [] : the loop that follows fills it
        elif len(attrs) == 1 and len(keys) <= 1 and (keys or pending):
            names[attrs.pop()] = keys.pop() if keys else pending
            pending = None
    return names


@functools.lru_cache(maxsize=None)
def fields(cls):
    """Fields of a model class: {wire name: type hint}."""
    hints = _hints(cls)
    return Fields((wire, hints[attr]) for attr, wire in _wire_names(cls).items() if attr in hints)


def _unwrap(hint):
    if typing.get_origin(hint) is typing.Union:  # Optional[X]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else typing.Any
    return hint


def response_body(operation):
    """The type hint of the operation's answer body: a model, List[model], dict, str...; NO_BODY when the SDK reads
    none; KeyError when the SDK has no such operation."""
    models = _sdk()[1]
    cls = getattr(models, operation + 'Response', None)
    if cls is None:
        raise KeyError(operation)
    hints = _hints(cls)
    return _unwrap(hints['body']) if 'body' in hints else NO_BODY


# -- walking a JSON value against a hint ----------------------------------------------------------------------------
SCALARS = {str: (str,), int: (int,), bool: (bool,), float: (int, float)}
JSON_TYPES = {dict: 'object', list: 'array', str: 'string', int: 'integer', float: 'number', bool: 'boolean'}


def _kind(value):
    return JSON_TYPES.get(type(value), type(value).__name__)


def _expected(hint):
    if _is_model(hint) or isinstance(hint, Fields) or hint is dict or typing.get_origin(hint) is dict:
        return 'object'
    if typing.get_origin(hint) is list:
        return 'array'
    return {str: 'string', int: 'integer', bool: 'boolean', float: 'number'}.get(hint, str(hint))


def _join(path, key):
    return '%s.%s' % (path, key) if path else key


def walk(value, hint, path='', out=None):
    """Append (path, kind, detail) for each key `value` has that `hint` does not declare, and each type mismatch.
    None (JSON null) matches any type."""
    out = [] if out is None else out
    hint = _unwrap(hint)
    if value is None or hint is typing.Any:
        return out
    declared = fields(hint) if _is_model(hint) else hint if isinstance(hint, Fields) else None
    origin = typing.get_origin(hint)
    if declared is not None:
        if not isinstance(value, dict):
            out.append((path, 'type', 'object declared, got %s' % _kind(value)))
            return out
        for key, item in value.items():
            if key in declared:
                walk(item, declared[key], _join(path, key), out)
            else:
                out.append((_join(path, key), 'undeclared', '%s %s' % (_kind(item), _sample(item))))
    elif hint is dict or origin is dict:
        if not isinstance(value, dict):
            out.append((path, 'type', 'object declared, got %s' % _kind(value)))
        elif origin is dict:
            for item in value.values():
                walk(item, typing.get_args(hint)[1], _join(path, '*'), out)
    elif hint is list or origin is list:
        if not isinstance(value, list):
            out.append((path, 'type', 'array declared, got %s' % _kind(value)))
        elif origin is list:
            for item in value:
                walk(item, typing.get_args(hint)[0], path + '[]', out)
    elif hint in SCALARS:
        ok = isinstance(value, SCALARS[hint]) and (hint is bool or not isinstance(value, bool))
        if not ok:
            out.append((path, 'type', '%s declared, got %s: %s' % (_expected(hint), _kind(value),
                                                                         _sample(value))))
    return out


def _hint_at(hint, path):
    """The hint at `path` below `hint`, or None when a step of it is not declared."""
    for step in re.findall(r'\[\]|[^.\[\]]+', path):
        hint = _unwrap(hint)
        if hint is typing.Any or hint is dict:
            return typing.Any
        origin = typing.get_origin(hint)
        if step == '[]' and origin is list or step == '*' and origin is dict:
            hint = typing.get_args(hint)[-1]
            continue
        declared = fields(hint) if _is_model(hint) else hint if isinstance(hint, Fields) else {}
        if step not in declared:
            return None
        hint = declared[step]
    return hint


def declared(operation, path, side='response'):
    """Whether the SDK declares `path` in the operation's answer (side 'response') or request (side 'request':
    `?name` a query parameter, else a body path)."""
    if side == 'request':
        query, body = request_spec(operation)
        if path.startswith('?'):
            return path[1:] in query
        return body is not None and _hint_at(body, path) is not None
    hint = response_body(operation)
    return hint is not NO_BODY and _hint_at(hint, path) is not None


def _sample(value, limit=60):
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _dedupe(found):
    """One difference per (path, kind), the first seen, sorted by path."""
    seen = {}
    for path, kind, detail in found:
        seen.setdefault((path, kind), detail)
    return sorted((path, kind, detail) for (path, kind), detail in seen.items())


def _under(path, pattern):
    """Whether `path` is `pattern` or inside it."""
    return path == pattern or path.startswith(pattern + '.') or path.startswith(pattern + '[]')


def _without(found, documented):
    """Differences less the undeclared keys that are (inside) a documented path."""
    return [d for d in _dedupe(found) if not (d[1] == 'undeclared' and any(_under(d[0], p) for p in documented))]


def differences(operation, body, extras=False):
    """Differences of an answer body (parsed JSON, or text) from the SDK's response model of `operation`; with
    `extras`, the keys the reference documents there are not differences."""
    documented = [e['path'] for e in reference_extras(operation)] if extras else []
    hint = response_body(operation)
    if hint is not NO_BODY:
        return _without(walk(body, hint), documented)
    if isinstance(body, dict):
        return _without([(key, 'undeclared', 'the SDK reads no body; %s %s' % (_kind(v), _sample(v)))
                         for key, v in body.items()], documented)
    return [] if body in (None, '') else [('', 'undeclared', 'the SDK reads no body; %s' % _sample(body))]


# -- shaping an answer ----------------------------------------------------------------------------------------------


def _keep(value, hint, path, extras):
    hint = _unwrap(hint)
    if value is None or hint is typing.Any:
        return value
    declared = fields(hint) if _is_model(hint) else hint if isinstance(hint, Fields) else None
    origin = typing.get_origin(hint)
    if declared is not None and isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            at = _join(path, key)
            if key in declared:
                kept[key] = _keep(item, declared[key], at, extras)
            elif any(_under(at, e) for e in extras):
                kept[key] = item
        return kept
    if origin is dict and isinstance(value, dict):
        return dict((k, _keep(v, typing.get_args(hint)[1], _join(path, '*'), extras)) for k, v in value.items())
    if origin is list and isinstance(value, list):
        return [_keep(v, typing.get_args(hint)[0], path + '[]', extras) for v in value]
    return value


def shape(operation, body, extras=False):
    """The answer with only the keys the SDK declares, recursively (with `extras`, also the keys the reference
    documents beyond the SDK, from reference_extras.json). Values are not converted. An operation whose SDK
    response has no body answers {} (or its documented extras)."""
    keep = [e['path'] for e in reference_extras(operation)] if extras else []
    hint = response_body(operation)
    if hint is NO_BODY:
        hint = Fields()
    return _keep(body, hint, '', keep)


# -- reference extras -----------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _extras():
    with open(EXTRAS_FILE) as f:
        return json.load(f)['extras']


def reference_extras(operation=None, side='response'):
    """Entries of reference_extras.json ({operation, side, path, section}) of one operation (None: all) and side
    ('response', 'request'; None: both)."""
    return [e for e in _extras() if side in (None, e['side']) and operation in (None, e['operation'])]


# -- requests -------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def sdk_operations():
    """{operation: name of the client's `<name>_with_options` method} for every operation of the SDK client."""
    client = _sdk()[0]
    found = {}
    for name, fn in vars(client.Client).items():
        if name.endswith('with_options') and not name.endswith('_async'):
            m = re.search(r"action = '(\w+)'", inspect.getsource(fn))
            if m:
                found[m.group(1)] = name
    return found


@functools.lru_cache(maxsize=None)
def request_spec(operation):
    """(query keys, body hint) the SDK client sends for `operation`: the query's wire names, and the body as
    Fields, List[...] (a JSON array body) or None (no body)."""
    client, models = _sdk()
    source = inspect.getsource(getattr(client.Client, sdk_operations()[operation]))
    req = getattr(models, operation + 'Request', None)
    hints = _hints(req) if req else {}

    def hint_of(attr):
        return hints.get(re.sub(r'_shrink$', '', attr), typing.Any)

    query = frozenset(re.findall(r"query\['([^']+)'\] = ", source))
    array = re.search(r'body = Utils\.to_array\((?:request|tmp_req)\.(\w+)\)', source)
    if array:
        return query, hint_of(array.group(1))
    keyed = re.findall(r"body\['([^']+)'\] = (?:request|tmp_req)\.(\w+)", source)
    return query, (Fields((wire, hint_of(attr)) for wire, attr in keyed) if keyed else None)


def request_differences(operation, query=None, body=None):
    """Differences of a request (query keys, JSON body) from what the SDK sends for `operation`; the keys the
    reference documents for requests (reference_extras.json, side 'request') are not differences."""
    documented = [e['path'] for e in reference_extras(operation, 'request')]
    keys, hint = request_spec(operation)
    found = [('?' + k, 'undeclared', 'query parameter') for k in query or () if k not in keys]
    if body is not None:
        if hint is None:
            found.append(('', 'undeclared', 'the SDK sends no body'))
        else:
            found.extend(walk(body, hint))
    return _without(found, documented)
