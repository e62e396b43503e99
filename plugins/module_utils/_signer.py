# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request signing for the ACK (CS 2015-12-15) API: ROA HMAC-SHA1 (v1) and ACS3-HMAC-SHA256 (v3).

Everything here is a pure function of its arguments, except that sign_request() reads the clock
and draws a random nonce when the caller passes no date or nonce.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import email.utils
import hashlib
import hmac
import json
import time
import uuid

from urllib.parse import quote

API_VERSION = '2015-12-15'
ACCEPT = 'application/json'
CONTENT_TYPE_V1 = 'application/json'
CONTENT_TYPE_V3 = 'application/json; charset=utf-8'
ALGORITHM_V3 = 'ACS3-HMAC-SHA256'
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def _text(value):
    if isinstance(value, bytes):
        return value.decode('utf-8')
    return str(value)


def _bytes(value):
    if isinstance(value, bytes):
        return value
    return value.encode('utf-8')


def _header(headers, name):
    """Case-insensitive header lookup; '' when absent."""
    name = name.lower()
    for key, value in headers.items():
        if key.lower() == name and value is not None:
            return _text(value)
    return ''


# ---------------------------------------------------------------- query values


def _encode_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple, dict)):
        # same as the official SDK's [json] query style: compact, non-ASCII kept
        return json.dumps(value, ensure_ascii=False, separators=(',', ':'))
    return _text(value)


def clean_query(query):
    """Drop None/'' values, JSON-encode lists/dicts, turn everything else into str."""
    result = {}
    for key, value in (query or {}).items():
        if value is None or value == '':
            continue
        result[key] = _encode_value(value)
    return result


# ---------------------------------------------------------------- v1: ROA HMAC-SHA1


def canonical_headers_v1(headers):
    """Every x-acs-* header, lower-cased, sorted, `name:value\\n` with the value trimmed."""
    acs = {}
    for key, value in headers.items():
        name = key.lower()
        if name.startswith('x-acs-') and value is not None:
            acs[name] = _text(value).strip()
    return ''.join('%s:%s\n' % (name, acs[name]) for name in sorted(acs))


def canonical_resource(path, query, bare_empty=False):
    """path + '?' + sorted decoded `k=v` pairs. An empty value signs as `k=` (old core), or `k` with bare_empty
    (new SDK). None values are left out."""
    pairs = []
    for key in sorted(query or {}):
        value = query[key]
        if value is None:
            continue
        value = _text(value)
        pairs.append(key if (value == '' and bare_empty) else '%s=%s' % (key, value))
    if not pairs:
        return path
    return path + '?' + '&'.join(pairs)


def string_to_sign_v1(method, headers, path, query, bare_empty=False):
    head = [method.upper(), _header(headers, 'accept'), _header(headers, 'content-md5'),
            _header(headers, 'content-type'), _header(headers, 'date')]
    return '\n'.join(head) + '\n' + canonical_headers_v1(headers) + canonical_resource(path, query, bare_empty)


