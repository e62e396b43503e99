"""Request authentication like the real gateway: ROA HMAC-SHA1 (signature version 1.0) and ACS3-HMAC-SHA256.

Independent implementation (the collection's plugins are not imported). The StringToSign is rebuilt from the
received request exactly as a client builds it:

* v1 (``Authorization: acs AK:SIG``): ``METHOD\\nAccept\\nContent-MD5\\nContent-Type\\nDate\\n`` + the ``x-acs-*``
  headers (sorted, ``name:value\\n``) + path + ``?`` + sorted decoded query. Empty query values are accepted in
  both conventions (``k=`` as the old core signs, bare ``k`` as the new SDK signs), with or without the old core's
  ``RegionId`` (it is on the wire, so it is signed as received).
* v3 (``Authorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex``): canonical request from
  the SignedHeaders list; ``x-acs-content-sha256`` must match the body.
"""
import base64
import calendar
import email.utils
import fnmatch
import functools
import hashlib
import hmac
import json
import re
import time
from urllib.parse import quote, unquote_plus

from .errors import ApiError

DEFAULT_ACCESS_KEY_ID = 'LTAI5tACKEMULATORDEMO'
DEFAULT_ACCESS_KEY_SECRET = 'ack-emulator-demo-secret-0123456789'
API_VERSION = '2015-12-15'
MAX_SKEW = 15 * 60
SIGNATURE_MISMATCH_PREFIX = 'Specified signature is not matched with our calculation. server string to sign is:'
_ISO_UTC = re.compile(r'(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z\Z')
_EMPTY_SHA256 = hashlib.sha256(b'').hexdigest()
_API_VERSION_FORM = re.compile(r'^\d{4}-\d{2}-\d{2}$')


def gw(status, code, message):
    return ApiError(status, code, message, gateway=True)


# -- key ring ---------------------------------------------------------------------------------------------
class Keyring:
    """Access keys the emulator accepts: ``{access_key_id: {access_key_secret, security_token?, policy?}}``."""

    def __init__(self, keys=None):
        self.keys = {}
        for k in keys or []:
            self.add(k)

    def add(self, key):
        if not key.get('access_key_id') or not key.get('access_key_secret'):
            raise ValueError('each key needs access_key_id and access_key_secret')
        policy = key.get('policy')
        if policy is not None and not isinstance(policy, dict):
            raise ValueError('policy must be an object {"actions": [...], "resources": [...]}')
        self.keys[key['access_key_id']] = dict(key)

    def get(self, access_key_id):
        return self.keys.get(access_key_id)

    @classmethod
    def default(cls, access_key_id=None, access_key_secret=None):
        return cls([{'access_key_id': access_key_id or DEFAULT_ACCESS_KEY_ID,
                     'access_key_secret': access_key_secret or DEFAULT_ACCESS_KEY_SECRET}])

    @classmethod
    def from_file(cls, path):
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
        keys = data.get('keys') if isinstance(data, dict) else data
        if not isinstance(keys, list) or not keys:
            raise ValueError('%s: expected {"keys": [{"access_key_id": ..., "access_key_secret": ...}, ...]}' % path)
        return cls(keys)


# -- policies ---------------------------------------------------------------------------------------------
def action_allowed(key, operation):
    policy = key.get('policy')
    if not policy or policy.get('actions') is None:
        return True
    for a in policy.get('actions') or []:
        a = str(a)
        if a.startswith('cs:'):
            a = a[3:]
        if a == '*' or a == operation or fnmatch.fnmatchcase(operation, a):
            return True
    return False


def resource_allowed(key, cluster_id):
    policy = key.get('policy')
    if not policy or policy.get('resources') is None:
        return True
    arn = 'acs:cs:*:*:cluster/%s' % cluster_id
    for r in policy.get('resources') or []:
        r = str(r)
        if r == '*' or r == arn:
            return True
        # acs:cs:<region>:<account>:cluster/<id>, any part may be a wildcard
        parts = r.split(':', 4)
        if len(parts) == 5 and parts[0] == 'acs' and fnmatch.fnmatchcase('cs', parts[1]) \
                and fnmatch.fnmatchcase('cluster/%s' % cluster_id, parts[4]):
            return True
    return False


# -- request parsing --------------------------------------------------------------------------------------
def parse_query(raw_query):
    """``[(key, value_or_None)]`` decoded; ``None`` for a bare key (no ``=``)."""
    out = []
    if not raw_query:
        return out
    for part in raw_query.split('&'):
        if not part:
            continue
        if '=' in part:
            k, v = part.split('=', 1)
            out.append((unquote_plus(k), unquote_plus(v)))
        else:
            out.append((unquote_plus(part), None))
    return out


