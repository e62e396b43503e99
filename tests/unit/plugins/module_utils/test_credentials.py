# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._credentials import (
    Credentials,
    CredentialsError,
    resolve_credentials,
)

SECRETS = ['opt-secret', 'opt-token', 'new-secret', 'new-token', 'old-secret', 'old-token', 'file-secret',
           'file-token', 'other-secret', 'ram-secret']

NEW_ENV = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new-id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'new-secret',
           'ALIBABA_CLOUD_SECURITY_TOKEN': 'new-token'}
OLD_ENV = {'ALICLOUD_ACCESS_KEY': 'old-id', 'ALICLOUD_SECRET_KEY': 'old-secret', 'ALICLOUD_SECURITY_TOKEN': 'old-token'}
PROFILES = [
    {'name': 'default', 'mode': 'AK', 'access_key_id': 'file-id', 'access_key_secret': 'file-secret',
     'sts_token': '', 'region_id': 'cn-shanghai'},
    {'name': 'sts', 'mode': 'StsToken', 'access_key_id': 'sts-id', 'access_key_secret': 'file-secret',
     'sts_token': 'file-token', 'region_id': 'cn-beijing'},
    {'name': 'other', 'mode': 'AK', 'access_key_id': 'other-id', 'access_key_secret': 'other-secret',
     'region_id': 'ap-southeast-1'},
    {'name': 'ram', 'mode': 'RamRoleArn', 'access_key_id': 'ram-id', 'access_key_secret': 'ram-secret',
     'ram_role_arn': 'acs:ram::1:role/x'},
    {'name': 'empty', 'mode': 'AK', 'access_key_id': '', 'access_key_secret': ''},
]


@pytest.fixture
def home(tmp_path):
    """An environment whose HOME holds ~/.aliyun/config.json with the profiles above (current: default)."""
    write_config(tmp_path / '.aliyun' / 'config.json', 'default')
    return {'HOME': str(tmp_path)}


def write_config(path, current, profiles=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({'current': current, 'profiles': PROFILES if profiles is None else profiles}))
    return str(path)


def resolve(environ, **kwargs):
    return resolve_credentials(environ=environ, **kwargs)


def assert_no_secret(text):
    for secret in SECRETS:
        assert secret not in text


def error_of(environ, **kwargs):
    with pytest.raises(CredentialsError) as info:
        resolve(environ, **kwargs)
    message = str(info.value)
    assert '\n' not in message
    assert_no_secret(message + repr(info.value))
    return message


# ---------------------------------------------------------------- precedence


def test_module_options_win(home):
    env = dict(home, **NEW_ENV)
    env.update(OLD_ENV)
    creds = resolve(env, access_key='opt-id', secret_key='opt-secret', security_token='opt-token')
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('opt-id', 'opt-secret', 'opt-token')
    assert creds.source == 'module options'


def test_module_options_never_take_a_token_from_elsewhere(home):
    creds = resolve(dict(home, **NEW_ENV), access_key='opt-id', secret_key='opt-secret')
    assert creds.security_token is None


def test_alibaba_cloud_env_next(home):
    env = dict(home, **NEW_ENV)
    env.update(OLD_ENV)
    creds = resolve(env)
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('new-id', 'new-secret', 'new-token')
    assert creds.source == 'ALIBABA_CLOUD_* environment'


def test_alicloud_env_next(home):
    creds = resolve(dict(home, **OLD_ENV))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('old-id', 'old-secret', 'old-token')
    assert creds.source == 'ALICLOUD_* environment'


def test_env_without_token(home):
    env = dict(home, ALICLOUD_ACCESS_KEY='old-id', ALICLOUD_SECRET_KEY='old-secret')
    assert resolve(env).security_token is None


def test_config_file_last_uses_current_profile(home):
    creds = resolve(home)
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('file-id', 'file-secret', None)
    assert creds.source == "profile 'default' in %s" % os.path.join(home['HOME'], '.aliyun', 'config.json')


