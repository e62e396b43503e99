# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""KubeconfigPlanner against a captured kubeconfig answer and files in tmp_path: first write, nothing to do, merge,
context removal, refusals. Its writes are file writes: there is no lost answer to recheck."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat

import pytest
import yaml

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._kubeconfig import KubeconfigPlanner
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    error,
)

CID = answer('DescribeClusterDetail.running')['cluster_id']
KUBE = answer('DescribeClusterUserKubeconfig')
API = yaml.safe_load(KUBE['config'])
SERVER = API['clusters'][0]['cluster']['server']
KEY = API['users'][0]['user']['client-key-data']
OTHER = {'apiVersion': 'v1', 'kind': 'Config', 'preferences': {}, 'current-context': 'other',
         'clusters': [{'name': 'other', 'cluster': {'server': 'https://10.0.0.1:6443'}}],
         'users': [{'name': 'other', 'user': {'token': 'other-token'}}],
         'contexts': [{'name': 'other', 'context': {'cluster': 'other', 'user': 'other'}}]}


def cluster():
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer='DescribeClusterDetail.running')
    client.on('DescribeClusterUserKubeconfig', CID, answer='DescribeClusterUserKubeconfig')
    return client


def write(path, data, mode=0o600):
    path.write_text(yaml.safe_dump(data))
    os.chmod(str(path), mode)


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_the_first_write_makes_a_private_file_with_one_context(tmp_path):
    path = tmp_path / 'kube' / 'config'
    client = cluster()
    ack = FakeAck('ack_kubeconfig', client, cluster_id=CID, path=str(path))
    plan = KubeconfigPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['write %s' % path] and not path.exists()
    assert plan.before == {}
    assert plan.after == {'current-context': 'web', 'contexts': {'web': {'cluster': 'web', 'user': 'web',
                                                                         'server': SERVER}}}
    assert KEY in ack.hidden
    result = execute(ack, plan)
    assert result['kubeconfig'] == dict(path=str(path), context_name='web', server=SERVER,
                                        expiration=KUBE['expiration'], merge=True)
    assert mode_of(path) == 0o600 and mode_of(path.parent) == 0o700
    written = yaml.safe_load(path.read_text())
    assert written['current-context'] == 'web'
    assert written['users'] == [{'name': 'web', 'user': API['users'][0]['user']}]
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterUserKubeconfig']
    assert client.calls[1].query == {}


def test_a_file_already_as_wanted_plans_nothing_and_is_not_touched(tmp_path):
    path = tmp_path / 'config'
    first = FakeAck('ack_kubeconfig', cluster(), cluster_id=CID, path=str(path))
    execute(first, KubeconfigPlanner(first).plan())
    before = (path.read_text(), os.stat(str(path)).st_mtime_ns)
    client = cluster()
    ack = FakeAck('ack_kubeconfig', client, cluster_id=CID, path=str(path))
    plan = KubeconfigPlanner(ack).plan()
    assert plan.steps == [] and plan.before == plan.after
    assert execute(ack, plan)['changed'] is False
    assert (path.read_text(), os.stat(str(path)).st_mtime_ns) == before
    assert client.operations() == ['DescribeClusterDetail', 'DescribeClusterUserKubeconfig']


@pytest.mark.parametrize('switch, current', [(True, 'api'), (False, 'other')])
def test_merge_keeps_the_other_contexts_and_the_file_mode(tmp_path, switch, current):
    path = tmp_path / 'config'
    write(path, OTHER, 0o640)
    client = cluster()
    ack = FakeAck('ack_kubeconfig', client, cluster_id=CID, path=str(path), context_name='api',
                  set_current_context=switch, temporary_duration_minutes=60)
    plan = KubeconfigPlanner(ack).plan()
    assert plan.before == {'current-context': 'other', 'contexts': {'other': {
        'cluster': 'other', 'user': 'other', 'server': 'https://10.0.0.1:6443'}}}
    assert sorted(plan.after['contexts']) == ['api', 'other'] and plan.after['current-context'] == current
    execute(ack, plan)
    written = yaml.safe_load(path.read_text())
    assert [c['name'] for c in written['contexts']] == ['other', 'api'] and written['current-context'] == current
    assert written['users'][0] == OTHER['users'][0] and mode_of(path) == 0o640
    assert client.calls[1].query == {'TemporaryDurationMinutes': '60'}


def test_check_mode_writes_no_file(tmp_path):
    path = tmp_path / 'config'
    ack = FakeAck('ack_kubeconfig', cluster(), check_mode=True, cluster_id=CID, path=str(path))
    result = execute(ack, KubeconfigPlanner(ack).plan())
    assert result['changed'] and not path.exists()


def test_absent_by_context_name_removes_it_without_any_call(tmp_path):
    path = tmp_path / 'config'
    first = FakeAck('ack_kubeconfig', cluster(), cluster_id=CID, path=str(path), context_name='web')
    write(path, OTHER)
    execute(first, KubeconfigPlanner(first).plan())
    client = FakeClient()
    ack = FakeAck('ack_kubeconfig', client, context_name='web', name='web', path=str(path), state='absent')
    plan = KubeconfigPlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['remove context web from %s' % path]
    assert plan.after == {'current-context': '', 'contexts': {'other': {
        'cluster': 'other', 'user': 'other', 'server': 'https://10.0.0.1:6443'}}}
    execute(ack, plan)
    assert yaml.safe_load(path.read_text()) == dict(OTHER, **{'current-context': ''})
    assert client.calls == []
    again = FakeAck('ack_kubeconfig', client, name='web', path=str(path), state='absent')
    assert KubeconfigPlanner(again).plan().steps == [] and client.calls == []


