# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find Alibaba Cloud credentials: module options, environment, then the aliyun CLI config file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat

SUPPORTED_MODES = ('AK', 'StsToken')
NEW_ENV = ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN')
OLD_ENV = ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN')
REGION_ENV = ('ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALICLOUD_REGION_ID')
PROFILE_ENV = ('ALICLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE')
FILE_ENV = 'ALICLOUD_SHARED_CREDENTIALS_FILE'
MAX_CONFIG_BYTES = 1024 * 1024
PROFILE_TEXTS = ('name', 'mode', 'access_key_id', 'access_key_secret', 'sts_token', 'region_id')
OPTION_NAMES = ('access_key', 'secret_key', 'security_token')


class CredentialsError(Exception):
    """Credentials are missing or unusable. Messages never contain a secret."""


class Credentials(object):
    """An AccessKey pair (plus STS token), its region, and a short description of where it came from."""

    __slots__ = ('access_key_id', 'access_key_secret', 'security_token', 'region', 'source')

    def __init__(self, access_key_id, access_key_secret, security_token=None, region=None, source=''):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None
        self.region = region or None
        self.source = source

    def __repr__(self):
        return 'Credentials(access_key_id=%r, access_key_secret=<hidden>, security_token=%s, region=%r, source=%r)' % (
            self.access_key_id, '<hidden>' if self.security_token else 'None', self.region, self.source)

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, Credentials) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __ne__(self, other):
        return not self == other

    __hash__ = None


def _pair(key_id, secret, token, names, source):
    """Credentials from one source, None when it holds nothing; half a pair is an error, and so is a value with
    spaces or control characters (it would go into a header)."""
    for name, value in zip(names, (key_id, secret, token)):
        if value and any(c.isspace() or not c.isprintable() for c in value):
            raise CredentialsError('%s sets %s with spaces or control characters' % (source, name))
    if not key_id and not secret:
        if token:
            raise CredentialsError('%s sets %s without %s and %s' % (source, names[2], names[0], names[1]))
        return None
    if not key_id or not secret:
        given, missing = (names[0], names[1]) if key_id else (names[1], names[0])
        raise CredentialsError('%s sets %s but not %s; give both' % (source, given, missing))
    return Credentials(key_id, secret, token, source=source)


def _from_env(environ, names, source):
    return _pair(environ.get(names[0]), environ.get(names[1]), environ.get(names[2]), names, source)


def _config_path(shared_credentials_file, environ):
    path = shared_credentials_file or environ.get(FILE_ENV)
    if path:
        return os.path.expanduser(path)
    home = environ.get('HOME') or os.path.expanduser('~')
    return os.path.join(home, '.aliyun', 'config.json')


def _read_regular(path):
    """The bytes of a regular file (opened without blocking: a pipe or a device is refused, never waited on)."""
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0)), 'rb') as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise CredentialsError('cannot read the aliyun CLI config %s: not a regular file' % path)
        data = f.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise CredentialsError('cannot read the aliyun CLI config %s: larger than %d bytes' % (path, MAX_CONFIG_BYTES))
    return data


def _load_config(path):
    """The parsed config file, or None when it does not exist."""
    try:
        data = json.loads(_read_regular(path).decode('utf-8'))
    except FileNotFoundError:
        return None
    except (IOError, OSError) as e:
        raise CredentialsError('cannot read the aliyun CLI config %s: %s' % (path, e.strerror or e.__class__.__name__))
    except (ValueError, RecursionError) as e:
        why = ('not UTF-8' if isinstance(e, UnicodeError) else 'nested too deep' if isinstance(e, RecursionError)
               else 'not JSON')
        raise CredentialsError('cannot parse the aliyun CLI config %s: %s' % (path, why))
    if not isinstance(data, dict) or not isinstance(data.get('profiles') or [], list):
        raise CredentialsError('cannot parse the aliyun CLI config %s: not a JSON object with a list of profiles'
                               % path)
    return data


