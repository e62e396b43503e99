# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option checks the inventory plugin and the event source share, and the aliyun CLI file read as untrusted
input (#28): one line naming the cause, never Python's own error text, never a wait on a pipe."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._credentials import CredentialsError, resolve_credentials
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import (
    check_constructed,
    check_filters,
    check_max_workers,
)

DEEP = []
for level in range(10000):
    DEEP = [DEEP]


@pytest.mark.parametrize('kwargs, said', [
    (dict(regions=['cn-hangzhou\n']), "regions: 'cn-hangzhou\\n' is not valid"),
    (dict(regions=[DEEP]), 'regions takes text, not a list'),
    (dict(regions='cn-hangzhou'), 'regions must be a list, not text'),
    (dict(cluster_ids=['c0123456789\n']), "cluster_ids: 'c0123456789\\n' is not valid"),
    (dict(cluster_ids=['c0123456/../x']), 'is not a valid id'),
    (dict(cluster_ids=[' c0123456789']), 'is not valid'),
    (dict(cluster_ids=[7]), 'cluster_ids takes text, not a number'),
    (dict(names=['x' * 300]), 'more than 256 characters'),
    (dict(types=[None]), 'cluster_types takes text, not null'),
    (dict(tags=['env']), 'cluster_tags must be a mapping'),
    (dict(tags={'env': DEEP}), 'the value of env must be text, a number or null, not a list'),
    (dict(tags={'': 'x'}), 'cluster_tags keys'),
])
def test_filters_refused_in_one_line(kwargs, said):
    with pytest.raises(AckModuleError) as error:
        check_filters(**kwargs)
    assert said in error.value.msg and '\n' not in error.value.msg


def test_good_filters_pass():
    filters = check_filters(['cn-hangzhou'], ['c0123456789abcdef'], ['web'], ['ManagedKubernetes'],
                            {'env': 'prod', 'team': None, 'n': 1})
    assert filters.cluster_ids == ['c0123456789abcdef']


@pytest.mark.parametrize('value', [0, -1, 65, 10 ** 20, 1.5, '4', True, None])
def test_workers_from_1_to_64(value):
    with pytest.raises(AckModuleError, match='max_workers must be a whole number from 1 to 64'):
        check_max_workers(value)


@pytest.mark.parametrize('kwargs, said', [
    (dict(compose={'a': DEEP}), 'compose: a must be an expression (text), not a list'),
    (dict(compose=['a']), 'compose must be a mapping'),
    (dict(groups={'a': 1}), 'groups: a must be an expression (text), not a number'),
    (dict(keyed_groups='x'), 'keyed_groups must be a list of mappings'),
    (dict(keyed_groups=[{'prefix': 'p'}]), 'keyed_groups entry 1 must be a mapping with a key expression'),
    (dict(keyed_groups=[{'key': 'a'}, {'key': 'b', 'separator': []}]), 'keyed_groups entry 2: separator takes text'),
])
def test_constructed_shapes_refused(kwargs, said):
    with pytest.raises(AckModuleError) as error:
        check_constructed(**kwargs)
    assert said in error.value.msg


def test_constructed_expressions_pass():
    check_constructed({'ansible_user': "'ecs-user'"}, {'big': "x == 'y'"}, [{'key': 'zone_id', 'prefix': 'z'}])


def credentials_from(path):
    return resolve_credentials(shared_credentials_file=str(path), environ={'HOME': '/nonexistent'})


@pytest.mark.parametrize('content, said', [
    (b'\xff\xfe not utf-8', 'not UTF-8'),
    (b'[' * 100000 + b']' * 100000, 'nested too deep'),
    (b'{"profiles": 5}', 'not a JSON object with a list of profiles'),
    (b'[1, 2]', 'not a JSON object'),
    (json.dumps({'profiles': [{'name': 'default', 'access_key_id': {'a': 1}, 'access_key_secret': 's'}]}).encode(),
     "profile 'default' has access_key_id that is not text"),
    (json.dumps({'profiles': [{'name': 'default', 'access_key_id': 'a\nb', 'access_key_secret': 's'}]}).encode(),
     'sets access_key_id with spaces or control characters'),
    (b' ' * (1024 * 1024 + 1), 'larger than'),
])
def test_credentials_file_refused_in_one_line(tmp_path, content, said):
    path = tmp_path / 'config.json'
    path.write_bytes(content)
    with pytest.raises(CredentialsError) as error:
        credentials_from(path)
    assert said in str(error.value) and '\n' not in str(error.value)
    assert path.read_bytes() == content


def test_credentials_file_that_is_a_pipe_is_not_waited_on(tmp_path):
    path = tmp_path / 'pipe'
    os.mkfifo(str(path))
    with pytest.raises(CredentialsError, match='not a regular file'):
        credentials_from(path)


def test_a_key_with_a_newline_is_refused_before_any_call():
    with pytest.raises(CredentialsError, match='module options sets access_key with spaces or control characters'):
        resolve_credentials(access_key='LTAI\nx', secret_key='s', environ={})


def test_items_of_a_hostile_answer_that_are_not_clusters_or_nodes_are_skipped(monkeypatch):
    pytest.importorskip('requests', reason='the client needs requests')
    from ansible_collections.alicloud.ack.plugins.module_utils._client import AckClient
    from ansible_collections.alicloud.ack.plugins.module_utils._credentials import Credentials
    from ansible_collections.alicloud.ack.plugins.module_utils._inventory import Filters, read_clusters
    from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.httpserver import ApiServer

    good = dict(cluster_id='c0123456789', name='web', cluster_type='ManagedKubernetes', state='running')

    def answer(request):
        if request.path == '/api/v1/clusters':
            return 200, {}, {'clusters': [1, 'x', None, [], {'name': 'no id'}, {'cluster_id': ['c1']}, good],
                             'page_info': {'total_count': 7}}
        if request.path.endswith('/nodes'):
            return 200, {}, {'nodes': ['i-1', 5, {'instance_id': 'i-2', 'node_name': 'n2'}],
                             'page': {'total_count': 3}}
        return 200, {}, {'nodepools': []}

    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')
    creds = Credentials('LTAI5tTESTACCESSKEYID', 'TESTaccessKEYsecret0123456789ab')
    with ApiServer(answer) as server:
        got = read_clusters(lambda region: AckClient(creds, endpoint=server.url, region='cn-hangzhou', api_retries=0),
                            [None], Filters(), workers=2)
    assert [e['cluster']['cluster_id'] for e in got] == ['c0123456789']
    assert [n['instance_id'] for n in got[0]['nodes']] == ['i-2']
