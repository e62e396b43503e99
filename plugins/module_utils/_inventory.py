# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory of ACK cluster nodes: read clusters and their nodes concurrently, turn each node into a host.

Knows nothing of Ansible: the inventory plugin (plugins/inventory/ack.py) gives it a client factory and options.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.alicloud.ack.plugins.module_utils._client import AckApiError
from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import CLUSTER_ABSENT, GONE
from ansible_collections.alicloud.ack.plugins.module_utils._common import list_nodes as nodes_of, list_pools
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id, check_region
from ansible_collections.alicloud.ack.plugins.module_utils._tags import tags_to_dict
from ansible_collections.alicloud.ack.plugins.module_utils._workers import ClientPool, run_all as _run_all

PAGE_SIZE = 100  # the largest page DescribeClustersV1 and DescribeClusterNodes give
MAX_WORKERS = 64  # the most API calls in flight at once (the inventory plugin's and the event source's max_workers)
MAX_TEXT = 256  # the longest region, name, type or tag a filter takes
NO_NODES = ('Ask',)  # serverless clusters have no nodes to list
# What a host keeps of its cluster: hostvar -> key in the cluster description.
CLUSTER_VARS = dict(cluster_id='cluster_id', cluster_name='name', cluster_type='cluster_type',
                    cluster_version='current_version', cluster_state='state', region_id='region_id')
# What is kept of a cluster (and cached): CLUSTER_VARS' keys, its zone and tags.
CLUSTER_KEYS = tuple(CLUSTER_VARS.values()) + ('zone_id', 'tags')
# The groups every host gets: prefix -> hostvar.
GROUPS = (('ack_cluster_', 'cluster_name'), ('ack_nodepool_', 'nodepool_id'), ('ack_nodepool_', 'nodepool_name'),
          ('ack_state_', 'state'),
          ('ack_instance_type_', 'instance_type'), ('ack_zone_', 'zone_id'), ('ack_role_', 'instance_role'))


# ---------------------------------------------------------------- options, checked before any call


def kind_of(value):
    """What a value is, in a user's words (never its repr: it may be nested deep)."""
    for types, words in (((bool,), 'a boolean'), ((int, float), 'a number'), ((str,), 'text'), ((dict,), 'a mapping'),
                         ((list, tuple), 'a list'), ((type(None),), 'null')):
        if isinstance(value, types):
            return words
    return 'a %s' % type(value).__name__


def check_text(option, value):
    """One plain line: not empty, no surrounding spaces or control characters, at most MAX_TEXT characters."""
    if not isinstance(value, str):
        raise AckModuleError('%s takes text, not %s' % (option, kind_of(value)))
    if not value or value != value.strip() or not value.isprintable() or len(value) > MAX_TEXT:
        raise AckModuleError('%s: %r is not valid (empty, surrounding spaces, control characters or more than %d '
                             'characters)' % (option, value[:MAX_TEXT], MAX_TEXT))
    return value


def check_texts(option, values, check=None):
    """A list of check_text values, each also passing check(value); None (no condition) as it is."""
    if values is None:
        return None
    if not isinstance(values, (list, tuple)):
        raise AckModuleError('%s must be a list, not %s' % (option, kind_of(values)))
    for value in values:
        check_text(option, value)
        if check:
            check(value)
    return list(values)


