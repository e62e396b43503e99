# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ALIBABA_CLOUD_ACK_RECORD (#25): AckClient against a real local server writes one vcrpy cassette per client,
scrubbed of credentials, passwords, tokens, kubeconfig keys, account ids and public addresses, that vcrpy reads and
the cassette client replays; without the variable nothing is written; a folder that cannot be written never fails
a call."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import os
import stat

import pytest
import yaml

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError, AckClient
from ansible_collections.alicloud.ack.plugins.module_utils._credentials import Credentials
from ansible_collections.alicloud.ack.plugins.module_utils._recorder import ENV, PLACEHOLDERS, Scrubber, quote
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.cassette_client import (
    CassetteClient,
    cassettes,
    load,
)
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.httpserver import ApiServer

KEY_ID, SECRET, TOKEN = 'STS.RecorderTestKeyId01', 'RecorderTestSecret0123456789', 'RecorderTestToken0123456789=='
PASSWORD, ATTACH_TOKEN, ACCOUNT = 'Recorder-Passw0rd!', 'attachTOKEN0123456789abcdef', '1357924680135792'
PEM = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIRecorderTestKeyBody0123456789\n-----END EC PRIVATE KEY-----\n'
KEY_DATA = base64.b64encode(PEM.encode()).decode()
KUBECONFIG = ('apiVersion: v1\nclusters:\n- cluster:\n    server: https://47.96.10.20:6443\n'
              '    certificate-authority-data: %s\nusers:\n- name: u\n  user:\n    client-key-data: %s\n'
              % (KEY_DATA, KEY_DATA))
SECRETS = [KEY_ID, SECRET, TOKEN, PASSWORD, ATTACH_TOKEN, ACCOUNT, KEY_DATA, 'MHcCAQEEIRecorderTestKeyBody',
           '47.96.10.20', '8.8.4.4']


def app(request):
    if request.path.endswith('/user_config'):
        return 200, {'x-acs-request-id': 'R-1', 'Set-Cookie': 'session=abc'}, {'config': KUBECONFIG}
    if request.path.endswith('/attach'):
        return 400, {}, {'code': 'InvalidParameter', 'message': 'password %s refused' % PASSWORD}
    if request.path.endswith('/attachscript'):
        return 200, {}, 'curl https://8.8.4.4/attach.sh | bash -s -- --openapi-token %s --ack' % ATTACH_TOKEN
    return 200, {}, {'cluster_id': 'c0123456789abcdef', 'owner_id': ACCOUNT, 'ip_address': ['8.8.4.4', '10.0.0.7'],
                     'ram_role': 'acs:ram::%s:role/aliyuncsdefaultrole' % ACCOUNT, 'deletion_protection': False}


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """A client's calls against a local server with recording on: the folder of the cassette."""
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')
    folder = tmp_path / 'recording'
    monkeypatch.setenv(ENV, str(folder))
    with ApiServer(app) as server:
        client = AckClient(Credentials(KEY_ID, SECRET, TOKEN, region='cn-hangzhou'), endpoint=server.url,
                           sleep=lambda s: None)
        client.call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c0123456789abcdef')
        client.call('DescribeClusterUserKubeconfig', 'GET', '/k8s/{}/user_config', 'c0123456789abcdef',
                    query={'PrivateIpAddress': 'false'})
        with pytest.raises(AckApiError):
            client.call('AttachInstances', 'POST', '/clusters/{}/attach', 'c0123456789abcdef',
                        body={'instances': ['i-1'], 'password': PASSWORD})
        client.call('DescribeClusterAttachScripts', 'POST', '/clusters/{}/attachscript', 'c0123456789abcdef',
                    body={'arch': 'amd64'})
        client.close()
    return folder


