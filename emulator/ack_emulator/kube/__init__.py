"""The Kubernetes API of the emulated clusters (reference section 1).

Every cluster that reached ``running`` has two loopback HTTPS ports (public and internal endpoint; listeners.py)
whose addresses DescribeClusterDetail's ``master_url`` and the kubeconfig of DescribeClusterUserKubeconfig name.
The kubeconfig carries the cluster's CA and a client certificate signed by it (pki.py); the API itself is
api.py (routing, discovery, errors) over resources.py (the kinds), store.py (objects in the emulator's SQLite
state), workloads.py (pods and deployments), nodes.py (nodes and metrics from the ACK documents).

Hooks for the rest of the emulator: ``serve(app)`` / ``stop(app)`` (cli.py), ``endpoints(ctx, cluster)`` and
``user_kubeconfig(ctx, cluster, private, minutes)`` (ops/clusters.py).
"""
import hashlib
import secrets
import threading

from ..lifecycle import iso_utc
from . import pki

LONG_LIVED_SECONDS = 3 * 365 * 86400
_lock = threading.Lock()


def manager(app):
    """The app's listeners (started on first use)."""
    with _lock:
        listeners = getattr(app, 'kube_listeners', None)
        if listeners is None:
            from .api import KubeApi
            from .listeners import Listeners
            listeners = Listeners(app.db, KubeApi(app), log_requests=app.log_requests)
            app.kube_listeners = listeners
        return listeners


def serve(app):
    """Start the listeners and bind the ports of the clusters already in the state (emulator start-up)."""
    manager(app).restore()


def stop(app):
    listeners = getattr(app, 'kube_listeners', None)
    if listeners is not None:
        listeners.stop()


def endpoints(ctx, cluster):
    """``(public_url, internal_url)`` of the cluster's API server; ports are opened on first use and kept in the
    cluster document (the caller stores it)."""
    ports = cluster.get('_kube_ports')
    if not ports:
        listeners = manager(ctx.app)
        ports = [listeners.open(cluster['cluster_id'], 'public'), listeners.open(cluster['cluster_id'], 'internal')]
        cluster['_kube_ports'] = ports
    return tuple('https://127.0.0.1:%d' % p for p in ports)


KUBECONFIG = '''apiVersion: v1
clusters:
- cluster:
    server: %(server)s
    certificate-authority-data: %(ca)s
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: "%(user)s"
  name: %(user)s-%(cluster_id)s
current-context: %(user)s-%(cluster_id)s
kind: Config
preferences: {}
users:
- name: "%(user)s"
  user:
    client-certificate-data: %(cert)s
    client-key-data: %(key)s
'''


def user_kubeconfig(ctx, cluster, private, minutes):
    """The DescribeClusterUserKubeconfig answer ``{"config", "expiration"}``.

    ``minutes`` (TemporaryDurationMinutes): a new certificate valid that long, scaled by the time scale when it is
    above 0 (at 0 the real duration: an instantly expired credential is of no use). Without it, one long-lived
    certificate per cluster and access key: the same kubeconfig on every call.
    """
    cid = cluster['cluster_id']
    had_ports = bool(cluster.get('_kube_ports'))
    public_url, internal_url = endpoints(ctx, cluster)
    if not had_ports:  # a cluster stored before the emulator served the Kubernetes API
        ctx.db.put('cluster', cid, cluster)
    doc = pki.get_or_create(ctx.db, cluster, ctx.now)
    ak = ctx.identity.access_key_id
    if minutes:
        expires = ctx.now + minutes * 60 * (ctx.scale if ctx.scale > 0 else 1)
        user = '%s-%s' % (hashlib.sha256(ak.encode()).hexdigest()[:12], secrets.token_hex(4))
        cert, key = pki.client_cert(doc, user, ctx.now - 300, expires)
        pki.record(doc, ak, user, cert, ctx.now, temporary=True)
        ctx.db.put(pki.KIND, cid, doc)
    else:
        entry = doc['users'].get(ak)
        if entry is None:
            # the first one lasts from the cluster's creation; one issued after a revocation from now
            revoked = any(r['account'] == ak and r['revoked_at'] for r in doc.get('issued') or [])
            start = ctx.now if revoked else cluster.get('_created_at') or ctx.now
            user = pki.user_name(cid, ak)
            cert, key = pki.client_cert(doc, user, start - 300, start + LONG_LIVED_SECONDS)
            entry = doc['users'][ak] = {'name': user, 'cert': cert, 'key': key,
                                        'not_after': start + LONG_LIVED_SECONDS}
            pki.record(doc, ak, user, cert, ctx.now, temporary=False)
            ctx.db.put(pki.KIND, cid, doc)
        user, cert, key = entry['name'], entry['cert'], entry['key']
        expires = entry.get('not_after') or (cluster.get('_created_at') or ctx.now) + LONG_LIVED_SECONDS
    config = KUBECONFIG % {'server': internal_url if private else public_url, 'ca': pki.b64(doc['ca_cert']),
                           'user': user, 'cluster_id': cid, 'cert': pki.b64(cert), 'key': pki.b64(key)}
    return {'config': config, 'expiration': iso_utc(expires)}
