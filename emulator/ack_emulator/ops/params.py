"""The readers of request parameters (one family for every operation) and paging.

Each reader takes ``src`` (the body, ``ctx.query`` or a nested object) and the parameter ``name``, and answers the
value, ``default`` when it is absent (None or ''), or raises 400: ``MissingParameter`` when ``required=True`` and
absent, ``InvalidParameter`` when malformed. ``label`` names the parameter in messages when it is not ``name``
(nested fields: ``runtime.name``).
"""
import base64
import json

from .. import errors


def _absent(value):
    return value is None or value == ''


def _value(src, name, required, label):
    value = src.get(name) if src else None
    if required and (_absent(value) or value == []):
        raise errors.missing_param(label or name)
    return value


def pick(src, *names):
    """The first of the alias ``names`` that ``src`` gives a value (not None), else ``names[0]``."""
    return next((n for n in names if src.get(n) is not None), names[0])


def text(src, name, required=False, choices=None, default=None, max_len=None, label=None):
    """A string (a JSON number is refused), one of ``choices`` when given, at most ``max_len`` characters."""
    value = _value(src, name, required, label)
    label = label or name
    if _absent(value):
        return default
    if not isinstance(value, str):
        raise errors.bad_param(label, 'must be a string')
    if choices and value not in choices:
        raise errors.bad_param(label, 'valid values are %s, got %r' % (', '.join(choices), value))
    if max_len and len(value) > max_len:
        raise errors.bad_param(label, 'must be at most %d characters' % max_len)
    return value


def integer(src, name, low=None, high=None, default=None, required=False, label=None):
    """An integer (a JSON number or its text) within ``low``..``high``."""
    value = _value(src, name, required, label)
    label = label or name
    if _absent(value):
        return default
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise errors.bad_param(label, 'must be an integer, got %r' % (value,))
    try:
        number = int(value) if isinstance(value, float) else int(str(value).strip())
    except ValueError:
        raise errors.bad_param(label, 'must be an integer, got %r' % (value,))
    if low is not None and number < low or high is not None and number > high:
        bounds = ('between %s and %s' % (low, high) if low is not None and high is not None
                  else 'at least %s' % low if low is not None else 'at most %s' % high)
        raise errors.bad_param(label, 'must be %s, got %d' % (bounds, number))
    return number


def boolean(src, name, default=False, label=None):
    """true/false (a JSON boolean or its text, any case)."""
    value = _value(src, name, False, label)
    if _absent(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    raise errors.bad_param(label or name, 'must be true or false, got %r' % (value,))


def items(src, name, required=False, label=None):
    """A list (None when absent); the text of a JSON array and comma-separated text are accepted too (form bodies
    and query strings carry lists as text). ``required=True`` refuses an empty list as well."""
    value = _value(src, name, required, label)
    label = label or name
    if _absent(value):
        return None
    if isinstance(value, str):
        value = value.strip()
        if value.startswith('['):
            try:
                value = json.loads(value)
            except ValueError:
                raise errors.bad_param(label, 'must be an array')
        else:
            value = [v.strip() for v in value.split(',') if v.strip()]
    if not isinstance(value, list):
        raise errors.bad_param(label, 'must be an array')
    return value


def mapping(src, name, label=None):
    """An object (None when absent); the text of a JSON object is accepted too."""
    value = _value(src, name, False, label)
    label = label or name
    if _absent(value):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise errors.bad_param(label, 'must be a JSON object')
    if not isinstance(value, dict):
        raise errors.bad_param(label, 'must be an object')
    return value


# -- paging --------------------------------------------------------------------------------------------------
def paginate(rows, src, number_name='page_number', size_name='page_size', default_size=10, max_size=100):
    """One page of ``rows`` by the page number and size ``src`` (the query) gives ->
    ``(page, {"page_number", "page_size", "total_count"})``; 400 InvalidParameter for a number < 1 or a size
    above ``max_size``."""
    number = integer(src, number_name, low=1, default=1)
    size = integer(src, size_name, low=1, high=max_size, default=default_size)
    start = (number - 1) * size
    return list(rows[start:start + size]), {'page_number': number, 'page_size': size, 'total_count': len(rows)}


def token_page(rows, src, name='next_token', size=50):
    """One page of ``rows`` after the opaque token ``src[name]`` -> ``(page, next token or '')``."""
    token = src.get(name) or ''
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except ValueError:
            raise errors.bad_param(name, 'not a token this API returned')
    end = start + size
    return rows[start:end], base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(rows) else ''