def test_one_cassette_per_client_readable_by_vcrpy_without_any_secret(recorded):
    (path,) = cassettes(str(recorded))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(str(recorded)).st_mode) == 0o700
    text = open(path).read()
    assert [s for s in SECRETS if s in text] == []
    interactions, dummy = load(path)
    assert [i.operation for i in interactions] == ['DescribeClusterDetail', 'DescribeClusterUserKubeconfig',
                                                   'AttachInstances', 'DescribeClusterAttachScripts']
    detail, kube, attach, script = interactions
    assert detail.answer['owner_id'] == PLACEHOLDERS['account_id']
    assert detail.answer['ip_address'] == [PLACEHOLDERS['public_ip'], '10.0.0.7']  # private addresses are kept
    assert detail.answer['ram_role'] == 'acs:ram::<account-id>:role/aliyuncsdefaultrole'
    assert 'server: https://<public-ip>:6443' in kube.answer['config'] and '<pem-base64>' in kube.answer['config']
    assert kube.query == {'PrivateIpAddress': 'false'}
    assert kube.headers == {'Content-Type': 'application/json', 'x-acs-request-id': 'R-1'}
    assert attach.body['password'] == '<password>' and attach.status == 400
    assert attach.answer['message'] == 'password <password> refused'  # learnt from the request
    assert '--openapi-token <attach-token> --ack' in script.answer
    # no header but the action, version, region and content type
    with open(path) as f:
        assert 'authorization' not in f.read().lower()


def test_the_cassette_replays_through_the_cassette_client(recorded):
    (path,) = cassettes(str(recorded))
    client = CassetteClient(load(path)[0])
    assert client.call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c0123456789abcdef')['cluster_id'] == \
        'c0123456789abcdef'
    with pytest.raises(AckApiError) as failed:
        client.call('AttachInstances', 'POST', '/clusters/{}/attach', 'c0123456789abcdef', body={})
    assert failed.value.code == 'InvalidParameter' and failed.value.http_status == 400


def test_without_the_variable_nothing_is_written_and_an_unwritable_folder_never_fails_a_call(tmp_path, monkeypatch):
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')
    monkeypatch.delenv(ENV, raising=False)
    blocked = tmp_path / 'file'
    blocked.write_text('not a folder')
    with ApiServer(app) as server:
        client = AckClient(Credentials(KEY_ID, SECRET, region='cn-hangzhou'), endpoint=server.url)
        assert client.call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c0123456789abcdef')['cluster_id']
        monkeypatch.setenv(ENV, str(blocked / 'below'))
        assert client.call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c0123456789abcdef')['cluster_id']
        assert client.call('DescribeClusterDetail', 'GET', '/clusters/{}', 'c0123456789abcdef')['cluster_id']
    assert os.listdir(str(tmp_path)) == ['file']


@pytest.mark.parametrize('text, expected', [
    ('version v1.14.8.44-aliyun and 1.2.3.4', 'version v1.14.8.44-aliyun and 1.2.3.4'),  # not an address field
    ('https://47.1.2.3:6443/x', 'https://<public-ip>:6443/x'),
    ('https://192.168.1.2:6443', 'https://192.168.1.2:6443'),
    ('name: TOKEN\n  value: "abcdefgh12345678"', 'name: TOKEN\n  value: "<token>"'),
    ('token: abcdefgh12345678', 'token: <token>'),
    ('next_token: abcdefgh12345678', 'next_token: abcdefgh12345678'),
])
def test_text_rules(text, expected):
    assert Scrubber().text(text) == expected


def test_fields_are_scrubbed_by_name_and_numbers_keep_their_type():
    data = Scrubber().data({'login_password': 'x1234567', 'uid': 1999999999999999, 'public_ip': '47.1.1.1',
                            'security_token': 'abcd', 'tags': [{'key': 'password', 'value': 'kept'}]})
    assert data == {'login_password': '<password>', 'uid': 1234567890123456, 'public_ip': '<public-ip>',
                    'security_token': '<token>', 'tags': [{'key': 'password', 'value': 'kept'}]}
    assert yaml.safe_load(quote('é "\\" \U0001F600\t')) == 'é "\\" \U0001F600\t'


def test_a_long_string_is_wrapped_within_the_line_limit_and_reads_back_exactly():
    text = ''.join('word%d  \t "quoted" \\ é\n   ' % i for i in range(200))
    quoted = quote(text, indent=6, start=16)
    assert max(len(line) for line in ('x' * 16 + quoted).splitlines()) <= 150
    assert yaml.safe_load('key: ' + quoted)['key'] == text
