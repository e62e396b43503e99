# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the nodes of a cluster, and its attach script, for ack_nodes_info. Reads only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import REF_ARGSPEC, ClusterRef, says_absent
from ansible_collections.alicloud.ack.plugins.module_utils._nodes import list_nodes
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id

ARGSPEC = dict(REF_ARGSPEC)
ARGSPEC.update(
    state=dict(type='str'),
    nodepool_id=dict(type='str'),
    instance_ids=dict(type='list', elements='str'),
    node_names=dict(type='list', elements='str'),
    gather=dict(type='list', elements='str', choices=['attach_script'], default=[]),
    arch=dict(type='str', choices=['amd64', 'arm', 'arm64']),
    format_disk=dict(type='bool'),
    keep_instance_name=dict(type='bool'),
    options=dict(type='dict'),
)
# The one-time credential in an attach script (`--openapi-token TOKEN` or `--openapi-token=TOKEN`).
TOKEN = re.compile(r'''--(?:openapi-)?token[= ]+['"]?([^\s'"]+)''')


def read_attach_script(client, cluster_id, params):
    """DescribeClusterAttachScripts: a shell command holding a token (a read sent as POST: safe to repeat)."""
    body = dict((k, params[k]) for k in ('arch', 'format_disk', 'keep_instance_name', 'nodepool_id')
                if params[k] is not None)
    if params['options'] is not None:
        body['options'] = json.dumps(params['options'], sort_keys=True)
    answer = client.call('DescribeClusterAttachScripts', 'POST', '/clusters/{}/attachscript', cluster_id, body=body,
                         idempotent=True)
    return answer if isinstance(answer, str) else json.dumps(answer)


def hide_token(ack, script):
    """Unless the task is no_log, the script's token (or the whole script, when no token is recognised) is masked
    in every output, the result included."""
    ack.hide(TOKEN.findall(script) or [script], 'attach script', ' whole')


def gather_nodes(ack):
    p = ack.params
    client = ack.client
    check_id('nodepool_id', p['nodepool_id'])
    ref = ClusterRef(ack)
    cluster_id = ref.cluster_id
    if not cluster_id:
        cluster = ref.lookup()
        if cluster is None:
            raise ref.not_found()
        cluster_id = cluster['cluster_id']
    result = dict(changed=False, cluster_id=cluster_id)
    query = dict(state=p['state'], nodepool_id=p['nodepool_id'],
                 instanceIds=','.join(p['instance_ids']) if p['instance_ids'] else None,
                 nodeNames=','.join(p['node_names']) if p['node_names'] else None)
    try:
        result['nodes'] = list_nodes(client, cluster_id, query)
    except AckApiError as e:
        if says_absent(e):  # by id, the node listing alone tells: no detail read
            raise ref.not_found(e)
        raise
    if 'attach_script' in p['gather']:
        script = read_attach_script(client, cluster_id, p)
        hide_token(ack, script)
        result['attach_script'] = script
    return result
