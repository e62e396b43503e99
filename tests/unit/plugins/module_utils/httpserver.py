# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real HTTP server on 127.0.0.1 for client tests: it records requests and answers through a callable."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

REASONS = {200: 'OK', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 403: 'Forbidden',
           404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
           503: 'Service Unavailable'}


class Recorded(object):
    """One request as the server saw it. query holds decoded values."""

    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.target = target
        self.path = parts.path
        self.raw_query = parts.query
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.headers = dict((k.lower(), v) for k, v in headers.items())
        self.body = body

    def json(self):
        return json.loads(self.body.decode('utf-8')) if self.body else None


def _encode(body, headers):
    if body is None:
        return b''
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        headers.setdefault('Content-Type', 'text/plain; charset=utf-8')
        return body.encode('utf-8')
    headers.setdefault('Content-Type', 'application/json')
    return json.dumps(body).encode('utf-8')


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        request = Recorded(self.command, self.path, self.headers, body)
        self.server.api.record(request)
        try:
            status, headers, payload = self.server.api.app(request)
        except Exception as e:  # a test bug: make it visible as a 500
            status, headers, payload = 599, {}, 'app raised %r' % (e,)
        headers = dict(headers or {})
        data = _encode(payload, headers)
        lines = ['HTTP/1.1 %d %s' % (status, REASONS.get(status, 'Status'))]
        headers['Content-Length'] = str(len(data))
        lines.extend('%s: %s' % item for item in headers.items())
        try:  # headers and body in one write: no delayed-ACK stall
            self.wfile.write(('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class ApiServer(object):
    """Serve app(request) -> (status, headers, body) on 127.0.0.1 in a thread; body may be a JSON value,
    str or bytes. Use as a context manager."""

    def __init__(self, app):
        self.app = app
        self.requests = []
        self._lock = threading.Lock()
        self.release = threading.Event()  # set on exit, so sleeping handlers wake up
        self._server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self._server.daemon_threads = True
        self._server.api = self
        self.url = 'http://127.0.0.1:%d' % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05})
        self._thread.daemon = True

    def record(self, request):
        with self._lock:
            self.requests.append(request)

    @property
    def count(self):
        with self._lock:
            return len(self.requests)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def closed_port():
    """A local port nothing listens on."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port
