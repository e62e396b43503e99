# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AckClient against real HTTP servers on 127.0.0.1 (no mocks of requests)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import json
import random
import re
import time

from urllib.parse import unquote

import pytest

pytest.importorskip('requests', reason='the client needs requests')

from ansible_collections.alicloud.ack.plugins.module_utils import _signer as signer  # noqa: E402
from ansible_collections.alicloud.ack.plugins.module_utils._client import (  # noqa: E402
    AckApiError,
    AckClient,
    backoff_delay,
    error_from_response,
)
from ansible_collections.alicloud.ack.plugins.module_utils._credentials import Credentials  # noqa: E402
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.httpserver import (  # noqa: E402
    ApiServer,
    closed_port,
)

SECRET = 'TESTaccessKEYsecret0123456789ab'
TOKEN = 'CAIS-test-security-token=='
CREDS = Credentials('LTAI5tTESTACCESSKEYID', SECRET, region='cn-hangzhou')
STS_CREDS = Credentials('LTAI5tTESTACCESSKEYID', SECRET, TOKEN, region='cn-hangzhou')


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')


class Sleeps(list):
    """The injected sleep: records delays, never waits."""

    def __call__(self, seconds):
        self.append(seconds)


def client_for(server, creds=CREDS, **kwargs):
    kwargs.setdefault('sleep', Sleeps())
    kwargs.setdefault('endpoint', server.url if server else None)
    return AckClient(creds, **kwargs)


def ok(body=None, status=200, headers=None):
    return status, headers or {}, {} if body is None else body


def sequence(*answers):
    """An app answering each request with the next answer; the last one repeats."""
    answers = list(answers)

    def app(request):
        return answers.pop(0) if len(answers) > 1 else answers[0]
    return app


def signature_valid(request, creds):
    """Server-side check with our signer: recompute the signature from what arrived."""
    headers, auth = request.headers, request.headers['authorization']
    if auth.startswith('acs '):
        if request.body and headers.get('content-md5') != signer.content_md5(request.body):
            return False
        sts = signer.string_to_sign_v1(request.method, headers, request.path, request.query)
        return auth == signer.authorization_v1(creds.access_key_id, signer.sign_v1(creds.access_key_secret, sts))
    names = re.search(r'SignedHeaders=([^,]+)', auth).group(1).split(';')
    payload = signer.sha256_hex(request.body)
    if headers.get('x-acs-content-sha256') != payload:
        return False
    canonical = signer.canonical_request_v3(request.method, request.path, request.query,
                                            dict((n, headers[n]) for n in names), payload)
    signature = signer.sign_v3(creds.access_key_secret, signer.string_to_sign_v3(canonical))
    return auth == signer.authorization_v3(creds.access_key_id, ';'.join(names), signature)


# ---------------------------------------------------------------- signing and answers


@pytest.mark.parametrize('version', ['v1', 'v3'])
@pytest.mark.parametrize('creds', [CREDS, STS_CREDS], ids=['ak', 'sts'])
def test_server_sees_valid_signature(version, creds):
    with ApiServer(lambda r: ok({'cluster_id': 'c1'})) as server:
        client = client_for(server, creds, signature_version=version)
        query = {'name': 'prod cluster/1+~*', 'tags': [{'key': 'env', 'value': '生产'}], 'state': '', 'n': None}
        assert client.call('CreateCluster', 'POST', '/clusters', query=query,
                           body={'name': 'ack 测试', 'num_of_nodes': 0}) == {'cluster_id': 'c1'}
        request = server.requests[0]
        assert signature_valid(request, creds)
        assert request.query == {'name': 'prod cluster/1+~*', 'tags': '[{"key":"env","value":"生产"}]'}
        assert request.json() == {'name': 'ack 测试', 'num_of_nodes': 0}
        assert request.body == '{"name":"ack 测试","num_of_nodes":0}'.encode('utf-8')
        headers = request.headers
        assert headers['x-acs-action'] == 'CreateCluster'
        assert headers['x-acs-version'] == '2015-12-15'
        assert headers['x-acs-region-id'] == 'cn-hangzhou'
        assert headers['x-acs-signature-nonce']
        assert headers['content-type'].startswith('application/json')
        assert (headers.get('x-acs-security-token') == TOKEN) == bool(creds.security_token)
        if version == 'v1':
            sent = email.utils.parsedate_to_datetime(headers['date']).timestamp()
            assert abs(sent - time.time()) < 60
            assert headers['x-acs-signature-method'] == 'HMAC-SHA1'
        else:
            assert headers['authorization'].startswith('ACS3-HMAC-SHA256 Credential=LTAI5tTESTACCESSKEYID,')
            assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', headers['x-acs-date'])
        client.close()


