"""The WSGI application: routing, authentication, faults, admin API, stats, JSON in and out."""
import ast
import json
import marshal
import random
import socket
import struct
import sys
import threading
import time
import traceback
from urllib.parse import parse_qsl

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import admin, auth, lifecycle, registry, sdk_shapes
from .errors import ApiError, forbidden

ADMIN_PREFIX = '/__emulator'
MAX_BODY = 4 * 1024 * 1024
DEFAULT_REGION = 'cn-hangzhou'
DEFAULT_QUOTAS = {
    'cluster_quota': 50,        # dedicated (Kubernetes) clusters
    'amk_cluster_quota': 100,   # managed (ManagedKubernetes, incl. edge) clusters
    'ask_cluster_quota': 100,   # serverless (Ask) clusters
    'node_quota': 1000,         # nodes per cluster
    'cluster_nodepool_quota': 20,
}
ANSWER_MODES = ('emulator', 'sdk', 'reference')
FAULT_FIELDS = {
    'throttle_rate': float, 'error_rate': float, 'latency_ms': float, 'drop_rate': float,
    'drop_after_apply_rate': float, 'task_fail_rate': float, 'seed': int, 'retry_after_ms': int,
}


class Dropped(Exception):
    """Raised to close the client connection without an answer (fault injection)."""


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'))
_ENCODED = {}  # marshal bytes of a handler's result -> its JSON answer (see encode_result)
_SCALARS = frozenset((str, int, float, bool, type(None)))


def strip_internal(obj):
    """Remove ``_``-prefixed keys recursively (internal fields never reach the client)."""
    if isinstance(obj, dict):
        return {k: v if type(v) in _SCALARS else strip_internal(v) for k, v in obj.items()
                if not (isinstance(k, str) and k[:1] == '_')}
    if isinstance(obj, list):
        return [v if type(v) in _SCALARS else strip_internal(v) for v in obj]
    return obj


def encode_result(result):
    """JSON bytes of ``strip_internal(result)``, memoised on the exact value of ``result`` (its marshal bytes):
    documents polled again unchanged are not stripped and encoded again."""
    try:
        key = marshal.dumps(result)  # equal bytes mean equal values (back-references can only cause a miss)
    except ValueError:
        key = None
    data = _ENCODED.get(key)
    if data is None:
        data = _JSON.encode(strip_internal(result)).encode('utf-8')
        if key is not None and len(key) <= 65536:
            if len(_ENCODED) >= 256:
                _ENCODED.clear()
            _ENCODED[key] = data
    return data


def request_body(request):
    """The body (at most ``MAX_BODY + 1`` bytes); b'' at once when there is none."""
    environ = request.environ
    if environ.get('CONTENT_LENGTH', '') in ('', '0') and not environ.get('wsgi.input_terminated'):
        return b''
    return request.get_data(cache=True)[:MAX_BODY + 1]


def request_headers(environ):
    """The request's headers from a WSGI environ, as a dict with lower-case names."""
    out = {k[5:].replace('_', '-').lower(): v for k, v in environ.items() if k[:5] == 'HTTP_'}
    for k in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
        if environ.get(k):
            out[k.replace('_', '-').lower()] = environ[k]
    return out


class JsonAnswer:
    """A finished answer as a WSGI application (what werkzeug's Response would do, for a fraction of its cost).

    ``keep``: objects the answer was made from. The iterable returned holds them, so they are freed when the server
    drops it after sending, not while the client waits (freeing a few decoded documents costs tens of µs)."""
    __slots__ = ('status', 'headers', 'data', 'keep')

    def __init__(self, status, headers, data, keep=None):
        self.status, self.headers, self.data, self.keep = status, headers, data, keep

    def __call__(self, environ, start_response):
        start_response('%d %s' % (self.status, HTTP_STATUS_CODES.get(self.status, 'UNKNOWN').upper()), self.headers)
        chunks = _Chunks((self.data,))
        chunks.keep = self.keep
        return chunks


