"""State that is not lost: SQLite state file, intact after kill -9 (in-flight life cycles resume from their
recorded times), consistent under concurrent writers, clean shutdown on SIGTERM."""
import http.client
import threading
import time

from conftest import MANAGED_BODY


def detail(emu, cid):
    return emu.signed('GET', '/clusters/' + cid, action='DescribeClusterDetail')


def test_state_survives_kill9_and_in_flight_life_cycles_resume(emulator_factory, tmp_path):
    emu = emulator_factory(time_scale=0.004, state_file=tmp_path / 'state.db')
    emu.set_time_scale(0)
    kept, _ = emu.create_cluster(name='kept', tags=[{'key': 'env', 'value': 'prod'}])
    r = emu.signed('POST', '/clusters/%s/tags' % kept, body=[{'key': 'env', 'value': 'staging'}],
                   action='ModifyClusterTags')
    assert r.status == 200
    r = emu.signed('PUT', '/api/v2/clusters/' + kept, body={'deletion_protection': True,
                                                            'resource_group_id': 'rg-kept'}, action='ModifyCluster')
    assert r.status == 202
    gone, _ = emu.create_cluster(name='gone', vpcid='vpc-gone')
    assert emu.signed('DELETE', '/clusters/' + gone, action='DeleteCluster').status == 202
    emu.wait_gone(gone)
    before = detail(emu, kept).json

    emu.set_time_scale(0.004)  # managed create ~1.9 s, delete ~0.7 s
    creating = emu.signed('POST', '/clusters', body=dict(MANAGED_BODY, name='creating', vpcid='vpc-creating'),
                          action='CreateCluster').json
    doomed, _ = emu.create_cluster(name='doomed', vpcid='vpc-doomed', wait=False)
    assert detail(emu, creating['cluster_id']).json['state'] == 'initial'

    emu.kill9()
    assert emu.admin('config')['time_scale'] == 0.004
    # everything written before the kill is there
    after = detail(emu, kept).json
    assert after == before
    assert after['deletion_protection'] is True and after['resource_group_id'] == 'rg-kept'
    assert {'key': 'env', 'value': 'staging'} in after['tags']
    assert detail(emu, gone).status == 404
    names = sorted(c['name'] for c in emu.signed('GET', '/clusters', action='DescribeClusters').json)
    assert names == ['creating', 'doomed', 'kept']
    # the in-flight create resumes from its recorded times and completes
    task = emu.wait_task(creating['task_id'])
    assert task['state'] == 'success'
    d = emu.wait_cluster(creating['cluster_id'])
    assert d['name'] == 'creating'
    emu.wait_cluster(doomed)
    # and a delete started now survives another kill -9 half way
    r = emu.signed('DELETE', '/clusters/' + doomed, action='DeleteCluster')
    assert r.status == 202
    emu.kill9()
    emu.wait_gone(doomed)
    assert emu.wait_task(r.json['task_id'])['state'] == 'success'


def test_concurrent_writes_then_kill9(emulator_factory, tmp_path):
    emu = emulator_factory(time_scale=0, state_file=tmp_path / 'busy.db')
    accepted = []
    stop = threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set():
            name = 'w%d-%d' % (n, i)
            try:
                r = emu.signed('POST', '/clusters', body=dict(MANAGED_BODY, name=name, vpcid='vpc-' + name),
                               action='CreateCluster')
            except (OSError, http.client.HTTPException):  # killed mid-answer
                return
            if r.status == 202:
                accepted.append(r.json['cluster_id'])
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    emu.stop(sig=9)
    stop.set()
    for t in threads:
        t.join()
    assert len(accepted) > 4
    emu.start()
    listed = {c['cluster_id'] for c in emu.signed('GET', '/clusters', action='DescribeClusters').json}
    # every create that was answered 202 was committed before the answer
    assert set(accepted) <= listed
    for cid in accepted[:3]:
        assert detail(emu, cid).json['state'] == 'running'


def test_sigterm_stops_cleanly(emulator_factory, tmp_path):
    emu = emulator_factory(time_scale=0, state_file=tmp_path / 'term.db')
    cid, _ = emu.create_cluster()
    assert emu.stop() == 0
    emu.start()
    assert detail(emu, cid).json['state'] == 'running'


def test_in_memory_state_by_default(emulator_factory):
    emu = emulator_factory(time_scale=0)
    emu.state_file = None
    emu.restart()
    emu.create_cluster()
    emu.restart()
    assert emu.signed('GET', '/clusters', action='DescribeClusters').json == []
