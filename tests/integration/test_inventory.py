"""The alicloud.ack.ack inventory plugin against the emulator: hosts, groups, hostvars, filters, keyed groups,
cache, throttling and errors, through ansible-inventory as users run it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ack_emulator.client import SignedClient

WEB = {  # managed, cn-hangzhou, 2 workers
    'name': 'web', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-inv0001',
    'vswitch_ids': ['vsw-inv0001'], 'zone_id': 'cn-hangzhou-h', 'container_cidr': '172.20.0.0/16',
    'service_cidr': '172.21.0.0/20', 'num_of_nodes': 2, 'worker_instance_types': ['ecs.g7.xlarge'],
    'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
    'snat_entry': True,
    'tags': [{'key': 'env', 'value': 'prod'}, {'key': 'team', 'value': 'web'}, {'key': 'note', 'value': '{{ 6 * 7 }}'}],
}
BATCH = {  # dedicated, cn-beijing, 3 masters + 1 worker
    'name': 'batch', 'cluster_type': 'Kubernetes', 'region_id': 'cn-beijing', 'vpcid': 'vpc-inv0002',
    'worker_vswitch_ids': ['vsw-inv0002'], 'master_vswitch_ids': ['vsw-inv0002'], 'master_count': 3,
    'master_instance_types': ['ecs.g7.large'], 'master_system_disk_category': 'cloud_essd',
    'master_system_disk_size': 120, 'num_of_nodes': 1, 'worker_instance_types': ['ecs.g6.xlarge'],
    'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'container_cidr': '172.30.0.0/16',
    'service_cidr': '172.31.0.0/20', 'login_password': 'Inv-Passw0rd!', 'snat_entry': True,
    'tags': [{'key': 'env', 'value': 'dev'}],
}
ASK = {  # serverless: no nodes, so no node call
    'name': 'fn', 'cluster_type': 'Ask', 'region_id': 'cn-hangzhou', 'vpcid': 'vpc-inv0003',
    'vswitch_ids': ['vsw-inv0003'], 'zone_id': 'cn-hangzhou-i', 'nat_gateway': True, 'private_zone': True,
}
BOTH = 'regions: [cn-hangzhou, cn-beijing]\n'


@pytest.fixture
def inv(playbook, emulator):
    """(run, clusters): run(config_text, *args, tool='ansible-inventory', **env) -> CompletedProcess (args default
    to --list); clusters holds the three clusters' ids and the nodes the API lists for them."""
    ids = emulator.seed_clusters([WEB, BATCH, ASK])
    client = SignedClient(emulator.url, emulator.access_key_id, emulator.access_key_secret)
    nodes = {}
    for cid in ids[:2]:
        answer = client.call('GET', '/clusters/%s/nodes' % cid, query={'pageSize': 100}, action='DescribeClusterNodes')
        nodes[cid] = answer.json['nodes']
    path = playbook.workdir / 'cloud.ack.yml'

    def run(config, *args, **env):
        tool = env.pop('tool', 'ansible-inventory')
        path.write_text('plugin: alicloud.ack.ack\n' + config)
        cmd = [str(Path(sys.executable).with_name(tool)), '-i', str(path)] + list(args or ['--list'])
        return subprocess.run(cmd, env=playbook.env(**env), cwd=str(playbook.workdir), capture_output=True,
                              text=True, timeout=300, check=False)
    return run, dict(web=ids[0], batch=ids[1], ask=ids[2], nodes=nodes)


def listing(result):
    assert result.returncode == 0, result.stderr
    assert '[WARNING]' not in result.stderr, result.stderr
    return plain(json.loads(result.stdout))


def plain(data):
    """ansible-inventory marks every string the plugin read from the API as unsafe (never templated): unwrap."""
    if isinstance(data, dict):
        if set(data) == {'__ansible_unsafe'}:
            return data['__ansible_unsafe']
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def hosts_of(data, group):
    return set(data.get(group, {}).get('hosts', []))


