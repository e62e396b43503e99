"""Command line: ``python -m ack_emulator --host 127.0.0.1 --port PORT [options]``."""
import argparse
import signal
import sys
import threading

from . import __version__, kube
from .app import EmulatorApp
from .auth import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Keyring
from .server import Server
from .store import Store

DEFAULT_PORT = 8470


def build_parser():
    p = argparse.ArgumentParser(prog='python -m ack_emulator',
                                description='Alibaba Cloud ACK (CS 2015-12-15) API emulator.')
    p.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    p.add_argument('--port', type=int, default=DEFAULT_PORT,
                   help='port (default %d; 0 picks a free port, printed on stdout)' % DEFAULT_PORT)
    p.add_argument('--state-file', help='SQLite file keeping the state across restarts (default: in memory)')
    p.add_argument('--time-scale', type=float, default=1.0,
                   help='multiplies every life-cycle duration: 1 real-world durations, 0 instantaneous (default 1)')
    p.add_argument('--access-key-id', help='accepted access key id (default %s)' % DEFAULT_ACCESS_KEY_ID)
    p.add_argument('--access-key-secret', help='its secret (default %s)' % DEFAULT_ACCESS_KEY_SECRET)
    p.add_argument('--credentials', metavar='FILE',
                   help='JSON {"keys": [{"access_key_id", "access_key_secret", "security_token"?, "policy"?}]}')
    g = p.add_argument_group('fault injection (also POST /__emulator/faults)')
    g.add_argument('--throttle-rate', type=float, default=0.0, help='share of requests answered 429 Throttling.User')
    g.add_argument('--error-rate', type=float, default=0.0, help='share answered 503 ServiceUnavailable')
    g.add_argument('--latency-ms', type=float, default=0.0, help='added latency per request')
    g.add_argument('--drop-rate', type=float, default=0.0, help='share of connections closed without an answer')
    g.add_argument('--drop-after-apply-rate', type=float, default=0.0,
                   help='share of writes applied, then the connection closed without an answer')
    g.add_argument('--task-fail-rate', type=float, default=0.0,
                   help='share of asynchronous operations whose task ends failed')
    g.add_argument('--retry-after-ms', type=int, default=None,
                   help='send x-acs-retry-after (ms) with injected throttling answers')
    g.add_argument('--fault-operations', default=None,
                   help='comma-separated operation names the faults apply to (default: all)')
    g.add_argument('--seed', type=int, default=None, help='random seed for repeatable fault injection')
    p.add_argument('--log-requests', action='store_true', help='log every request on stderr')
    p.add_argument('--version', action='version', version='ack_emulator %s' % __version__)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.time_scale < 0:
        print('--time-scale must not be negative', file=sys.stderr)
        return 2
    if args.credentials and (args.access_key_id or args.access_key_secret):
        print('use either --credentials or --access-key-id/--access-key-secret', file=sys.stderr)
        return 2
    if bool(args.access_key_id) != bool(args.access_key_secret):
        print('--access-key-id and --access-key-secret go together', file=sys.stderr)
        return 2
    try:
        keyring = Keyring.from_file(args.credentials) if args.credentials \
            else Keyring.default(args.access_key_id, args.access_key_secret)
    except (OSError, ValueError) as e:
        print('cannot load credentials: %s' % e, file=sys.stderr)
        return 2
    faults = {
        'throttle_rate': args.throttle_rate, 'error_rate': args.error_rate, 'latency_ms': args.latency_ms,
        'drop_rate': args.drop_rate, 'drop_after_apply_rate': args.drop_after_apply_rate,
        'task_fail_rate': args.task_fail_rate, 'retry_after_ms': args.retry_after_ms, 'seed': args.seed,
        'operations': [o.strip() for o in args.fault_operations.split(',') if o.strip()]
        if args.fault_operations else None,
    }
    db = Store(args.state_file)
    try:
        app = EmulatorApp(db, keyring, time_scale=args.time_scale, faults=faults, log_requests=args.log_requests)
    except ValueError as e:
        print('invalid fault settings: %s' % e, file=sys.stderr)
        return 2
    server = Server((args.host, args.port), app, log_requests=args.log_requests)
    kube.serve(app)  # the clusters' Kubernetes API servers (loopback HTTPS ports)
    port = server.socket.getsockname()[1]

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print('ack-emulator listening on http://%s:%d (time scale %g, state %s)'
          % (args.host, port, args.time_scale, args.state_file or 'in memory'), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        kube.stop(app)
        db.close()
    print('ack-emulator stopped', flush=True)
    return 0
