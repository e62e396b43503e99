"""Authentication: ROA HMAC-SHA1 (both empty-value conventions, old core RegionId), ACS3-HMAC-SHA256, STS,
refusals (signature, unknown key, skew, replayed nonce), per-key policies, the loopback-only admin API."""
import base64
import email.utils
import hashlib
import json
import time
import uuid

import pytest
from werkzeug.test import Client

from ack_emulator import auth
from ack_emulator.app import EmulatorApp
from ack_emulator.store import Store

VEC_AK = 'LTAI5tTESTACCESSKEYID'
VEC_SECRET = 'TESTaccessKEYsecret0123456789ab'
VEC_DATE = 'Mon, 01 Jan 2024 00:00:00 GMT'
VEC_NOW = 1704067200.0  # 2024-01-01T00:00:00Z
VEC_CID = 'c82e6987e2961451182edacd74faf0fa2'
UA = 'AlibabaCloud (Linux; x86_64) Python/3.11 Core/0.4.3 TeaDSL/2'
EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
PREFIX = 'Specified signature is not matched with our calculation. server string to sign is:'


def vec_keyring(token=None):
    key = {'access_key_id': VEC_AK, 'access_key_secret': VEC_SECRET}
    if token:
        key['security_token'] = token
    return auth.Keyring([key])


# -- the official SDKs' vectors (signature-vectors.txt) ---------------------------------------------------------
def test_old_core_vector_with_region_id_query():
    headers = {'accept': 'application/json', 'date': VEC_DATE, 'x-acs-action': 'DescribeClusters',
               'x-acs-region-id': 'cn-hangzhou', 'x-acs-signature-method': 'HMAC-SHA1',
               'x-acs-signature-version': '1.0', 'x-acs-version': '2015-12-15'}
    raw_query = 'name=prod+cluster%2F1&clusterType=ManagedKubernetes&RegionId=cn-hangzhou'
    sts = auth.v1_string_to_sign('GET', '/clusters', auth.parse_query(raw_query), headers)
    assert sts.endswith('/clusters?RegionId=cn-hangzhou&clusterType=ManagedKubernetes&name=prod cluster/1')
    assert auth.v1_sign(VEC_SECRET, sts) == '+TUUYCJ3ZJ3tVvqm96G5pOFkz98='
    headers['authorization'] = 'acs %s:+TUUYCJ3ZJ3tVvqm96G5pOFkz98=' % VEC_AK
    ident = auth.authenticate('GET', '/clusters', raw_query, headers, b'', vec_keyring(), Store(), VEC_NOW)
    assert ident.access_key_id == VEC_AK and ident.scheme == 'v1'


def test_new_sdk_v2_vector_bare_empty_value_and_sts():
    token = 'CAIS-test-security-token=='
    headers = {'accept': 'application/json', 'date': VEC_DATE, 'x-acs-accesskey-id': VEC_AK,
               'x-acs-action': 'DescribeClusterNodes', 'x-acs-credentials-provider': 'static_sts',
               'x-acs-security-token': token, 'x-acs-signature-method': 'HMAC-SHA1',
               'x-acs-signature-nonce': '3f2504e04f8911d39a0c0305e82c3301', 'x-acs-signature-version': '1.0',
               'x-acs-version': '2015-12-15', 'host': 'cs.cn-hangzhou.aliyuncs.com', 'user-agent': UA,
               'authorization': 'acs %s:pDRc3CbvPEs588LMJw2kJcXEBQw=' % VEC_AK}
    path = '/clusters/%s/nodes' % VEC_CID
    ident = auth.authenticate('GET', path, 'pageNumber=1&pageSize=10&state=', headers, b'', vec_keyring(token),
                              Store(), VEC_NOW)
    assert ident.access_key_id == VEC_AK


