"""HTTP/1.1 conformance of the emulator's server (ack_emulator/server.py), over raw sockets: chunked bodies (with and
without ``Expect: 100-continue``) signed and applied by a real operation, keep-alive, pipelining, large bodies, a
client that stops mid-body, malformed request lines, bad framing, headers past the limits; and the command line
(``--port 0``, ``--log-requests``, a clean stop on SIGINT/SIGTERM)."""
import json
import re
import signal
import socket
import subprocess
import sys

import pytest
from ack_emulator.client import SignedClient

from conftest import DEMO_KEY_ID, DEMO_KEY_SECRET, EMULATOR_DIR

MIB = 1024 * 1024


# -- a raw HTTP/1.1 client ---------------------------------------------------------------------------------------
class Raw:
    """One TCP connection: ``send`` writes bytes as they are, ``answer`` reads one answer."""

    def __init__(self, emulator):
        self.sock = socket.create_connection(('127.0.0.1', emulator.port), timeout=10)
        self.rfile = self.sock.makefile('rb')

    def send(self, data):
        self.sock.sendall(data)

    def answer(self):
        """``(status, headers with lower-case names, body)`` of the next answer (bodies by Content-Length)."""
        line = self.rfile.readline(65537)
        assert line.startswith(b'HTTP/1.1 '), line
        status = int(line.split()[1])
        headers = {}
        while True:
            line = self.rfile.readline(65537)
            if line in (b'\r\n', b''):
                break
            name, _, value = line.decode('latin-1').partition(':')
            headers[name.strip().lower()] = value.strip()
        body = self.rfile.read(int(headers.get('content-length', 0)))
        return status, headers, body

    def closed(self):
        """True when the server closed the connection (end of stream, or reset)."""
        try:
            return self.rfile.read(1) == b''
        except ConnectionResetError:
            return True

    def close(self):
        self.rfile.close()
        self.sock.close()


@pytest.fixture
def connect(emulator):
    opened = []

    def connect_():
        opened.append(Raw(emulator))
        return opened[-1]
    yield connect_
    for conn in opened:
        conn.close()


def head(method, target, headers, extra=()):
    lines = ['%s %s HTTP/1.1' % (method, target)] + ['%s: %s' % kv for kv in headers.items()] + list(extra)
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')


def plain(request):
    """A request from ``SignedClient.build`` with its body after a Content-Length."""
    method, target, headers, data = request
    return head(method, target, dict(headers, **{'content-length': str(len(data))})) + data


def chunked(data, sizes):
    """``data`` as chunks of ``sizes`` (the rest in a last chunk), then the last-chunk and a trailer."""
    out, at = [], 0
    for n in list(sizes) + [len(data)]:
        piece = data[at:at + n]
        if piece:
            out.append(b'%x;ext=1\r\n%s\r\n' % (len(piece), piece))
        at += len(piece)
    return b''.join(out) + b'0\r\nx-trailer: ignored\r\n\r\n'


def tags_request(emulator, cluster_id, tags, padding=0):
    """A v3-signed ModifyClusterTags; ``padding`` spaces inside the JSON array make the body as large as wanted."""
    body = json.dumps(tags).encode()
    body = body[:-1] + b' ' * padding + b']'
    return emulator.client(scheme='v3').build('POST', '/clusters/%s/tags' % cluster_id, body=body,
                                               action='ModifyClusterTags',
                                               headers={'content-type': 'application/json'})


def detail_request(emulator, cluster_id):
    return emulator.client(scheme='v3').build('GET', '/clusters/' + cluster_id, action='DescribeClusterDetail')


def user_tags(emulator, cluster_id):
    return {t['key']: t['value'] for t in emulator.cluster_detail(cluster_id)['tags']
            if not t['key'].startswith(('ack.', 'acs:'))}


def assert_tagged(answer, emulator, cluster_id, tags):
    status, _, body = answer
    assert status == 200, body
    assert json.loads(body)['cluster_id'] == cluster_id
    assert user_tags(emulator, cluster_id) == {t['key']: t['value'] for t in tags}


# -- request bodies ------------------------------------------------------------------------------------------
@pytest.mark.parametrize('expect', [False, True], ids=['chunked', 'chunked+100-continue'])
def test_chunked_body_is_signed_and_applied(emulator, connect, expect):
    cluster_id, _ = emulator.create_cluster()
    tags = [{'key': 'env', 'value': 'chunked'}, {'key': 'team', 'value': 'http'}]
    method, target, headers, data = tags_request(emulator, cluster_id, tags)
    extra = ['Transfer-Encoding: chunked'] + (['Expect: 100-continue'] if expect else [])
    conn = connect()
    conn.send(head(method, target, headers, extra))
    if expect:  # the interim answer comes before the body is sent
        assert conn.rfile.readline() == b'HTTP/1.1 100 Continue\r\n'
        assert conn.rfile.readline() == b'\r\n'
    conn.send(chunked(data, [1, 7, 20]))
    assert_tagged(conn.answer(), emulator, cluster_id, tags)


