"""Kubernetes ``Status`` errors (what the API server answers on failure)."""


class KubeError(Exception):
    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self):
        out = {'kind': 'Status', 'apiVersion': 'v1', 'metadata': {}, 'status': 'Failure', 'message': self.message,
               'reason': self.reason, 'code': self.code}
        if self.details is not None:
            out['details'] = self.details
        return out


def _details(kind, name, group=''):
    out = {'name': name}
    if group:
        out['group'] = group
    out['kind'] = kind
    return out


def qualified(plural, group=''):
    return '%s.%s' % (plural, group) if group else plural


def not_found(plural, name, group=''):
    return KubeError(404, 'NotFound', '%s "%s" not found' % (qualified(plural, group), name),
                     _details(plural, name, group))


def no_route():
    return KubeError(404, 'NotFound', 'the server could not find the requested resource', {})


def already_exists(plural, name, group=''):
    return KubeError(409, 'AlreadyExists', '%s "%s" already exists' % (qualified(plural, group), name),
                     _details(plural, name, group))


def conflict(plural, name, group=''):
    return KubeError(409, 'Conflict', 'Operation cannot be fulfilled on %s "%s": the object has been modified; please '
                     'apply your changes to the latest version and try again' % (qualified(plural, group), name),
                     _details(plural, name, group))


def bad_request(message):
    return KubeError(400, 'BadRequest', message)


def method_not_allowed():
    return KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {})


def unauthorized():
    return KubeError(401, 'Unauthorized', 'Unauthorized')


CAUSES = {'Required': 'FieldValueRequired', 'Invalid': 'FieldValueInvalid', 'Forbidden': 'FieldValueForbidden',
          'Duplicate': 'FieldValueDuplicate', 'NotSupported': 'FieldValueNotSupported'}


def field_error(field, kind, detail='', value=None):
    """One validation error: ``(field, kind, text)``; kind is Required, Invalid, Forbidden, Duplicate, NotSupported."""
    if kind == 'Required':
        text = 'Required value'
    elif kind == 'Forbidden':
        text = 'Forbidden'
    elif kind == 'Duplicate':
        text = 'Duplicate value: %s' % _show(value)
    elif kind == 'NotSupported':
        text = 'Unsupported value: %s' % _show(value)
    else:
        text = 'Invalid value: %s' % _show(value)
    if detail:
        text += ': ' + detail
    return field, kind, text


def _show(value):
    if isinstance(value, str):
        return '"%s"' % value
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, dict):
        return 'map[%s]' % ' '.join('%s:%s' % (k, v) for k, v in sorted(value.items()))
    return str(value)


def invalid(kind, name, errors, group=''):
    """422 Invalid from ``field_error`` tuples."""
    texts = ['%s: %s' % (f, t) for f, _k, t in errors]
    joined = texts[0] if len(texts) == 1 else '[%s]' % ', '.join(texts)
    details = _details(kind, name, group)
    details['causes'] = [{'reason': CAUSES.get(k, 'FieldValueInvalid'), 'message': t, 'field': f}
                         for f, k, t in errors]
    return KubeError(422, 'Invalid', '%s "%s" is invalid: %s' % (qualified(kind, group), name, joined), details)
