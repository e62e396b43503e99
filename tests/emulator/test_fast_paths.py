"""What the emulator's speed-ups must not change: an answer reused from memory follows every change of what it
was made from, connections stay open, and a nonce is durable before its answer leaves."""
import http.client
import json
import time

from ack_emulator.store import Store
from conftest import MANAGED_BODY


def detail(emu, cid, client=None):
    return (client or emu.client()).call('GET', '/clusters/' + cid, action='DescribeClusterDetail')


def listed(emu, client=None, **query):
    r = (client or emu.client()).call('GET', '/api/v1/clusters', query=query or None, action='DescribeClustersV1')
    assert r.status == 200, r
    return [c['cluster_id'] for c in r.json['clusters']]


def test_reused_answers_follow_changes(emulator):
    cid, _ = emulator.create_cluster(name='reused')
    for _ in range(3):  # the same request again: answered from memory
        assert detail(emulator, cid).json['deletion_protection'] is False
        assert listed(emulator) == [cid]
    assert emulator.signed('PUT', '/api/v2/clusters/' + cid, body={'deletion_protection': True},
                           action='ModifyCluster').status == 202
    assert detail(emulator, cid).json['deletion_protection'] is True
    r = emulator.signed('POST', '/clusters/%s/tags' % cid, body=[{'key': 'team', 'value': 'a'}],
                        action='ModifyClusterTags')
    assert r.status == 200
    assert {'key': 'team', 'value': 'a'} in detail(emulator, cid).json['tags']

    other, _ = emulator.create_cluster(name='other', vpcid='vpc-other')
    assert listed(emulator) == [cid, other]
    assert listed(emulator, page_size=1) == [cid]  # another query: another answer
    emulator.reset()
    assert detail(emulator, cid).status == 404
    assert listed(emulator) == []


def test_read_sets_exclude_writes_and_moving_documents():
    db = Store()
    db.put('cluster', 'c1', {'cluster_id': 'c1', 'state': 'running'})
    db.put('cluster', 'c2', {'cluster_id': 'c2', 'state': 'initial',
                             '_timeline': [[time.time() + 3600, {'state': 'running'}]]})

    def reads_of(fn):
        with db.transaction():
            db.track_reads()
            fn()
            return db.tracked_reads()

    reads = reads_of(lambda: db.get('cluster', 'c1'))
    assert reads and db.reads_unchanged(reads)
    assert reads_of(lambda: db.get('cluster', 'c2')) is None  # its state moves with the clock
    assert reads_of(lambda: db.list('cluster')) is None
    assert reads_of(lambda: db.put('cluster', 'c3', {'cluster_id': 'c3'})) is None
    db.put('cluster', 'c1', {'cluster_id': 'c1', 'state': 'updating'})
    assert not db.reads_unchanged(reads)


def test_reused_answers_follow_life_cycles(emulator):
    emulator.set_time_scale(0.002)  # a managed create takes about 1 s
    r = emulator.signed('POST', '/clusters', body=dict(MANAGED_BODY, name='moving'), action='CreateCluster')
    assert r.status == 202
    cid = r.json['cluster_id']
    assert detail(emulator, cid).json['state'] == 'initial'
    # polled with identical requests, the state still moves on by itself
    emulator.wait(lambda: detail(emulator, cid).json['state'] == 'running', timeout=15)
    assert emulator.signed('DELETE', '/clusters/' + cid, action='DeleteCluster').status == 202
    emulator.wait(lambda: detail(emulator, cid).status == 404, timeout=15)
    assert listed(emulator) == []


def test_reused_answers_are_per_access_key(emulator_factory, tmp_path):
    state = tmp_path / 'keys.db'
    emu = emulator_factory(state_file=state, time_scale=0)
    mine, _ = emu.create_cluster(name='mine')
    theirs, _ = emu.create_cluster(name='theirs', vpcid='vpc-theirs')
    emu.stop()
    creds = tmp_path / 'creds.json'
    creds.write_text(json.dumps({'keys': [
        {'access_key_id': 'LTAIall', 'access_key_secret': 'all-secret'},
        {'access_key_id': 'LTAImine', 'access_key_secret': 'mine-secret',
         'policy': {'actions': ['*'], 'resources': ['acs:cs:*:*:cluster/%s' % mine]}}]}))
    emu.credentials = creds
    emu.start()
    everyone = emu.client(access_key_id='LTAIall', access_key_secret='all-secret')
    restricted = emu.client(access_key_id='LTAImine', access_key_secret='mine-secret')
    for _ in range(2):
        assert listed(emu, everyone) == [mine, theirs]
        assert listed(emu, restricted) == [mine]
        assert detail(emu, theirs, everyone).status == 200
        assert detail(emu, theirs, restricted).status == 403


def test_connections_stay_open(emulator):
    client = emulator.client()
    conn = http.client.HTTPConnection('127.0.0.1', emulator.port, timeout=10)
    try:
        for _ in range(3):
            method, target, headers, body = client.build('GET', '/quota', action='DescribeUserQuota')
            conn.request(method, target, body=body or None, headers=headers)
            resp = conn.getresponse()
            assert resp.status == 200
            assert resp.getheader('Connection') is None and int(resp.getheader('Content-Length')) > 0
            assert resp.read() and resp.getheader('x-acs-request-id')
            assert conn.sock is not None  # the same connection serves the next request
        conn.request('GET', '/__emulator/health', headers={'Connection': 'close'})
        resp = conn.getresponse()
        assert resp.getheader('Connection') == 'close' and json.loads(resp.read())['status'] == 'ok'
    finally:
        conn.close()


def test_nonce_durable_before_the_answer(emulator_factory, tmp_path):
    emu = emulator_factory(state_file=tmp_path / 'nonce.db', time_scale=0)
    req = emu.client(scheme='v3').build('GET', '/quota', action='DescribeUserQuota')
    assert emu.client().send(*req).status == 200
    emu.kill9()  # no clean shutdown: only what was committed before the answer is left
    assert emu.client().send(*req).code == 'SignatureNonceUsed'
