"""The kubeconfigs a cluster issued, and their revocation (ops/kubeconfigs.py: RevokeK8sClusterKubeConfig,
ListClusterKubeconfigStates).

A revocation adds the caller's certificates to the cluster CA's revocation list (pki.py); the listeners rebuild the
cluster's TLS context, so a kubeconfig issued before fails the handshake while the next one
DescribeClusterUserKubeconfig issues works.
"""
from . import manager, pki


def revoke(ctx, cluster):
    """Revoke every certificate the caller's access key was issued for ``cluster``; returns how many."""
    cid = cluster['cluster_id']
    doc = pki.get_or_create(ctx.db, cluster, ctx.now)
    count = pki.revoke(doc, ctx.identity.access_key_id, ctx.now)
    ctx.db.put(pki.KIND, cid, doc)
    manager(ctx.app).revoked(cid, doc['revision'])
    return count


def records(ctx, cluster):
    """Every certificate issued for ``cluster``: {account, user, serial, issued_at, not_after, temporary,
    revoked_at}, in the order they were issued."""
    doc = ctx.db.get(pki.KIND, cluster['cluster_id'], now=ctx.now)
    return pki.issued(doc) if doc else []
