# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ack
short_description: The nodes of Alibaba Cloud ACK clusters as Ansible hosts
version_added: 0.1.0
description:
  - Reads the clusters of one or more regions (DescribeClustersV1), the nodes of each (DescribeClusterNodes),
    every page, and the names of its node pools (DescribeClusterNodePools), and makes one host per node.
  - Each host carries the node's fields as the API returns them, C(nodepool_name) (the name of its node pool; see
    O(nodepool_names)), C(private_ip), C(public_ip), C(zone_id), and its
    cluster's C(cluster_id), C(cluster_name), C(cluster_type), C(cluster_version), C(cluster_state), C(region_id)
    and C(cluster_tags) (a dict).
  - "Each host is put in the groups C(ack_cluster_<cluster name>), C(ack_nodepool_<node pool id>),
    C(ack_nodepool_<node pool name>), C(ack_state_<state>), C(ack_instance_type_<instance type>),
    C(ack_zone_<zone>) and C(ack_role_<master|worker>), for the values it has; characters other than letters,
    digits and C(_) become C(_)."
  - The nodes of several clusters are read at the same time (see O(max_workers)). Throttled calls are retried
    (see O(api_retries)).
  - Credentials and the endpoint are found as by the modules of this collection.
  - The configuration file name must end with C(ack.yml) or C(ack.yaml).
author:
  - alicloud.ack maintainers (@alicloud-ack)
extends_documentation_fragment:
  - alicloud.ack.ack
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks the file as a configuration of this plugin.
    required: true
    type: str
    choices: [alicloud.ack.ack]
  endpoint:
    env:
      - name: ALIBABA_CLOUD_ACK_ENDPOINT
  regions:
    description:
      - Regions to read, for example V([cn-hangzhou, cn-beijing]).
      - When not set, the one region of O(alicloud_region) or its fallbacks.
      - With O(endpoint) set, every region is asked at that endpoint.
    type: list
    elements: str
  cluster_ids:
    description:
      - Only the clusters with these ids.
      - An id that matches no cluster (of any region read) is skipped with a warning.
    type: list
    elements: str
  cluster_names:
    description: Only the clusters with exactly these names.
    type: list
    elements: str
  cluster_types:
    description: Only the clusters of these types, for example V(ManagedKubernetes) or V(Kubernetes).
    type: list
    elements: str
  cluster_tags:
    description:
      - Only the clusters that carry every one of these tags.
      - A tag whose value is V(null) matches any value of that key.
    type: dict
  include_masters:
    description:
      - Whether the master nodes of dedicated clusters are hosts too. Managed clusters have no master nodes.
    type: bool
    default: true
  hostnames:
    description:
      - Host name of a node, in order of preference; the first field the node has a value for is used.
      - A node that has none of them is left out.
      - When two nodes would get the same name (node names and addresses repeat in clusters of different VPCs), the
        second is named by its instance id and a warning is shown. Clusters are taken by region, then cluster id.
    type: list
    elements: str
    choices: [node_name, instance_id, private_ip, public_ip, host_name, instance_name]
    default: [node_name, instance_id]
  ansible_host:
    description:
      - Address Ansible connects to, set as C(ansible_host).
      - V(private_ip) is the node's first address that is not globally routable.
      - V(public_ip) is its first globally routable address; a node without one gets its private address.
        ACK reports the addresses the node itself holds; an elastic IP bound to an instance is not among them.
      - V(none) leaves C(ansible_host) unset.
    type: str
    choices: [private_ip, public_ip, none]
    default: private_ip
  max_workers:
    description:
      - How many API calls are in flight at the same time, at most (1 to 64). Each worker has its own connection.
    type: int
    default: 8
  nodepool_names:
    description:
      - Read the names of each cluster's node pools (one DescribeClusterNodePools per cluster with nodes) for the
        hostvar C(nodepool_name) and the groups C(ack_nodepool_<node pool name>).
      - V(false) saves that call per cluster; the hosts are still grouped by node pool id.
    type: bool
    default: true
notes:
  - ACK does not report a node's zone. C(zone_id) is the node's when the API gives one, else its cluster's zone.
  - With O(cache=true), a refresh within O(cache_timeout) makes no API call; C(ansible-inventory --flush-cache)
    reads again. The cache is kept per configuration file and per set of regions, filters and endpoint.
'''

EXAMPLES = r'''
---
# nodes.ack.yml: two regions, tagged managed clusters, workers only, cached for 10 minutes
plugin: alicloud.ack.ack
regions: [cn-hangzhou, cn-beijing]
cluster_types: [ManagedKubernetes]
cluster_tags:
  env: prod
