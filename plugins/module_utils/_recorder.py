# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recording of API calls, a debugging aid: with ALIBABA_CLOUD_ACK_RECORD=<folder>, every request an AckClient
sends and the answer it gets are appended to a cassette in that folder (one file per client, so one per task),
in vcrpy's YAML cassette format (version 1), scrubbed before anything touches the disk.

Scrubbed (placeholders in PLACEHOLDERS): every header but the action, version, region and content type (so no
Authorization, signature, nonce, date, security token or AccessKey ID); the AccessKey ID, secret and security
token wherever they appear; values of password, token, secret and key-data fields; PEM blocks and base64 PEM
(kubeconfig certificates and keys); the attach script's token; account and user ids; public IPv4 addresses (in
URLs and in address fields; private ones are kept). Nothing here imports yaml or vcrpy: the runtime needs neither.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import os
import re
import time
import weakref
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ENV = 'ALIBABA_CLOUD_ACK_RECORD'
FORMAT_VERSION = 1  # vcrpy's cassette format
WIDTH = 150  # longest line of a cassette (yamllint's limit is 160)
PLACEHOLDERS = dict(
    access_key_id='<access-key-id>', access_key_secret='<access-key-secret>', security_token='<security-token>',
    password='<password>', token='<token>', secret='<secret>', key_data='<key-data>', pem='<pem>',
    pem_base64='<pem-base64>', attach_token='<attach-token>', account_id='<account-id>', public_ip='<public-ip>',
)
ACCOUNT_ID_NUMBER = 1234567890123456  # an account id given as a number: the reference's own example id
REQUEST_HEADERS = ('x-acs-action', 'x-acs-version', 'x-acs-region-id', 'content-type', 'accept')
RESPONSE_HEADERS = ('content-type', 'x-acs-request-id', 'x-acs-retry-after')
# field names, lower case without separators, whose whole value is a credential or an account
SECRET_FIELDS = dict(
    password='password', loginpassword='password', passwd='password',
    token='token', securitytoken='token', accesstoken='token', openapitoken='token', bearertoken='token',
    secret='secret', secretkey='secret', accesskeysecret='secret', clientsecret='secret',
    clientkeydata='key_data', clientcertificatedata='key_data', certificateauthoritydata='key_data',
    privatekey='key_data',
)
ACCOUNT_FIELDS = ('ownerid', 'userid', 'accountid', 'uid', 'aliuid', 'parentuid', 'resourceownerid', 'calleruid',
                  'owneraccount')
ADDRESS_WORDS = ('ip', 'ips', 'eip', 'address', 'addresses', 'endpoint', 'host', 'server', 'url')

PEM = re.compile(r'-----BEGIN [A-Z0-9 ]+-----.*?-----END [A-Z0-9 ]+-----', re.S)
PEM_BASE64 = re.compile(r'LS0tLS1[A-Za-z0-9+/=]{16,}')  # base64 of "-----BEGIN ..."
SECRET_LINE = re.compile(r'(?<![\w-])((?:--openapi-token|token|password|client-key-data|client-certificate-data)'
                         r'"?(?:\s*[:=]\s*|\s+)"?)(?!<)([^\s"\',]{8,})')
ENV_TOKEN = re.compile(r'(name:\s*"?TOKEN"?\s+value:\s*"?)([^\s"]{8,})')
ARN_ACCOUNT = re.compile(r'(acs:[\w-]*:[\w-]*:)(\d{6,})(?=:)')
ACCOUNT_NUMBER = re.compile(r'(?<![\w.-])\d{16}(?![\w.-])')
IPV4 = re.compile(r'(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])')
URL_HOST_IP = re.compile(r'(://)(\d{1,3}(?:\.\d{1,3}){3})(?=[:/"\'\s]|$)')


def _public(text):
    try:
        return ipaddress.IPv4Address(text).is_global
    except ValueError:
        return False


def _public_ip(match, group=1):
    return PLACEHOLDERS['public_ip'] if _public(match.group(group)) else match.group(group)


def _field(name):
    return re.sub(r'[^a-z0-9]', '', str(name).lower())