def test_a_duration_out_of_range_is_refused_before_any_call(tmp_path):
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        KubeconfigPlanner(FakeAck('ack_kubeconfig', client, cluster_id=CID, path=str(tmp_path / 'config'),
                                  temporary_duration_minutes=5))
    assert info.value.msg == 'temporary_duration_minutes must be 15 to 4320, got 5' and client.calls == []


def test_a_file_that_is_not_a_kubeconfig_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / 'config'
    path.write_text('- a\n- b\n')
    with pytest.raises(AckModuleError) as info:
        KubeconfigPlanner(FakeAck('ack_kubeconfig', cluster(), cluster_id=CID, path=str(path))).plan()
    assert info.value.msg == '%s is not a kubeconfig: a YAML mapping is expected' % path
    assert path.read_text() == '- a\n- b\n'


def test_a_cluster_that_does_not_exist_is_refused(tmp_path):
    client = FakeClient()
    client.on('DescribeClusterDetail', CID, answer=error('DescribeClusterDetail.ErrorClusterNotFound'))
    with pytest.raises(AckModuleError) as info:
        KubeconfigPlanner(FakeAck('ack_kubeconfig', client, cluster_id=CID, path=str(tmp_path / 'config'))).plan()
    assert info.value.msg == 'cluster %s not found' % CID
    assert info.value.extra['error']['code'] == 'ErrorClusterNotFound'
    assert client.operations() == ['DescribeClusterDetail'] and not (tmp_path / 'config').exists()


def refused(tmp_path, path, **params):
    """The message a plan for path is refused with, after no API call and with no new file in the folder."""
    client = cluster()
    before = sorted(os.listdir(str(tmp_path)))
    with pytest.raises(AckModuleError) as info:
        KubeconfigPlanner(FakeAck('ack_kubeconfig', client, cluster_id=CID, path=str(path), **params)).plan()
    assert '\n' not in info.value.msg and 'Traceback' not in info.value.msg
    assert sorted(os.listdir(str(tmp_path))) == before
    return info.value.msg


def test_an_empty_path_is_refused_before_any_call(tmp_path):
    client = cluster()
    with pytest.raises(AckModuleError) as info:
        KubeconfigPlanner(FakeAck('ack_kubeconfig', client, cluster_id=CID, path=''))
    assert info.value.msg == 'path must name a file, got an empty string' and client.calls == []


@pytest.mark.parametrize('text, why', [
    ('clusters: 3\n', 'clusters must be a list of mappings'),
    ('contexts: {a: 1}\n', 'contexts must be a list of mappings'),
    ('users: [a, b]\n', 'users must be a list of mappings'),
    ('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
     'kind Config and apiVersion v1 are expected, found apps/v1 Deployment'),
    ('a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
     'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n'
     'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n',
     'is refused: it expands to more than 200000 values (YAML aliases)'),
    ('clusters: ' + '[' * 5000 + ']' * 5000 + '\n', 'is refused: it is nested deeper than 64 levels'),
])
def test_a_file_that_is_not_a_kubeconfig_is_refused_in_one_line_and_not_rewritten(tmp_path, text, why):
    path = tmp_path / 'config'
    path.write_text(text)
    assert refused(tmp_path, path).endswith(why)
    assert path.read_text() == text


def test_a_file_that_is_not_utf8_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / 'config'
    path.write_bytes(b'clusters: []\nname: \xff\xfe\n')
    assert refused(tmp_path, path) == '%s is not a kubeconfig: it is not UTF-8 text' % path
    assert path.read_bytes() == b'clusters: []\nname: \xff\xfe\n'


def test_a_named_pipe_a_folder_and_proc_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / 'pipe'
    os.mkfifo(str(fifo))
    assert refused(tmp_path, fifo) == '%s is not a regular file: a kubeconfig must be one' % fifo
    assert stat.S_ISFIFO(os.lstat(str(fifo)).st_mode)
    assert refused(tmp_path, tmp_path).endswith('is not a regular file: a kubeconfig must be one')
    assert refused(tmp_path, '/proc/self/environ') == \
        '/proc/self/environ is not a regular file: a kubeconfig must be one'


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / 'real'
    write(target, OTHER, 0o640)
    link = tmp_path / 'config'
    os.symlink('real', str(link))
    ack = FakeAck('ack_kubeconfig', cluster(), cluster_id=CID, path=str(link))
    execute(ack, KubeconfigPlanner(ack).plan())
    assert os.path.islink(str(link)) and os.readlink(str(link)) == 'real'
    assert [c['name'] for c in yaml.safe_load(target.read_text())['contexts']] == ['other', 'web']
    assert mode_of(target) == 0o640 and sorted(os.listdir(str(tmp_path))) == ['config', 'real']


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    path = tmp_path / 'config'
    write(path, OTHER)
    ack = FakeAck('ack_kubeconfig', cluster(), cluster_id=CID, path=str(path))
    plan = KubeconfigPlanner(ack).plan()
    path.unlink()
    os.mkdir(str(path))  # the rename over a folder fails once the temporary file is written
    with pytest.raises(OSError):
        plan.steps[0].run()
    assert os.listdir(str(tmp_path)) == ['config'] and os.listdir(str(path)) == []
