"""Operation registry: ops modules register their handlers here with the ``@op`` decorator."""

ROUTES = []  # (operation, method, rule, handler)
PURE = set()  # operations registered with pure=True


def op(name, method, rule, pure=False):
    """Register ``handler(ctx, **path_args)`` for ``method rule`` (werkzeug rule syntax).

    The handler returns a JSON-serialisable body (HTTP 200), ``(status, body)``, ``None`` (answers ``{}``), or a
    ``werkzeug.wrappers.Response`` that is passed through unchanged (the request-id header is added).
    Raise ``errors.ApiError`` for errors.

    ``pure=True`` (read-only operations): the answer depends only on the documents the handler reads through
    ``ctx.db``, the path arguments, the query string, the region and the caller's access key; not on the clock, the
    quotas or other settings. The app then answers the same request again from memory for as long as every read
    gives the same rows (documents with a pending life cycle are never reused).
    """
    if pure:
        PURE.add(name)

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
