"""Helpers every ops module shares: the JSON body, the cluster a request names and its states, timelines, the
cluster log, the nodes of a cluster."""
from .. import errors
from ..lifecycle import AT, iso


def body_dict(ctx):
    """The request body as a dict (``{}`` when there is none); 400 InvalidParameter when it is not an object."""
    body = ctx.json
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise errors.bad_param('body', 'a JSON object is expected')
    return body


def get_cluster(ctx, cluster_id, states=None, operation=None, refuse_ask=None):
    """The settled cluster (404 ``ErrorClusterNotFound`` when unknown or gone), after the caller's policy check;
    ``states`` restricts the states in which ``operation`` is allowed (``InvalidStatus.ClusterState`` otherwise);
    ``refuse_ask``: the message of the 400 ``ErrorNotSupported`` a serverless (Ask) cluster gets."""
    ctx.authorize(cluster_id)
    cluster = ctx.db.get('cluster', cluster_id, now=ctx.now)
    if cluster is None:
        raise errors.not_found('cluster', cluster_id)
    if refuse_ask and is_ask(cluster):
        raise errors.ApiError(400, 'ErrorNotSupported', refuse_ask)
    if states is not None:
        require_state(cluster, states, operation or ctx.operation)
    return cluster


def live_clusters(ctx):
    """Every cluster not gone, settled, in creation order."""
    return ctx.db.list('cluster', now=ctx.now)


def require_state(cluster, states, operation):
    """400 ``InvalidStatus.ClusterState`` unless the cluster's state is one of ``states``."""
    if cluster.get('state') not in states:
        raise errors.invalid_status(cluster, operation)


def require_running(cluster, operation):
    require_state(cluster, ('running',), operation)


def is_ask(cluster):
    """A serverless (Ask) cluster: it has no nodes of its own."""
    return (cluster.get('cluster_type') or '').lower() == 'ask'


def cluster_nodes(ctx, cluster_id):
    """Live node documents of a cluster (released ones are tombstones), in creation order."""
    return [n for n in ctx.db.list('node', now=ctx.now, where={'cluster_id': cluster_id})
            if not n.get('_released')]


# -- timelines and busy states ---------------------------------------------------------------------------------
def push_timeline(doc, at, patch):
    """Append one absolute-time entry to a document's ``_timeline`` (kept sorted, stable for equal times)."""
    tl = doc.setdefault('_timeline', [])
    tl.append([at, patch])
    tl.sort(key=lambda e: e[0])


def set_busy(ctx, cluster, state, seconds, final_patch=None):
    """Put the cluster in ``state`` now and back to ``running`` (plus ``final_patch``) after ``seconds``; stores it."""
    cluster['state'] = state
    cluster['updated'] = iso(ctx.now)
    patch = {'state': 'running', 'updated': AT}
    patch.update(final_patch or {})
    push_timeline(cluster, ctx.now + seconds, patch)
    ctx.db.put('cluster', cluster['cluster_id'], cluster)


# -- the cluster log (DescribeClusterLogs) ------------------------------------------------------------------
def cluster_log(cluster, at, message, level='INFO'):
    """One entry of the cluster's log (kept in ``_logs``, shown once ``at`` has passed)."""
    cluster.setdefault('_logs', []).append([at, level, message])


def log_outcome(cluster, now, duration, doing, fail, done):
    """The start of an asynchronous operation now, and its end (``done``, or the failure) after ``duration``."""
    cluster_log(cluster, now, 'Start to %s' % doing)
    if fail:
        cluster_log(cluster, now + duration, 'Failed to %s: %s: %s' % (doing, fail.get('code'), fail.get('message')),
                    'ERROR')
    else:
        cluster_log(cluster, now + duration, done)
