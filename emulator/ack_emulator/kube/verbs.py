"""The verbs on one kind: list, get, create, update (PUT), patch, delete, deletecollection, watch, and the
subresources log, scale and status."""
import base64
import copy
import json
import time

from werkzeug.wrappers import Response

from . import logs, nodes, patch, protobuf, tables, workloads
from .listeners import serving
from .objects import Objects, field_matcher, label_matcher, selector_text, timestamp
from .resources import KINDS, METRICS
from .status import KubeError, already_exists, bad_request, conflict, field_error, invalid, method_not_allowed, \
    not_found

YAML_TYPES = ('application/yaml', 'application/x-yaml', 'text/yaml', patch.APPLY)
WATCH_POLL = 0.25
WATCH_MAX = 1800
CONTROLLED = ('pods', 'deployments', 'replicasets', 'namespaces')


def parse_body(request, what="couldn't get version/kind; json parse error"):
    raw = request.get_data()
    ctype = request.mimetype
    if not raw.strip():
        raise bad_request('the body of the request is empty')
    if ctype in YAML_TYPES:
        try:
            import yaml  # pylint: disable=import-outside-toplevel  (only YAML bodies need PyYAML)
            return yaml.safe_load(raw)
        except ImportError:
            raise KubeError(415, 'UnsupportedMediaType', 'YAML bodies need PyYAML on the emulator side', {})
        except yaml.YAMLError as e:
            raise bad_request('error converting YAML to JSON: %s' % str(e).replace('\n', ' '))
    if 'protobuf' in ctype:
        return protobuf.parse(raw)
    try:
        return json.loads(raw)
    except ValueError as e:
        raise bad_request('%s: %s' % (what, e))