class _Chunks(list):
    __slots__ = ('keep',)


# -- per-request context -----------------------------------------------------------------------------------
class Context:
    """What a handler sees. See CONTRACT.md."""

    def __init__(self, app, operation, request, identity, now, request_id, query, query_list, body_json,
                 headers=None):
        self.app = app
        self.operation = operation
        self.request = request
        self.identity = identity
        self.now = now
        self.request_id = request_id
        self.query = query
        self.query_list = query_list
        self.json = body_json
        self.db = app.db
        self.scale = app.time_scale
        self.method = request.method
        self.headers = request_headers(request.environ) if headers is None else headers
        self.region = self._region()

    def _region(self):
        r = self.headers.get('x-acs-region-id') or self.query.get('RegionId') or self.query.get('region_id')
        if r:
            return r
        host = self.headers.get('host', '')
        parts = host.split(':')[0].split('.')
        if len(parts) >= 4 and parts[0] == 'cs' and parts[-2:] == ['aliyuncs', 'com']:
            return parts[1]
        return DEFAULT_REGION

    def duration(self, seconds):
        """A real-world duration scaled by ``--time-scale``."""
        return float(seconds) * self.scale

    def allowed(self, cluster_id):
        return auth.resource_allowed(self.identity.key, cluster_id)

    def authorize(self, cluster_id):
        if not self.allowed(cluster_id):
            raise forbidden('%s on acs:cs:*:*:cluster/%s' % (self.operation, cluster_id))

    def should_fail(self, operation=None):
        """None, or ``{"code", "message"}`` when the asynchronous work of this request must end ``failed``
        (admin ``fail-next`` or the ``task_fail_rate`` fault)."""
        return self.app.take_failure(operation or self.operation)

    @property
    def quotas(self):
        return dict(self.app.quotas)


