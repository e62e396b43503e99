"""The TLS listeners of the emulated API servers: two loopback ports per cluster (public and internal endpoint).

One thread accepts on every listening socket (a selector); each connection gets a thread that first checks that
the cluster still serves, then does the TLS handshake with the cluster's own context (server certificate signed by
the cluster's CA, client certificate required and verified against that CA only, so one cluster's kubeconfig does
not open another), then serves HTTP/1.1 with werkzeug's request handler. A sweep closes the ports of clusters
that are gone. Ports are kept in the cluster document (``_kube_ports``) and bound again after a restart.
"""
import os
import selectors
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time

from werkzeug.serving import WSGIRequestHandler

from . import pki

HOST = '127.0.0.1'
ENDPOINTS = ('public', 'internal')
SWEEP_SECONDS = 1.0
IDLE_TIMEOUT = 60.0
HANDSHAKE_TIMEOUT = 10.0
# states in which the API server answers (clusters.py SERVING_STATES)
SERVING_STATES = ('running', 'updating', 'scaling', 'upgrading', 'removing', 'draining')


def serving(db, cluster_id, endpoint, now=None):
    """The cluster document when its ``endpoint`` answers now, else None."""
    cluster = db.get('cluster', cluster_id, now=now)
    if cluster is None or cluster.get('state') not in SERVING_STATES:
        return None
    if endpoint == 'public' and not cluster.get('_api_server_eip'):
        return None
    return cluster


def _linger(tls):
    """After a refused handshake: stop writing, read what the client still sends, then close. A close with its
    request unread would reset the connection, and the client could lose the TLS alert saying why."""
    try:
        raw = socket.socket(fileno=tls.detach())
    except OSError:
        return
    try:
        raw.shutdown(socket.SHUT_WR)
        raw.settimeout(1.0)
        while raw.recv(65536):
            pass
    except OSError:
        pass
    finally:
        raw.close()


class _Handler(WSGIRequestHandler):
    protocol_version = 'HTTP/1.1'
    timeout = IDLE_TIMEOUT

    def log_request(self, code='-', size='-'):
        if self.server.log_requests:
            super().log_request(code, size)

    def handle_one_request(self):
        if self.server.revoked():  # a connection opened before its certificate was revoked ends here
            self.close_connection = True
            return
        super().handle_one_request()

    def make_environ(self):
        environ = super().make_environ()
        environ['ack.cluster_id'] = self.server.cluster_id
        environ['ack.endpoint'] = self.server.endpoint
        return environ


class _Conn:
    """What werkzeug's request handler reads from its ``server``, for one connection."""
    multithread = True
    multiprocess = False
    passthrough_errors = False
    _server_version = 'kube-apiserver (ack_emulator)'

    def __init__(self, app, ssl_context, port, cluster_id, endpoint, log_requests, revoked=None):
        self.app = app
        self.revoked = revoked or (lambda: False)
        self.ssl_context = ssl_context
        self.server_address = (HOST, port)
        self.cluster_id = cluster_id
        self.endpoint = endpoint
        self.log_requests = log_requests

    @staticmethod
    def log(kind, message, *args):
        if kind == 'error':
            print(message % args if args else message, file=sys.stderr)


