# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options as AWX sets them: a credential input left empty arrives as an empty variable."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

pytest.importorskip('requests', reason='the client needs requests')

from ansible_collections.alicloud.ack.plugins.module_utils._connect import client_from_options  # noqa: E402

# what extensions/awx/credential_type.yml injects for a credential with only the key pair and the region
AWX_ENV = {
    'ALIBABA_CLOUD_ACCESS_KEY_ID': 'awx-id',
    'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'awx-secret',
    'ALIBABA_CLOUD_SECURITY_TOKEN': '',
    'ALIBABA_CLOUD_REGION_ID': 'cn-shanghai',
    'ALIBABA_CLOUD_ACK_ENDPOINT': '',
}


def test_empty_awx_inputs_count_as_unset(monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    for name, value in AWX_ENV.items():
        monkeypatch.setenv(name, value)
    # env_fallback hands the module the empty ALIBABA_CLOUD_ACK_ENDPOINT as the endpoint option
    client = client_from_options({'endpoint': AWX_ENV['ALIBABA_CLOUD_ACK_ENDPOINT']})
    assert client.endpoint == 'https://cs.cn-shanghai.aliyuncs.com'
    creds = client.credentials
    assert (creds.access_key_id, creds.security_token, creds.region) == ('awx-id', None, 'cn-shanghai')
