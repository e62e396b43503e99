"""A small signing HTTP client for the emulator's own tests and benchmark (stdlib only, independent of the
collection and of the official SDKs). Signs with ROA HMAC-SHA1 (v1, the old core's conventions) or
ACS3-HMAC-SHA256 (v3)."""
import base64
import email.utils
import hashlib
import http.client
import json
import time
import uuid
from urllib.parse import quote, urlencode, urlsplit

from . import auth


class Answer:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw.decode('utf-8')) if raw else None
        except ValueError:
            self.json = None

    @property
    def code(self):
        j = self.json if isinstance(self.json, dict) else {}
        return j.get('code') or j.get('Code')

    def __repr__(self):
        return '<Answer %s %s>' % (self.status, self.raw[:300])


class SignedClient:
    """``SignedClient(url, ak, secret).call('GET', '/clusters', query={...}, body=..., action='DescribeClusters')``"""

    def __init__(self, url, access_key_id, access_key_secret, security_token=None, scheme='v1', timeout=30,
                 region='cn-hangzhou'):
        parts = urlsplit(url)
        self.host = parts.hostname
        self.port = parts.port or 80
        self.netloc = parts.netloc
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token
        self.scheme = scheme
        self.timeout = timeout
        self.region = region

    def build(self, method, path, query=None, body=None, action=None, headers=None, scheme=None, date=None,
              nonce=True):
        """Returns ``(method, target, headers, body_bytes)`` signed; ``body`` dict/list is sent as JSON."""
        scheme = scheme or self.scheme
        query = {k: v for k, v in (query or {}).items() if v is not None}
        data = b''
        hdrs = {'accept': 'application/json', 'x-acs-version': auth.API_VERSION}
        if action:
            hdrs['x-acs-action'] = action
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode('utf-8')
            hdrs['content-type'] = 'application/json'
        if self.security_token:
            hdrs['x-acs-security-token'] = self.security_token
        if nonce:
            hdrs['x-acs-signature-nonce'] = uuid.uuid4().hex
        hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
        target = path + ('?' + urlencode(sorted(query.items())) if query else '')
        qlist = [(k, str(v)) for k, v in query.items()]
        if scheme == 'v1':
            hdrs['date'] = date or email.utils.formatdate(usegmt=True)
            hdrs['x-acs-signature-method'] = 'HMAC-SHA1'
            hdrs['x-acs-signature-version'] = '1.0'
            if data:
                hdrs['content-md5'] = base64.b64encode(hashlib.md5(data).digest()).decode()
            sts = auth.v1_string_to_sign(method, path, qlist, hdrs, 'equals')
            hdrs['authorization'] = 'acs %s:%s' % (self.access_key_id, auth.v1_sign(self.access_key_secret, sts))
        else:
            hdrs['host'] = self.netloc
            hdrs['x-acs-date'] = date or time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
            hdrs['x-acs-content-sha256'] = hashlib.sha256(data).hexdigest()
            signed = sorted(hdrs)
            creq = auth.v3_canonical_request(method, quote(path, safe='/~'), qlist, hdrs, signed,
                                             hdrs['x-acs-content-sha256'])
            sig = auth.v3_sign(self.access_key_secret, auth.v3_string_to_sign(creq))
            hdrs['authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (
                self.access_key_id, ';'.join(signed), sig)
        return method, target, hdrs, data

    def send(self, method, target, headers, data):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, target, body=data or None, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)
        finally:
            conn.close()

    def call(self, method, path, query=None, body=None, action=None, **kw):
        return self.send(*self.build(method, path, query, body, action, **kw))
