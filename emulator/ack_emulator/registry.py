"""Operation registry: ops modules register their handlers here with the ``@op`` decorator."""

ROUTES = []  # (operation, method, rule, handler)


def op(name, method, rule):
    """Register ``handler(ctx, **path_args)`` for ``method rule`` (werkzeug rule syntax).

    The handler returns a JSON-serialisable body (HTTP 200), ``(status, body)``, ``None`` (answers ``{}``), or a
    ``werkzeug.wrappers.Response`` that is passed through unchanged (the request-id header is added).
    Raise ``errors.ApiError`` for errors.
    """
    def deco(fn):
        for existing in ROUTES:
            if existing[0] == name:
                raise ValueError('operation %s registered twice' % name)
            if existing[1] == method.upper() and existing[2] == rule:
                raise ValueError('%s %s registered twice (%s, %s)' % (method, rule, existing[0], name))
        ROUTES.append((name, method.upper(), rule, fn))
        return fn
    return deco


def operation_names():
    return [r[0] for r in ROUTES]
