"""The WSGI application behind every cluster's API server port: checks, routing, discovery, body formats.

Per request: the cluster must still serve on this endpoint (else the connection is closed without an answer, as a
deleted API server does), the client certificate must not have expired (401), then the path is routed. The verbs
on the kinds are in verbs.py.
"""
import json
import sys
import time
import traceback

from werkzeug.wrappers import Request, Response

from . import openapi, pki, resources
from .listeners import serving
from .status import KubeError, no_route, method_not_allowed, unauthorized
from .verbs import Verbs

HEALTH = ('healthz', 'livez', 'readyz')


class Dropped(Exception):
    """Close the connection without an answer."""


def metrics_enabled(db, cluster_id, now):
    """metrics.k8s.io is served while the metrics-server add-on is installed."""
    return any(a.get('name') == 'metrics-server' and a.get('state') in ('active', 'upgrading', 'updating')
               for a in db.list('addon', now=now, where={'cluster_id': cluster_id}))


def json_response(body, status=200, headers=None):
    resp = Response(json.dumps(body, separators=(',', ':')), status=status, content_type='application/json')
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


class KubeApi:
    def __init__(self, app):
        self.app = app
        self.db = app.db

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request, environ)
        except Dropped:
            sock = environ.get('werkzeug.socket')
            try:
                sock.close()
            except (OSError, AttributeError):
                pass
            raise ConnectionAbortedError('the cluster API server is gone')
        except KubeError as e:
            response = json_response(e.body(), e.code, e.headers)
        except Exception:  # pylint: disable=broad-except  (a bug: answer 500 and keep serving)
            traceback.print_exc(file=sys.stderr)
            err = KubeError(500, 'InternalError', 'an error on the server ("internal error") has prevented the '
                            'request from succeeding', {})
            response = json_response(err.body(), 500)
        return response(environ, start_response)

    def dispatch(self, request, environ):
        now = time.time()
        cluster_id, endpoint = environ['ack.cluster_id'], environ['ack.endpoint']
        with self.db.transaction():
            cluster = serving(self.db, cluster_id, endpoint, now)
            metrics = cluster is not None and metrics_enabled(self.db, cluster_id, now)
        if cluster is None:
            raise Dropped()
        sock = environ.get('werkzeug.socket')
        der = sock.getpeercert(binary_form=True) if sock is not None else None
        if not der or pki.not_after(der) <= now:
            raise unauthorized()
        parts = [p for p in request.path.split('/') if p]
        if parts[:1] in (['api'], ['apis']) and len(parts) >= (3 if parts[0] == 'api' else 4):
            gv = 'v1' if parts[0] == 'api' else '%s/%s' % (parts[1], parts[2])
            if parts[0] == 'api' and parts[1] != 'v1':
                raise no_route()
            rest = parts[2:] if parts[0] == 'api' else parts[3:]
            return self.resource(request, cluster, now, gv, rest, metrics)
        if request.method not in ('GET', 'HEAD'):
            raise method_not_allowed()
        return self.discovery(parts, cluster, metrics)

    @staticmethod
    def discovery(parts, cluster, metrics):
        body = None
        if not parts:
            body = {'paths': ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/readyz', '/version'] +
                    ['/apis/%s' % gv for gv in resources.group_versions(metrics)]}
        elif parts == ['version']:
            body = resources.version_info(cluster)
        elif len(parts) == 1 and parts[0] in HEALTH:
            return Response('ok', content_type='text/plain; charset=utf-8')
        elif parts == ['api']:
            body = resources.api_versions()
        elif parts == ['api', 'v1']:
            body = resources.resource_list('v1', metrics)
        elif parts == ['apis']:
            body = resources.api_group_list(metrics)
        elif len(parts) == 2 and parts[0] == 'apis':
            body = resources.api_group(parts[1], metrics)
        elif len(parts) == 3 and parts[0] == 'apis':
            body = resources.resource_list('%s/%s' % (parts[1], parts[2]), metrics)
        elif parts == ['openapi', 'v3']:
            body = openapi.root(metrics)
        elif parts[:3] == ['openapi', 'v3', 'api'] and len(parts) == 4:
            body = openapi.document(parts[3], metrics)
        elif parts[:3] == ['openapi', 'v3', 'apis'] and len(parts) == 5:
            body = openapi.document('%s/%s' % (parts[3], parts[4]), metrics)
        if body is None:
            raise no_route()
        return json_response(body)

    def resource(self, request, cluster, now, gv, rest, metrics):
        watch = False
        if rest[:1] == ['watch']:
            watch, rest = True, rest[1:]
        ns = None
        if len(rest) >= 3 and rest[0] == 'namespaces' and rest[2] not in ('status', 'finalize'):
            ns, rest = rest[1], rest[2:]
        if not rest or len(rest) > 3:
            raise no_route()
        plural = rest[0]
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        kind = resources.find(gv, plural)
        if kind is None or (ns is not None and not kind.namespaced):
            raise no_route()
        if gv == resources.METRICS and not metrics:
            raise KubeError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {})
        if sub is not None and sub not in kind.sub:
            raise no_route()
        return Verbs(self.db, cluster, now, request, kind, gv, ns, name, sub).run(watch)
