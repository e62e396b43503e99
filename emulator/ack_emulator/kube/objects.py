"""Kubernetes objects of one cluster, kept in the emulator's SQLite state.

Documents of kind ``k8s`` (id ``cluster|plural|namespace|name``, body ``{"cluster_id", "plural", "obj"}``) and one
``kube_meta`` document per cluster (first-use seeding, the node fingerprint workloads.py watches). The
``resourceVersion`` counter is shared by every cluster (the store's meta table), so it only grows.
"""
import datetime
import hashlib
import re
import secrets
import uuid

from ..lifecycle import iso_utc as timestamp  # kube's name for it (workloads, tables, verbs import it from here)
from .nodes import node_objects
from .status import bad_request

KIND = 'k8s'
META = 'kube_meta'
SYSTEM_NAMESPACES = ('default', 'kube-system', 'kube-public', 'kube-node-lease')


def parse_time(text):
    try:
        return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp()
    except (TypeError, ValueError):
        return None


class Objects:
    """The objects of one cluster for one request (read once, written through)."""

    def __init__(self, db, cluster, now, dry_run=False):
        self.db = db
        self.cluster = cluster
        self.cid = cluster['cluster_id']
        self.now = now
        self.dry_run = dry_run
        self._all = None
        self._nodes = None
        self.meta = db.get(META, self.cid) or {'cluster_id': self.cid}

    def _load(self):
        if self._all is None:
            self._all = {}
            for doc in self.db.list(KIND, where={'cluster_id': self.cid}):
                obj = doc['obj']
                self._all[(doc['plural'], obj['metadata'].get('namespace', ''), obj['metadata']['name'])] = obj
        return self._all

    def _id(self, plural, ns, name):
        return '|'.join((self.cid, plural, ns or '', name))

    def get(self, plural, ns, name):
        return self._load().get((plural, ns or '', name))

    def list(self, plural, ns=None):
        return [o for (p, n, _name), o in self._load().items() if p == plural and (ns is None or n == ns)]

    def nodes(self):
        """The cluster's nodes (Node objects computed from its ACK nodes)."""
        if self._nodes is None:
            self._nodes = node_objects(self.db, self.cluster, self.now)
        return self._nodes

    def next_rv(self):
        rv = int(self.db.get_meta('k8s_rv', 0)) + 1
        if not self.dry_run:
            self.db.set_meta('k8s_rv', rv)
        return str(rv)

    def put(self, plural, obj):
        """Store ``obj`` with a new resourceVersion (nothing is written on a dry run)."""
        meta = obj['metadata']
        meta['resourceVersion'] = self.next_rv()
        if not self.dry_run:
            self._load()[(plural, meta.get('namespace', ''), meta['name'])] = obj
            self.db.put(KIND, self._id(plural, meta.get('namespace'), meta['name']),
                        {'cluster_id': self.cid, 'plural': plural, 'obj': obj})
        return obj

    def delete(self, plural, ns, name):
        if not self.dry_run:
            self._load().pop((plural, ns or '', name), None)
            self.db.delete(KIND, self._id(plural, ns, name))

    def save_meta(self):
        if not self.dry_run:
            self.db.put(META, self.cid, self.meta)

    def new_metadata(self, meta, namespaced_in=None):
        """Server-set metadata fields of a new object."""
        meta = dict(meta or {})
        if not meta.get('name') and meta.get('generateName'):
            meta['name'] = meta['generateName'] + suffix(5)
        if namespaced_in is not None:
            meta['namespace'] = namespaced_in
        meta['uid'] = str(uuid.uuid4())
        meta['creationTimestamp'] = timestamp(self.now)
        for key in ('resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink',
                    'managedFields'):
            meta.pop(key, None)
        return meta


SAFE = 'bcdfghjklmnpqrstvwxz2456789'


def suffix(n, seed=None):
    """Random (or ``seed``-derived) characters from Kubernetes' name alphabet."""
    if seed is None:
        return ''.join(secrets.choice(SAFE) for _ in range(n))
    digest = hashlib.sha256(seed.encode()).digest()
    return ''.join(SAFE[b % len(SAFE)] for b in digest[:n])


# -- label and field selectors -----------------------------------------------------------------------------
_SET_RE = re.compile(r'^\s*([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)\s*$')


def _split_selector(text):
    """Split on commas outside parentheses."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def label_matcher(text):
    """A function ``labels -> bool`` for a labelSelector query (equality and set-based)."""
    tests = []
    for term in _split_selector(text or ''):
        m = _SET_RE.match(term)
        if m:
            key, op, values = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(',') if v.strip()}
            if op == 'in':
                tests.append(lambda labels, k=key, vs=values: labels.get(k) in vs)
            else:
                tests.append(lambda labels, k=key, vs=values: labels.get(k) not in vs)
        elif '!=' in term:
            key, value = [s.strip() for s in term.split('!=', 1)]
            tests.append(lambda labels, k=key, v=value: labels.get(k) != v)
        elif '=' in term:
            key, value = [s.strip() for s in term.replace('==', '=').split('=', 1)]
            tests.append(lambda labels, k=key, v=value: labels.get(k) == v)
        elif term.startswith('!'):
            tests.append(lambda labels, k=term[1:].strip(): k not in labels)
        elif re.match(r'^[A-Za-z0-9._/-]+$', term):
            tests.append(lambda labels, k=term: k in labels)
        else:
            raise bad_request('unable to parse requirement: invalid label selector %r' % text)
    return lambda labels: all(t(labels or {}) for t in tests)


def selector_matcher(selector):
    """A function ``labels -> bool`` for a LabelSelector object (matchLabels, matchExpressions)."""
    selector = selector or {}
    want = selector.get('matchLabels') or {}
    exprs = selector.get('matchExpressions') or []

    def match(labels):
        labels = labels or {}
        if any(labels.get(k) != v for k, v in want.items()):
            return False
        for e in exprs:
            key, op, values = e.get('key'), e.get('operator'), e.get('values') or []
            if op == 'In' and labels.get(key) not in values:
                return False
            if op == 'NotIn' and key in labels and labels[key] in values:
                return False
            if op == 'Exists' and key not in labels:
                return False
            if op == 'DoesNotExist' and key in labels:
                return False
        return True
    return match


def selector_text(selector):
    """A LabelSelector object as the query string kubectl shows (``app=nginx``)."""
    selector = selector or {}
    terms = ['%s=%s' % (k, v) for k, v in sorted((selector.get('matchLabels') or {}).items())]
    for e in selector.get('matchExpressions') or []:
        op = e.get('operator')
        if op in ('In', 'NotIn'):
            terms.append('%s %s (%s)' % (e.get('key'), op.lower(), ','.join(e.get('values') or [])))
        elif op == 'Exists':
            terms.append(e.get('key'))
        elif op == 'DoesNotExist':
            terms.append('!' + e.get('key'))
    return ','.join(terms)


def field_matcher(text):
    """A function ``obj -> bool`` for a fieldSelector (``a.b=c``, ``a.b!=c``, comma-separated)."""
    tests = []
    for term in _split_selector(text or ''):
        neg = '!=' in term
        key, _, value = term.replace('!=', '=').replace('==', '=').partition('=')

        def test(obj, path=key.strip().split('.'), v=value.strip(), neg=neg):
            cur = obj
            for part in path:
                cur = cur.get(part) if isinstance(cur, dict) else None
            got = '' if cur is None else str(cur)
            return (got != v) if neg else (got == v)
        tests.append(test)
    return lambda obj: all(t(obj) for t in tests)
