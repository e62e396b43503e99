"""A minimal ``/openapi/v3``: one document per group/version listing each kind's PATCH operation with the
``fieldValidation`` query parameter, which is what kubectl looks for to leave validation to the server (without it
kubectl wants the whole OpenAPI v2 schema). No schemas: kubectl then builds apply patches from its built-in types.
"""
import hashlib

from . import resources


def _prefix(gv):
    return 'api/v1' if gv == 'v1' else 'apis/' + gv


def root(metrics):
    paths = {}
    for gv in resources.group_versions(metrics):
        digest = hashlib.sha256(gv.encode()).hexdigest()[:16].upper()
        paths[_prefix(gv)] = {'serverRelativeURL': '/openapi/v3/%s?hash=%s' % (_prefix(gv), digest)}
    return {'paths': paths}


def document(gv, metrics):
    if gv not in resources.group_versions(metrics):
        return None
    paths = {}
    for kind in resources.KINDS:
        if gv not in kind.versions or 'patch' not in kind.verbs:
            continue
        base = '/%s/%s%s/{name}' % (_prefix(gv), 'namespaces/{namespace}/' if kind.namespaced else '', kind.plural)
        group = resources.group_of(gv)
        paths[base] = {'patch': {
            'operationId': 'patch%s' % kind.kind,
            'x-kubernetes-action': 'patch',
            'x-kubernetes-group-version-kind': {'group': group, 'version': gv.split('/')[-1], 'kind': kind.kind},
            'parameters': [{'name': 'dryRun', 'in': 'query', 'schema': {'type': 'string'}},
                           {'name': 'fieldManager', 'in': 'query', 'schema': {'type': 'string'}},
                           {'name': 'fieldValidation', 'in': 'query', 'schema': {'type': 'string'}},
                           {'name': 'force', 'in': 'query', 'schema': {'type': 'boolean'}}],
            'responses': {'200': {'description': 'OK'}}}}
    version = gv.split('/')[-1]
    return {'openapi': '3.0.0', 'info': {'title': 'Kubernetes', 'version': version}, 'paths': paths,
            'components': {'schemas': {}}}
