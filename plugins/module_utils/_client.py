# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small HTTP client for the ACK (CS 2015-12-15) API: signing, retries, errors and paging.

It knows nothing about Ansible; errors leave as AckApiError.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import time
import traceback

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from urllib.parse import quote, urlencode, urlsplit

from ansible_collections.alicloud.ack.plugins.module_utils._recorder import record
from ansible_collections.alicloud.ack.plugins.module_utils._signer import clean_query, sign_request

DEFAULT_USER_AGENT = 'alicloud.ack-ansible-collection'
THROTTLING_CODES = ('Rejected.Throttling', 'QPS Limit Exceeded')
SAFE_METHODS = ('GET', 'HEAD')
# Writes that give the same result when repeated: retried after a 5xx or a lost answer, like reads.
# Every other write (ScaleOutCluster, AttachInstances, InstallClusterAddons, UpgradeClusterAddons, UpgradeCluster,
# CreateTemplate, DeleteClusterNodes, pause/resume/cancel, ...) is sent once unless it carries an idempotency token;
# after an ambiguous failure the executor reads again and decides (see _plan.Step.recheck).
REPEATABLE = frozenset([
    'ModifyCluster',          # sets fields
    'ModifyClusterNodePool',  # sets fields (a node pool's size too: desired_size, never a count to add)
    'ModifyClusterTags',      # replaces the whole tag set
    'DeleteCluster',          # a repeat meets `deleting` or ErrorClusterNotFound: the caller takes that as done
    'UpdateTemplate',         # replaces the template's fields
    'DeleteTemplate',
])
# urllib3 exceptions that mean no byte of the request reached the server
CONNECT_FAILURES = ('NewConnectionError', 'ConnectTimeoutError', 'NameResolutionError')
RETRYABLE_EXCEPTIONS = ('ConnectionError', 'Timeout')
MAX_PAGES = 10000


class AckApiError(Exception):
    """A failed ACK call: an error answer, a connection error or a timeout (http_status None)."""

    def __init__(self, operation, code, message, http_status=None, request_id=None, retry_after=None):
        self.operation = operation
        self.code = code
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
        self.retry_after = retry_after  # seconds asked by x-acs-retry-after, or None
        self.maybe_applied = False  # a write whose answer was lost or broken: it may have taken effect
        self.repeated = False  # this answer came to a repeat of a call that may have been applied
        super(AckApiError, self).__init__(self._line())

    def _line(self):
        extra = []
        if self.http_status is not None:
            extra.append('HTTP %s' % self.http_status)
        if self.request_id:
            extra.append('request id %s' % self.request_id)
        tail = ' (%s)' % ', '.join(extra) if extra else ''
        return ' '.join(('%s failed: %s: %s%s' % (self.operation, self.code, self.message, tail)).split())

    def __str__(self):
        return self._line()

    def __repr__(self):
        return 'AckApiError(%r)' % self._line()

    def to_dict(self):
        return dict(code=self.code, message=self.message, request_id=self.request_id, http_status=self.http_status)

    @property
    def throttled(self):
        code = self.code or ''
        return code.startswith('Throttling') or code in THROTTLING_CODES or self.retry_after is not None

    @property
    def server_error(self):
        return self.code == 'ServiceUnavailable' or (self.http_status is not None and self.http_status >= 500)


def backoff_delay(attempt, base, max_delay, uniform=random.uniform):
    """Full jitter: uniform(0, min(max_delay, base * 2 ** attempt)); attempt counts from 0."""
    return uniform(0, min(max_delay, base * (2 ** attempt)))


