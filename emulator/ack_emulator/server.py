"""A small threaded HTTP/1.1 WSGI server with keep-alive, used by ``python -m ack_emulator``.

Werkzeug's development server closes the connection after every answer (``Connection: close``: a new TCP connection
and a new thread per request) and parses headers with the ``email`` package. This one keeps connections open (one
thread per connection), reads a request with a few ``readline`` calls and sends each answer in one write with
TCP_NODELAY (no delayed-ACK stall). It serves any WSGI application; the emulator's is still Werkzeug's
Request/Response/routing. Requests are read whole before the application runs (``wsgi.input`` is a BytesIO).
"""
import io
import socket
import socketserver
import sys
import time
import traceback
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

from . import __version__

MAX_LINE = 65536  # the request head (request line and headers), a chunk-size line, the trailers
MAX_HEADERS = 100
MAX_BODY = 64 * 1024 * 1024  # larger bodies are refused before they are read (the app's own limit is lower)
REASONS = {100: 'Continue', 200: 'OK', 400: 'Bad Request', 413: 'Payload Too Large', 414: 'URI Too Long',
           431: 'Request Header Fields Too Large', 500: 'Internal Server Error'}  # the server's own answers


_KEYS = {}  # header name as sent -> WSGI environ key (clients send the same few names again and again)


def _environ_key(name):
    """``X-Acs-Date`` -> ``HTTP_X_ACS_DATE``; None for names Werkzeug drops too (with "_", which would alias "-").
    A name that is empty or holds white space (also a folded line) is refused (RFC 9112 5.1)."""
    if not name or name != name.strip() or ' ' in name or '\t' in name:
        raise BadRequest(400, 'bad header line')
    if '_' in name:
        return None
    key = name.upper().replace('-', '_')
    if key not in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
        key = 'HTTP_' + key
    if len(_KEYS) < 1000:
        _KEYS[name] = key
    return key


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class _Date:
    """The Date header, formatted once per second."""
    second = None
    value = ''

    @classmethod
    def now(cls):
        s = int(time.time())
        if s != cls.second:
            cls.second, cls.value = s, formatdate(s, usegmt=True)
        return cls.value


