# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module base: shared options, the client built from them, and errors turned into failures."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.alicloud.ack.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    AckApiError,
    AckClient,
)
from ansible_collections.alicloud.ack.plugins.module_utils._credentials import (
    CredentialsError,
    resolve_credentials,
)

AUTH_ARGSPEC = dict(
    alicloud_access_key=dict(type='str', aliases=['access_key'], no_log=False),
    alicloud_secret_key=dict(type='str', aliases=['secret_key'], no_log=True),
    alicloud_security_token=dict(type='str', aliases=['security_token'], no_log=True),
    alicloud_region=dict(type='str', aliases=['region']),
    profile=dict(type='str', aliases=['alicloud_profile']),
    shared_credentials_file=dict(type='path'),
    endpoint=dict(type='str', fallback=(env_fallback, ['ALIBABA_CLOUD_ACK_ENDPOINT'])),
    signature_version=dict(type='str', choices=['v1', 'v3'], default='v1'),
    validate_certs=dict(type='bool', default=True),
    connect_timeout=dict(type='int', default=10),
    read_timeout=dict(type='int', default=60),
    api_retries=dict(type='int', default=5),
    api_retry_max_delay=dict(type='int', default=30),
)

WAIT_ARGSPEC = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=3600),
    wait_sleep=dict(type='float', default=10),
)


class AckModuleError(Exception):
    """A user-facing failure that is not an API error (bad input, timeout, conflict)."""

    def __init__(self, msg, **extra):
        super(AckModuleError, self).__init__(msg)
        self.msg = msg
        self.extra = extra


class AckModule(object):
    """AnsibleModule plus an AckClient; every error leaves as one fail_json line with data."""

    def __init__(self, argument_spec, wait=False, **kwargs):
        spec = dict(AUTH_ARGSPEC)
        if wait:
            spec.update(WAIT_ARGSPEC)
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.want_diff = self.module._diff
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            p = self.params
            try:
                creds = resolve_credentials(
                    access_key=p['alicloud_access_key'],
                    secret_key=p['alicloud_secret_key'],
                    security_token=p['alicloud_security_token'],
                    region=p['alicloud_region'],
                    profile=p['profile'],
                    shared_credentials_file=p['shared_credentials_file'],
                )
            except CredentialsError as e:
                raise AckModuleError(str(e))
            self._client = AckClient(
                creds,
                endpoint=p['endpoint'],
                region=creds.region,
                signature_version=p['signature_version'],
                validate_certs=p['validate_certs'],
                connect_timeout=p['connect_timeout'],
                read_timeout=p['read_timeout'],
                api_retries=p['api_retries'],
                api_retry_max_delay=p['api_retry_max_delay'],
            )
        return self._client

    def run(self, func):
        """Run func(self) -> result dict, exit with it, or fail with the error as data."""
        try:
            result = func(self)
        except AckApiError as e:
            self.module.fail_json(msg=str(e), error=e.to_dict())
        except AckModuleError as e:
            self.module.fail_json(msg=e.msg, **e.extra)
        finally:
            if self._client is not None:
                self._client.close()
        self.module.exit_json(**result)