def test_config_file_current_profile_other_than_default(tmp_path):
    write_config(tmp_path / '.aliyun' / 'config.json', 'other')
    assert resolve({'HOME': str(tmp_path)}).access_key_id == 'other-id'


def test_config_file_default_when_no_current(tmp_path):
    write_config(tmp_path / '.aliyun' / 'config.json', None)
    assert resolve({'HOME': str(tmp_path)}).access_key_id == 'file-id'


@pytest.mark.parametrize('var', ['ALICLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE'])
def test_profile_from_env(home, var):
    creds = resolve(dict(home, **{var: 'other'}))
    assert creds.access_key_id == 'other-id'
    assert creds.source.startswith("profile 'other' in ")


def test_profile_option_beats_profile_env(home):
    assert resolve(dict(home, ALICLOUD_PROFILE='sts'), profile='other').access_key_id == 'other-id'


def test_explicit_profile_option_beats_env_keys(home):
    creds = resolve(dict(home, **NEW_ENV), profile='other')
    assert creds.access_key_id == 'other-id'


def test_env_keys_beat_profile_selected_by_env(home):
    env = dict(home, ALICLOUD_PROFILE='other', **NEW_ENV)
    assert resolve(env).access_key_id == 'new-id'


def test_key_options_beat_profile_option(home):
    assert resolve(home, access_key='opt-id', secret_key='opt-secret', profile='other').access_key_id == 'opt-id'


def test_shared_credentials_file_option(tmp_path, home):
    path = write_config(tmp_path / 'elsewhere.json', 'other')
    creds = resolve(home, shared_credentials_file=path)
    assert creds.access_key_id == 'other-id'
    assert creds.source == "profile 'other' in %s" % path


def test_shared_credentials_file_env(tmp_path):
    path = write_config(tmp_path / 'elsewhere.json', 'other')
    assert resolve({'HOME': str(tmp_path), 'ALICLOUD_SHARED_CREDENTIALS_FILE': path}).access_key_id == 'other-id'


# ---------------------------------------------------------------- the pair rule


@pytest.mark.parametrize('kwargs', [dict(access_key='opt-id'), dict(secret_key='opt-secret')])
def test_half_pair_in_options_is_an_error(home, kwargs):
    message = error_of(dict(home, **NEW_ENV), **kwargs)
    assert 'module options' in message and 'give both' in message


def test_token_option_alone_is_an_error(home):
    message = error_of(dict(home, **NEW_ENV), security_token='opt-token')
    assert 'security_token' in message


def test_half_pair_in_env_is_an_error(home):
    env = dict(home, ALIBABA_CLOUD_ACCESS_KEY_ID='new-id', **OLD_ENV)
    message = error_of(env)
    assert 'ALIBABA_CLOUD_ACCESS_KEY_SECRET' in message


def test_half_pair_in_legacy_env_is_an_error(home):
    message = error_of(dict(home, ALICLOUD_SECRET_KEY='old-secret'))
    assert 'ALICLOUD_ACCESS_KEY' in message


def test_env_token_is_not_mixed_with_file_keys(home):
    message = error_of(dict(home, ALIBABA_CLOUD_SECURITY_TOKEN='new-token'))
    assert 'ALIBABA_CLOUD_SECURITY_TOKEN' in message


# ---------------------------------------------------------------- profile modes


def test_sts_token_mode(home):
    creds = resolve(home, profile='sts')
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('sts-id', 'file-secret',
                                                                                    'file-token')


def test_ak_mode_ignores_sts_token_field(tmp_path):
    profiles = [dict(PROFILES[0], sts_token='file-token')]
    write_config(tmp_path / '.aliyun' / 'config.json', 'default', profiles)
    assert resolve({'HOME': str(tmp_path)}).security_token is None


def test_sts_mode_without_token_is_an_error(tmp_path):
    profiles = [dict(PROFILES[1], sts_token='')]
    write_config(tmp_path / '.aliyun' / 'config.json', 'sts', profiles)
    assert 'sts_token' in error_of({'HOME': str(tmp_path)})