# -- the application ---------------------------------------------------------------------------------------
class EmulatorApp:
    def __init__(self, db, keyring, time_scale=1.0, faults=None, log_requests=False):
        from . import ops  # noqa: F401  (imports every ops module so the handlers register)
        self.db = db
        self.keyring = keyring
        self.time_scale = float(time_scale)
        self._startup_scale = self.time_scale
        self.answers = 'emulator'  # see set_answers
        self.log_requests = log_requests
        self.quotas = dict(DEFAULT_QUOTAS)
        self._startup_faults = self._normalise_faults(faults or {})
        self.lock = threading.Lock()
        self._set_faults(self._startup_faults)
        self._fail_next = {}
        self.stats = {}
        self.unauthenticated = {}
        self.injected = {}
        self.url_map = Map([Rule(rule, endpoint=name, methods=[method])
                            for name, method, rule, _ in registry.ROUTES], strict_slashes=False)
        self.handlers = {name: fn for name, _, _, fn in registry.ROUTES}
        self._routes = {}  # (method, path) -> (operation, path args): a cache of url_map matches
        self._memo = {}  # pure operation's request -> (its reads, status, answer); see registry.op(pure=True)
        self._memo_rows = 0

    # -- faults ------------------------------------------------------------------------------------------
    @staticmethod
    def _normalise_faults(data):
        out = {k: 0.0 for k in FAULT_FIELDS if k not in ('seed', 'retry_after_ms')}
        out['seed'] = None
        out['retry_after_ms'] = None
        out['operations'] = None
        for k, v in (data or {}).items():
            if v is None:
                continue
            if k == 'operations':
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise ValueError('operations must be a list of operation names')
                unknown = [x for x in v if x not in registry.operation_names()]
                if unknown:
                    raise ValueError('unknown operations: %s' % ', '.join(unknown))
                out[k] = list(v)
            elif k in FAULT_FIELDS:
                try:
                    out[k] = FAULT_FIELDS[k](v)
                except (TypeError, ValueError):
                    raise ValueError('%s must be a number' % k)
                if k.endswith('_rate') and not 0.0 <= out[k] <= 1.0:
                    raise ValueError('%s must be between 0 and 1' % k)
                if out[k] < 0:
                    raise ValueError('%s must not be negative' % k)
            else:
                raise ValueError('unknown fault field %r' % k)
        return out

    def _set_faults(self, faults):
        with self.lock:
            self.faults = dict(faults)
            self.rng = random.Random(faults.get('seed'))

    def _roll(self, name, operation):
        rate = self.faults.get(name) or 0.0
        if rate <= 0:
            return False
        ops = self.faults.get('operations')
        if ops is not None and operation not in ops:
            return False
        with self.lock:
            hit = self.rng.random() < rate
        if hit:
            key = '%s:%s' % (name, operation)
            self.injected[key] = self.injected.get(key, 0) + 1
        return hit

    def take_failure(self, operation):
        with self.lock:
            pending = self._fail_next.get(operation)
            if pending:
                spec = pending.pop(0)
                if not pending:
                    del self._fail_next[operation]
                return spec
        if self._roll('task_fail_rate', operation):
            return {'code': 'InjectedTaskFailure', 'message': 'task failed (fault injected by the emulator)'}
        return None

    # -- WSGI ----------------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Dropped:
            self._drop(environ)
            raise ConnectionAbortedError('emulator: connection dropped (fault injection)')
        return response(environ, start_response)

    @staticmethod
    def _drop(environ):
        sock = environ.get('werkzeug.socket')
        if sock is None:
            return
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _json_response(self, status, body, request_id, headers=None):
        return self._answer(status, _JSON.encode(body).encode('utf-8'), request_id, headers, body)

    @staticmethod
    def _answer(status, data, request_id, headers=None, keep=None):
        fields = [('Content-Type', 'application/json;charset=utf-8'), ('Content-Length', str(len(data))),
                  ('x-acs-request-id', request_id)]
        fields.extend((headers or {}).items())
        return JsonAnswer(status, fields, data, keep)

    def _error(self, err, request_id):
        return self._json_response(err.status, err.body(request_id), request_id, err.headers)

    def dispatch(self, request):
        request_id = lifecycle.request_id()
        path = request.path
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + '/'):
            return self.admin(request, request_id)
        route = self._routes.get((request.method, path))
        if route is None:
            try:
                route = self.url_map.bind('emulator', path_info=path).match(method=request.method)
            except (NotFound, MethodNotAllowed):
                return self._error(auth.gw(404, 'InvalidAction.NotFound',
                                           'Specified api is not found, please check your url and method: %s %s'
                                           % (request.method, path)), request_id)
            if len(self._routes) >= 4096:
                self._routes.clear()
            self._routes[request.method, path] = route
        operation, args = route
        now = time.time()
        body = request_body(request)
        if len(body) > MAX_BODY:
            return self._error(ApiError(413, 'RequestEntityTooLarge', 'the request body is too large'), request_id)
        headers = request_headers(request.environ)
        raw_uri = request.environ.get('RAW_URI') or request.environ.get('REQUEST_URI') or path
        raw_path, _, raw_query = raw_uri.partition('?')
        if '://' in raw_path:  # absolute-form request target
            raw_path = '/' + raw_path.split('://', 1)[1].partition('/')[2]
        try:
            identity = auth.authenticate(request.method, raw_path, raw_query, headers, body, self.keyring,
                                         self.db, now)
        except ApiError as e:
            with self.lock:
                self.unauthenticated[operation] = self.unauthenticated.get(operation, 0) + 1
            return self._error(e, request_id)
        with self.lock:
            self.stats[operation] = self.stats.get(operation, 0) + 1
        try:
            return self._authenticated(request, request_id, operation, args, identity, now, headers, raw_query,
                                       body)
        except ApiError as e:
            return self._error(e, request_id)
        finally:  # the nonce is durable before the answer leaves (usually the handler's transaction wrote it)
            self.db.flush_nonces()

    def _authenticated(self, request, request_id, operation, args, identity, now, headers, raw_query, body):
        """The stages after authentication, in order: action policy, injected faults, context (query, body,
        resource policy), the handler in the request's transaction, drop-after-apply, the answer."""
        self._check_action(request, operation, identity, headers)
        self._inject_faults(operation)
        ctx = self._context(request, request_id, operation, identity, now, headers, raw_query, body)
        if 'cluster_id' in args:
            ctx.authorize(args['cluster_id'])
        memo_key = None
        if operation in registry.PURE:
            memo_key = (operation, tuple(sorted(args.items())), raw_query, identity.access_key_id, ctx.region)
        result, reads = self._run_handler(ctx, args, memo_key)
        if isinstance(result, JsonAnswer):  # a pure answer reused
            return result
        if request.method != 'GET' and self._roll('drop_after_apply_rate', operation):
            raise Dropped()
        return self._respond(result, request_id, memo_key, reads, ctx.operation)

    @staticmethod
    def _check_action(request, operation, identity, headers):
        action = headers.get('x-acs-action')
        if action is not None and action != operation:
            raise auth.gw(400, 'InvalidAction.Mismatch', 'x-acs-action %s does not match %s %s (%s)'
                          % (action, request.method, request.path, operation))
        if not auth.action_allowed(identity.key, operation):
            raise forbidden('cs:%s' % operation)

    def _inject_faults(self, operation):
        """Latency, dropped connections, throttling and 503s (after authentication: the gateway throttles per
        access key)."""
        if self.faults.get('latency_ms'):
            ops = self.faults.get('operations')
            if ops is None or operation in ops:
                time.sleep(self.faults['latency_ms'] / 1000.0)
        if self._roll('drop_rate', operation):
            raise Dropped()
        if self._roll('throttle_rate', operation):
            extra = {}
            if self.faults.get('retry_after_ms'):
                extra['x-acs-retry-after'] = str(self.faults['retry_after_ms'])
            raise ApiError(429, 'Throttling.User', 'Request was denied due to user flow control.', gateway=True,
                           headers=extra)
        if self._roll('error_rate', operation):
            raise ApiError(503, 'ServiceUnavailable',
                           'The request has failed due to a temporary failure of the server.', gateway=True)

    def _context(self, request, request_id, operation, identity, now, headers, raw_query, body):
        query_list = auth.parse_query(raw_query)
        query = {k: ('' if v is None else v) for k, v in query_list}
        body_json = None
        if request.method != 'GET' and body.strip():
            body_json = self._parse_body(body, headers.get('content-type', ''))
        return Context(self, operation, request, identity, now, request_id, query, query_list, body_json, headers)

    def _run_handler(self, ctx, args, memo_key):
        """``(result, reads)``: the handler's result inside the request's one transaction (any exception rolls it
        back), with the rows it read when it is pure; ``(answer, None)`` for a pure answer reused because every row
        it read is unchanged."""
        reads = None
        try:
            with self.db.transaction():
                if memo_key is not None:
                    hit = self._memo.get(memo_key)
                    if hit is not None and self.db.reads_unchanged(hit[0]):
                        return self._answer(hit[1], hit[2], ctx.request_id), None
                    self.db.track_reads()
                try:
                    result = self.handlers[ctx.operation](ctx, **args)
                finally:
                    if memo_key is not None:
                        reads = self.db.tracked_reads()
        except ApiError:
            raise
        except Exception:  # a bug: answer 500 like the real service would, keep serving
            traceback.print_exc(file=sys.stderr)
            raise ApiError(500, 'InternalError', 'The request processing has failed due to some unknown error.')
        return result, reads

    def _respond(self, result, request_id, memo_key, reads, operation):
        """The handler's result as an answer (a werkzeug Response passes through); a pure one is remembered."""
        if isinstance(result, Response):
            result.headers['x-acs-request-id'] = request_id
            return result
        status = 200
        if isinstance(result, tuple):
            status, result = result
        if result is None:
            result = {}
        if self.answers != 'emulator':  # only the keys the SDK declares (and the reference's, with 'reference')
            result = sdk_shapes.shape(operation, strip_internal(result), extras=self.answers == 'reference')
        data = encode_result(result)
        if reads is not None:
            rows = sum(len(r[2]) for r in reads)
            if len(self._memo) >= 256 or self._memo_rows + rows > 10000:  # bounded memory
                self._memo.clear()
                self._memo_rows = 0
            self._memo[memo_key] = (reads, status, data)
            self._memo_rows += rows
        return self._answer(status, data, request_id, keep=result)

    @staticmethod
    def _parse_body(body, content_type):
        if 'application/x-www-form-urlencoded' in content_type.lower():
            out = {}
            for k, v in parse_qsl(body.decode('utf-8', 'replace'), keep_blank_values=True):
                s = v.strip()
                if s[:1] in ('[', '{'):
                    try:
                        v = json.loads(s)
                    except ValueError:
                        try:
                            v = ast.literal_eval(s)
                        except (ValueError, SyntaxError):
                            pass
                elif s in ('True', 'False'):
                    v = s == 'True'
                out[k] = v
            return out
        try:
            return json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError) as e:
            raise ApiError(400, 'MalformedJSON', 'The request body is not valid JSON: %s' % e)

    # -- admin API (unsigned, loopback only; routes in admin.py) ------------------------------------------
    def admin(self, request, request_id):
        remote = request.remote_addr or ''
        if not (remote.startswith('127.') or remote in ('::1', '::ffff:127.0.0.1') or remote.startswith('::ffff:127.')):
            return self._json_response(403, {'code': 'Forbidden', 'message': 'admin API is loopback only'},
                                       request_id)
        fn, rest = admin.route(request.method, request.path[len(ADMIN_PREFIX):].strip('/'))
        if fn is None:
            return self._json_response(404, {'code': 'NotFound', 'message': 'unknown admin path %s %s'
                                             % (request.method, request.path)}, request_id)
        try:
            data = json.loads(request.get_data() or b'{}') if request.method in ('POST', 'PUT') else {}
        except ValueError as e:
            return self._json_response(400, {'code': 'MalformedJSON', 'message': str(e)}, request_id)
        try:
            body = fn(self, data or {}, rest)
        except (ValueError, TypeError) as e:
            return self._json_response(400, {'code': 'InvalidParameter', 'message': str(e)}, request_id)
        return self._json_response(200, body, request_id)

    # what the admin API changes
    strip = staticmethod(strip_internal)

    def set_faults(self, data):
        self._set_faults(self._normalise_faults(data))

    def fail_next(self, operation, spec, count):
        """Make the next ``count`` asynchronous operations named ``operation`` end failed; returns how many wait."""
        with self.lock:
            pending = self._fail_next.setdefault(operation, [])
            pending.extend([spec] * count)
            return len(pending)

    def set_answers(self, mode):
        """'emulator' answers every key the emulator keeps; 'sdk' only the keys the official SDK's response models
        declare; 'reference' those and the keys the API reference documents beyond them (reference_extras.json)."""
        if mode not in ANSWER_MODES:
            raise ValueError('answers must be one of %s' % ', '.join(ANSWER_MODES))
        self.answers = mode
        self._memo.clear()

    def reset(self):
        self.answers = 'emulator'
        self.db.reset()
        with self.lock:
            self.stats.clear()
            self.unauthenticated.clear()
            self.injected.clear()
            self._fail_next.clear()
        self._set_faults(self._startup_faults)
        self.quotas = dict(DEFAULT_QUOTAS)
        self.time_scale = self._startup_scale