def redact(text, secrets):
    """Replace every secret found in text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, '<redacted>')
    return text


# ---------------------------------------------------------------- answers


def _json_or_text(text):
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _first(data, *keys):
    for key in keys:
        if data.get(key) not in (None, ''):
            return data[key]
    return None


def _retry_after(headers):
    """Seconds from x-acs-retry-after (milliseconds), or None when absent or invalid."""
    try:
        value = int(headers.get('x-acs-retry-after', ''))
    except ValueError:
        return None
    return value / 1000.0 if value > 0 else None


def _request_id(headers, data):
    rid = headers.get('x-acs-request-id')
    if not rid and isinstance(data, dict):
        rid = _first(data, 'requestId', 'RequestId', 'request_id')
    return rid or None


def error_from_response(operation, status, headers, text, secrets=()):
    """An AckApiError from an error answer, reading both key spellings and non-JSON bodies."""
    data = _json_or_text(text)
    body = data if isinstance(data, dict) else {}
    code = _first(body, 'code', 'Code') or 'HTTP%d' % status
    message = _first(body, 'message', 'Message')
    if message is None:
        message = (text or '').strip()[:300] or 'empty answer'
    return AckApiError(operation, str(code), redact(str(message), secrets), http_status=status,
                       request_id=_request_id(headers, data), retry_after=_retry_after(headers))


def _connect_failed(exc):
    """True when the connection was never made, so the request cannot have been applied."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], 'reason', None) if exc.args else None
    names = [cls.__name__ for cls in type(reason).__mro__]
    return any(name in CONNECT_FAILURES for name in names)


def error_from_exception(operation, exc, secrets=()):
    """(AckApiError, not_sent) from a requests exception."""
    if isinstance(exc, requests.exceptions.Timeout):
        code = 'Timeout'
    elif isinstance(exc, requests.exceptions.ConnectionError):
        code = 'ConnectionError'
    else:
        code = exc.__class__.__name__
    message = redact(str(exc) or exc.__class__.__name__, secrets)
    return AckApiError(operation, code, message), _connect_failed(exc)


# ---------------------------------------------------------------- client


def _endpoint(endpoint, region):
    if not endpoint:
        return 'https://cs.%s.aliyuncs.com' % region if region else 'https://cs.aliyuncs.com'
    if '://' not in endpoint:
        endpoint = 'https://' + endpoint
    return endpoint.rstrip('/')


def expand_path(template, args):
    """Fill each `{}` of template with one argument, percent-encoded whole ('/' and '.' too)."""
    if template.count('{}') != len(args):
        raise ValueError('path %s takes %d arguments, got %d' % (template, template.count('{}'), len(args)))
    if any(str(a) in ('', '.', '..') for a in args):
        raise ValueError('a path argument may not be empty, "." or ".."')
    quoted = [quote(str(a), safe='') for a in args]
    return template.replace('%', '%%').replace('{}', '%s') % tuple(quoted)


def _encode_body(body):
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False, separators=(',', ':'))
    return body.encode('utf-8')