def calls(emulator):
    stats = emulator.stats()
    return {op: stats.get(op, 0) for op in ('DescribeClustersV1', 'DescribeClusterNodes')}


def test_hosts_groups_and_hostvars(inv, emulator):
    run, c = inv
    before = calls(emulator)
    data = listing(run(BOTH))
    after = calls(emulator)
    # one cluster page per region, one node page per cluster with nodes (the serverless one has none)
    assert after['DescribeClustersV1'] - before['DescribeClustersV1'] == 2
    assert after['DescribeClusterNodes'] - before['DescribeClusterNodes'] == 2

    web, batch = c['nodes'][c['web']], c['nodes'][c['batch']]
    hostvars = data['_meta']['hostvars']
    assert set(hostvars) == {n['node_name'] for n in web + batch}
    assert hosts_of(data, 'ack_cluster_web') == {n['node_name'] for n in web}
    assert hosts_of(data, 'ack_cluster_batch') == {n['node_name'] for n in batch}
    masters = {n['node_name'] for n in batch if n['instance_role'] == 'Master'}
    assert len(masters) == 3 and hosts_of(data, 'ack_role_master') == masters
    assert hosts_of(data, 'ack_role_worker') == set(hostvars) - masters
    assert hosts_of(data, 'ack_state_running') == set(hostvars)
    assert hosts_of(data, 'ack_instance_type_ecs_g7_xlarge') == {n['node_name'] for n in web}
    assert hosts_of(data, 'ack_instance_type_ecs_g7_large') == masters
    assert hosts_of(data, 'ack_zone_cn_hangzhou_h') == {n['node_name'] for n in web}
    pool = web[0]['nodepool_id']
    assert pool and hosts_of(data, 'ack_nodepool_' + pool) == {n['node_name'] for n in web}
    # and by the pool's name: the workers a cluster is made with are in its default pool
    assert hosts_of(data, 'ack_nodepool_default_nodepool') == {n['node_name'] for n in web + batch
                                                               if n['instance_role'] == 'Worker'}

    node = web[0]
    hv = hostvars[node['node_name']]
    for key, value in node.items():
        assert hv[key] == value, key
    assert hv['nodepool_name'] == 'default-nodepool'
    assert hv['ansible_host'] == hv['private_ip'] == node['ip_address'][0]
    assert hv['public_ip'] is None
    assert hv['cluster_id'] == c['web'] and hv['cluster_name'] == 'web' and hv['region_id'] == 'cn-hangzhou'
    assert hv['cluster_type'] == 'ManagedKubernetes' and hv['cluster_version'] and hv['cluster_state'] == 'running'
    assert hv['cluster_tags']['env'] == 'prod' and hv['cluster_tags']['team'] == 'web'
    assert hostvars[sorted(masters)[0]]['cluster_tags']['env'] == 'dev'

    graph = run(BOTH, '--graph')
    assert graph.returncode == 0, graph.stderr
    assert '@ack_cluster_web:' in graph.stdout and '|--%s' % node['node_name'] in graph.stdout

    # what the API says is data, never a template
    shown = run(BOTH, node['node_name'], '-m', 'ansible.builtin.debug', '-a', 'var=cluster_tags.note', tool='ansible')
    assert shown.returncode == 0 and '"cluster_tags.note": "{{ 6 * 7 }}"' in shown.stdout, shown.stdout