def test_unsupported_mode_names_mode_and_profile(home):
    message = error_of(home, profile='ram')
    assert 'RamRoleArn' in message and "profile 'ram'" in message


@pytest.mark.parametrize('mode', ['EcsRamRole', 'RsaKeyPair', 'ChainableRamRoleArn', 'External', 'OIDC'])
def test_other_unsupported_modes(tmp_path, mode):
    write_config(tmp_path / '.aliyun' / 'config.json', 'x', [dict(PROFILES[3], name='x', mode=mode)])
    message = error_of({'HOME': str(tmp_path)})
    assert mode in message and "profile 'x'" in message


def test_profile_without_keys_is_an_error(home):
    assert 'access_key_id' in error_of(home, profile='empty')


def test_requested_profile_missing(home):
    message = error_of(home, profile='nope')
    assert "profile 'nope'" in message and 'no such profile' in message


def test_requested_profile_file_missing(tmp_path):
    message = error_of({'HOME': str(tmp_path)}, profile='nope')
    assert "profile 'nope'" in message and 'not found' in message


def test_unparsable_file(tmp_path):
    path = tmp_path / '.aliyun' / 'config.json'
    path.parent.mkdir()
    path.write_text('{"profiles": [{"access_key_secret": "file-secret"')
    assert 'cannot parse' in error_of({'HOME': str(tmp_path)})


# ---------------------------------------------------------------- nothing found


def test_missing_credentials_lists_where_it_looked(tmp_path):
    message = error_of({'HOME': str(tmp_path)})
    assert message.startswith('no Alibaba Cloud credentials found')
    for place in ('module options', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', "profile 'default'",
                  os.path.join(str(tmp_path), '.aliyun', 'config.json'), 'file not found'):
        assert place in message


def test_missing_profile_in_existing_file(tmp_path):
    write_config(tmp_path / '.aliyun' / 'config.json', 'gone', [PROFILES[2]])
    message = error_of({'HOME': str(tmp_path)})
    assert "profile 'gone'" in message and 'no such profile' in message


def test_default_environ_is_os_environ(monkeypatch, tmp_path):
    for var in list(os.environ):
        if var.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(var)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'old-id')
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', 'old-secret')
    assert resolve_credentials().access_key_id == 'old-id'


# ---------------------------------------------------------------- region


def test_region_option_first(home):
    env = dict(home, ALIBABA_CLOUD_REGION_ID='r-new', ALICLOUD_REGION='r-old')
    assert resolve(env, region='r-opt').region == 'r-opt'


def test_region_new_env_then_old_env(home):
    assert resolve(dict(home, ALIBABA_CLOUD_REGION_ID='r-new', ALICLOUD_REGION='r-old')).region == 'r-new'
    assert resolve(dict(home, ALICLOUD_REGION='r-old')).region == 'r-old'


def test_region_from_profile_even_with_keys_from_elsewhere(home):
    assert resolve(home, access_key='opt-id', secret_key='opt-secret').region == 'cn-shanghai'
    assert resolve(dict(home, **NEW_ENV), profile='sts').region == 'cn-beijing'


def test_region_none_when_nowhere(tmp_path):
    assert resolve({'HOME': str(tmp_path)}, access_key='a', secret_key='opt-secret').region is None


def test_region_ignores_unusable_profile(home):
    creds = resolve(dict(home, ALICLOUD_PROFILE='ram', **NEW_ENV))
    assert creds.access_key_id == 'new-id' and creds.region is None


# ---------------------------------------------------------------- secrets stay hidden


def test_repr_hides_secrets(home):
    for creds in (resolve(home, profile='sts'), resolve(dict(home, **NEW_ENV))):
        assert_no_secret(repr(creds) + str(creds))
        assert '<hidden>' in repr(creds)


def test_credentials_equality():
    assert Credentials('a', 'b', 'c', 'r', 's') == Credentials('a', 'b', 'c', 'r', 's')
    assert Credentials('a', 'b') != Credentials('a', 'x')
    assert Credentials('a', 'b', '').security_token is None