def test_old_core_vector_equals_empty_value():
    headers = {'accept': 'application/json', 'date': VEC_DATE, 'x-acs-action': 'DescribeClusterNodes',
               'x-acs-region-id': 'cn-hangzhou', 'x-acs-security-token': 'CAIS-test-security-token==',
               'x-acs-signature-method': 'HMAC-SHA1', 'x-acs-signature-version': '1.0',
               'x-acs-version': '2015-12-15', 'authorization': 'acs %s:2ym0vOg5onpKmARnMn20+CeKrjI=' % VEC_AK}
    auth.authenticate('GET', '/clusters/%s/nodes' % VEC_CID, 'pageSize=10&pageNumber=1&state=&RegionId=cn-hangzhou',
                      headers, b'', vec_keyring('CAIS-test-security-token=='), Store(), VEC_NOW)


def test_old_core_create_vector_with_content_md5():
    body = (b'{"name": "ack-test", "cluster_type": "ManagedKubernetes", "region_id": "cn-hangzhou", '
            b'"vpcid": "vpc-123", "num_of_nodes": 0}')
    headers = {'accept': 'application/json', 'content-md5': 'Zrn762a+aluaWNdevhuc0w==',
               'content-type': 'application/json', 'date': VEC_DATE, 'x-acs-action': 'CreateCluster',
               'x-acs-region-id': 'cn-hangzhou', 'x-acs-signature-method': 'HMAC-SHA1',
               'x-acs-signature-version': '1.0', 'x-acs-version': '2015-12-15',
               'authorization': 'acs %s:qwvtuuS0Tv5DobvCG9DVJwz4I6A=' % VEC_AK}
    assert base64.b64encode(hashlib.md5(body).digest()).decode() == 'Zrn762a+aluaWNdevhuc0w=='
    auth.authenticate('POST', '/clusters', 'RegionId=cn-hangzhou', headers, body, vec_keyring(), Store(), VEC_NOW)
    with pytest.raises(auth.ApiError) as e:
        auth.authenticate('POST', '/clusters', 'RegionId=cn-hangzhou', headers, body.replace(b'0}', b'9}'),
                          vec_keyring(), Store(), VEC_NOW)
    assert e.value.code == 'ContentMD5NotMatched'


def _v3_headers(action, extra=None):
    h = {'accept': 'application/json', 'host': 'cs.cn-hangzhou.aliyuncs.com', 'user-agent': UA,
         'x-acs-action': action, 'x-acs-content-sha256': EMPTY_SHA, 'x-acs-credentials-provider': 'static_ak',
         'x-acs-date': '2024-01-01T00:00:00Z', 'x-acs-signature-nonce': '3f2504e04f8911d39a0c0305e82c3301',
         'x-acs-version': '2015-12-15'}
    h.update(extra or {})
    return h


def test_v3_vector_get_with_encoded_query():
    headers = _v3_headers('DescribeClusters')
    signed = sorted(headers)
    creq = auth.v3_canonical_request('GET', '/clusters', auth.parse_query('clusterType=ManagedKubernetes&name=prod'
                                                                           '+cluster%2F1'), headers, signed, EMPTY_SHA)
    assert '\nclusterType=ManagedKubernetes&name=prod%20cluster%2F1\n' in creq
    sts = auth.v3_string_to_sign(creq)
    assert sts == 'ACS3-HMAC-SHA256\nc542d2f8d5f8265ba6b2c2de85caf8bbe1c801ad019cfd2314de64a60ecfd6c4'
    sig = '31064844725d39f033f11ab9c0fafabc8207d382f1fda4b69111fd8b147a3748'
    assert auth.v3_sign(VEC_SECRET, sts) == sig
    headers['authorization'] = ('ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s'
                                % (VEC_AK, ';'.join(signed), sig))
    ident = auth.authenticate('GET', '/clusters', 'clusterType=ManagedKubernetes&name=prod+cluster%2F1', headers,
                              b'', vec_keyring(), Store(), VEC_NOW)
    assert ident.scheme == 'v3'