def test_each_attempt_is_signed_afresh():
    app = sequence(ok({'Code': 'Throttling.User', 'Message': 'slow down'}, 400), ok({'a': 1}))
    with ApiServer(app) as server:
        client_for(server).call('DescribeClusters', 'GET', '/clusters')
        first, second = server.requests
        assert first.headers['x-acs-signature-nonce'] != second.headers['x-acs-signature-nonce']
        assert signature_valid(second, CREDS)


@pytest.mark.parametrize('body, expected', [
    ([{'cluster_id': 'c1'}], [{'cluster_id': 'c1'}]),
    ('curl http://x | bash -s -- --token abc', 'curl http://x | bash -s -- --token abc'),
    ('"quoted"', 'quoted'),
    (b'', None),
    ({'a': {'b': [1, 2]}}, {'a': {'b': [1, 2]}}),
])
def test_answers_parsed(body, expected):
    with ApiServer(lambda r: (200, {}, body)) as server:
        assert client_for(server).call('Op', 'GET', '/x') == expected


def test_request_id_from_header_then_body():
    app = sequence(ok({'code': 'Bad', 'requestId': 'BODY-1'}, 400, headers={'x-acs-request-id': 'HDR-1'}),
                   ok({'code': 'Bad', 'requestId': 'BODY-2'}, 400), ok({'Code': 'Bad', 'RequestId': 'BODY-3'}, 400),
                   ok({'code': 'Bad'}, 400))
    with ApiServer(app) as server:
        client = client_for(server)
        for expected in ('HDR-1', 'BODY-2', 'BODY-3', None):
            with pytest.raises(AckApiError) as info:
                client.call('Op', 'GET', '/x')
            assert info.value.request_id == expected


def test_keep_alive_has_no_delayed_ack_stall():
    with ApiServer(lambda r: ok({'a': 1})) as server:
        client = client_for(server)
        start = time.time()
        for dummy in range(40):
            client.call('Op', 'GET', '/x')
        assert time.time() - start < 1.5  # 40 ms stalls would take > 1.6 s


# ---------------------------------------------------------------- errors


def test_error_lower_case_keys():
    body = {'code': 'ErrorClusterNotFound', 'message': 'cluster c1 not found', 'requestId': 'ABC', 'status': 404}
    with ApiServer(lambda r: (404, {}, body)) as server:
        client = client_for(server)
        with pytest.raises(AckApiError) as info:
            client.call('DescribeClusterDetail', 'GET', '/clusters/c1')
    e = info.value
    assert str(e) == 'DescribeClusterDetail failed: ErrorClusterNotFound: cluster c1 not found (HTTP 404, request id ABC)'
    assert (e.http_status, e.code, e.message, e.request_id, e.operation) == (
        404, 'ErrorClusterNotFound', 'cluster c1 not found', 'ABC', 'DescribeClusterDetail')
    assert e.to_dict() == {'code': 'ErrorClusterNotFound', 'message': 'cluster c1 not found', 'request_id': 'ABC',
                           'http_status': 404}
    assert server.count == 1  # a 404 is not retried


def test_error_gateway_keys():
    body = {'Code': 'InvalidAccessKeyId.NotFound', 'Message': 'Specified access key is not found.',
            'RequestId': 'GW-1', 'HostId': 'cs.aliyuncs.com'}
    with ApiServer(lambda r: (404, {}, body)) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server).call('DescribeClusters', 'GET', '/clusters')
    assert info.value.to_dict() == {'code': 'InvalidAccessKeyId.NotFound',
                                    'message': 'Specified access key is not found.', 'request_id': 'GW-1',
                                    'http_status': 404}


def test_error_request_id_spellings():
    with ApiServer(lambda r: (400, {}, {'code': 'X', 'message': 'm', 'request_id': 'RID'})) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server).call('Op', 'POST', '/x')
    assert info.value.request_id == 'RID'
    with ApiServer(lambda r: (400, {'x-acs-request-id': 'HDR'}, {'code': 'X', 'message': 'm'})) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server).call('Op', 'POST', '/x')
    assert info.value.request_id == 'HDR'


