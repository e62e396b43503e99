# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module base: shared options, the client and the task's one waiter, errors turned into failures."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.alicloud.ack.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    AckApiError,
)
from ansible_collections.alicloud.ack.plugins.module_utils._connect import NUMBERS, check_numbers, client_from_options
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError, one_line
from ansible_collections.alicloud.ack.plugins.module_utils._options import check_options
from ansible_collections.alicloud.ack.plugins.module_utils._waiter import Waiter

__all__ = ['AckModule', 'AckModuleError', 'AUTH_ARGSPEC', 'WAIT_ARGSPEC']

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
)
AUTH_ARGSPEC.update((name, dict(type='int', default=limits[0])) for name, limits in NUMBERS.items())

WAIT_ARGSPEC = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=3600),
    wait_sleep=dict(type='float', default=10),
)
WAIT_BOUNDS = dict(wait_timeout=(1, 7 * 24 * 3600), wait_sleep=(0.01, 3600))


class AckModule(object):
    """AnsibleModule plus an AckClient and one Waiter; every error leaves as one fail_json line with data.

    Planners use only: params, client, waiter, check_mode, want_diff, wait, hide() and warn()."""

    def __init__(self, argument_spec, wait=False, wait_timeout=None, **kwargs):
        spec = dict(AUTH_ARGSPEC)
        if wait:
            spec.update(WAIT_ARGSPEC)
            if wait_timeout is not None:
                spec['wait_timeout'] = dict(type='int', default=wait_timeout)
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode  # read here once (the executor, and no settling wait, act on it)
        self.want_diff = self.module._diff
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        # The task's one deadline, from now: every wait of the task draws on the same wait_timeout.
        self.waiter = Waiter(self.params.get('wait_timeout') or 3600, self.params.get('wait_sleep') or 10)

    @property
    def wait(self):
        return bool(self.params.get('wait', False))  # modules without wait options never wait

    @property
    def client(self):
        if self._client is None:
            self._client = client_from_options(self.params)
        return self._client

    def warn(self, msg):
        self.module.warn(msg)

    def hide(self, values, what=None, hint=''):
        """Keep secret values out of every output. what names the part of the result that carries them: unless
        the task is no_log (then it gets them as they are), they are masked there too and a warning says so.
        Without what (values the result does not carry), they are masked silently."""
        values = [v for v in values if v]
        if not values or (what and self.module.no_log):
            return
        self.module.no_log_values.update(values)
        if what:
            self.warn('the %s carries credentials: they are masked in this result; set no_log: true on the task '
                      'to get them%s' % (what, hint))

    def run(self, func):
        """Run func(self) -> result dict, exit with it, or fail with the error as data (no traceback: fail_json
        is called outside the except blocks, so ansible-core attaches no exception to a user-facing failure)."""
        failure = None
        try:
            check_numbers(self.params, WAIT_BOUNDS)
            self.client  # bad connection options fail before anything else (no call is made yet)
            check_options(self.module.argument_spec, self.params)
            result = func(self)
        except AckApiError as e:
            failure = dict(msg=one_line(e), error=e.to_dict())
        except AckModuleError as e:
            failure = dict(e.extra, msg=e.msg)
        finally:
            if self._client is not None:
                self._client.close()
        if failure is not None:
            self.module.fail_json(**failure)
        self.module.exit_json(**result)