def test_v3_vector_post_body_hash():
    body = (b'{"cluster_type":"ManagedKubernetes","name":"ack-test","num_of_nodes":0,"region_id":"cn-hangzhou",'
            b'"vpcid":"vpc-123"}')
    sha = hashlib.sha256(body).hexdigest()
    assert sha == '334662d0a4d12a05d2ee5f19ce52f9cfd4f6ba4dc9e09cb1eb2c7b40f50e7263'
    headers = _v3_headers('CreateCluster', {'content-type': 'application/json; charset=utf-8',
                                            'x-acs-content-sha256': sha})
    signed = sorted(headers)
    sig = 'b8320adde861cade8314b55c6e5b549e567142637b2bdbd21ebcdabc585808f7'
    headers['authorization'] = ('ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s'
                                % (VEC_AK, ';'.join(signed), sig))
    auth.authenticate('POST', '/clusters', '', headers, body, vec_keyring(), Store(), VEC_NOW)
    with pytest.raises(auth.ApiError) as e:
        auth.authenticate('POST', '/clusters', '', headers, body.replace(b'0,', b'5,'), vec_keyring(), Store(),
                          VEC_NOW + 1)
    assert e.value.code in ('ContentSHA256NotMatched', 'SignatureNonceUsed')


def test_v3_vector_delete_and_replayed_nonce():
    headers = _v3_headers('DeleteCluster')
    signed = sorted(headers)
    sig = '7b1f5a5b439b48ee37772d0a9e30213979aabab29f6150ccba4e319ca6cb634b'
    headers['authorization'] = ('ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s'
                                % (VEC_AK, ';'.join(signed), sig))
    store = Store()
    path = '/clusters/%s' % VEC_CID
    auth.authenticate('DELETE', path, '', headers, b'', vec_keyring(), store, VEC_NOW)
    with pytest.raises(auth.ApiError) as e:
        auth.authenticate('DELETE', path, '', headers, b'', vec_keyring(), store, VEC_NOW + 60)
    assert (e.value.status, e.value.code, e.value.gateway) == (400, 'SignatureNonceUsed', True)


# -- against the running emulator ----------------------------------------------------------------------------
def _raw(emulator, method, target, headers, body=b''):
    return emulator.client().send(method, target, headers, body)


def _sign_v1(emulator, method, path, raw_query, headers, empty_style, secret=None):
    hdrs = {'accept': 'application/json', 'date': email.utils.formatdate(usegmt=True),
            'x-acs-version': '2015-12-15', 'x-acs-signature-method': 'HMAC-SHA1', 'x-acs-signature-version': '1.0'}
    hdrs.update(headers)
    sts = auth.v1_string_to_sign(method, path, auth.parse_query(raw_query), hdrs, empty_style)
    hdrs['authorization'] = 'acs %s:%s' % (emulator.access_key_id,
                                            auth.v1_sign(secret or emulator.access_key_secret, sts))
    return hdrs


@pytest.mark.parametrize('style', ['equals', 'bare'])
def test_both_empty_value_conventions_accepted(emulator, style):
    q = 'name=&page_size=5&RegionId=cn-hangzhou'
    hdrs = _sign_v1(emulator, 'GET', '/api/v1/clusters', q, {'x-acs-action': 'DescribeClustersV1'}, style)
    r = _raw(emulator, 'GET', '/api/v1/clusters?' + q, hdrs)
    assert r.status == 200, r
    assert r.json['page_info']['page_size'] == 5


@pytest.mark.parametrize('scheme', ['v1', 'v3'])
def test_signed_request_accepted(emulator, scheme):
    r = emulator.signed('GET', '/quota', action='DescribeUserQuota', scheme=scheme)
    assert r.status == 200 and r.json['cluster_quota'] > 0
    assert r.headers['x-acs-request-id']


@pytest.mark.parametrize('scheme', ['v1', 'v3'])
def test_wrong_secret_refused_with_gateway_body(emulator, scheme):
    r = emulator.client(access_key_secret='not-the-secret', scheme=scheme).call('GET', '/quota',
                                                                                 action='DescribeUserQuota')
    assert r.status == 400
    assert r.json['Code'] == 'SignatureDoesNotMatch'
    assert r.json['Message'].startswith(PREFIX)
    assert r.json['RequestId'] and 'code' not in r.json