def test_error_non_json_502():
    with ApiServer(lambda r: (502, {'Content-Type': 'text/html'}, '<html>Bad Gateway</html>')) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server, api_retries=0).call('DescribeClusters', 'GET', '/clusters')
    e = info.value
    assert (e.code, e.http_status, e.request_id) == ('HTTP502', 502, None)
    assert 'Bad Gateway' in e.message
    assert str(e) == 'DescribeClusters failed: HTTP502: <html>Bad Gateway</html> (HTTP 502)'


def test_error_empty_body():
    with ApiServer(lambda r: (403, {}, b'')) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server).call('Op', 'GET', '/x')
    assert (info.value.code, info.value.message) == ('HTTP403', 'empty answer')


def test_error_from_response_unit():
    e = error_from_response('Op', 503, {'x-acs-retry-after': '250'}, '{"Code":"ServiceUnavailable"}')
    assert (e.code, e.retry_after, e.throttled, e.server_error) == ('ServiceUnavailable', 0.25, True, True)
    e = error_from_response('Op', 400, {}, '{"code":"QPS Limit Exceeded","message":"m"}')
    assert e.throttled and not e.server_error


# ---------------------------------------------------------------- retries


def test_throttled_get_is_retried():
    app = sequence(ok({'Code': 'Throttling.User', 'Message': 'Request was denied due to user flow control.'}, 400),
                   ok({'clusters': []}))
    with ApiServer(app) as server:
        client = client_for(server)
        assert client.call('DescribeClustersV1', 'GET', '/api/v1/clusters') == {'clusters': []}
        assert server.count == 2
        assert len(client.sleep) == 1 and 0 <= client.sleep[0] <= 1.0


@pytest.mark.parametrize('code', ['Throttling', 'Throttling.Api', 'Rejected.Throttling', 'QPS Limit Exceeded'])
def test_throttling_codes_retried_for_post(code):
    app = sequence(ok({'Code': code, 'Message': 'm'}, 429), ok({'cluster_id': 'c1'}, 202))
    with ApiServer(app) as server:
        client = client_for(server)
        assert client.call('CreateCluster', 'POST', '/clusters', body={}) == {'cluster_id': 'c1'}
        assert server.count == 2


def test_retry_after_header_is_the_delay():
    app = sequence(ok({'Code': 'Throttling.User', 'Message': 'm'}, 429, {'x-acs-retry-after': '1500'}), ok({}))
    with ApiServer(app) as server:
        client = client_for(server)
        client.call('DescribeClusters', 'GET', '/clusters')
        assert client.sleep == [1.5]
        assert server.count == 2


def test_a_retry_after_past_api_retry_max_delay_is_cut_to_it():
    app = sequence(ok({'Code': 'Throttling.User', 'Message': 'm'}, 429, {'x-acs-retry-after': str(10 ** 9)}), ok({}))
    with ApiServer(app) as server:
        client = client_for(server)
        client.call('DescribeClusters', 'GET', '/clusters')
        assert client.sleep == [client.api_retry_max_delay] and server.count == 2


def test_retry_after_alone_means_throttled():
    app = sequence(ok({'code': 'Busy', 'message': 'm'}, 400, {'x-acs-retry-after': '20'}), ok({}))
    with ApiServer(app) as server:
        client = client_for(server)
        client.call('CreateCluster', 'POST', '/clusters', body={})
        assert client.sleep == [0.02] and server.count == 2


def test_post_after_500_is_not_retried():
    with ApiServer(lambda r: (500, {}, {'code': 'InternalError', 'message': 'boom'})) as server:
        client = client_for(server)
        with pytest.raises(AckApiError) as info:
            client.call('CreateCluster', 'POST', '/clusters', body={'name': 'x'})
        assert server.count == 1
        assert client.sleep == []
    assert info.value.http_status == 500


def test_post_after_503_is_not_retried():
    with ApiServer(lambda r: (503, {}, {'Code': 'ServiceUnavailable', 'Message': 'm'})) as server:
        with pytest.raises(AckApiError):
            client_for(server).call('ScaleOutCluster', 'POST', '/api/v2/clusters/c1', body={'count': 1})
        assert server.count == 1