def test_filters_keyed_groups_and_names(inv, emulator):
    run, c = inv
    web, batch = c['nodes'][c['web']], c['nodes'][c['batch']]
    # tags, hostnames by instance id, keyed_groups, groups and compose; legacy ALICLOUD_* credentials
    legacy = dict(ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='',
                  ALICLOUD_ACCESS_KEY=emulator.access_key_id, ALICLOUD_SECRET_KEY=emulator.access_key_secret)
    data = listing(run(BOTH + """cluster_tags: {env: prod, team: null}
hostnames: [instance_id]
keyed_groups:
  - key: cluster_tags.team
    prefix: team
  - key: instance_type_family
    prefix: family
groups:
  big: instance_type == 'ecs.g7.xlarge'
compose:
  ansible_user: "'ecs-user'"
strict: true
""", **legacy))
    ids = {n['instance_id'] for n in web}
    assert set(data['_meta']['hostvars']) == ids
    assert hosts_of(data, 'team_web') == ids and hosts_of(data, 'family_ecs_g7') == ids and hosts_of(data, 'big') == ids
    assert {hv['ansible_user'] for hv in data['_meta']['hostvars'].values()} == {'ecs-user'}

    # type and name filters, masters left out, named by IP; endpoint and region from the file
    before = calls(emulator)
    data = listing(run("""cluster_types: [Kubernetes]
cluster_names: [batch, nothing]
include_masters: false
hostnames: [private_ip]
endpoint: %s
alicloud_region: cn-beijing
""" % emulator.url, ALIBABA_CLOUD_ACK_ENDPOINT='http://127.0.0.1:9', ALIBABA_CLOUD_REGION_ID='cn-qingdao'))
    workers = [n for n in batch if n['instance_role'] == 'Worker']
    assert set(data['_meta']['hostvars']) == {n['ip_address'][0] for n in workers} and len(workers) == 1
    assert calls(emulator)['DescribeClusterNodes'] - before['DescribeClusterNodes'] == 1

    # by id: nothing else is read
    data = listing(run(BOTH + 'cluster_ids: [%s]\n' % c['web']))
    assert {hv['cluster_id'] for hv in data['_meta']['hostvars'].values()} == {c['web']}

    # strict: a keyed group on a missing variable fails the source
    result = run('keyed_groups:\n  - key: no_such_var\nstrict: true\n', ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
    assert result.returncode != 0 and 'no_such_var' in result.stderr


def test_cache_refresh_makes_no_call(inv, emulator, tmp_path):
    run, c = inv
    config = BOTH + 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 600\n' \
        % (tmp_path / 'cache')
    first = listing(run(config))
    before = emulator.stats()
    second = listing(run(config))
    assert emulator.stats() == before  # no API call at all
    assert second == first and len(first['_meta']['hostvars']) == 6
    # another filter is another cache entry; --flush-cache reads again
    assert len(listing(run(config + 'include_masters: false\n'))['_meta']['hostvars']) == 3
    listing(run(config, '--list', '--flush-cache'))
    assert calls(emulator)['DescribeClusterNodes'] > before.get('DescribeClusterNodes', 0) + 2


def test_throttled_calls_are_retried(inv, emulator):
    run, c = inv
    emulator.faults(throttle_rate=0.5, seed=7, operations=['DescribeClustersV1', 'DescribeClusterNodes'])
    data = listing(run(BOTH + 'api_retries: 20\napi_retry_max_delay: 1\n'))
    emulator.faults()
    assert len(data['_meta']['hostvars']) == 6
    assert sum(emulator.admin('stats')['faults_injected'].values()) > 0


def test_errors_are_one_line_without_secrets(inv, emulator):
    run = inv[0]
    strict = dict(ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
    result = run('alicloud_secret_key: wrong-secret-123\nalicloud_access_key: %s\n' % emulator.access_key_id,
                 '--list', '-vvv', **strict)
    assert result.returncode != 0
    assert 'DescribeClustersV1 failed: SignatureDoesNotMatch' in result.stderr, result.stderr
    assert 'wrong-secret-123' not in result.stderr + result.stdout
    result = run('', ALIBABA_CLOUD_ACCESS_KEY_ID='', ALIBABA_CLOUD_ACCESS_KEY_SECRET='', **strict)
    assert result.returncode != 0 and 'credentials' in result.stderr.lower() and 'Traceback' not in result.stderr
    result = run('endpoint: "ftp://x"\n', **strict)
    assert result.returncode != 0 and 'endpoint' in result.stderr