@pytest.mark.parametrize('scheme', ['v1', 'v3'])
def test_tampered_query_refused(emulator, scheme):
    method, target, hdrs, data = emulator.client(scheme=scheme).build('GET', '/api/v1/clusters',
                                                                      {'page_size': 10}, action='DescribeClustersV1')
    r = _raw(emulator, method, target.replace('page_size=10', 'page_size=99'), hdrs, data)
    assert (r.status, r.code) == (400, 'SignatureDoesNotMatch')


def test_tampered_header_and_unsigned_v3_header_refused(emulator):
    method, target, hdrs, data = emulator.client().build('GET', '/quota', action='DescribeUserQuota')
    hdrs['x-acs-region-id'] = 'cn-beijing'  # an x-acs-* header is part of the v1 string to sign
    assert _raw(emulator, method, target, hdrs, data).code == 'SignatureDoesNotMatch'
    method, target, hdrs, data = emulator.client(scheme='v3').build('GET', '/quota', action='DescribeUserQuota')
    hdrs['x-acs-extra'] = 'injected'
    assert _raw(emulator, method, target, hdrs, data).code == 'SignatureDoesNotMatch'


@pytest.mark.parametrize('scheme,code', [('v1', 'ContentMD5NotMatched'), ('v3', 'ContentSHA256NotMatched')])
def test_tampered_body_refused(emulator, scheme, code):
    body = {'name': 'x', 'cluster_type': 'Ask', 'region_id': 'cn-hangzhou', 'zone_id': 'cn-hangzhou-i'}
    method, target, hdrs, data = emulator.client(scheme=scheme).build('POST', '/clusters', body=body,
                                                                      action='CreateCluster')
    r = _raw(emulator, method, target, hdrs, data.replace(b'"x"', b'"y"'))
    assert (r.status, r.code) == (400, code)
    assert emulator.signed('GET', '/clusters', action='DescribeClusters').json == []


def test_unknown_access_key(emulator):
    r = emulator.client(access_key_id='LTAI5tUNKNOWN').call('GET', '/quota', action='DescribeUserQuota')
    assert (r.status, r.json['Code']) == (404, 'InvalidAccessKeyId.NotFound')


@pytest.mark.parametrize('scheme', ['v1', 'v3'])
def test_time_skew(emulator, scheme):
    old = time.time() - 16 * 60
    date = (email.utils.formatdate(old, usegmt=True) if scheme == 'v1'
            else time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(old)))
    r = emulator.client(scheme=scheme).call('GET', '/quota', action='DescribeUserQuota', date=date)
    assert (r.status, r.code) == (400, 'InvalidTimeStamp.Expired')
    recent = time.time() - 14 * 60
    date = (email.utils.formatdate(recent, usegmt=True) if scheme == 'v1'
            else time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(recent)))
    assert emulator.client(scheme=scheme).call('GET', '/quota', action='DescribeUserQuota', date=date).status == 200


@pytest.mark.parametrize('scheme', ['v1', 'v3'])
def test_replayed_nonce_refused(emulator, scheme):
    req = emulator.client(scheme=scheme).build('GET', '/quota', action='DescribeUserQuota')
    assert _raw(emulator, *req).status == 200
    r = _raw(emulator, *req)
    assert (r.status, r.code) == (400, 'SignatureNonceUsed')
    # a replay is refused after a restart too (nonces are in the state file)
    emulator.restart()
    assert _raw(emulator, *req).code == 'SignatureNonceUsed'


def test_missing_and_malformed_authorization(emulator):
    method, target, hdrs, data = emulator.client().build('GET', '/quota', action='DescribeUserQuota')
    del hdrs['authorization']
    assert _raw(emulator, method, target, hdrs, data).code == 'MissingAuthorization'
    hdrs['authorization'] = 'Bearer abc'
    assert _raw(emulator, method, target, hdrs, data).code == 'InvalidAuthorization'


