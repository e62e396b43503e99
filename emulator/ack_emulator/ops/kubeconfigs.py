"""The kubeconfigs of a cluster (beyond the 2020 reference; the official SDK's shapes): RevokeK8sClusterKubeConfig,
ListClusterKubeconfigStates. (DescribeClusterUserKubeconfig, which issues them, is in clusters.py.)"""
import hashlib

from ..kube import credentials
from ..lifecycle import iso_utc, new_task
from ..registry import op
from .clusters import SERVING_STATES
from .common import cluster_log, get_cluster
from .params import boolean, paginate

PAGE_SIZE, MAX_PAGE_SIZE = 10, 50


def account_id(access_key_id):
    """The numeric account id the emulator gives the holder of an access key."""
    return str(int(hashlib.sha256(access_key_id.encode()).hexdigest()[:15], 16)).zfill(16)[:16]


@op('RevokeK8sClusterKubeConfig', 'DELETE', '/k8s/<cluster_id>/certs')
def revoke_kubeconfig(ctx, cluster_id):
    """Revokes the caller's kubeconfigs of the cluster (every certificate issued to the access key that signs the
    request); the next DescribeClusterUserKubeconfig issues a new one. Answers {} (the SDK reads no field); the
    revocation is in the cluster's task history (task type kubeconfig_revoke) and log."""
    cluster = get_cluster(ctx, cluster_id, SERVING_STATES)
    count = credentials.revoke(ctx, cluster)
    cluster_log(cluster, ctx.now, 'Kubeconfig revoked: %d certificate(s) of account %s'
                % (count, account_id(ctx.identity.access_key_id)))
    ctx.db.put('cluster', cluster_id, cluster)
    new_task(ctx, cluster_id, 'kubeconfig_revoke', 0.0, parameters={'revoked': str(count)})
    return {}


def _state(account, records, now):
    """One account's entry: its live certificates (the one expiring last), or the revoked ones when none is left."""
    live = [r for r in records if r['revoked_at'] is None]
    latest = max(live or records, key=lambda r: (r['not_after'], r['issued_at']))
    if live:
        state = 'Unexpired' if latest['not_after'] > now else 'Expired'
    else:
        state = 'Removed'  # ListUserKubeConfigStates' word: issued, then cleared
    return {'account_id': account_id(account), 'account_name': account, 'account_display_name': account,
            'account_type': 'RamRole' if account.startswith('STS.') else 'RamUser', 'account_state': 'Active',
            'cert_expire_time': iso_utc(latest['not_after']), 'cert_state': state,
            'revokable': bool(live) and state == 'Unexpired'}


@op('ListClusterKubeconfigStates', 'GET', '/clusters/<cluster_id>/kubeconfig/states')
def list_kubeconfig_states(ctx, cluster_id):
    """One entry per account the cluster issued kubeconfigs to (access keys are the emulator's accounts), in the
    order of their first kubeconfig. Cloud service roles (cloudServiceKubeConfig=true) have none here."""
    cluster = get_cluster(ctx, cluster_id)
    by_account = {}
    if not boolean(ctx.query, 'cloudServiceKubeConfig'):
        for r in credentials.records(ctx, cluster):
            by_account.setdefault(r['account'], []).append(r)
    rows = [_state(account, records, ctx.now) for account, records in by_account.items()]
    page, info = paginate(rows, ctx.query, 'pageNumber', 'pageSize', PAGE_SIZE, MAX_PAGE_SIZE)
    return {'states': page, 'page': info}