def test_content_length_body_with_100_continue(emulator, connect):
    cluster_id, _ = emulator.create_cluster()
    tags = [{'key': 'env', 'value': 'expect'}]
    method, target, headers, data = tags_request(emulator, cluster_id, tags)
    conn = connect()
    conn.send(head(method, target, headers, ['Content-Length: %d' % len(data), 'Expect: 100-continue']))
    assert conn.rfile.readline() == b'HTTP/1.1 100 Continue\r\n'
    assert conn.rfile.readline() == b'\r\n'
    conn.send(data)
    assert_tagged(conn.answer(), emulator, cluster_id, tags)


@pytest.mark.parametrize('coding', ['content-length', 'chunked'])
def test_body_larger_than_socket_buffers(emulator, connect, coding):
    cluster_id, _ = emulator.create_cluster()
    tags = [{'key': 'size', 'value': '2MiB'}]
    method, target, headers, data = tags_request(emulator, cluster_id, tags, padding=2 * MIB)
    conn = connect()
    if coding == 'chunked':
        conn.send(head(method, target, headers, ['Transfer-Encoding: chunked']) + chunked(data, [MIB, 3]))
    else:
        conn.send(plain((method, target, headers, data)))
    assert_tagged(conn.answer(), emulator, cluster_id, tags)


@pytest.mark.parametrize('coding', ['content-length', 'chunked'])
def test_body_over_the_limit_is_refused_and_the_connection_kept(emulator, connect, coding):
    cluster_id, _ = emulator.create_cluster()
    before = user_tags(emulator, cluster_id)
    method, target, headers, data = tags_request(emulator, cluster_id, [{'key': 'too', 'value': 'big'}],
                                                 padding=4 * MIB)
    conn = connect()
    if coding == 'chunked':
        conn.send(head(method, target, headers, ['Transfer-Encoding: chunked']) + chunked(data, [3 * MIB]))
    else:
        conn.send(plain((method, target, headers, data)))
    status, _, body = conn.answer()
    assert status == 413
    assert json.loads(body)['code'] == 'RequestEntityTooLarge'
    assert user_tags(emulator, cluster_id) == before
    conn.send(plain(detail_request(emulator, cluster_id)))  # the body was read whole: the connection goes on
    status, _, body = conn.answer()
    assert status == 200 and json.loads(body)['cluster_id'] == cluster_id


@pytest.mark.parametrize('coding', ['content-length', 'chunked'])
def test_client_stopping_mid_body(emulator, connect, coding):
    cluster_id, _ = emulator.create_cluster()
    tags = [{'key': 'half', 'value': 'request'}]
    request = tags_request(emulator, cluster_id, tags, padding=100000)
    method, target, headers, data = request
    if coding == 'chunked':
        whole = head(method, target, headers, ['Transfer-Encoding: chunked']) + chunked(data, [50000])
    else:
        whole = plain(request)
    half = connect()
    half.send(whole[:len(whole) - 60000])
    # while that request waits for the rest of its body, other clients are served
    other = connect()
    other.send(plain(detail_request(emulator, cluster_id)))
    status, _, body = other.answer()
    assert status == 200 and json.loads(body)['cluster_id'] == cluster_id
    half.close()
    assert user_tags(emulator, cluster_id) == {}
    # nothing of the half request was applied, not even its signature nonce: the same request sent whole succeeds
    again = connect()
    again.send(whole)
    assert_tagged(again.answer(), emulator, cluster_id, tags)


# -- connections ---------------------------------------------------------------------------------------------
def test_keep_alive_serves_several_requests_on_one_connection(emulator, connect):
    cluster_id, _ = emulator.create_cluster()
    conn = connect()
    for i in range(3):
        tags = [{'key': 'round', 'value': str(i)}]
        conn.send(plain(tags_request(emulator, cluster_id, tags)))
        status, headers, body = conn.answer()
        assert status == 200 and 'connection' not in headers, body
        conn.send(plain(detail_request(emulator, cluster_id)))
        status, headers, body = conn.answer()
        assert status == 200 and {'key': 'round', 'value': str(i)} in json.loads(body)['tags']
    method, target, headers, data = detail_request(emulator, cluster_id)
    conn.send(head(method, target, headers, ['Connection: close']))
    status, headers, body = conn.answer()
    assert status == 200 and json.loads(body)['cluster_id'] == cluster_id
    assert headers['connection'] == 'close'
    assert conn.closed()


def test_pipelined_requests_are_answered_in_order(emulator, connect):
    cluster_id, _ = emulator.create_cluster()
    tags = [{'key': 'pipelined', 'value': 'yes'}]
    conn = connect()
    conn.send(plain(detail_request(emulator, cluster_id))
              + plain(detail_request(emulator, 'c' + '0' * 32))
              + plain(tags_request(emulator, cluster_id, tags))
              + plain(detail_request(emulator, cluster_id)))
    answers = [conn.answer() for _ in range(4)]
    assert [a[0] for a in answers] == [200, 404, 200, 200]
    first, missing, modified, last = (json.loads(a[2]) for a in answers)
    assert first['cluster_id'] == cluster_id and {'key': 'pipelined', 'value': 'yes'} not in first['tags']
    assert missing['code'] == 'ErrorClusterNotFound'
    assert modified['cluster_id'] == cluster_id and modified['task_id']
    assert {'key': 'pipelined', 'value': 'yes'} in last['tags']