def test_action_must_agree_with_route_and_unknown_routes(emulator):
    r = emulator.signed('GET', '/quota', action='DescribeClusters')
    assert (r.status, r.code) == (400, 'InvalidAction.Mismatch')
    r = emulator.signed('GET', '/no/such/api', action='Nothing')
    assert (r.status, r.code) == (404, 'InvalidAction.NotFound')
    r = emulator.signed('PATCH', '/clusters', action='DescribeClusters')
    assert r.status == 404


def test_stats_count_authenticated_requests(emulator):
    emulator.signed('GET', '/quota', action='DescribeUserQuota')
    emulator.signed('GET', '/clusters/cnotthere', action='DescribeClusterDetail')
    emulator.client(access_key_secret='wrong').call('GET', '/quota', action='DescribeUserQuota')
    stats = emulator.admin('stats')
    assert stats['requests'] == {'DescribeUserQuota': 1, 'DescribeClusterDetail': 1}
    assert stats['unauthenticated'] == {'DescribeUserQuota': 1}
    emulator.reset()
    assert emulator.admin('stats')['requests'] == {}


# -- STS and policies (own emulator with a credentials file) -------------------------------------------------------
def test_sts_token_required_and_checked(emulator_factory, tmp_path):
    creds = tmp_path / 'creds.json'
    creds.write_text(json.dumps({'keys': [{'access_key_id': 'STS.AK1', 'access_key_secret': 's3cr3t-sts',
                                           'security_token': 'CAIS-token-1'}]}))
    emu = emulator_factory(credentials=creds)
    c = emu.client(access_key_id='STS.AK1', access_key_secret='s3cr3t-sts')
    assert c.call('GET', '/quota', action='DescribeUserQuota').code == 'InvalidSecurityToken.MismatchWithAccessKey'
    c.security_token = 'CAIS-token-2'
    assert c.call('GET', '/quota', action='DescribeUserQuota').code == 'InvalidSecurityToken.MismatchWithAccessKey'
    c.security_token = 'CAIS-token-1'
    for scheme in ('v1', 'v3'):
        c.scheme = scheme
        assert c.call('GET', '/quota', action='DescribeUserQuota').status == 200


