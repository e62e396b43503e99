#!/usr/bin/env python3
"""The servers benchmark.py measures beside the emulator, each in a process of its own; prints the port.

    python emulator/bench_servers.py STACK fixed ANSWERS.json   # every request answered with fixed bytes
    python emulator/bench_servers.py STACK app STATE.db [KEY_ID SECRET]   # the emulator's app (time scale 0)

STACK: ``stdlib`` (http.server: HTTP/1.1, keep-alive, TCP_NODELAY, one write per answer; fixed only), ``emulator``
(ack_emulator.server, what ``python -m ack_emulator`` runs), or a WSGI server library measured as a candidate:
``waitress`` (its default 4 application threads: it reads and writes in its main thread), ``cheroot`` and
``gunicorn`` (gthread worker) with 8 threads, one per connection served at a time (installed apart: not
requirements).
"""
import http.server
import json
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

LIST_PATH = '/api/v1/clusters'
THREADS = 8


def fixed_app(answers):
    def app(environ, start_response):
        length = int(environ.get('CONTENT_LENGTH') or 0)
        if length:
            environ['wsgi.input'].read(length)
        body = answers['list' if environ['PATH_INFO'].startswith(LIST_PATH) else 'detail']
        start_response('200 OK', [('Content-Type', 'application/json;charset=utf-8'),
                                  ('Content-Length', str(len(body)))])
        return [body]
    return app


def emulator_app(state_file, key_id, secret):
    from ack_emulator.app import EmulatorApp
    from ack_emulator.auth import Keyring
    from ack_emulator.store import Store
    return EmulatorApp(Store(state_file), Keyring.default(key_id, secret), time_scale=0.0)


def serve_stdlib(answers):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):
            length = int(self.headers.get('Content-Length') or 0)
            if length:
                self.rfile.read(length)
            body = answers['list' if self.path.startswith(LIST_PATH) else 'detail']
            self.wfile.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n'
                             b'Content-Length: %d\r\n\r\n%s' % (len(body), body))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


def serve(stack, make_app):
    """Serves ``make_app()`` with ``stack`` on a free loopback port (gunicorn makes it in its worker process)."""
    if stack == 'emulator':
        from ack_emulator.server import Server
        server = Server(('127.0.0.1', 0), make_app())
        print(server.server_address[1], flush=True)
        server.serve_forever()
    elif stack == 'waitress':
        import waitress
        server = waitress.create_server(make_app(), host='127.0.0.1', port=0)
        print(server.effective_port, flush=True)
        server.run()
    elif stack == 'cheroot':
        from cheroot import wsgi
        server = wsgi.Server(('127.0.0.1', 0), make_app(), numthreads=THREADS)
        server.prepare()
        print(server.bind_addr[1], flush=True)
        server.serve()
    elif stack == 'gunicorn':
        from gunicorn.app.base import BaseApplication

        class Gunicorn(BaseApplication):
            def load_config(self):
                settings = {'bind': '127.0.0.1:0', 'workers': 1, 'worker_class': 'gthread', 'threads': THREADS,
                            'keepalive': 120, 'loglevel': 'warning',
                            'when_ready': lambda arbiter: print(arbiter.LISTENERS[0].sock.getsockname()[1],
                                                                flush=True)}
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self):
                return make_app()

        Gunicorn().run()
    else:
        raise SystemExit('unknown stack %r' % stack)


def main(stack, mode, path, key_id=None, secret=None):
    if mode == 'app':
        return serve(stack, lambda: emulator_app(path, key_id, secret))
    with open(path, 'rb') as f:
        answers = {k: v.encode('utf-8') for k, v in json.load(f).items()}
    if stack == 'stdlib':
        return serve_stdlib(answers)
    return serve(stack, lambda: fixed_app(answers))


if __name__ == '__main__':
    main(*sys.argv[1:6])