def _v1_resource(path, query, empty_style):
    if not query:
        return path
    items = {}
    for k, v in query:
        items[k] = '' if v is None else v
    parts = []
    for k in sorted(items):
        v = items[k]
        if v == '' and empty_style == 'bare':
            parts.append(k)
        else:
            parts.append('%s=%s' % (k, v))
    return path + '?' + '&'.join(parts)


def v1_string_to_sign(method, path, query, headers, empty_style='equals'):
    """``headers``: lower-case names. ``empty_style``: ``'equals'`` (``k=``) or ``'bare'`` (``k``)."""
    sts = '%s\n%s\n%s\n%s\n%s\n' % (method, headers.get('accept', ''), headers.get('content-md5', ''),
                                    headers.get('content-type', ''), headers.get('date', ''))
    for name in sorted(h for h in headers if h.startswith('x-acs-')):
        sts += '%s:%s\n' % (name, headers[name])
    return sts + _v1_resource(path, query, empty_style)


def v1_sign(secret, string_to_sign):
    mac = hmac.digest(secret.encode('utf-8'), string_to_sign.encode('utf-8'), 'sha1')
    return base64.b64encode(mac).decode('ascii')


def v3_canonical_query(query):
    items = {}
    for k, v in query:
        items[k] = '' if v is None else v
    return '&'.join('%s=%s' % (k, quote(items[k], safe='~')) for k in sorted(items))


def v3_canonical_request(method, path, query, headers, signed_headers, payload_hash):
    canon_headers = ''.join('%s:%s\n' % (h, headers.get(h, '').strip()) for h in signed_headers)
    return '%s\n%s\n%s\n%s\n%s\n%s' % (method, path or '/', v3_canonical_query(query), canon_headers,
                                       ';'.join(signed_headers), payload_hash)


def v3_string_to_sign(canonical_request):
    return 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()


def v3_sign(secret, string_to_sign):
    return hmac.digest(secret.encode('utf-8'), string_to_sign.encode('utf-8'), 'sha256').hex()


def _parse_v3_authorization(value):
    rest = value[len('ACS3-HMAC-SHA256'):].strip()
    fields = {}
    for part in rest.split(','):
        if '=' in part:
            k, v = part.strip().split('=', 1)
            fields[k.strip()] = v.strip()
    if not fields.get('Credential') or 'SignedHeaders' not in fields or not fields.get('Signature'):
        raise gw(400, 'InvalidAuthorization', 'Specified authorization is not valid: %s' % value[:80])
    return fields['Credential'], _signed_headers(fields['SignedHeaders']), fields['Signature']


@functools.lru_cache(maxsize=64)  # a client sends the same list every time
def _signed_headers(value):
    return tuple(h for h in value.lower().split(';') if h)


@functools.lru_cache(maxsize=256)  # a date is sent by every request of the same second
def _parse_date_v1(value):
    if not value:
        raise gw(400, 'InvalidTimeStamp.Format', 'The Date header is missing; it is required to sign the request.')
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        raise gw(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted: %s'
                 % value)
    return email.utils.mktime_tz(parsed)


@functools.lru_cache(maxsize=256)
def _parse_date_v3(value):
    m = _ISO_UTC.match(value) if isinstance(value, str) else None
    if m:  # the usual form, without strptime's cost
        fields = [int(x) for x in m.groups()]
        if 1 <= fields[1] <= 12 and 1 <= fields[2] <= calendar.monthrange(fields[0], fields[1])[1] \
                and fields[3] < 24 and fields[4] < 60 and fields[5] < 62:
            return calendar.timegm(fields)
    try:
        return calendar.timegm(time.strptime(value, '%Y-%m-%dT%H:%M:%SZ'))
    except (TypeError, ValueError):
        raise gw(400, 'InvalidTimeStamp.Format',
                 'Specified time stamp or date value is not well formatted: x-acs-date=%r' % value)


def _path_candidates(raw_path):
    if '%' not in raw_path and '+' not in raw_path:
        return [raw_path]
    cands = [raw_path]
    decoded = unquote_plus(raw_path.replace('+', '%2B'))
    if decoded != raw_path:
        cands.append(decoded)
    return cands


class Identity:
    def __init__(self, key, scheme):
        self.key = key
        self.access_key_id = key['access_key_id']
        self.scheme = scheme