class Connection:
    """Buffered reads from a socket: a request head arrives in one ``recv`` most of the time."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b''

    def _fill(self):
        data = self.sock.recv(16384)
        if not data:
            raise ConnectionAbortedError('the client closed the connection')
        self.buf += data

    def read_until(self, sep, limit):
        """Bytes up to ``sep`` (excluded; ``sep`` is consumed); None when the client closed between requests."""
        while True:
            i = self.buf.find(sep)
            if i > limit:
                raise BadRequest(431, 'request head too large')
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + len(sep):]
                return out
            if len(self.buf) > limit:
                raise BadRequest(431, 'request head too large')
            try:
                self._fill()
            except ConnectionAbortedError:
                if self.buf.strip():
                    raise
                return None

    def read(self, n):
        if len(self.buf) < n:
            chunks, have = [self.buf], len(self.buf)
            while have < n:
                data = self.sock.recv(max(65536, n - have))
                if not data:
                    raise ConnectionAbortedError('the client closed the connection mid-body')
                chunks.append(data)
                have += len(data)
            self.buf = b''.join(chunks)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_chunked(self):
        out = []
        size = 0
        while True:
            line = self.read_until(b'\r\n', MAX_LINE)
            digits = line.split(b';', 1)[0].strip() if line is not None else b''
            if not digits or len(digits) > 16 or digits.strip(b'0123456789abcdefABCDEF'):
                raise BadRequest(400, 'bad chunk')
            n = int(digits, 16)
            size += n
            if size > MAX_BODY:
                raise BadRequest(413, 'body too large')
            if n == 0:
                break
            out.append(self.read(n))
            if self.read(2) != b'\r\n':
                raise BadRequest(400, 'bad chunk')
        while self.read_until(b'\r\n', MAX_LINE):  # trailers
            pass
        return b''.join(out)


class ConnectionHandler(socketserver.BaseRequestHandler):
    """Serves the requests of one connection in turn until it closes, errs or asks to close."""

    def handle(self):
        sock = self.request
        try:  # blocking reads without a timeout (one system call each); keep-alive probes reap dead peers
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        except OSError:
            pass
        sock.settimeout(None)
        conn = Connection(sock)
        try:
            while self.handle_one(sock, conn):
                pass
        except (OSError, ValueError):  # the client went away, timed out, or the answer was dropped on purpose
            pass

    def handle_one(self, sock, conn):
        """Reads and answers one request; True when the connection stays open."""
        try:
            head = conn.read_until(b'\r\n\r\n', MAX_LINE)
            if head is None:
                return False
            environ, keep = self.read_request(head.lstrip(b'\r\n').decode('latin-1'), sock, conn)
        except BadRequest as e:
            body = ('%s\n' % e).encode()
            sock.sendall(self.head(e.status, [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))],
                                   False) + body)
            return False
        answer = self.run_app(environ)
        if answer is None:  # the application dropped the connection
            return False
        status, headers, body, result = answer
        code = int(status[:3])
        if not any(k.lower() == 'content-length' for k, _ in headers):
            headers.append(('Content-Length', str(len(body))))
        if code < 200 or code in (204, 304) or environ['REQUEST_METHOD'] == 'HEAD':
            body = b''
        try:
            sock.sendall(self.head(status, headers, keep, environ['SERVER_PROTOCOL']) + body)
        finally:  # the application's iterable lives until the answer is out: what it holds is freed off the clock
            if hasattr(result, 'close'):
                result.close()
        if self.server.log_requests:
            sys.stderr.write('%s - - [%s] "%s %s %s" %d -\n' % (
                self.client_address[0], time.strftime('%d/%b/%Y %H:%M:%S'), environ['REQUEST_METHOD'],
                environ['RAW_URI'], environ['SERVER_PROTOCOL'], code))
        return keep

    def read_request(self, head, sock, conn):
        lines = head.split('\r\n')
        if len(lines) > MAX_HEADERS + 1:
            raise BadRequest(431, 'too many headers')
        parts = lines[0].split()
        if len(parts) != 3 or not parts[2].startswith('HTTP/1.'):
            raise BadRequest(400, 'bad request line')
        method, target, version = parts
        environ = {}
        for line in lines[1:]:
            name, sep, value = line.partition(':')
            key = _KEYS.get(name)
            if key is None:
                if not sep:
                    raise BadRequest(400, 'bad header line')
                key = _environ_key(name)
                if key is None:
                    continue
            value = value.strip()
            if key in environ:
                value = environ[key] + ',' + value
            environ[key] = value
        conn_hdr = environ.get('HTTP_CONNECTION', '').lower()
        keep = 'keep-alive' in conn_hdr if version == 'HTTP/1.0' else 'close' not in conn_hdr
        expect = environ.get('HTTP_EXPECT', '').lower() == '100-continue'
        coding = environ.get('HTTP_TRANSFER_ENCODING')
        if coding is not None:
            if coding.rsplit(',', 1)[-1].strip().lower() != 'chunked':  # RFC 9112 6.3: the length is unknown
                raise BadRequest(400, 'unsupported Transfer-Encoding')
            if expect:
                sock.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
            body = conn.read_chunked()
            # the body is whole now: the application must see a plain length, not the transfer coding
            del environ['HTTP_TRANSFER_ENCODING']
            environ['CONTENT_LENGTH'] = str(len(body))
        else:
            length = environ.get('CONTENT_LENGTH') or '0'
            if not (length.isascii() and length.isdigit()):
                raise BadRequest(400, 'bad Content-Length')
            length = int(length)
            if length > MAX_BODY:
                raise BadRequest(413, 'body too large')
            if length and expect:
                sock.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
            body = conn.read(length) if length else b''
        if target[:1] == '/':
            path, _, query = target.partition('?')
        else:  # absolute form, or "*"
            url = urlsplit(target)
            path, query = url.path, url.query
            if url.scheme and url.netloc:
                environ['HTTP_HOST'] = url.netloc
        server = self.server
        environ.update({
            'wsgi.version': (1, 0), 'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(body),
            'wsgi.errors': sys.stderr, 'wsgi.multithread': True, 'wsgi.multiprocess': False,
            'wsgi.run_once': False, 'werkzeug.socket': sock, 'SERVER_SOFTWARE': server.software,
            'REQUEST_METHOD': method, 'SCRIPT_NAME': '',
            # WSGI strings: the decoded path's UTF-8 bytes seen through latin-1 (what Werkzeug's server does)
            'PATH_INFO': unquote(path).encode('utf-8', 'replace').decode('latin-1') if '%' in path else path,
            'QUERY_STRING': query, 'REQUEST_URI': target, 'RAW_URI': target,
            'REMOTE_ADDR': self.client_address[0], 'REMOTE_PORT': self.client_address[1],
            'SERVER_NAME': server.server_address[0], 'SERVER_PORT': str(server.server_address[1]),
            'SERVER_PROTOCOL': version,
        })
        return environ, keep

    def run_app(self, environ):
        """``(status, headers, body, iterable)``, or None when the application dropped the connection. The
        caller closes the iterable once the answer is sent."""
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, list(headers)]
            return chunks.append

        chunks = []
        result = None
        try:
            result = self.server.app(environ, start_response)
            chunks.extend(result)
        except ConnectionAbortedError:
            return None
        except Exception:  # pylint: disable=broad-except
            traceback.print_exc(file=sys.stderr)
            if hasattr(result, 'close'):
                result.close()
            return '500 Internal Server Error', [('Content-Type', 'text/plain')], b'internal server error\n', None
        return started[0], started[1], b''.join(chunks), result

    def head(self, status, headers, keep, version='HTTP/1.1'):
        if isinstance(status, int):
            status = '%d %s' % (status, REASONS.get(status, 'Status'))
        lines = ['HTTP/1.1 ' + status, 'Server: ' + self.server.software, 'Date: ' + _Date.now()]
        lines.extend('%s: %s' % kv for kv in headers)
        if not keep:
            lines.append('Connection: close')
        elif version == 'HTTP/1.0':  # an HTTP/1.0 client closes unless told the connection stays open
            lines.append('Connection: keep-alive')
        return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')


class Server(socketserver.ThreadingTCPServer):
    """``Server((host, port), wsgi_app).serve_forever()``; ``shutdown()`` from another thread stops it."""
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app, log_requests=False):
        self.app = app
        self.log_requests = log_requests
        self.software = 'ack-emulator/%s Python/%s' % (__version__, sys.version.split()[0])
        super().__init__(address, ConnectionHandler)