def test_idempotent_post_is_retried():
    app = sequence(ok({'code': 'InternalError', 'message': 'boom'}, 500), ok({'cluster_id': 'c1'}, 202))
    with ApiServer(app) as server:
        client = client_for(server)
        result = client.call('CreateCluster', 'POST', '/clusters', body={'client_token': 't1'}, idempotent=True)
        assert result == {'cluster_id': 'c1'}
        assert server.count == 2
        assert server.requests[0].body == server.requests[1].body


@pytest.mark.parametrize('operation,method', [('Op', 'GET'), ('DeleteCluster', 'DELETE'),
                                              ('ModifyClusterTags', 'POST'), ('ModifyCluster', 'PUT')])
def test_reads_and_repeatable_writes_retried_after_5xx(operation, method):
    app = sequence(ok({'Code': 'ServiceUnavailable', 'Message': 'm'}, 503), ok({}, 502), ok({'ok': True}))
    with ApiServer(app) as server:
        client = client_for(server)
        assert client.call(operation, method, '/clusters/c1') == {'ok': True}
        assert server.count == 3 and len(client.sleep) == 2


@pytest.mark.parametrize('operation,method', [('DeleteClusterNodes', 'POST'), ('Op', 'DELETE'),
                                              ('UpgradeCluster', 'POST'), ('InstallClusterAddons', 'POST')])
def test_other_writes_sent_once_and_marked_maybe_applied(operation, method):
    with ApiServer(lambda r: (503, {}, {'Code': 'ServiceUnavailable', 'Message': 'm'})) as server:
        client = client_for(server)
        with pytest.raises(AckApiError) as info:
            client.call(operation, method, '/clusters/c1')
        assert server.count == 1
    assert info.value.maybe_applied and not info.value.repeated


def test_a_repeat_that_meets_the_effect_says_so():
    app = sequence(ok({'Code': 'ServiceUnavailable', 'Message': 'm'}, 503),
                   ok({'code': 'ErrorClusterNotFound', 'message': 'gone'}, 404))
    with ApiServer(app) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server).call('DeleteCluster', 'DELETE', '/clusters/{}', 'c1')
    assert info.value.repeated and info.value.code == 'ErrorClusterNotFound'


@pytest.mark.parametrize('bad', ['../../etc/passwd', 'c1/../../clusters', 'a?b=c', 'x#y', 'a b', '%2F'])
def test_path_arguments_never_change_the_path(bad):
    seen = []

    def app(request):
        seen.append(request)
        return 200, {}, {}
    with ApiServer(app) as server:
        client_for(server).call('DescribeClusterDetail', 'GET', '/clusters/{}', bad)
    assert len(seen) == 1 and seen[0].path.startswith('/clusters/') and seen[0].path.count('/') == 2
    assert seen[0].raw_query == '' and unquote(seen[0].path.split('/')[2]) == bad


@pytest.mark.parametrize('bad', ['..', '.', ''])
def test_dot_segments_are_refused_before_sending(bad):
    with ApiServer(lambda r: (200, {}, {})) as server:
        with pytest.raises(AckApiError) as info:
            client_for(server).call('DescribeClusterDetail', 'GET', '/clusters/{}', bad)
        assert server.count == 0
    assert info.value.code == 'InvalidPathArgument'


def test_gateway_not_found_is_never_absent():
    with ApiServer(lambda r: (404, {}, {'Code': 'InvalidAccessKeyId.NotFound', 'Message': 'no key'})) as server:
        client = client_for(server)
        with pytest.raises(AckApiError) as info:
            client.call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c1', absent=('ErrorClusterNotFound',))
    assert info.value.code == 'InvalidAccessKeyId.NotFound'
    with ApiServer(lambda r: (404, {}, {'code': 'ErrorClusterNotFound', 'message': 'm'})) as server:
        assert client_for(server).call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c1',
                                       absent=('ErrorClusterNotFound',)) is None


def test_multiline_messages_fold_to_one_line():
    error = AckApiError('Op', 'SignatureDoesNotMatch', 'string to sign:\nGET\n/x\n', 400, 'R1')
    assert '\n' not in str(error) and 'string to sign: GET /x' in str(error)
    assert error.to_dict()['message'].count('\n') == 3


