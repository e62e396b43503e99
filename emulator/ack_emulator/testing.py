"""Start and stop a real emulator process, for test suites (ours and users')."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_KEY_ID = 'LTAI5tACKEMULATORDEMO'
DEMO_KEY_SECRET = 'ack-emulator-demo-secret-0123456789'
HTTP_METHODS = ('GET', 'POST', 'PUT', 'DELETE', 'PATCH')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class EmulatorProcess:
    """`python -m ack_emulator` on a loopback port; usable as a context manager.

    ``port=None`` lets the emulator pick a free port (``--port 0``; the port is read from its first stdout line and
    kept for restarts). ``credentials``: a ``--credentials`` file instead of the key pair flags (``access_key_id``
    and ``access_key_secret`` still say which key the helpers sign with). stderr is drained into ``.stderr``.
    """

    def __init__(self, state_file=None, time_scale=0.0, port=None, extra_args=(),
                 access_key_id=DEMO_KEY_ID, access_key_secret=DEMO_KEY_SECRET, credentials=None):
        self.state_file = str(state_file) if state_file else None
        self.time_scale = time_scale
        self.port = port or 0
        self.extra_args = list(extra_args)
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.credentials = credentials
        self.url = 'http://127.0.0.1:%d' % self.port if self.port else None
        self.proc = None
        self._stderr = []

    def command(self):
        cmd = [sys.executable, '-m', 'ack_emulator', '--host', '127.0.0.1', '--port', str(self.port),
               '--time-scale', repr(float(self.time_scale))]
        if self.credentials:
            cmd += ['--credentials', str(self.credentials)]
        elif self.access_key_id:
            cmd += ['--access-key-id', self.access_key_id, '--access-key-secret', self.access_key_secret]
        if self.state_file:
            cmd += ['--state-file', self.state_file]
        return cmd + self.extra_args

    def start(self, timeout=30):
        env = dict(os.environ)
        env['PYTHONPATH'] = PACKAGE_PARENT + os.pathsep + env.get('PYTHONPATH', '')
        env['PYTHONUNBUFFERED'] = '1'
        self.proc = proc = subprocess.Popen(self.command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True)
        threading.Thread(target=self._drain, args=(proc.stderr,), daemon=True).start()
        deadline = time.monotonic() + timeout
        # the first stdout line: "ack-emulator listening on http://127.0.0.1:PORT (...)"
        line = proc.stdout.readline()
        if not line.startswith('ack-emulator listening on '):
            proc.wait(timeout)
            raise RuntimeError('emulator did not start (exit %s): %s%s' % (proc.returncode, line, self.stderr))
        self.url = line.split()[3]
        self.port = int(self.url.rsplit(':', 1)[1])
        threading.Thread(target=self._drain, args=(proc.stdout, False), daemon=True).start()
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError('emulator exited: %s' % self.stderr)
            try:
                self.admin('GET', '/health')
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.02)
        raise RuntimeError('emulator did not answer on %s within %ss' % (self.url, timeout))

    def _drain(self, stream, keep=True):
        try:
            for line in stream:
                if keep:
                    self._stderr.append(line)
                    del self._stderr[:-500]
        except (OSError, ValueError):
            pass

    @property
    def stderr(self):
        """The last lines the emulator wrote on stderr."""
        return ''.join(self._stderr)

    def stop(self, sig=signal.SIGTERM):
        """Stop the process (SIGTERM: clean shutdown); returns its exit code."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        return proc.returncode

    def kill9(self, restart=False):
        """SIGKILL the process; ``restart=True`` starts it again on the same port and state file."""
        self.stop(signal.SIGKILL)
        if restart:
            return self.start()
        return None

    def restart(self):
        self.stop()
        return self.start()

    def admin(self, *args, json=None, method=None):  # pylint: disable=redefined-outer-name
        """Call the unsigned admin API under /__emulator/; returns the parsed JSON answer.

        Both ``admin('GET', '/stats')`` / ``admin('POST', '/faults', {...})`` and ``admin('stats')`` /
        ``admin('faults', {...})`` (POST when a body is given) work. An HTTP error raises AssertionError.
        """
        if args and args[0] in HTTP_METHODS:
            method, path = args[0], args[1]
            body = args[2] if len(args) > 2 else json
        else:
            path = args[0]
            body = args[1] if len(args) > 1 else json
            method = method or ('GET' if body is None else 'POST')
        data = None if body is None else _dumps(body).encode()
        if method in ('POST', 'PUT') and data is None:
            data = b'{}'
        req = urllib.request.Request(self.url + '/__emulator/' + path.lstrip('/'), data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as e:
            raise AssertionError('admin %s %s -> %s %s' % (method, path, e.code, e.read()[:300])) from None
        return _loads(raw) if raw else None

    def stats(self):
        return self.admin('GET', '/stats')['requests']

    def reset(self):
        return self.admin('POST', '/reset')

    def faults(self, **settings):
        return self.admin('POST', '/faults', settings)

    def seed_clusters(self, bodies):
        """Create clusters with signed CreateCluster calls at time scale 0, so each is running with its nodes ready
        at once (the previous scale is restored); returns their ids. For tests and benchmarks that need many."""
        from .client import SignedClient
        scale = self.admin('config')['time_scale']
        self.admin('config', {'time_scale': 0})
        client = SignedClient(self.url, self.access_key_id, self.access_key_secret)
        ids = []
        try:
            for body in bodies:
                answer = client.call('POST', '/clusters', body=body, action='CreateCluster')
                if answer.status != 202:
                    raise AssertionError('CreateCluster -> %r' % answer)
                ids.append(answer.json['cluster_id'])
        finally:
            self.admin('config', {'time_scale': scale})
        return ids

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _dumps(obj):
    return json.dumps(obj)


def _loads(raw):
    return json.loads(raw)