def sign_v1(secret, string_to_sign):
    digest = hmac.new(_bytes(secret), _bytes(string_to_sign), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def authorization_v1(ak_id, signature):
    return 'acs %s:%s' % (ak_id, signature)


# ---------------------------------------------------------------- v3: ACS3-HMAC-SHA256


def canonical_query_v3(query):
    """Keys sorted, values percent-encoded with only `~` (and unreserved characters) left as is."""
    pairs = []
    for key in sorted(query or {}):
        value = query[key]
        if value is None:
            continue
        pairs.append('%s=%s' % (key, quote(_bytes(_text(value)), safe='~')))
    return '&'.join(pairs)


def canonical_headers_v3(headers):
    """(canonical header block, signed header list): every header, lower-cased, trimmed, sorted."""
    values = {}
    for key, value in headers.items():
        if value is not None:
            values.setdefault(key.lower(), []).append(_text(value).strip())
    names = sorted(values)
    block = ''.join('%s:%s\n' % (name, ','.join(sorted(values[name]))) for name in names)
    return block, ';'.join(names)


def canonical_request_v3(method, path, query, headers, payload_hash):
    block, signed = canonical_headers_v3(headers)
    return '\n'.join([method.upper(), path or '/', canonical_query_v3(query), block, signed, payload_hash])


def string_to_sign_v3(canonical_request):
    return ALGORITHM_V3 + '\n' + sha256_hex(_bytes(canonical_request))


def sign_v3(secret, string_to_sign):
    return hmac.new(_bytes(secret), _bytes(string_to_sign), hashlib.sha256).hexdigest()


def authorization_v3(ak_id, signed_headers, signature):
    return '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (ALGORITHM_V3, ak_id, signed_headers, signature)


# ---------------------------------------------------------------- dates and digests


def format_date_v1(timestamp):
    """RFC 1123 GMT, e.g. 'Mon, 01 Jan 2024 00:00:00 GMT' (locale independent)."""
    return email.utils.formatdate(timestamp, usegmt=True)


def format_date_v3(timestamp):
    """ISO 8601 UTC, e.g. '2024-01-01T00:00:00Z' (locale independent)."""
    t = time.gmtime(timestamp)
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def content_md5(body_bytes):
    return base64.b64encode(hashlib.md5(body_bytes).digest()).decode('ascii')


def sha256_hex(body_bytes):
    return hashlib.sha256(body_bytes).hexdigest()


# ---------------------------------------------------------------- whole requests


def _lower_keys(headers):
    return dict((key.lower(), _text(value)) for key, value in (headers or {}).items() if value is not None)


def _sign_headers_v1(method, path, query, body_bytes, headers, credentials, date, nonce):
    headers['date'] = format_date_v1(date)
    headers['x-acs-signature-method'] = 'HMAC-SHA1'
    headers['x-acs-signature-version'] = '1.0'
    headers['x-acs-signature-nonce'] = nonce
    if body_bytes:
        headers['content-md5'] = content_md5(body_bytes)
        headers.setdefault('content-type', CONTENT_TYPE_V1)
    if credentials.security_token:
        headers['x-acs-security-token'] = credentials.security_token
    sts = string_to_sign_v1(method, headers, path, query)
    headers['authorization'] = authorization_v1(credentials.access_key_id,
                                                sign_v1(credentials.access_key_secret, sts))
    return headers


def _sign_headers_v3(method, path, query, body_bytes, headers, credentials, date, nonce):
    headers['x-acs-date'] = format_date_v3(date)
    headers['x-acs-signature-nonce'] = nonce
    payload_hash = sha256_hex(body_bytes or b'')
    headers['x-acs-content-sha256'] = payload_hash
    if body_bytes:
        headers.setdefault('content-type', CONTENT_TYPE_V3)
    if credentials.security_token:
        headers['x-acs-accesskey-id'] = credentials.access_key_id
        headers['x-acs-security-token'] = credentials.security_token
    canonical = canonical_request_v3(method, path, query, headers, payload_hash)
    signed = canonical_headers_v3(headers)[1]
    signature = sign_v3(credentials.access_key_secret, string_to_sign_v3(canonical))
    headers['authorization'] = authorization_v3(credentials.access_key_id, signed, signature)
    return headers


def sign_request(method, path, query, body_bytes, headers, credentials, version, date=None, nonce=None):
    """Return the full (lower-cased) header dict to send.

    query: the cleaned query as sent (see clean_query); body_bytes: raw body or None; headers: at least
    x-acs-action (plus host for v3, which signs every header given); credentials: has access_key_id,
    access_key_secret, security_token; version: 'v1' or 'v3'; date: epoch seconds (default now);
    nonce: default a random uuid.
    """
    if version not in ('v1', 'v3'):
        raise ValueError('unknown signature version %r' % (version,))
    headers = _lower_keys(headers)
    headers.setdefault('accept', ACCEPT)
    headers.setdefault('x-acs-version', API_VERSION)
    date = time.time() if date is None else date
    nonce = nonce or uuid.uuid4().hex
    sign = _sign_headers_v1 if version == 'v1' else _sign_headers_v3
    return sign(method.upper(), path, query or {}, body_bytes, headers, credentials, date, nonce)
