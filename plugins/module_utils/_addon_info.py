# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the add-ons of a cluster, for ack_addon_info. Reads only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._addon import (
    catalogue_groups,
    read_catalogue,
    read_installed,
)
from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import REF_ARGSPEC, ClusterRef, says_absent
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id

ARGSPEC = dict(REF_ARGSPEC)
ARGSPEC.update(
    names=dict(type='list', elements='str'),
    catalog=dict(type='bool', default=False),
)


def gather_addons(ack):
    names = ack.params['names']
    for name in names or []:
        check_id('names', name, 'addon')
    ref = ClusterRef(ack)
    # By id and without the catalogue, the add-on reads alone tell (an unknown cluster answers them not-found).
    cluster = ref.require() if ack.params['catalog'] or not ref.cluster_id else {'cluster_id': ref.cluster_id}
    try:
        addons = read_installed(ack.client, cluster['cluster_id'], full=True, names=names)
    except AckApiError as e:
        if says_absent(e):
            raise ref.not_found(e)
        raise
    result = dict(changed=False, cluster_id=cluster['cluster_id'], addons=addons)
    if ack.params['catalog']:
        result['catalog'] = catalogue_groups(read_catalogue(ack.client, cluster))
    return result