class AckClient(object):
    """Signs, sends and retries ACK API calls. One requests.Session per client."""

    retry_base_delay = 1.0

    def __init__(self, credentials, endpoint=None, region=None, signature_version='v1', validate_certs=True,
                 connect_timeout=10, read_timeout=60, api_retries=5, api_retry_max_delay=30, user_agent=None,
                 sleep=time.sleep):
        self.credentials = credentials
        self.region = region or getattr(credentials, 'region', None)
        self.endpoint = _endpoint(endpoint, self.region)
        self.host = urlsplit(self.endpoint).netloc
        self.signature_version = signature_version
        self.timeout = (connect_timeout, read_timeout)
        self.api_retries = max(0, int(api_retries))
        self.api_retry_max_delay = api_retry_max_delay
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.sleep = sleep
        self.session = requests.Session()
        self.session.verify = validate_certs

    def __repr__(self):
        return 'AckClient(endpoint=%r, signature_version=%r)' % (self.endpoint, self.signature_version)

    def close(self):
        self.session.close()

    def _secrets(self):
        return (self.credentials.access_key_secret, self.credentials.security_token)

    def _headers(self, operation):
        headers = {'x-acs-action': operation, 'host': self.host, 'user-agent': self.user_agent}
        if self.region:
            headers['x-acs-region-id'] = self.region
        return headers

    def _send(self, operation, method, path, query, body_bytes):
        """One signed attempt: the parsed answer, or raise (AckApiError, not_sent)."""
        headers = sign_request(method, path, query, body_bytes, self._headers(operation), self.credentials,
                               self.signature_version)
        url = self.endpoint + path + ('?' + urlencode(sorted(query.items())) if query else '')
        try:
            response = self.session.request(method, url, headers=headers, data=body_bytes, timeout=self.timeout,
                                            allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            raise _Failure(*error_from_exception(operation, exc, self._secrets()))
        record(self, method, url, headers, body_bytes, response)  # ALIBABA_CLOUD_ACK_RECORD: a scrubbed cassette
        text = response.content.decode('utf-8', 'replace')
        if response.status_code >= 300:
            error = error_from_response(operation, response.status_code, response.headers, text, self._secrets())
            raise _Failure(error, False)
        return _json_or_text(text)

    @staticmethod
    def _ambiguous(error, not_sent):
        """The request reached ACK and no clear answer came back: it may have been applied."""
        return not not_sent and not error.throttled and (error.server_error or error.code in RETRYABLE_EXCEPTIONS)

    def _should_retry(self, error, not_sent, repeatable):
        if not_sent or error.throttled:
            return True  # never reached ACK, or refused by the gateway: not applied
        return repeatable and self._ambiguous(error, not_sent)

    def _delay(self, error, attempt):
        if error.retry_after is not None:  # honoured, up to the longest delay the task allows
            return min(error.retry_after, self.api_retry_max_delay)
        return backoff_delay(attempt, self.retry_base_delay, self.api_retry_max_delay)

    def call(self, operation, method, path, *path_args, **kwargs):
        """Call one operation; returns the parsed JSON answer (None when empty). Raises AckApiError.

        path is a template whose `{}` take path_args, each percent-encoded whole (an id is never path).
        kwargs: query, body, idempotent (the request carries an idempotency token), absent (error codes that mean
        "no such resource": the call returns None for them; never gateway or authentication codes).
        """
        query = clean_query(kwargs.get('query'))
        body_bytes = _encode_body(kwargs.get('body'))
        absent = kwargs.get('absent') or ()
        method = method.upper()
        repeatable = method in SAFE_METHODS or operation in REPEATABLE or bool(kwargs.get('idempotent'))
        try:
            path = expand_path(path, path_args)
        except ValueError as e:
            raise AckApiError(operation, 'InvalidPathArgument', str(e))  # refused here: nothing is sent
        attempt = 0
        uncertain = False
        while True:
            try:
                return self._send(operation, method, path, query, body_bytes)
            except _Failure as failure:
                error, not_sent = failure.error, failure.not_sent
            error.repeated = uncertain
            if error.code in absent and error.http_status is not None and error.http_status < 500:
                return None
            uncertain = uncertain or (method not in SAFE_METHODS and self._ambiguous(error, not_sent))
            if attempt >= self.api_retries or not self._should_retry(error, not_sent, repeatable):
                error.maybe_applied = uncertain
                raise error  # outside the except block: no chained internal exception
            self.sleep(self._delay(error, attempt))
            attempt += 1

    def paginate_pages(self, operation, path, query, items_key, page_key='page_info', number_param='page_number',
                       size_param='page_size', page_size=50):
        """Yield the items of every page until total_count is reached or a page comes back short."""
        query = dict(query or {})
        seen = 0
        for number in range(1, MAX_PAGES + 1):
            query[number_param] = number
            query[size_param] = page_size
            answer = self.call(operation, 'GET', path, query=query) or {}
            items = (answer.get(items_key) or []) if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise AckApiError(operation, 'UnexpectedAnswer', 'the answer has no list of %s' % items_key)
            yield from items
            seen += len(items)
            page = answer.get(page_key)
            total = str(page.get('total_count')) if isinstance(page, dict) else ''
            if len(items) < page_size or (total.isdigit() and seen >= int(total)):
                return


class _Failure(Exception):
    """Internal: one failed attempt, with whether the request surely never left."""

    def __init__(self, error, not_sent):
        super(_Failure, self).__init__(error.code)
        self.error = error
        self.not_sent = not_sent
