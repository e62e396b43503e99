"""Start and stop a real emulator process, for test suites (ours and users')."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_KEY_ID = 'LTAI5tACKEMULATORDEMO'
DEMO_KEY_SECRET = 'ack-emulator-demo-secret-0123456789'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class EmulatorProcess:
    """`python -m ack_emulator` on a free loopback port; usable as a context manager."""

    def __init__(self, state_file=None, time_scale=0.0, port=None, extra_args=(),
                 access_key_id=DEMO_KEY_ID, access_key_secret=DEMO_KEY_SECRET):
        self.state_file = state_file
        self.time_scale = time_scale
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.url = 'http://127.0.0.1:%d' % self.port
        self.proc = None

    def command(self):
        cmd = [sys.executable, '-m', 'ack_emulator', '--host', '127.0.0.1', '--port', str(self.port),
               '--time-scale', str(self.time_scale)]
        if self.access_key_id:
            cmd += ['--access-key-id', self.access_key_id, '--access-key-secret', self.access_key_secret]
        if self.state_file:
            cmd += ['--state-file', self.state_file]
        return cmd + self.extra_args

    def start(self, timeout=20):
        env = dict(os.environ)
        env['PYTHONPATH'] = PACKAGE_PARENT + os.pathsep + env.get('PYTHONPATH', '')
        self.proc = subprocess.Popen(self.command(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('emulator exited: %s' % self.proc.stderr.read().decode(errors='replace'))
            try:
                self.admin('GET', '/stats')
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        raise RuntimeError('emulator did not answer on %s within %ss' % (self.url, timeout))

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def kill9(self):
        self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        return self.start()

    def admin(self, method, path, body=None):
        """Call the unsigned admin API under /__emulator/; returns the parsed JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + '/__emulator' + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=10) as answer:
            raw = answer.read()
        return json.loads(raw) if raw else None

    def stats(self):
        return self.admin('GET', '/stats')['requests']

    def reset(self):
        return self.admin('POST', '/reset')

    def faults(self, **settings):
        return self.admin('POST', '/faults', settings)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