def test_retries_exhausted_raise_last_error():
    with ApiServer(lambda r: (503, {}, {'Code': 'ServiceUnavailable', 'Message': 'm', 'RequestId': 'R'})) as server:
        client = client_for(server, api_retries=3)
        with pytest.raises(AckApiError) as info:
            client.call('DescribeClusters', 'GET', '/clusters')
        assert server.count == 4 and len(client.sleep) == 3
    assert info.value.code == 'ServiceUnavailable'


def test_jitter_delays_within_bounds():
    with ApiServer(lambda r: (503, {}, {'Code': 'ServiceUnavailable', 'Message': 'm'})) as server:
        client = client_for(server, api_retries=6, api_retry_max_delay=3)
        with pytest.raises(AckApiError):
            client.call('DescribeClusters', 'GET', '/clusters')
    assert len(client.sleep) == 6
    for attempt, delay in enumerate(client.sleep):
        assert 0 <= delay <= min(3, client.retry_base_delay * 2 ** attempt)


def test_backoff_delay_full_jitter():
    random.seed(7)
    for attempt in range(10):
        cap = min(30, 1.0 * 2 ** attempt)
        samples = [backoff_delay(attempt, 1.0, 30) for dummy in range(300)]
        assert all(0 <= d <= cap for d in samples)
        assert max(samples) > cap * 0.8 and min(samples) < cap * 0.2
    assert backoff_delay(3, 2.0, 100, uniform=lambda a, b: (a, b)) == (0, 16.0)
    assert backoff_delay(10, 2.0, 30, uniform=lambda a, b: (a, b)) == (0, 30)


def test_connection_refused_post_is_retried():
    client = client_for(None, endpoint='http://127.0.0.1:%d' % closed_port(), api_retries=3)
    with pytest.raises(AckApiError) as info:
        client.call('CreateCluster', 'POST', '/clusters', body={'name': 'x'})
    assert len(client.sleep) == 3
    assert (info.value.code, info.value.http_status) == ('ConnectionError', None)
    assert 'CreateCluster failed: ConnectionError: ' in str(info.value)


def test_read_timeout_post_not_retried():
    def slow(request):
        server.release.wait(5)
        return ok({})
    with ApiServer(slow) as server:
        client = client_for(server, read_timeout=0.3)
        start = time.time()
        with pytest.raises(AckApiError) as info:
            client.call('CreateCluster', 'POST', '/clusters', body={})
        assert time.time() - start < 2
        assert server.count == 1 and client.sleep == []
    assert (info.value.code, info.value.http_status) == ('Timeout', None)


def test_read_timeout_get_retried():
    def app(request):
        if server.count == 1:
            server.release.wait(5)
        return ok({'ok': 1})
    with ApiServer(app) as server:
        client = client_for(server, read_timeout=0.3)
        assert client.call('DescribeClusters', 'GET', '/clusters') == {'ok': 1}
        assert server.count == 2 and len(client.sleep) == 1


def test_no_retries_when_disabled():
    with ApiServer(lambda r: (429, {}, {'Code': 'Throttling.User', 'Message': 'm'})) as server:
        with pytest.raises(AckApiError):
            client_for(server, api_retries=0).call('Op', 'GET', '/x')
        assert server.count == 1


# ---------------------------------------------------------------- paging


def paged_app(items, items_key, page_key, number_param, size_param, with_total=True):
    def app(request):
        number, size = int(request.query[number_param]), int(request.query[size_param])
        chunk = items[(number - 1) * size:number * size]
        page = {'page_number': number, 'page_size': size}
        if with_total:
            page['total_count'] = len(items)
        return ok({items_key: chunk, page_key: page})
    return app


def test_paging_clusters_v1_style():
    items = [{'cluster_id': 'c%d' % i} for i in range(7)]
    with ApiServer(paged_app(items, 'clusters', 'page_info', 'page_number', 'page_size')) as server:
        client = client_for(server)
        got = list(client.paginate_pages('DescribeClustersV1', '/api/v1/clusters', {'name': 'x'}, 'clusters',
                                         page_size=3))
        assert got == items
        assert [r.query for r in server.requests] == [
            {'name': 'x', 'page_number': str(n), 'page_size': '3'} for n in (1, 2, 3)]