def authenticate(method, raw_path, raw_query, headers, body, keyring, store, now):
    """Verify one request; returns an ``Identity`` or raises ``ApiError`` (gateway spelling).

    ``headers``: dict with lower-case names. ``body``: raw bytes.
    """
    authz = headers.get('authorization', '').strip()
    query = parse_query(raw_query)
    if not authz:
        raise gw(400, 'MissingAuthorization', 'The request is not signed: the Authorization header is missing.')
    if authz.startswith('ACS3-HMAC-SHA256'):
        scheme = 'v3'
        ak, signed, signature = _parse_v3_authorization(authz)
    elif authz.lower().startswith('acs '):
        scheme = 'v1'
        cred = authz[4:].strip()
        if ':' not in cred:
            raise gw(400, 'InvalidAuthorization', 'Specified authorization is not valid: expected "acs AK:SIGNATURE".')
        ak, signature = cred.rsplit(':', 1)
        ak = ak.strip()
    else:
        raise gw(400, 'InvalidAuthorization', 'Specified authorization is not valid (unknown scheme).')

    key = keyring.get(ak)
    if key is None:
        raise gw(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')

    # Another API version is refused. (The old core's UpgradeClusterRequest overrides get_version(), so it sends
    # the Kubernetes version here: values that are not API versions are let through.)
    version = headers.get('x-acs-version')
    if version is not None and _API_VERSION_FORM.match(version) and version != API_VERSION:
        raise gw(400, 'InvalidVersion', 'Specified parameter Version is not valid: %s' % version)

    # time skew (reference, common parameters: 15 minutes)
    if scheme == 'v1':
        sent_at = _parse_date_v1(headers.get('date'))
    else:
        sent_at = _parse_date_v3(headers.get('x-acs-date') or '')
    if abs(now - sent_at) > MAX_SKEW:
        raise gw(400, 'InvalidTimeStamp.Expired',
                 'Specified time stamp or date value is expired: it differs from the server time by more than '
                 '15 minutes.')

    secret = key['access_key_secret']
    if scheme == 'v1':
        method_hdr = headers.get('x-acs-signature-method')
        if method_hdr is not None and method_hdr.upper() != 'HMAC-SHA1':
            raise gw(400, 'InvalidSignatureMethod', 'Specified signature method is not supported: %s' % method_hdr)
        style_order = ['bare', 'equals'] if headers.get('x-acs-signature-nonce') else ['equals', 'bare']
        candidates = []
        for p in _path_candidates(raw_path):
            for style in style_order:
                sts = v1_string_to_sign(method, p, query, headers, style)
                if sts not in candidates:
                    candidates.append(sts)
        if not any(hmac.compare_digest(v1_sign(secret, sts), signature) for sts in candidates):
            raise gw(400, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH_PREFIX + candidates[0])
        md5 = headers.get('content-md5')
        if md5 and body is not None:
            actual = base64.b64encode(hashlib.md5(body).digest()).decode('ascii')
            if actual != md5:
                raise gw(400, 'ContentMD5NotMatched', 'Specified content md5 is not matched with your request body.')
    else:
        unsigned = [h for h in headers if h.startswith('x-acs-') and h not in signed]
        actual = hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256
        payload_hash = headers.get('x-acs-content-sha256') or actual
        candidates = []
        for p in _path_candidates(raw_path):
            creq = v3_canonical_request(method, p, query, headers, signed, payload_hash)
            candidates.append(v3_string_to_sign(creq))
        ok = any(hmac.compare_digest(v3_sign(secret, sts), signature.lower()) for sts in candidates)
        if not ok or unsigned or 'host' not in signed:
            detail = candidates[0]
            if ok and unsigned:
                detail = 'header(s) %s must be signed' % ','.join(sorted(unsigned))
            raise gw(400, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH_PREFIX + detail)
        if headers.get('x-acs-content-sha256') and headers['x-acs-content-sha256'].lower() != actual:
            raise gw(400, 'ContentSHA256NotMatched', 'Specified x-acs-content-sha256 is not matched with the body.')

    # STS
    want = key.get('security_token')
    got = headers.get('x-acs-security-token')
    if want and got != want:
        raise gw(400, 'InvalidSecurityToken.MismatchWithAccessKey',
                 'Specified SecurityToken is missing or mismatch with the AccessKey.')
    if got and not want:
        raise gw(400, 'InvalidSecurityToken.MismatchWithAccessKey',
                 'Specified SecurityToken is mismatch with the AccessKey (this key is not an STS key).')
    hdr_ak = headers.get('x-acs-accesskey-id')
    if hdr_ak is not None and hdr_ak != ak:
        raise gw(400, 'InvalidAccessKeyId.Mismatch', 'x-acs-accesskey-id does not match the signing AccessKeyId.')

    # replay protection: a nonce may be used once within the 15 minute window
    nonce = headers.get('x-acs-signature-nonce')
    if nonce and not store.use_nonce('%s:%s' % (ak, nonce), now, MAX_SKEW):
        raise gw(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
    return Identity(key, scheme)
