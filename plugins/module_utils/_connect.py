# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options -> an AckClient, without AnsibleModule (modules and the inventory plugin share it)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import urlsplit

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckClient
from ansible_collections.alicloud.ack.plugins.module_utils._credentials import CredentialsError, resolve_credentials
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_region

# name -> (default, smallest, largest allowed). Options every module and the inventory plugin take. The largest
# keep a value in what a socket timeout and a retry loop can hold (a huge one failed with Python's own text).
NUMBERS = dict(connect_timeout=(10, 1, 300), read_timeout=(60, 1, 3600), api_retries=(12, 0, 100),
               api_retry_max_delay=(20, 1, 3600))


def check_endpoint(endpoint):
    """Refuse an endpoint that is not an http(s) URL with a host, before any call. None or empty (as AWX sets an
    empty credential input) means the region's public endpoint."""
    if not endpoint:
        return
    url = endpoint if '://' in endpoint else 'https://' + endpoint
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError on a bad port
    except ValueError as e:
        raise AckModuleError('endpoint %r is not a URL: %s' % (endpoint, e))
    if parts.scheme not in ('http', 'https') or not parts.hostname or parts.query or parts.fragment:
        raise AckModuleError('endpoint %r is not an http(s) URL with a host, such as https://cs.cn-hangzhou.aliyuncs.com'
                             % endpoint)


def check_numbers(options, bounds):
    """Each option present and set must be within its (smallest, largest) bounds; one line, before any call."""
    for name, (smallest, largest) in bounds.items():
        value = options.get(name)
        if value is None:
            continue
        if not value >= smallest:  # also NaN
            raise AckModuleError('%s must be at least %s, got %s' % (name, smallest, value))
        if value > largest:
            raise AckModuleError('%s must be at most %s, got %s' % (name, largest, value))


def client_from_options(options):
    """An AckClient from the shared connection options (dict with the keys of the `alicloud.ack.ack` fragment;
    missing keys take their defaults). Raises AckModuleError for bad options or missing credentials."""
    get = options.get
    check_endpoint(get('endpoint'))
    check_numbers(options, dict((k, v[1:]) for k, v in NUMBERS.items()))
    try:
        creds = resolve_credentials(
            access_key=get('alicloud_access_key'),
            secret_key=get('alicloud_secret_key'),
            security_token=get('alicloud_security_token'),
            region=get('alicloud_region'),
            profile=get('profile'),
            shared_credentials_file=get('shared_credentials_file'),
        )
    except CredentialsError as e:
        raise AckModuleError(str(e))
    check_region(creds.region)
    numbers = dict((k, get(k) if get(k) is not None else v[0]) for k, v in NUMBERS.items())
    return AckClient(
        creds,
        endpoint=get('endpoint'),
        region=creds.region,
        signature_version=get('signature_version') or 'v1',
        validate_certs=get('validate_certs') if get('validate_certs') is not None else True,
        **numbers
    )
