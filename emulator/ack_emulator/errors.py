"""Errors answered by the emulator.

Two body spellings exist on the real service (protocol-notes):

* ACK's own errors: ``{"code", "message", "requestId", "status"}`` (lower-case keys);
* API-gateway errors (signature, access key, throttling, unknown API): ``{"Code", "Message", "RequestId",
  "HostId"}``.
"""


class ApiError(Exception):
    """An error answered to the client.

    ``gateway=True`` selects the gateway spelling (``Code``/``Message``/``RequestId``).
    ``headers`` are extra response headers (e.g. ``x-acs-retry-after``).
    """

    def __init__(self, status, code, message, gateway=False, headers=None):
        super().__init__('%s: %s' % (code, message))
        self.status = int(status)
        self.code = code
        self.message = message
        self.gateway = gateway
        self.headers = dict(headers or {})

    def body(self, request_id, host_id='cs.aliyuncs.com'):
        if self.gateway:
            return {'Code': self.code, 'Message': self.message, 'RequestId': request_id, 'HostId': host_id}
        return {'code': self.code, 'message': self.message, 'requestId': request_id, 'status': self.status}


# --- ACK error codes used by the emulator (documented in emulator/README.md) -------------------------------
NOT_FOUND_CODES = {
    'cluster': 'ErrorClusterNotFound',
    'node': 'ErrorNodeNotFound',
    'nodepool': 'ErrorNodePoolNotFound',
    'task': 'ErrorTaskNotFound',
    'template': 'ErrorTemplateNotFound',
    'addon': 'AddonNotFound',
    'upgrade': 'ErrorUpgradeNotFound',
}


def not_found(kind, ident):
    """404 with the ACK code of the kind, e.g. ``ErrorClusterNotFound``."""
    code = NOT_FOUND_CODES.get(kind, 'Error%sNotFound' % kind.capitalize())
    return ApiError(404, code, '%s %s not found' % (kind, ident))


def invalid_status(cluster, operation, code='InvalidStatus.ClusterState'):
    """400 ``InvalidStatus.ClusterState``: the cluster's state forbids the operation."""
    cid = cluster.get('cluster_id') if isinstance(cluster, dict) else cluster
    state = cluster.get('state') if isinstance(cluster, dict) else 'unknown'
    return ApiError(400, code, 'cluster %s is in state %s, %s is not allowed in this state' % (cid, state, operation))


def bad_param(name, why):
    """400 ``InvalidParameter``: a value breaks a rule."""
    return ApiError(400, 'InvalidParameter', 'The specified parameter %s is not valid: %s' % (name, why))


def missing_param(name):
    """400 ``MissingParameter``: a required parameter is absent."""
    return ApiError(400, 'MissingParameter',
                    'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name)


def forbidden(what):
    """403 ``ErrorCheckAcl``: the caller's policy does not allow this."""
    return ApiError(403, 'ErrorCheckAcl', 'Access denied: the policy of this access key does not allow %s' % what)