class Verbs:
    def __init__(self, db, cluster, now, request, kind, gv, ns, name, sub):
        self.db = db
        self.cluster = cluster
        self.now = now
        self.request = request
        self.kind = kind
        self.gv = gv
        self.ns = ns
        self.name = name
        self.sub = sub
        self.args = request.args
        self.group = kind.group
        self.dry_run = 'All' in self.args.getlist('dryRun')
        self.objs = None

    # -- helpers ---------------------------------------------------------------------------------------------
    def served(self, obj):
        out = dict(obj)
        out['apiVersion'] = self.gv
        out['kind'] = self.kind.kind
        return out

    def respond(self, body, status=200):
        accept = self.request.headers.get('Accept', '')
        if accept.startswith('application/yaml'):
            import yaml  # pylint: disable=import-outside-toplevel
            return Response(yaml.safe_dump(body, sort_keys=False), status=status, content_type='application/yaml')
        return Response(json.dumps(body, separators=(',', ':')), status=status, content_type='application/json')

    def wants_table(self):
        return 'as=Table' in self.request.headers.get('Accept', '')

    def current(self):
        obj = self.lookup(self.name)
        if obj is None:
            raise not_found(self.kind.plural, self.name, self.group)
        return obj

    def lookup(self, name):
        if self.kind.virtual:
            return next((o for o in self.virtual() if o['metadata']['name'] == name), None)
        return self.objs.get(self.kind.plural, self.ns, name)

    def virtual(self):
        if self.gv == METRICS:
            pods = [p for p in self.objs.list('pods') if (p.get('status') or {}).get('phase') == 'Running']
            if self.kind.plural == 'pods':
                return [nodes.pod_metrics(p, self.now) for p in pods if self.ns is None or
                        p['metadata']['namespace'] == self.ns]
            return [nodes.node_metrics(n, [p for p in pods if p['spec'].get('nodeName') == n['metadata']['name']],
                                       self.now) for n in self.objs.nodes() if nodes.is_ready(n)]
        return self.objs.nodes()

    def items(self):
        if self.kind.virtual:
            found = self.virtual()
        else:
            found = self.objs.list(self.kind.plural, self.ns)
        labels = label_matcher(self.args.get('labelSelector'))
        fields = field_matcher(self.args.get('fieldSelector'))
        found = [o for o in found if labels(o['metadata'].get('labels')) and fields(o)]
        return sorted(found, key=lambda o: (o['metadata'].get('namespace', ''), o['metadata']['name']))

    def rv(self):
        return str(self.db.get_meta('k8s_rv', 0))

    # -- entry -----------------------------------------------------------------------------------------------
    def run(self, watch):
        method = self.request.method
        if watch or (method == 'GET' and self.args.get('watch') in ('true', '1')):
            return self.watch()
        with self.db.transaction():
            self.objs = Objects(self.db, self.cluster, self.now)
            workloads.settle(self.objs)
            self.objs.dry_run = self.dry_run
            if self.kind.virtual and method != 'GET':
                raise method_not_allowed()
            handler = {'GET': self.get, 'POST': self.create, 'PUT': self.update, 'PATCH': self.patch,
                       'DELETE': self.delete}.get(method)
            if handler is None:
                raise method_not_allowed()
            return handler()

    # -- reads -----------------------------------------------------------------------------------------------
    def get(self):
        if self.name is None:
            return self.list()
        obj = self.current()
        if self.sub == 'log':
            return logs.answer(self.request, obj, self.now)
        if self.sub == 'scale':
            return self.respond(self.scale_of(obj))
        if self.wants_table():
            return self.respond(tables.table(self.kind.kind, [self.served(obj)], self.now,
                                             self.args.get('includeObject', 'Metadata'), self.rv()))
        return self.respond(self.served(obj))

    def list(self):
        found = [self.served(o) for o in self.items()]
        meta = {'resourceVersion': self.rv()}
        limit = self.args.get('limit', type=int)
        start = 0
        if self.args.get('continue'):
            try:
                start = int(base64.urlsafe_b64decode(self.args['continue'].encode()).decode())
            except ValueError:
                raise bad_request('continue key is not valid')
        end = start + limit if limit else len(found)
        if end < len(found):
            meta['continue'] = base64.urlsafe_b64encode(str(end).encode()).decode()
            meta['remainingItemCount'] = len(found) - end
        found = found[start:end]
        if self.wants_table():
            out = tables.table(self.kind.kind, found, self.now, self.args.get('includeObject', 'Metadata'))
            out['metadata'] = meta
            return self.respond(out)
        return self.respond({'kind': self.kind.kind + 'List', 'apiVersion': self.gv, 'metadata': meta,
                             'items': found})

    # -- writes ------------------------------------------------------------------------------------------------
    def prepare(self, obj, old):
        fn = workloads.PREPARE.get(self.kind.plural, workloads.prepare_generic)
        if self.kind.plural in ('deployments', 'replicasets'):
            return fn(self.objs, obj, old, legacy=self.gv.startswith('extensions/'))
        return fn(self.objs, obj, old)

    def after_write(self):
        if self.kind.plural in CONTROLLED and not self.dry_run:
            workloads.controllers(self.objs)

    def check_body(self, body):
        if not isinstance(body, dict):
            raise bad_request('the body of the request must be a JSON or YAML object')
        if body.get('apiVersion') not in (None, '', self.gv):
            raise bad_request('the API version in the data (%s) does not match the expected API version (%s)'
                              % (body.get('apiVersion'), self.gv))
        if body.get('kind') not in (None, '', self.kind.kind):
            raise bad_request('%s in version "%s" cannot be handled as a %s: the kind in the data does not match'
                              % (body.get('kind'), self.gv.split('/')[-1], self.kind.kind))
        meta = body.get('metadata')
        if meta is not None and not isinstance(meta, dict):
            raise bad_request('metadata must be an object')
        body_ns = (meta or {}).get('namespace')
        if self.kind.namespaced and body_ns not in (None, '', self.ns):
            raise bad_request('the namespace of the provided object does not match the namespace sent on the request')
        return body

    def create(self):
        if self.name is not None:
            raise method_not_allowed()
        if self.kind.namespaced and self.ns is None:
            raise method_not_allowed()
        body = self.check_body(parse_body(self.request))
        if self.kind.namespaced and self.objs.get('namespaces', '', self.ns) is None:
            raise not_found('namespaces', self.ns)
        obj = copy.deepcopy(body)
        obj['apiVersion'] = self.kind.versions[0]
        obj['kind'] = self.kind.kind
        obj['metadata'] = self.objs.new_metadata(body.get('metadata'), self.ns if self.kind.namespaced else None)
        name = obj['metadata'].get('name')
        if name and self.objs.get(self.kind.plural, self.ns, name) is not None:
            raise already_exists(self.kind.plural, name, self.group)
        obj = self.prepare(obj, None)
        self.objs.put(self.kind.plural, obj)
        self.after_write()
        return self.respond(self.served(self.stored(name, obj)), 201)

    def update(self):
        if self.name is None:
            raise method_not_allowed()
        current = self.current()
        body = self.check_body(parse_body(self.request))
        if self.sub == 'scale':
            return self.write_scale(current, body)
        meta = body.get('metadata') or {}
        if meta.get('name') not in (None, self.name):
            raise bad_request('the name of the object (%s) does not match the name on the URL (%s)'
                              % (meta.get('name'), self.name))
        self.precondition(current, meta)
        return self.write(current, copy.deepcopy(body))

    def patch(self):
        if self.name is None:
            raise method_not_allowed()
        ctype = self.request.mimetype
        if ctype not in patch.TYPES:
            raise patch.unsupported_media_type(ctype)
        body = parse_body(self.request, 'error decoding patch')
        current = self.lookup(self.name)
        if current is None:
            if ctype == patch.APPLY and self.sub is None:
                return self.create_from(self.check_body(body))
            raise not_found(self.kind.plural, self.name, self.group)
        if self.sub == 'scale':
            return self.write_scale(current, patch.apply(ctype, self.scale_of(current), body))
        patched = patch.apply(ctype, self.served(current), body)
        if not isinstance(patched, dict):
            raise bad_request('the patch did not produce an object')
        if isinstance(body, dict):
            self.precondition(current, body.get('metadata') or {})
        return self.write(current, patched)

    def create_from(self, body):
        """Server-side apply of an object that does not exist yet."""
        body.setdefault('metadata', {})['name'] = self.name
        obj = copy.deepcopy(body)
        obj['apiVersion'], obj['kind'] = self.kind.versions[0], self.kind.kind
        obj['metadata'] = self.objs.new_metadata(body['metadata'], self.ns if self.kind.namespaced else None)
        obj = self.prepare(obj, None)
        self.objs.put(self.kind.plural, obj)
        self.after_write()
        return self.respond(self.served(self.stored(self.name, obj)), 201)

    def stored(self, name, written):
        """The object as stored after a write and the controllers (``written`` itself on a dry run)."""
        if self.dry_run:
            return written
        return self.objs.get(self.kind.plural, self.ns, name) or written

    def precondition(self, current, meta):
        rv = meta.get('resourceVersion')
        if rv and rv != current['metadata'].get('resourceVersion'):
            raise conflict(self.kind.plural, self.name, self.group)

    def write(self, current, new):
        """Store ``new`` in place of ``current`` (main resource or status); no write when nothing changes."""
        new['apiVersion'], new['kind'] = self.kind.versions[0], self.kind.kind
        meta = new.get('metadata') if isinstance(new.get('metadata'), dict) else {}
        if meta.get('name') not in (None, self.name):
            raise invalid(self.kind.kind, self.name, [field_error('metadata.name', 'Invalid', 'field is immutable',
                                                                  meta.get('name'))], self.group)
        for key in ('name', 'namespace', 'uid', 'creationTimestamp', 'generation', 'deletionTimestamp'):
            if key in current['metadata']:
                meta[key] = current['metadata'][key]
            else:
                meta.pop(key, None)
        meta['resourceVersion'] = current['metadata'].get('resourceVersion')
        new['metadata'] = meta
        if self.sub == 'status':
            status = new.get('status')
            new = copy.deepcopy(current)
            new['status'] = status
            if self.kind.plural in ('deployments', 'replicasets', 'pods', 'namespaces'):
                new['status'] = current.get('status')  # the controllers own these
        else:
            new = self.prepare(new, current)
        if new == current:
            return self.respond(self.served(current))
        self.objs.put(self.kind.plural, new)
        self.after_write()
        return self.respond(self.served(self.stored(self.name, new)))

    # -- scale --------------------------------------------------------------------------------------------------
    def scale_of(self, obj):
        meta = {k: obj['metadata'][k] for k in ('name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp')
                if k in obj['metadata']}
        replicas = (obj.get('status') or {}).get('replicas', 0)
        selector = obj['spec'].get('selector') or {}
        if self.gv.startswith('extensions/'):
            return {'kind': 'Scale', 'apiVersion': 'extensions/v1beta1', 'metadata': meta,
                    'spec': {'replicas': obj['spec'].get('replicas', 1)},
                    'status': {'replicas': replicas, 'selector': dict(selector.get('matchLabels') or {}),
                               'targetSelector': selector_text(selector)}}
        return {'kind': 'Scale', 'apiVersion': 'autoscaling/v1', 'metadata': meta,
                'spec': {'replicas': obj['spec'].get('replicas', 1)},
                'status': {'replicas': replicas, 'selector': selector_text(selector)}}

    def write_scale(self, current, scale):
        if not isinstance(scale, dict):
            raise bad_request('a Scale object is expected')
        self.precondition(current, scale.get('metadata') or {})
        replicas = (scale.get('spec') or {}).get('replicas', 0)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise invalid('Scale', self.name, [field_error('spec.replicas', 'Invalid',
                                                           'must be greater than or equal to 0', replicas)],
                          'autoscaling')
        new = copy.deepcopy(current)
        new['spec']['replicas'] = replicas
        saved_sub, self.sub = self.sub, None
        self.write(current, new)
        self.sub = saved_sub
        return self.respond(self.scale_of(self.stored(self.name, new)))

    # -- delete ------------------------------------------------------------------------------------------------
    def options(self):
        opts = {}
        if self.request.get_data().strip():
            opts = parse_body(self.request, 'the body of a delete must be DeleteOptions')
            if not isinstance(opts, dict):
                raise bad_request('the body of a delete must be DeleteOptions')
        return opts.get('propagationPolicy') or self.args.get('propagationPolicy') or 'Background'

    def remove(self, obj):
        meta = obj['metadata']
        if self.kind.plural == 'namespaces':
            workloads.delete_namespace(self.objs, obj, KINDS)
        elif self.kind.plural in ('deployments', 'replicasets'):
            workloads.delete_owned(self.objs, obj, orphan=self.options() == 'Orphan')
        self.objs.delete(self.kind.plural, meta.get('namespace'), meta['name'])

    def delete(self):
        if self.name is None:
            return self.delete_collection()
        obj = self.current()
        self.remove(obj)
        self.after_write()
        gone = copy.deepcopy(self.served(obj))
        if self.kind.plural in ('pods', 'namespaces'):
            gone['metadata']['deletionTimestamp'] = timestamp(self.now)
            if self.kind.plural == 'pods':
                gone['metadata']['deletionGracePeriodSeconds'] = obj['spec'].get('terminationGracePeriodSeconds', 30)
            else:
                gone['status'] = {'phase': 'Terminating'}
            return self.respond(gone)
        return self.respond({'kind': 'Status', 'apiVersion': 'v1', 'metadata': {}, 'status': 'Success',
                             'details': {'name': self.name, 'group': self.group, 'kind': self.kind.plural,
                                         'uid': obj['metadata'].get('uid')}})

    def delete_collection(self):
        if 'deletecollection' not in self.kind.verbs:
            raise method_not_allowed()
        found = self.items()
        for obj in found:
            self.remove(obj)
        self.after_write()
        return self.respond({'kind': self.kind.kind + 'List', 'apiVersion': self.gv,
                             'metadata': {'resourceVersion': self.rv()}, 'items': [self.served(o) for o in found]})

    # -- watch -------------------------------------------------------------------------------------------------
    def snapshot(self, endpoint):
        with self.db.transaction():
            now = time.time()
            cluster = serving(self.db, self.cluster['cluster_id'], endpoint, now)
            if cluster is None:
                return None
            self.now, self.cluster = now, cluster
            self.objs = Objects(self.db, cluster, now)
            workloads.settle(self.objs)
            if self.name:
                obj = self.lookup(self.name)
                found = [obj] if obj else []
            else:
                found = self.items()
            return {(o['metadata'].get('namespace', ''), o['metadata']['name']): self.served(o) for o in found}

    def watch(self):
        endpoint = self.request.environ.get('ack.endpoint')
        timeout = min(self.args.get('timeoutSeconds', WATCH_MAX, type=int), WATCH_MAX)
        since = self.args.get('resourceVersion')
        table = self.wants_table()
        include = self.args.get('includeObject', 'Metadata')
        first = self.snapshot(endpoint)
        if first is None:
            raise KubeError(503, 'ServiceUnavailable', 'the server is shutting down', {})

        def newer(obj):
            try:
                return int(obj['metadata'].get('resourceVersion', 0)) > int(since)
            except (TypeError, ValueError):
                return True

        def event(kind, obj):
            if table and kind != 'BOOKMARK':
                obj = tables.table(self.kind.kind, [obj], time.time(), include)
            return (json.dumps({'type': kind, 'object': obj}, separators=(',', ':')) + '\n').encode()

        def stream():
            seen = first
            initial = self.args.get('sendInitialEvents') == 'true'
            for obj in first.values():
                if initial or since in (None, '', '0') or newer(obj):
                    yield event('ADDED', obj)
            if initial:  # the watch-list protocol: a bookmark marks the end of the initial state
                yield event('BOOKMARK', {'kind': self.kind.kind, 'apiVersion': self.gv, 'metadata': {
                    'resourceVersion': self.rv(), 'annotations': {'k8s.io/initial-events-end': 'true'}}})
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                time.sleep(WATCH_POLL)
                now = self.snapshot(endpoint)
                if now is None:
                    return
                for key, obj in now.items():
                    if key not in seen:
                        yield event('ADDED', obj)
                    elif obj['metadata'].get('resourceVersion') != seen[key]['metadata'].get('resourceVersion'):
                        yield event('MODIFIED', obj)
                for key, obj in seen.items():
                    if key not in now:
                        yield event('DELETED', obj)
                seen = now

        return Response(stream(), status=200, content_type='application/json', direct_passthrough=True)
