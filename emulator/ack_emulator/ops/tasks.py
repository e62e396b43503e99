"""A cluster's task history (beyond the 2020 reference; the official SDK's shapes): DescribeClusterTasks.
(DescribeTaskInfo, one task by id, is in clusters.py.)"""
from ..registry import op
from .common import get_cluster
from .params import integer, paginate, token_page

TASK_KEYS = ('task_id', 'task_type', 'state', 'created', 'updated')


def task_row(task):
    """A task as DescribeClusterTasks lists it: the error only when it failed."""
    row = dict((k, task.get(k)) for k in TASK_KEYS)
    if task.get('error'):
        row['error'] = {'code': task['error'].get('code'), 'message': task['error'].get('message')}
    return row


@op('DescribeClusterTasks', 'GET', '/clusters/<cluster_id>/tasks')
def describe_cluster_tasks(ctx, cluster_id):
    """Every task of the cluster (every operation that started one), newest first. Pages by page_number and
    page_size (10 by default, at most 100), or by next_token with max_results (the first page without a token)."""
    get_cluster(ctx, cluster_id)
    rows = [task_row(t) for t in reversed(ctx.db.list('task', now=ctx.now, where={'cluster_id': cluster_id}))]
    if ctx.query.get('next_token') or ctx.query.get('max_results'):
        size = integer(ctx.query, 'max_results', low=1, high=100, default=10)
        page, token = token_page(rows, ctx.query, size=size)
        start = rows.index(page[0]) if page else len(rows)
        info = {'page_number': start // size + 1, 'page_size': size, 'total_count': len(rows)}
    else:
        page, info = paginate(rows, ctx.query)
        token = ''
    return {'tasks': page, 'page_info': info, 'next_token': token, 'requestId': ctx.request_id}