def test_http_1_0_closes_unless_asked_to_keep_alive(emulator, connect):
    cluster_id, _ = emulator.create_cluster()
    method, target, headers, _ = detail_request(emulator, cluster_id)
    conn = connect()
    conn.send(head(method, target, headers, ['Connection: keep-alive']).replace(b'HTTP/1.1', b'HTTP/1.0', 1))
    status, answer_headers, body = conn.answer()
    assert status == 200 and answer_headers['connection'] == 'keep-alive'
    method, target, headers, _ = detail_request(emulator, cluster_id)
    conn.send(head(method, target, headers).replace(b'HTTP/1.1', b'HTTP/1.0', 1))
    status, answer_headers, body = conn.answer()
    assert status == 200 and json.loads(body)['cluster_id'] == cluster_id
    assert answer_headers['connection'] == 'close'
    assert conn.closed()


# -- refused requests ------------------------------------------------------------------------------------------
def refused(conn, request):
    conn.send(request)
    status, headers, body = conn.answer()
    assert headers['connection'] == 'close'
    assert conn.closed()
    return status, body


@pytest.mark.parametrize('line', [b'GARBAGE', b'GET /clusters', b'GET /clusters HTTP/1.1 extra',
                                  b'GET /clusters SPDY/3'])
def test_malformed_request_line(emulator, connect, line):
    assert refused(connect(), line + b'\r\nHost: x\r\n\r\n') == (400, b'bad request line\n')


@pytest.mark.parametrize('framing, answer', [
    ('Content-Length: ten', (400, b'bad Content-Length\n')),
    ('Content-Length: -1', (400, b'bad Content-Length\n')),
    ('Content-Length: +1', (400, b'bad Content-Length\n')),
    ('Content-Length: %d' % (100 * MIB), (413, b'body too large\n')),  # refused before the body is read
    ('Transfer-Encoding: gzip', (400, b'unsupported Transfer-Encoding\n')),
    ('Transfer-Encoding: chunked, gzip', (400, b'unsupported Transfer-Encoding\n')),
])
def test_bad_body_framing(emulator, connect, framing, answer):
    assert refused(connect(), b'POST /clusters HTTP/1.1\r\nHost: x\r\n%s\r\n\r\n' % framing.encode()) == answer


@pytest.mark.parametrize('chunk', [b'-5\r\nhello\r\n', b'0x5\r\nhello\r\n', b'zz\r\n', b'5\r\nhelloXX'])
def test_bad_chunk(emulator, connect, chunk):
    conn = connect()
    status, body = refused(conn, b'POST /clusters HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'
                           + chunk + b'0\r\n\r\n')
    assert (status, body) == (400, b'bad chunk\n')


@pytest.mark.parametrize('headers', [
    ''.join('X-Header-%d: %d\r\n' % (i, i) for i in range(101)),  # too many
    'X-Long: %s\r\n' % ('a' * 70000),  # too long
], ids=['too-many', 'too-long'])
def test_headers_past_the_limits(emulator, connect, headers):
    status, body = refused(connect(), b'GET /clusters HTTP/1.1\r\nHost: x\r\n' + headers.encode() + b'\r\n')
    assert status == 431 and body in (b'too many headers\n', b'request head too large\n')
    conn = connect()  # the server goes on serving
    conn.send(plain(emulator.client(scheme='v3').build('GET', '/api/v1/clusters', action='DescribeClustersV1')))
    status, _, body = conn.answer()
    assert status == 200 and json.loads(body)['clusters'] == []


@pytest.mark.parametrize('line', [b'No-Colon', b'Space : before-colon', b' folded: line'])
def test_bad_header_line(emulator, connect, line):
    assert refused(connect(), b'GET /clusters HTTP/1.1\r\nHost: x\r\n%s\r\n\r\n' % line) == (400, b'bad header line\n')


# -- the command line ------------------------------------------------------------------------------------------
@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM])
def test_command_line_port_0_request_log_and_clean_stop(tmp_path, sig):
    proc = subprocess.Popen([sys.executable, '-m', 'ack_emulator', '--port', '0', '--log-requests',
                             '--state-file', str(tmp_path / 'state.db')], cwd=str(EMULATOR_DIR),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        match = re.match(r'ack-emulator listening on http://127\.0\.0\.1:(\d+) \(time scale 1, state .*state\.db\)$',
                         first.strip())
        assert match, first
        client = SignedClient('http://127.0.0.1:' + match.group(1), DEMO_KEY_ID, DEMO_KEY_SECRET, scheme='v3')
        answer = client.call('GET', '/api/v1/clusters', {'page_size': 5}, action='DescribeClustersV1')
        assert answer.status == 200 and answer.json['clusters'] == []
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == 'ack-emulator stopped'
    assert '"GET /api/v1/clusters?page_size=5 HTTP/1.1" 200' in err