def test_paging_nodes_style_stops_at_total():
    items = [{'instance_id': 'i%d' % i} for i in range(6)]
    with ApiServer(paged_app(items, 'nodes', 'page', 'pageNumber', 'pageSize')) as server:
        client = client_for(server)
        got = list(client.paginate_pages('DescribeClusterNodes', '/clusters/c1/nodes', None, 'nodes', page_key='page',
                                         number_param='pageNumber', size_param='pageSize', page_size=3))
        assert got == items
        assert server.count == 2  # total_count reached: no third request
        assert server.requests[1].query == {'pageNumber': '2', 'pageSize': '3'}


def test_paging_templates_style_short_page_without_total():
    items = [{'id': 't%d' % i} for i in range(5)]
    app = paged_app(items, 'templates', 'page_info', 'page_num', 'page_size', with_total=False)
    with ApiServer(app) as server:
        client = client_for(server)
        got = list(client.paginate_pages('DescribeTemplates', '/templates', {'template_type': 'kubernetes'},
                                         'templates', number_param='page_num', page_size=2))
        assert got == items and server.count == 3


def test_paging_empty():
    with ApiServer(lambda r: ok({'clusters': [], 'page_info': {'total_count': 0}})) as server:
        assert list(client_for(server).paginate_pages('Op', '/api/v1/clusters', {}, 'clusters')) == []
        assert server.count == 1


@pytest.mark.parametrize('answer', [[1, 2], {'clusters': 'many'}, {'clusters': {'c1': {}}}])
def test_paging_an_answer_without_a_list_is_one_api_error(answer):
    with ApiServer(lambda r: ok(answer)) as server:
        with pytest.raises(AckApiError) as info:
            list(client_for(server).paginate_pages('Op', '/api/v1/clusters', {}, 'clusters'))
        assert info.value.code == 'UnexpectedAnswer' and 'no list of clusters' in info.value.message


def test_paging_a_total_count_that_is_not_a_number_is_ignored():
    with ApiServer(lambda r: ok({'clusters': [{'cluster_id': 'c1'}], 'page_info': {'total_count': 'lots'}})) as server:
        assert list(client_for(server).paginate_pages('Op', '/api/v1/clusters', {}, 'clusters')) == [
            {'cluster_id': 'c1'}]


# ---------------------------------------------------------------- endpoints and secrets


def test_endpoints():
    assert AckClient(CREDS).endpoint == 'https://cs.cn-hangzhou.aliyuncs.com'
    assert AckClient(CREDS, region='cn-beijing').endpoint == 'https://cs.cn-beijing.aliyuncs.com'
    assert AckClient(Credentials('a', 'b')).endpoint == 'https://cs.aliyuncs.com'
    client = AckClient(CREDS, endpoint='cs.example.com:8443/')
    assert (client.endpoint, client.host) == ('https://cs.example.com:8443', 'cs.example.com:8443')
    assert AckClient(CREDS, endpoint='http://127.0.0.1:1').endpoint == 'http://127.0.0.1:1'
    assert AckClient(CREDS, validate_certs=False).session.verify is False


def _assert_hidden(error, client):
    texts = [str(error), repr(error), json.dumps(error.to_dict()), repr(error.args), error.message, repr(client)]
    for text in texts:
        assert SECRET not in text and TOKEN not in text


def test_no_secret_in_errors():
    def echo(request):
        sts = signer.string_to_sign_v1(request.method, request.headers, request.path, request.query)
        message = ('Specified signature is not matched with our calculation. server string to sign is:%s '
                   'and your secret is %s' % (sts, SECRET))
        return 400, {}, {'Code': 'SignatureDoesNotMatch', 'Message': message, 'RequestId': 'R'}
    with ApiServer(echo) as server:
        client = client_for(server, STS_CREDS)
        with pytest.raises(AckApiError) as info:
            client.call('DescribeClusters', 'GET', '/clusters')
    assert 'x-acs-security-token:<redacted>' in info.value.message
    assert info.value.message.startswith('Specified signature is not matched with our calculation.')
    _assert_hidden(info.value, client)


def test_no_secret_in_connection_errors():
    client = client_for(None, STS_CREDS, endpoint='http://127.0.0.1:%d' % closed_port(), api_retries=0)
    with pytest.raises(AckApiError) as info:
        client.call('DescribeClusters', 'GET', '/clusters', query={'q': 'v'})
    _assert_hidden(info.value, client)


def test_close_is_idempotent():
    client = AckClient(CREDS)
    client.close()
    client.close()