def check_max_workers(value, option='max_workers'):
    """A whole number from 1 to MAX_WORKERS."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKERS:
        shown = value if isinstance(value, int) else kind_of(value)
        raise AckModuleError('%s must be a whole number from 1 to %d, got %s' % (option, MAX_WORKERS, shown))
    return value


def check_filters(regions=None, cluster_ids=None, names=None, types=None, tags=None):
    """Filters of the options, refused in one line when a value cannot be a region, an id, a name, a type or a tag
    (a cluster id in the API's format; tag values text, numbers, booleans or null)."""
    check_texts('regions', regions, check_region)
    check_texts('cluster_ids', cluster_ids, lambda v: check_id('cluster_ids', v, 'cluster_id'))
    check_texts('cluster_names', names)
    check_texts('cluster_types', types)
    if tags is not None:
        if not isinstance(tags, dict):
            raise AckModuleError('cluster_tags must be a mapping of tag keys to values, not %s' % kind_of(tags))
        for key, value in tags.items():
            check_text('cluster_tags keys', key)
            if value is not None and not isinstance(value, (str, int, float)):
                raise AckModuleError('cluster_tags: the value of %s must be text, a number or null, not %s'
                                     % (key, kind_of(value)))
    return Filters(cluster_ids, names, types, tags)


def check_constructed(compose=None, groups=None, keyed_groups=None):
    """The constructed options' shapes (what Ansible checks only host by host, after every API call): compose and
    groups map names to expressions, keyed_groups is a list of mappings with a key expression."""
    for option, value in (('compose', compose), ('groups', groups)):
        if value is None:
            continue
        if not isinstance(value, dict):
            raise AckModuleError('%s must be a mapping of names to expressions, not %s' % (option, kind_of(value)))
        for name, expression in value.items():
            if not isinstance(name, str) or not isinstance(expression, str):
                raise AckModuleError('%s: %s must be an expression (text), not %s'
                                     % (option, name if isinstance(name, str) else kind_of(name), kind_of(expression)))
    if keyed_groups is None:
        return
    if not isinstance(keyed_groups, list):
        raise AckModuleError('keyed_groups must be a list of mappings, not %s' % kind_of(keyed_groups))
    for number, entry in enumerate(keyed_groups, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get('key'), str):
            raise AckModuleError('keyed_groups entry %d must be a mapping with a key expression (text)' % number)
        for name in ('prefix', 'separator', 'parent_group'):
            if entry.get(name) is not None and not isinstance(entry[name], str):
                raise AckModuleError('keyed_groups entry %d: %s takes text, not %s'
                                     % (number, name, kind_of(entry[name])))


class Filters(object):
    """Which clusters to read: every given list or dict must match (None = no condition)."""

    def __init__(self, cluster_ids=None, names=None, types=None, tags=None):
        self.cluster_ids = cluster_ids or None
        self.names = names or None
        self.types = types or None
        self.tags = tags or None
        self.listed = set()  # ids of every cluster listed (before the other filters), to tell which ids are missing

    def missing(self):
        """The asked ids no region listed: clusters that do not exist."""
        return [i for i in self.cluster_ids or [] if i not in self.listed]

    def query(self, region):
        """DescribeClustersV1 query: narrowed on the server when one value is asked (its name match is fuzzy,
        so names are compared here again)."""
        query = {'region_id': region}
        for key, values in (('cluster_id', self.cluster_ids), ('name', self.names), ('cluster_type', self.types)):
            if values and len(values) == 1:
                query[key] = values[0]
        return query

    def match(self, cluster):
        if cluster.get('state') in GONE:
            return False
        for key, values in (('cluster_id', self.cluster_ids), ('name', self.names), ('cluster_type', self.types)):
            if values and cluster.get(key) not in values:
                return False
        if self.tags:
            have = tags_to_dict(cluster.get('tags'))
            for key, value in self.tags.items():
                if key not in have or (value is not None and have[key] != str(value)):
                    return False
        return True


def list_clusters(client, filters):
    """The matching clusters of the client's region, every page read."""
    pages = client.paginate_pages('DescribeClustersV1', '/api/v1/clusters', filters.query(client.region), 'clusters',
                                  page_size=PAGE_SIZE)
    # an item that is not a cluster description with an id is no cluster (a hostile or broken answer)
    listed = [c for c in pages if isinstance(c, dict) and isinstance(c.get('cluster_id'), str) and c['cluster_id']
              and c.get('state') not in GONE]
    filters.listed.update(c.get('cluster_id') for c in listed)
    return [c for c in listed if filters.match(c)]


def list_nodes(client, cluster_id):
    """Every node of a cluster (every page read); [] when the cluster went away meanwhile."""
    try:
        return [n for n in nodes_of(client, cluster_id) if isinstance(n, dict)]
    except AckApiError as e:
        if e.code in CLUSTER_ABSENT:
            return []
        raise


def with_pool_names(client, cluster_id, nodes):
    """The nodes, each with the name of its node pool as nodepool_name (DescribeClusterNodePools, read when a node
    is in a pool; none when the cluster went away meanwhile)."""
    if not any(n.get('nodepool_id') for n in nodes):
        return nodes
    try:
        pools = list_pools(client, cluster_id)
    except AckApiError as e:
        if e.code in CLUSTER_ABSENT:
            return nodes
        raise
    names = dict(((p.get('nodepool_info') or {}).get('nodepool_id'), (p.get('nodepool_info') or {}).get('name'))
                 for p in pools)
    return [dict(n, nodepool_name=names.get(n.get('nodepool_id'))) if n.get('nodepool_id') else n for n in nodes]


def read_clusters(make_client, regions, filters, include_masters=True, workers=8, pool_names=True):
    """[{'cluster': {...}, 'nodes': [...]}] of every region, sorted by region and cluster id.

    make_client(region) -> AckClient; regions: a list (None: the client's own region). Clusters are listed per
    region, then their nodes (and, with pool_names, the names of their node pools) are read concurrently by at most
    `workers` threads.
    """
    clients = ClientPool(make_client)
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            listed = _run_all(pool, lambda r: [(r, c) for c in list_clusters(clients.get(r), filters)], regions)
            clusters = sorted((pair for part in listed for pair in part),
                              key=lambda p: (p[1].get('region_id') or '', p[1].get('cluster_id') or ''))

            def nodes_of(pair):
                region, cluster = pair
                if cluster.get('cluster_type') in NO_NODES:
                    return []
                client = clients.get(region)
                nodes = list_nodes(client, cluster['cluster_id'])
                return with_pool_names(client, cluster['cluster_id'], nodes) if pool_names else nodes

            all_nodes = _run_all(pool, nodes_of, clusters)
    finally:
        clients.close()
    result = []
    for (region, cluster), nodes in zip(clusters, all_nodes):
        if not include_masters:
            nodes = [n for n in nodes if (n.get('instance_role') or '').lower() != 'master']
        result.append(dict(cluster=dict((k, cluster.get(k)) for k in CLUSTER_KEYS), nodes=nodes))
    return result


# ---------------------------------------------------------------- hosts


def split_ips(addresses):
    """(private, public): the first address that is not globally routable, and the first that is."""
    private = public = None
    for text in addresses or []:
        try:
            address = ipaddress.ip_address(str(text).strip())
        except ValueError:
            continue
        if address.is_global:
            public = public or str(address)
        else:
            private = private or str(address)
    return private, public


def host_vars(cluster, node):
    """The node's fields as the API gives them, its addresses, zone, and its cluster's id, name, type, version,
    state, region and tags."""
    hostvars = dict(node)
    private, public = split_ips(node.get('ip_address'))
    hostvars.update(private_ip=private, public_ip=public,
                    zone_id=node.get('zone_id') or cluster.get('zone_id') or None,
                    cluster_tags=tags_to_dict(cluster.get('tags')))
    hostvars.update((name, cluster.get(key)) for name, key in CLUSTER_VARS.items())
    return hostvars


def safe_name(text):
    """A group name Ansible accepts: letters, digits and underscores."""
    return re.sub(r'[^A-Za-z0-9_]', '_', str(text))


def default_groups(hostvars):
    """ack_cluster_<name>, ack_nodepool_<id>, ack_nodepool_<pool name>, ack_state_<state>,
    ack_instance_type_<type>, ack_zone_<zone>, ack_role_<role>, for the values the host has."""
    return [safe_name(prefix + str(hostvars[key]).lower() if key == 'instance_role' else prefix + str(hostvars[key]))
            for prefix, key in GROUPS if hostvars.get(key) not in (None, '')]


def host_name(hostvars, preferences):
    """The first of the preferred hostvars that has a value, or None."""
    for key in preferences:
        if hostvars.get(key) not in (None, ''):
            return str(hostvars[key])
    return None