class Listeners:
    def __init__(self, db, wsgi_app, log_requests=False):
        self.db = db
        self.wsgi_app = wsgi_app
        self.log_requests = log_requests
        self._lock = threading.Lock()
        self._ports = {}       # port -> (socket, cluster_id, endpoint)
        self._contexts = {}    # cluster_id -> (revision, ssl.SSLContext)
        self._revisions = {}   # cluster_id -> revision of its kube_pki document after its last revocation
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._dir = tempfile.mkdtemp(prefix='ack-kube-')
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name='kube-listeners', daemon=True)
        self._thread.start()

    # -- ports ---------------------------------------------------------------------------------------------
    def _bind(self, port):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        return sock

    def open(self, cluster_id, endpoint, port=0):
        """Listen for ``cluster_id``'s ``endpoint`` on ``port`` (0: a free one); returns the port."""
        sock = self._bind(port)
        port = sock.getsockname()[1]
        with self._lock:
            self._ports[port] = (sock, cluster_id, endpoint)
            self._sel.register(sock, selectors.EVENT_READ, port)
        self._wake()
        return port

    def ports_of(self, cluster_id):
        with self._lock:
            return sorted(p for p, (_s, cid, _e) in self._ports.items() if cid == cluster_id)

    def close_cluster(self, cluster_id):
        with self._lock:
            for port in [p for p, (_s, cid, _e) in self._ports.items() if cid == cluster_id]:
                sock = self._ports.pop(port)[0]
                self._sel.unregister(sock)
                sock.close()
            self._contexts.pop(cluster_id, None)
            self._revisions.pop(cluster_id, None)

    def restore(self):
        """Bind the ports recorded in the cluster documents again (after a restart)."""
        with self.db.transaction():
            for cluster in self.db.list('cluster'):
                ports = cluster.get('_kube_ports')
                if not ports:
                    continue
                moved = {}
                for endpoint, port in zip(ENDPOINTS, ports):
                    try:
                        self.open(cluster['cluster_id'], endpoint, port)
                    except OSError as e:
                        moved[port] = self.open(cluster['cluster_id'], endpoint)
                        print('ack-emulator: port %d of cluster %s is taken (%s); its %s API server moved to %d'
                              % (port, cluster['cluster_id'], e, endpoint, moved[port]), file=sys.stderr)
                if moved:
                    for old, new in moved.items():
                        cluster['master_url'] = (cluster.get('master_url') or '').replace(
                            '%s:%d' % (HOST, old), '%s:%d' % (HOST, new))
                    cluster['_kube_ports'] = [moved.get(p, p) for p in ports]
                    self.db.put('cluster', cluster['cluster_id'], cluster)

    # -- the accept loop -----------------------------------------------------------------------------------
    def _wake(self):
        try:
            self._wake_w.send(b'x')
        except OSError:
            pass

    def _loop(self):
        next_sweep = time.monotonic() + SWEEP_SECONDS
        while not self._stopping:
            for key, _ in self._sel.select(timeout=SWEEP_SECONDS):
                if key.data is None:
                    try:
                        self._wake_r.recv(4096)
                    except OSError:
                        pass
                    continue
                with self._lock:
                    entry = self._ports.get(key.data)
                if entry is None:
                    continue
                try:
                    conn, _addr = entry[0].accept()
                except OSError:
                    continue
                threading.Thread(target=self._serve, args=(conn, key.data, entry[1], entry[2]), daemon=True).start()
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + SWEEP_SECONDS
                self._sweep()

    def _sweep(self):
        """Close the ports of clusters that are gone (deleted, or the state was reset)."""
        with self._lock:
            ids = {cid for _s, cid, _e in self._ports.values()}
        if not ids:
            return
        try:
            with self.db.transaction():
                gone = [cid for cid in ids if self.db.get('cluster', cid) is None]
                for cid in gone:
                    self.close_cluster(cid)
                    self.db.delete(pki.KIND, cid)
        except Exception as e:  # pylint: disable=broad-except  (never let the loop die)
            print('ack-emulator: kube sweep failed: %r' % (e,), file=sys.stderr)

    # -- one connection --------------------------------------------------------------------------------------
    def revoked(self, cluster_id, revision):
        """A revocation moved the cluster's kube_pki document to ``revision``: new handshakes check the new CRL."""
        with self._lock:
            self._revisions[cluster_id] = max(revision, self._revisions.get(cluster_id, 0))

    def _revoked_since(self, cluster_id, revision, serial):
        """Whether the certificate ``serial``, accepted at ``revision``, has been revoked since."""
        with self._lock:
            if self._revisions.get(cluster_id, 0) <= revision:
                return False
        doc = self.db.get(pki.KIND, cluster_id)
        return any(r['serial'] == serial and r['revoked_at'] is not None for r in pki.issued(doc or {}))

    def _write(self, name, text):
        """A private file of this thread's (the ssl module loads certificates, keys and CRLs from files)."""
        path = os.path.join(self._dir, '%s-%d.pem' % (name, threading.get_ident()))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        return path

    def _context(self, cluster):
        """``(revision, context)``: the CA's certificate and revocation list verify the client certificate (so a
        revoked or expired one fails the handshake), the server presents the cluster's API server certificate."""
        cid = cluster['cluster_id']
        with self._lock:
            cached = self._contexts.get(cid)
            wanted = self._revisions.get(cid, 0)
        if cached is not None and cached[0] >= wanted:
            return cached
        now = time.time()
        doc = pki.get_or_create(self.db, cluster, now)
        revision = doc.get('revision', 0)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        path = self._write(cid + '-ca', doc['ca_cert'] + (doc.get('crl') or pki.crl(doc, now)))
        ctx.load_verify_locations(cafile=path)
        os.unlink(path)
        path = self._write(cid, doc['server_cert'] + doc['server_key'])
        ctx.load_cert_chain(path)
        os.unlink(path)
        with self._lock:
            if revision >= self._revisions.get(cid, 0):
                self._contexts[cid] = (revision, ctx)
        return revision, ctx

    def _serve(self, conn, port, cluster_id, endpoint):
        try:
            conn.setblocking(True)
            conn.settimeout(HANDSHAKE_TIMEOUT)
            cluster = serving(self.db, cluster_id, endpoint)
            if cluster is None:  # a deleted or not yet running cluster does not answer
                return
            revision, context = self._context(cluster)
            tls = context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
            try:
                tls.do_handshake()
            except (ssl.SSLError, OSError):  # a certificate refused (revoked, expired, another CA's)...
                _linger(tls)
                return
            try:
                tls.settimeout(IDLE_TIMEOUT)
                serial = pki.serial(tls.getpeercert(binary_form=True))
                _Handler(tls, (HOST, port), _Conn(self.wsgi_app, context, port, cluster_id, endpoint,
                                                  self.log_requests,
                                                  lambda: self._revoked_since(cluster_id, revision, serial)))
            except (OSError, ValueError):
                pass
            finally:
                tls.close()
        except Exception as e:  # pylint: disable=broad-except
            print('ack-emulator: kube connection failed: %r' % (e,), file=sys.stderr)
        finally:
            conn.close()

    def stop(self):
        self._stopping = True
        self._wake()
        self._thread.join(5)
        with self._lock:
            for sock, _cid, _e in self._ports.values():
                sock.close()
            self._ports.clear()
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
        shutil.rmtree(self._dir, ignore_errors=True)