include_masters: false
hostnames: [instance_id]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-ack
cache_timeout: 600
keyed_groups:
  - key: cluster_tags.team | default('none')
    prefix: team
  - key: instance_type_family
    prefix: family
groups:
  not_ready: node_status != 'Ready'
compose:
  ansible_user: "'ecs-user'"

# Two more files (EXAMPLES is one YAML document, so they are shown as comments):
#
# prod.ack.yml: every node of the region of the environment or profile, named by node name
#   plugin: alicloud.ack.ack
#
# emulator.ack.yml: the local ACK emulator, two clusters by name, public addresses where nodes have them
#   plugin: alicloud.ack.ack
#   endpoint: http://127.0.0.1:8080
#   alicloud_region: cn-hangzhou
#   cluster_names: [web, batch]
#   ansible_host: public_ip
#   strict: true
'''

import hashlib
import json
import os
import stat

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.parsing.convert_bool import BOOLEANS
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.release import __version__ as ANSIBLE_VERSION
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.alicloud.ack.plugins.module_utils._client import (
    HAS_REQUESTS,
    AckApiError,
)
from ansible_collections.alicloud.ack.plugins.module_utils._connect import client_from_options
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError, one_line
from ansible_collections.alicloud.ack.plugins.module_utils._inventory import (
    check_constructed,
    check_filters,
    check_max_workers,
    default_groups,
    host_name,
    host_vars,
    read_clusters,
)

CONNECTION_OPTIONS = ('alicloud_access_key', 'alicloud_secret_key', 'alicloud_security_token', 'alicloud_region',
                      'profile', 'shared_credentials_file', 'endpoint', 'signature_version', 'validate_certs',
                      'connect_timeout', 'read_timeout', 'api_retries', 'api_retry_max_delay')
# ansible-core 2.19+ never templates plain strings an inventory plugin sets; older versions need them marked unsafe.
MARK_UNSAFE = tuple(int(part) for part in ANSIBLE_VERSION.split('.')[:2]) < (2, 19)
# Options Ansible reads as booleans, taking any other text as false: refused unless true or false.
BOOL_OPTIONS = ('include_masters', 'nodepool_names', 'strict', 'cache', 'use_extra_vars', 'leading_separator',
                'validate_certs')
# What the cached data depends on besides the file (never a secret).
CACHE_OPTIONS = ('regions', 'alicloud_region', 'alicloud_access_key', 'profile', 'endpoint', 'cluster_ids',
                 'cluster_names', 'cluster_types', 'cluster_tags', 'include_masters', 'nodepool_names')


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'alicloud.ack.ack'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('ack.yml', 'ack.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        try:
            config = self._read_config_data(path)
        except AnsibleError as e:
            raise AnsibleParserError(cache_refusal(e, self._options.get('cache_connection'))) from None
        try:
            self._check_options(config)
        except AckModuleError as e:
            raise AnsibleParserError(e.msg) from None
        key = '%s_%s' % (self.get_cache_key(path), self._options_digest())
        use_cache = self.get_option('cache')
        data = None
        if use_cache and cache:
            check_cache_file(self._cache, key)
            try:
                data = self._cache[key]
            except KeyError:
                data = None
        if data is None:
            data = self._read()
            if use_cache:
                self._cache[key] = data
        self._populate(data)

    def _filters(self):
        return check_filters(self.get_option('regions'), self.get_option('cluster_ids'),
                             self.get_option('cluster_names'), self.get_option('cluster_types'),
                             self.get_option('cluster_tags'))

    def _check_options(self, config):
        """Refuse, in one line and before any call, what the options alone make wrong."""
        for name in BOOL_OPTIONS:
            value = config.get(name)
            if value is not None and not isinstance(value, bool) and str(value).lower() not in BOOLEANS:
                raise AckModuleError('%s must be true or false, got %r' % (name, str(value)[:40]))
        if self.get_option('cache'):
            check_cache_place(self.get_option('cache_connection'), self.get_option('cache_prefix'))
        check_max_workers(self.get_option('max_workers'))
        self._filters()
        check_constructed(self.get_option('compose'), self.get_option('groups'), self.get_option('keyed_groups'))

    def _options_digest(self):
        chosen = dict((name, self.get_option(name)) for name in CACHE_OPTIONS)
        return hashlib.sha256(json.dumps(chosen, sort_keys=True, default=str).encode('utf-8')).hexdigest()[:12]

    def _make_client(self, region):
        options = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        if region:
            options['alicloud_region'] = region
        return client_from_options(options)

    def _read(self):
        if not HAS_REQUESTS:
            raise AnsibleError(missing_required_lib('requests'))
        filters = self._filters()
        workers = self.get_option('max_workers')
        try:
            self._make_client(None).close()  # bad options or missing credentials fail here, before any call
            data = read_clusters(self._make_client, self.get_option('regions') or [None], filters,
                                 include_masters=self.get_option('include_masters'), workers=workers,
                                 pool_names=self.get_option('nodepool_names'))
        except AckModuleError as e:
            raise AnsibleParserError(e.msg)
        except AckApiError as e:
            raise AnsibleError(one_line(e))
        for cluster_id in filters.missing():
            self.display.warning('alicloud.ack.ack: cluster %s not found; skipped (cluster_ids)' % cluster_id)
        return data

    def _populate(self, data):
        preferences = self.get_option('hostnames')
        address = self.get_option('ansible_host')
        strict = self.get_option('strict')
        owners = {}
        renamed = []
        for entry in data:
            for node in entry['nodes']:
                hostvars = host_vars(entry['cluster'], node)
                name = host_name(hostvars, preferences)
                if name is None:
                    self.display.vvv('alicloud.ack.ack: node %s has none of %s, left out'
                                     % (node.get('instance_id'), ', '.join(preferences)))
                    continue
                if owners.get(name, node.get('instance_id')) != node.get('instance_id'):
                    renamed.append('%s (%s)' % (node.get('instance_id'), name))
                    name = str(node.get('instance_id'))
                owners[name] = node.get('instance_id')
                self._add_host(name, hostvars, address, strict)
        if renamed:
            self.display.warning('alicloud.ack.ack: %d nodes have the host name of another node (nodes of clusters in '
                                 'different VPCs can share addresses) and are named by instance id: %s'
                                 % (len(renamed), ', '.join(renamed[:5]) + (', ...' if len(renamed) > 5 else '')))

    def _add_host(self, name, hostvars, address, strict):
        self.inventory.add_host(name)
        for group in default_groups(hostvars):
            self.inventory.add_group(group)
            self.inventory.add_child(group, name)
        if address != 'none' and (hostvars.get(address) or hostvars.get('private_ip')):
            hostvars['ansible_host'] = hostvars.get(address) or hostvars.get('private_ip')
        for key, value in hostvars.items():
            self.inventory.set_variable(name, key, wrap_var(value) if MARK_UNSAFE else value)  # data, not templates
        self._set_composite_vars(self.get_option('compose'), hostvars, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option('groups'), hostvars, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, name, strict=strict)


def cache_refusal(error, connection):
    """One line for a cache the options point at and Ansible could not use (the OS error's words, no errno)."""
    cause = error.__cause__
    message = one_line(getattr(error, '_original_message', None) or getattr(error, 'message', None) or error)
    if 'cache' in message and connection and os.path.exists(str(connection)) and not os.path.isdir(str(connection)):
        return 'cache_connection %s is not a folder' % connection
    if isinstance(cause, OSError):
        return '%s: %s' % (message.rstrip('.'), cause.strerror or cause.__class__.__name__)
    return message


def check_cache_place(connection, prefix):
    """A file cache writes <connection>/<prefix><key>: an empty connection is the current folder, and a prefix with
    a / writes outside the folder; both refused."""
    if connection is not None and not str(connection).strip():
        raise AckModuleError('cache_connection is empty; name the folder of the cache (an empty one is the current '
                             'folder)')
    if prefix and ('/' in str(prefix) or '\0' in str(prefix)):
        raise AckModuleError('cache_prefix %r may not hold a / (the cache would be written outside cache_connection)'
                             % str(prefix)[:60])


def check_cache_file(cache, key):
    """Refuse a cache entry that is not a regular file (a pipe would block the read forever). Ansible names a file
    cache's entries <prefix><schema>_<key> in its folder."""
    folder = getattr(getattr(cache, '_plugin', None), '_cache_dir', None)
    try:
        paths = [os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(key)] if folder else []
        wrong = [path for path in paths if not stat.S_ISREG(os.stat(path).st_mode)]
    except OSError:
        return  # no folder or entry yet: the cache plugin says what is wrong
    if wrong:
        raise AnsibleParserError('the cache file %s is not a regular file; remove it or use another cache_connection'
                                 % wrong[0])