def _find_profile(config, name):
    for entry in config.get('profiles') or []:
        if isinstance(entry, dict) and entry.get('name') == name:
            wrong = [key for key in PROFILE_TEXTS if not isinstance(entry.get(key) or '', str)]
            if wrong:
                raise CredentialsError("profile '%s' has %s that is not text" % (name, ', '.join(wrong)))
            return entry
    return None


def _profile_name(profile, environ, config):
    """(name, explicit): option, then environment, then the file's current profile, then 'default'."""
    if profile:
        return profile, True
    for var in PROFILE_ENV:
        if environ.get(var):
            return environ[var], True
    return (config or {}).get('current') or 'default', False


def _from_profile(entry, source):
    mode = entry.get('mode') or 'AK'
    if mode not in SUPPORTED_MODES:
        raise CredentialsError('%s uses mode %s, which is not supported (supported: %s)'
                               % (source, mode, ', '.join(SUPPORTED_MODES)))
    token = entry.get('sts_token') if mode == 'StsToken' else None
    if mode == 'StsToken' and not token:
        raise CredentialsError('%s has mode StsToken but no sts_token' % source)
    names = ('access_key_id', 'access_key_secret', 'sts_token')
    creds = _pair(entry.get('access_key_id'), entry.get('access_key_secret'), token, names, source)
    if creds is None:
        raise CredentialsError('%s has no access_key_id and access_key_secret' % source)
    return creds


class _ProfileLookup(object):
    """The aliyun CLI profile selected by option, environment or file, read once."""

    def __init__(self, profile, shared_credentials_file, environ):
        self.path = _config_path(shared_credentials_file, environ)
        self.config = _load_config(self.path)
        self.name, self.explicit = _profile_name(profile, environ, self.config)
        self.entry = _find_profile(self.config, self.name) if self.config is not None else None
        self.source = "profile '%s' in %s" % (self.name, self.path)

    def credentials(self):
        if self.entry is not None:
            return _from_profile(self.entry, self.source)
        if self.explicit:
            where = 'not found' if self.config is None else 'has no such profile'
            raise CredentialsError("profile '%s' was requested but %s %s" % (self.name, self.path, where))
        return None

    def region(self):
        return (self.entry or {}).get('region_id') or None


def _region(region, environ, profile, shared_credentials_file):
    """Region: option, then environment, then the selected profile's region_id."""
    if region:
        return region
    for var in REGION_ENV:
        if environ.get(var):
            return environ[var]
    try:
        return _ProfileLookup(profile, shared_credentials_file, environ).region()
    except CredentialsError:
        return None


def _missing_message(lookup):
    state = 'file not found' if lookup.config is None else 'no such profile'
    return ('no Alibaba Cloud credentials found; looked in module options (access_key/secret_key), '
            'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, '
            'and %s (%s)' % (lookup.source, state))


def _from_file(profile, shared_credentials_file, environ):
    lookup = _ProfileLookup(profile, shared_credentials_file, environ)
    creds = lookup.credentials()
    if creds is None:
        raise CredentialsError(_missing_message(lookup))
    return creds


def resolve_credentials(access_key=None, secret_key=None, security_token=None, region=None, profile=None,
                        shared_credentials_file=None, environ=None):
    """Credentials from the first source that has an AccessKey pair; raises CredentialsError.

    Order: module options (access_key/secret_key, then an explicitly named profile), ALIBABA_CLOUD_*
    environment, ALICLOUD_* environment, then the aliyun CLI profile (ALICLOUD_PROFILE, the file's current
    one, or 'default'). The region resolves on its own by the same order.
    """
    environ = os.environ if environ is None else environ
    creds = _pair(access_key, secret_key, security_token, OPTION_NAMES, 'module options')
    if creds is None and profile:
        creds = _from_file(profile, shared_credentials_file, environ)
    creds = creds or _from_env(environ, NEW_ENV, 'ALIBABA_CLOUD_* environment')
    creds = creds or _from_env(environ, OLD_ENV, 'ALICLOUD_* environment')
    creds = creds or _from_file(profile, shared_credentials_file, environ)
    creds.region = _region(region, environ, profile, shared_credentials_file)
    return creds