class Scrubber(object):
    """Replaces credentials, accounts and public addresses in requests and answers. It learns every value it
    replaced in a secret field, so a password sent in a request is also taken out of a later answer."""

    def __init__(self, known=None):
        self.known = {}  # value -> placeholder
        for kind, value in (known or {}).items():
            self.learn(value, PLACEHOLDERS.get(kind, '<redacted>'))

    def learn(self, value, placeholder):
        if isinstance(value, str) and len(value) >= 4 and not value.startswith('<'):
            self.known[value] = placeholder

    def text(self, value, address=False):
        """A string with every known secret, PEM, token, account id (and public IP in URLs) replaced; with
        address, every public IPv4 in it."""
        for secret in sorted(self.known, key=len, reverse=True):
            value = value.replace(secret, self.known[secret])
        value = PEM.sub(PLACEHOLDERS['pem'], value)
        value = PEM_BASE64.sub(PLACEHOLDERS['pem_base64'], value)
        for pattern in (SECRET_LINE, ENV_TOKEN):
            for match in list(pattern.finditer(value)):
                placeholder = PLACEHOLDERS['attach_token' if 'openapi' in match.group(1) else 'token']
                self.learn(match.group(2), placeholder)
                value = value.replace(match.group(0), match.group(1) + placeholder)
        value = ARN_ACCOUNT.sub(lambda m: m.group(1) + PLACEHOLDERS['account_id'], value)
        value = ACCOUNT_NUMBER.sub(PLACEHOLDERS['account_id'], value)
        value = URL_HOST_IP.sub(lambda m: m.group(1) + _public_ip(m, 2), value)
        if address:
            value = IPV4.sub(_public_ip, value)
        return value

    def field(self, name, value):
        """The value of field `name`, scrubbed as a whole when the name says it is a secret or an account."""
        kind = SECRET_FIELDS.get(_field(name))
        if kind and isinstance(value, str) and value:
            self.learn(value, PLACEHOLDERS[kind])
            return PLACEHOLDERS[kind]
        if _field(name) in ACCOUNT_FIELDS and value not in (None, '') and not isinstance(value, (dict, list)):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return ACCOUNT_ID_NUMBER
            return PLACEHOLDERS['account_id']
        words = re.split(r'[^a-z0-9]+', str(name).lower())
        return self.data(value, address=any(w in ADDRESS_WORDS for w in words) or 'ipaddress' in _field(name))

    def data(self, value, address=False):
        """A parsed JSON value, scrubbed (secret fields first, so their values are learned before any text)."""
        if isinstance(value, dict):
            first = sorted(value, key=lambda k: _field(k) not in SECRET_FIELDS)
            done = dict((k, self.field(k, value[k])) for k in first)
            return dict((k, done[k]) for k in value)
        if isinstance(value, list):
            return [self.data(v, address) for v in value]
        if isinstance(value, str):
            return self.text(value, address)
        return value

    def body(self, raw):
        """A request or answer body (bytes or text) as scrubbed text; JSON is kept JSON."""
        if raw is None:
            return None
        text = raw.decode('utf-8', 'replace') if isinstance(raw, bytes) else raw
        try:
            parsed = json.loads(text)
        except ValueError:
            return self.text(text)
        if not isinstance(parsed, (dict, list)):
            return self.text(text)
        scrubbed = self.data(parsed)
        return text if scrubbed == parsed else json.dumps(scrubbed, ensure_ascii=False, separators=(',', ':'))

    def url(self, url):
        parts = urlsplit(url)
        query = [(k, str(self.field(k, v))) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        host = self.text('://' + parts.netloc)[3:]
        return urlunsplit((parts.scheme, host, self.text(parts.path), urlencode(query), ''))


def _headers(headers, keep):
    found = {}
    for name, value in (headers or {}).items():
        if name.lower() in keep:
            found[name] = [str(value)]
    return found


def interaction(scrubber, method, url, headers, body, status, reason, answer_headers, answer_body):
    """One interaction as vcrpy stores it ({request, response}), scrubbed. The request body is scrubbed first,
    so the answer loses what the request told (a password echoed in an error message)."""
    request_body = scrubber.body(body)
    return dict(
        request=dict(body=request_body, headers=_headers(headers, REQUEST_HEADERS), method=method,
                     uri=scrubber.url(url)),
        response=dict(body=dict(string=scrubber.body(answer_body) or ''),
                      headers=_headers(answer_headers, RESPONSE_HEADERS),
                      status=dict(code=int(status), message=reason or '')),
    )


# ---- writing the YAML (a fixed shape: every string double-quoted, so any text round-trips) ------------------

def _escaped(char):
    code = ord(char)
    if char in '"\\':
        return '\\' + char
    if 0x20 <= code < 0x7f:
        return char
    if code <= 0xff:
        return '\\x%02x' % code
    return '\\u%04x' % code if code <= 0xffff else '\\U%08x' % code


def quote(text, indent=0, start=0, width=WIDTH):
    """A YAML double-quoted scalar holding text exactly: printable ASCII kept, everything else escaped. Past
    `width` columns (it starts at column `start`) it goes on over lines ending in an escaped line break, each next
    one `indent` + 2 deep, a space that starts such a line escaped (YAML would drop it)."""
    lines, line, column = [], '"', start
    for piece in (_escaped(c) for c in text):
        if column + len(line) + len(piece) >= width and line.strip():
            lines.append(line + '\\')
            line, column = ' ' * (indent + 2), 0
            piece = '\\ ' if piece == ' ' else piece
        line += piece
    return '\n'.join(lines + [line + '"'])


def _scalar(value, indent=0, start=0):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return repr(value)
    return quote(str(value), indent, start)


def _key(key):
    return key if re.match(r'^[A-Za-z][\w.-]*$', key) else quote(key)


def to_yaml(value, indent=0):
    """Block-style YAML lines of a value made of dicts, lists and scalars, indented as yamllint wants it (a list
    two deeper than its key; a list item's mapping starts on the dash line)."""
    pad = ' ' * indent
    lines = []
    if isinstance(value, dict):
        for key in sorted(value):
            item = value[key]
            if isinstance(item, (dict, list)) and item:
                lines.append('%s%s:' % (pad, _key(key)))
                lines.extend(to_yaml(item, indent + 2))
            elif isinstance(item, (dict, list)):
                lines.append('%s%s: %s' % (pad, _key(key), '{}' if isinstance(item, dict) else '[]'))
            else:
                head = '%s%s: ' % (pad, _key(key))
                lines.append(head + _scalar(item, indent, len(head)))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner = to_yaml(item, indent + 2)
                lines.append('%s- %s' % (pad, inner[0][indent + 2:]))
                lines.extend(inner[1:])
            elif isinstance(item, (dict, list)):
                lines.append('%s- %s' % (pad, '{}' if isinstance(item, dict) else '[]'))
            else:
                lines.append('%s- %s' % (pad, _scalar(item, indent + 2, indent + 2)))
    else:
        lines.append(pad + _scalar(value, indent, indent))
    return lines


def cassette_head(comment, metadata=None):
    """The start of a cassette file; interactions are appended after it, one `- request:` item each."""
    lines = ['# %s' % line for line in comment.splitlines()] + ['version: %d' % FORMAT_VERSION]
    if metadata:
        lines += ['metadata:'] + to_yaml(metadata, 2)
    return '\n'.join(lines + ['interactions:']) + '\n'


def interaction_yaml(item):
    return '\n'.join(to_yaml([item], 2)) + '\n'


# ---- the client's hook ------------------------------------------------------------------------------------------

class Recorder(object):
    """The cassette of one client, created at its first interaction, appended to at each one."""

    sequence = [0]

    def __init__(self, folder, credentials):
        self.folder = folder
        self.path = None
        self.scrubber = Scrubber(dict(
            access_key_id=getattr(credentials, 'access_key_id', None),
            access_key_secret=getattr(credentials, 'access_key_secret', None),
            security_token=getattr(credentials, 'security_token', None)))

    def _open(self):
        if not os.path.isdir(self.folder):
            os.makedirs(self.folder, mode=0o700)
        self.sequence[0] += 1
        stamp = time.strftime('%Y%m%dT%H%M%S', time.gmtime()) + '.%06d' % (time.time() % 1 * 1e6)
        self.path = os.path.join(self.folder, '%s-%d-%d.yaml' % (stamp, os.getpid(), self.sequence[0]))
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(cassette_head('Recorded by alicloud.ack (%s): scrubbed of credentials, accounts and public '
                                  'addresses.' % ENV))

    def add(self, method, url, headers, body, response):
        item = interaction(self.scrubber, method, url, headers, body, response.status_code, response.reason,
                           response.headers, response.content)
        if self.path is None:
            self._open()
        with open(self.path, 'a') as f:
            f.write(interaction_yaml(item))


_RECORDERS = weakref.WeakKeyDictionary()


def record(client, method, url, headers, body, response):
    """Called by AckClient after each answer: appends it to the client's cassette when ALIBABA_CLOUD_ACK_RECORD
    names a folder. A recording that cannot be written is given up: it never fails the call."""
    folder = os.environ.get(ENV)
    if not folder:
        return
    try:
        recorder = _RECORDERS.get(client)
        if recorder is None:
            recorder = _RECORDERS[client] = Recorder(folder, client.credentials)
        recorder.add(method, url, headers, body, response)
    except (OSError, ValueError, TypeError, AttributeError):
        _RECORDERS[client] = _Off()


class _Off(object):
    """A recorder that gave up."""

    def add(self, *args):
        pass
