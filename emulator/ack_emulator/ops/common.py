"""Request helpers every ops module shares: the JSON body and the cluster a request names."""
from .. import errors


def body_dict(ctx):
    """The request body as a dict (``{}`` when there is none); 400 InvalidParameter when it is not an object."""
    body = ctx.json
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise errors.bad_param('body', 'a JSON object is expected')
    return body


def get_cluster(ctx, cluster_id, states=None, operation=None):
    """The settled cluster (404 ``ErrorClusterNotFound`` when unknown or gone), after the caller's policy check;
    ``states`` restricts the states in which ``operation`` is allowed (``InvalidStatus.ClusterState`` otherwise)."""
    ctx.authorize(cluster_id)
    cluster = ctx.db.get('cluster', cluster_id, now=ctx.now)
    if cluster is None:
        raise errors.not_found('cluster', cluster_id)
    if states is not None and cluster.get('state') not in states:
        raise errors.invalid_status(cluster, operation or ctx.operation)
    return cluster


def is_ask(cluster):
    """A serverless (Ask) cluster: it has no nodes of its own."""
    return (cluster.get('cluster_type') or '').lower() == 'ask'


def refuse_ask(cluster, message):
    """400 ``ErrorNotSupported`` with ``message`` when ``cluster`` is serverless (Ask)."""
    if is_ask(cluster):
        raise errors.ApiError(400, 'ErrorNotSupported', message)
