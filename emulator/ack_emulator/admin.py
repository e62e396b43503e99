"""The admin API under ``/__emulator/`` (unsigned, loopback only): one function per route, one routing table.

Each function takes ``(app, data, rest)``: the application, the JSON body (``{}`` for GET/DELETE) and what follows
the route's prefix (only ``docs/<kind>`` uses it); it returns the answer's body. ValueError/TypeError answer 400.
"""
import time


def health(app, data, rest):
    return {'status': 'ok', 'time_scale': app.time_scale, 'operations': len(app.handlers)}


def stats(app, data, rest):
    with app.lock:
        return {'requests': dict(app.stats), 'unauthenticated': dict(app.unauthenticated),
                'faults_injected': dict(app.injected)}


def reset(app, data, rest):
    app.reset()
    return {'reset': True}


def faults(app, data, rest):
    return dict(app.faults)


def set_faults(app, data, rest):
    app.set_faults(data)
    return dict(app.faults)


def clear_faults(app, data, rest):
    app.set_faults({})
    return dict(app.faults)


def fail_next(app, data, rest):
    name = data.get('operation')
    if name not in app.handlers:
        raise ValueError('operation must be one of the API operations')
    spec = {'code': data.get('code') or 'InjectedTaskFailure',
            'message': data.get('message') or 'task failed (injected by the emulator)'}
    return {'operation': name, 'pending': app.fail_next(name, spec, int(data.get('count', 1)))}


def config(app, data, rest):
    return {'time_scale': app.time_scale, 'quotas': dict(app.quotas), 'answers': app.answers}


def set_config(app, data, rest):
    if 'time_scale' in data:
        scale = float(data['time_scale'])
        if scale < 0:
            raise ValueError('time_scale must not be negative')
        app.time_scale = scale
    if 'answers' in data:
        app.set_answers(data['answers'])
    for k, v in (data.get('quotas') or {}).items():
        if k not in app.quotas:
            raise ValueError('unknown quota %r' % k)
        app.quotas[k] = int(v)
    return config(app, data, rest)


def free_instances(app, data, rest):
    """Existing ECS/ENS instances in no cluster, that AttachInstances may take."""
    from .ops import instances as pool  # pylint: disable=import-outside-toplevel
    with app.db.transaction():
        return app.strip(pool.free_instances(app.db, time.time()))


def declare_instances(app, data, rest):
    """Declares existing ECS/ENS instances (see ops' declare_instances)."""
    from .ops import instances as pool  # pylint: disable=import-outside-toplevel
    with app.db.transaction():
        return app.strip(pool.declare_instances(app.db, data, time.time()))


def fail_node(app, data, rest):
    """A node whose kubelet stopped: DescribeClusterNodes shows it ``failed`` / ``NotReady`` (the Kubernetes API's
    Ready condition follows ``node_status``). ``{"cluster_id", "instance_id" or "node_name", "state"?}``."""
    cluster_id, wanted = data.get('cluster_id'), data.get('instance_id') or data.get('node_name')
    state = data.get('state') or 'failed'
    if not cluster_id or not wanted or state not in ('failed', 'running'):
        raise ValueError('give cluster_id, instance_id or node_name, and state failed (default) or running')
    now = time.time()
    with app.db.transaction():
        found = [n for n in app.db.list('node', now=now, where={'cluster_id': cluster_id})
                 if wanted in (n.get('instance_id'), n.get('node_name')) and not n.get('_released')]
        if not found:
            raise ValueError('no node %s in cluster %s' % (wanted, cluster_id))
        node = found[0]
        node.update({'state': state, 'node_status': 'NotReady', '_timeline': [],
                     'error_message': 'NodeNotReady: the kubelet stopped posting node status'})
        app.db.put('node', node['instance_id'], node)
        return app.strip(node)


def docs(app, data, rest):
    with app.db.transaction():
        return {'docs': app.db.list(rest)}


# (method, route) -> function; a route ending in '/' takes what follows it as `rest`
ROUTES = {
    ('GET', 'health'): health,
    ('GET', 'stats'): stats,
    ('POST', 'reset'): reset,
    ('GET', 'faults'): faults,
    ('POST', 'faults'): set_faults,
    ('PUT', 'faults'): set_faults,
    ('DELETE', 'faults'): clear_faults,
    ('POST', 'fail-next'): fail_next,
    ('GET', 'config'): config,
    ('POST', 'config'): set_config,
    ('PUT', 'config'): set_config,
    ('GET', 'instances'): free_instances,
    ('POST', 'instances'): declare_instances,
    ('POST', 'nodes/fail'): fail_node,
    ('GET', 'docs/'): docs,
}


def route(method, sub):
    """``(function, rest)`` for ``method`` and the path after ``/__emulator/``, or ``(None, None)``."""
    fn = ROUTES.get((method, sub))
    if fn is not None:
        return fn, ''
    prefix, sep, rest = sub.partition('/')
    fn = ROUTES.get((method, prefix + sep)) if sep and rest else None
    return (fn, rest) if fn else (None, None)