def test_policies_refuse_with_error_check_acl(emulator_factory, tmp_path):
    state = tmp_path / 'policy.db'
    emu = emulator_factory(state_file=state, time_scale=0)
    allowed, _ = emu.create_cluster(name='allowed')
    other, _ = emu.create_cluster(name='other', container_cidr='172.22.0.0/16', service_cidr='172.23.0.0/20')
    emu.stop()
    creds = tmp_path / 'creds.json'
    creds.write_text(json.dumps({'keys': [
        {'access_key_id': 'LTAIadmin', 'access_key_secret': 'admin-secret'},
        {'access_key_id': 'LTAIreader', 'access_key_secret': 'reader-secret', 'policy': {
            'actions': ['DescribeClusterDetail', 'DescribeClusters', 'cs:DescribeTaskInfo'],
            'resources': ['acs:cs:*:*:cluster/%s' % allowed]}},
        {'access_key_id': 'LTAIall', 'access_key_secret': 'all-secret', 'policy': {'actions': ['*'],
                                                                                   'resources': ['*']}},
        {'access_key_id': 'LTAInone', 'access_key_secret': 'none-secret', 'policy': {'actions': []}},
    ]}))
    emu.credentials = creds
    emu.start()
    reader = emu.client(access_key_id='LTAIreader', access_key_secret='reader-secret')
    assert reader.call('GET', '/clusters/' + allowed, action='DescribeClusterDetail').status == 200
    r = reader.call('GET', '/clusters/' + other, action='DescribeClusterDetail')
    assert (r.status, r.json['code'], r.json['status']) == (403, 'ErrorCheckAcl', 403)
    r = reader.call('GET', '/clusters/cdoesnotexist', action='DescribeClusterDetail')
    assert r.status == 403  # the policy is checked before existence
    listed = reader.call('GET', '/clusters', action='DescribeClusters').json
    assert [c['cluster_id'] for c in listed] == [allowed]
    for method, path, action in [('GET', '/quota', 'DescribeUserQuota'), ('DELETE', '/clusters/' + allowed,
                                                                         'DeleteCluster'),
                                 ('GET', '/api/v1/clusters', 'DescribeClustersV1')]:
        r = reader.call(method, path, action=action)
        assert (r.status, r.code) == (403, 'ErrorCheckAcl'), (action, r)
    nothing = emu.client(access_key_id='LTAInone', access_key_secret='none-secret')
    for method, path, action, body in [
            ('POST', '/clusters', 'CreateCluster', {'cluster_type': 'Ask'}),
            ('GET', '/clusters', 'DescribeClusters', None),
            ('GET', '/clusters/' + allowed, 'DescribeClusterDetail', None),
            ('PUT', '/api/v2/clusters/' + allowed, 'ModifyCluster', {'deletion_protection': True}),
            ('GET', '/clusters/%s/resources' % allowed, 'DescribeClusterResources', None),
            ('GET', '/k8s/%s/external/agent/deployment' % allowed, 'DescribeExternalAgent', None),
            ('GET', '/clusters/%s/logs' % allowed, 'DescribeClusterLogs', None),
            ('GET', '/k8s/%s/user_config' % allowed, 'DescribeClusterUserKubeconfig', None),
            ('GET', '/tags', 'ListTagResources', None),
            ('POST', '/clusters/%s/tags' % allowed, 'ModifyClusterTags', []),
            ('GET', '/tasks/T-x', 'DescribeTaskInfo', None)]:
        r = nothing.call(method, path, body=body, action=action)
        assert (r.status, r.json['code']) == (403, 'ErrorCheckAcl'), action
    everything = emu.client(access_key_id='LTAIall', access_key_secret='all-secret')
    assert everything.call('GET', '/clusters/' + other, action='DescribeClusterDetail').status == 200
    assert emu.client(access_key_id=emu.access_key_id).call('GET', '/quota').code == 'InvalidAccessKeyId.NotFound'


def test_admin_api_is_loopback_only():
    app = EmulatorApp(Store(), auth.Keyring.default(), time_scale=0)
    c = Client(app)
    remote = {'REMOTE_ADDR': '10.1.2.3'}
    assert c.get('/__emulator/stats', environ_base=remote).status_code == 403
    assert c.post('/__emulator/reset', environ_base=remote).status_code == 403
    local = {'REMOTE_ADDR': '127.0.0.1'}
    assert c.get('/__emulator/stats', environ_base=local).json == {'requests': {}, 'unauthenticated': {},
                                                                   'faults_injected': {}}
    assert c.post('/__emulator/faults', json={'throttle_rate': 2}, environ_base=local).status_code == 400
    assert c.get('/__emulator/nothing', environ_base=local).status_code == 404


def test_in_process_app_serves_signed_requests():
    app = EmulatorApp(Store(), auth.Keyring.default(), time_scale=0)
    c = Client(app)
    date = email.utils.formatdate(usegmt=True)
    hdrs = {'accept': 'application/json', 'date': date, 'x-acs-action': 'DescribeUserQuota',
            'x-acs-signature-nonce': uuid.uuid4().hex}
    sts = auth.v1_string_to_sign('GET', '/quota', [], hdrs)
    hdrs['authorization'] = 'acs %s:%s' % (auth.DEFAULT_ACCESS_KEY_ID,
                                            auth.v1_sign(auth.DEFAULT_ACCESS_KEY_SECRET, sts))
    r = c.get('/quota', headers=hdrs)
    assert r.status_code == 200 and r.json['node_quota'] > 0
