"""The contract test's scenario (tests/emulator/test_contract.py): every operation of the emulator called through
the official Python SDK (alibabacloud_cs20151215), in states that fill its answer, each raw answer body kept."""
import json

from alibabacloud_cs20151215 import models
from alibabacloud_cs20151215.client import Client
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

from ack_emulator import sdk_shapes
from conftest import MANAGED_BODY

FROM, TO = '1.28.9-aliyun.1', '1.30.1-aliyun.1'
ADDON, ADDON_FROM, ADDON_TO = 'logtail-ds', 'v1.0.29.1-0550501-aliyun', 'v1.2.1.0-6a63b4b-aliyun'
MANIFEST = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n'
KINDS = {
    'Ask': dict(name='contract-ask', cluster_type='Ask', region_id='cn-hangzhou', vpcid='vpc-contract02',
                vswitch_ids=['vsw-contract02'], zone_id='cn-hangzhou-i', nat_gateway=True),
    'Edge': dict(name='contract-edge', cluster_type='ManagedKubernetes', profile='Edge', region_id='cn-hangzhou',
                 vpcid='vpc-contract03', vswitch_ids=['vsw-contract03'], num_of_nodes=1,
                 worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_efficiency',
                 worker_system_disk_size=120, key_pair='test-key', snat_entry=True, endpoint_public_access=True),
    'Kubernetes': dict(name='contract-dedicated', cluster_type='Kubernetes', region_id='cn-hangzhou',
                       vpcid='vpc-contract04', worker_vswitch_ids=['vsw-contract04'],
                       master_vswitch_ids=['vsw-a', 'vsw-b', 'vsw-c'], master_count=3,
                       master_instance_types=['ecs.g7.xlarge'] * 3, master_system_disk_category='cloud_essd',
                       master_system_disk_size=120, num_of_nodes=1, worker_instance_types=['ecs.g7.xlarge'],
                       worker_system_disk_category='cloud_essd', worker_system_disk_size=120,
                       container_cidr='172.30.0.0/16', service_cidr='172.31.0.0/20',
                       login_password='Test-Passw0rd!', snat_entry=True),
}


class CapturingClient(Client):
    """The SDK client keeping each raw answer: (action, HTTP status, body text) in `raw`."""

    def __init__(self, config):
        super().__init__(config)
        self.raw = []

    def call_api(self, params, request, runtime):
        wanted = params.body_type
        params.body_type = 'byte'  # the SDK then hands the body over unread
        try:
            answer = super().call_api(params, request, runtime)
        finally:
            params.body_type = wanted
        text = answer['body'].decode('utf-8')
        self.raw.append((params.action, answer['statusCode'], text))
        answer['body'] = json.loads(text) if wanted in ('json', 'array') else text  # as the SDK would read it
        return answer


class Scenario:
    """Calls operations through the SDK and keeps their raw answers: answers[operation] = [body, ...]."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.client = CapturingClient(Config(
            access_key_id=emulator.access_key_id, access_key_secret=emulator.access_key_secret,
            endpoint='127.0.0.1:%d' % emulator.port, protocol='http', region_id='cn-hangzhou'))
        self.answers = {}
        self.unreadable = {}

    def call(self, operation, *path, **fields):
        """The operation through the SDK's `<op>_with_options` (a request model built from fields); returns the
        answer body as parsed JSON (text when it is not JSON). An SDK that cannot read a 2xx answer into its model
        is noted in `unreadable`."""
        method = getattr(self.client, sdk_shapes.sdk_operations()[operation])
        args = list(path)
        # after its path arguments the method takes a request model, when it has one (self, headers, runtime aside)
        if operation + 'Request' in vars(models) and len(args) < method.__code__.co_argcount - 3:
            args.append(getattr(models, operation + 'Request')(**fields))
        count = len(self.client.raw)
        try:
            method(*args, {}, RuntimeOptions())
        except (AttributeError, TypeError, ValueError) as e:
            if len(self.client.raw) == count or self.client.raw[-1][1] >= 300:
                raise
            self.unreadable.setdefault(operation, repr(e))
        action, status, text = self.client.raw[-1]
        assert action == operation and status < 300, (action, status, text)
        body = text
        if sdk_shapes.response_body(operation) is not str:
            try:
                body = json.loads(text) if text else None
            except ValueError:
                pass
        self.answers.setdefault(operation, []).append(body)
        return body

    def instant(self, scale=0):
        self.emulator.set_time_scale(scale)

    def create(self, body):
        answer = self.call('CreateCluster', **body)
        self.emulator.wait_cluster(answer['cluster_id'])
        return answer

    def run(self):
        e, call = self.emulator, self.call
        self.instant()
        call('DescribeUserQuota')
        call('DescribeKubernetesVersionMetadata', region='cn-hangzhou', cluster_type='ManagedKubernetes')
        call('DescribeKubernetesVersionMetadata', region='cn-hangzhou', cluster_type='ManagedKubernetes',
             kubernetes_version=FROM, query_upgradable_version=True)
        call('DescribeAddons', region='cn-hangzhou', cluster_type='ManagedKubernetes')
        call('DescribeAddons', region='cn-hangzhou', cluster_type='Ask')

        body = dict(MANAGED_BODY, name='contract-managed', kubernetes_version=FROM, deletion_protection=False,
                    tags=[models.Tag(key='team', value='a')], addons=[models.Addon(name='terway-eniip')])
        created = self.create(body)
        cid = created['cluster_id']
        call('DescribeTaskInfo', created['task_id'])
        others = [self.create(kind)['cluster_id'] for kind in KINDS.values()]
        for c in [cid] + others:
            call('DescribeClusterDetail', c)
        call('DescribeClusters')
        call('DescribeClusters', cluster_type='Ask')
        call('DescribeClustersV1', page_size=2, page_number=1)
        call('DescribeClustersV1', name='contract-managed', region_id='cn-hangzhou')

        call('ModifyCluster', cid, deletion_protection=True, resource_group_id='rg-contract', api_server_eip=True,
             api_server_eip_id='eip-contract')
        e.wait_cluster(cid)
        call('ModifyClusterTags', cid, body=[models.Tag(key='ack.aliyun.com', value=cid),
                                             models.Tag(key='team', value='b')])
        call('ListTagResources', region_id='cn-hangzhou', resource_type='CLUSTER', resource_ids=[cid])
        call('DescribeClusterResources', cid)
        call('DescribeClusterLogs', cid)
        call('DescribeExternalAgent', cid)
        call('DescribeExternalAgent', cid, private_ip_address='true')
        call('DescribeClusterUserKubeconfig', cid)
        call('DescribeClusterUserKubeconfig', cid, private_ip_address=True, temporary_duration_minutes=60)
        call('DescribeClusterAttachScripts', cid, arch='amd64', format_disk=True, keep_instance_name=True)
        self.nodes(cid)
        self.nodepools(cid)
        self.addons(cid)
        self.templates()
        self.upgrade(cid)
        self.failed_task(cid)
        self.operations(cid)
        call('ModifyCluster', cid, deletion_protection=False)
        call('DeleteCluster', cid, retain_all_resources=False)
        call('DeleteCluster', others[0], keep_slb=False)
        return self

    def nodes(self, cid):
        e, call = self.emulator, self.call
        scaled = call('ScaleOutCluster', cid, count=2, key_pair='test-key', vswitch_ids=['vsw-test0001'],
                      worker_instance_types=['ecs.g7.xlarge'], worker_system_disk_category='cloud_essd',
                      worker_system_disk_size=120, tags=[models.Tag(key='node', value='new')],
                      taints=[models.Taint(key='dedicated', value='x', effect='NoSchedule')])
        e.wait_task(scaled['task_id'])
        call('DescribeTaskInfo', scaled['task_id'])
        e.wait_cluster(cid)
        listed = call('DescribeClusterNodes', cid, page_size='10', page_number='1')['nodes']
        call('DescribeClusterNodes', cid, state='running', page_size='1', page_number='2')
        workers = [n for n in listed if n.get('instance_role') != 'Master']
        e.admin('instances', {'instances': [{'instance_id': 'i-contract0001', 'kind': 'ecs'}]})
        attached = call('AttachInstances', cid, instances=['i-contract0001'], password='Test-Passw0rd!',
                        format_disk=False, keep_instance_name=True, tags=[models.Tag(key='node', value='old')])
        e.wait_cluster(cid)
        if attached.get('task_id'):
            e.wait_task(attached['task_id'])
        call('RemoveClusterNodes', cid, nodes=[workers[0]['node_name']], drain_node=True, release_node=False)
        e.wait_cluster(cid)
        call('DeleteClusterNodes', cid, nodes=[workers[1]['node_name']], release_node=True, drain_node=False)
        e.wait_cluster(cid)

    def nodepools(self, cid):
        e, call = self.emulator, self.call
        pool = call('CreateClusterNodePool', cid, nodepool_info=models.CreateClusterNodePoolRequestNodepoolInfo(
            name='contract-pool'), scaling_group=models.CreateClusterNodePoolRequestScalingGroup(
            instance_types=['ecs.g7.xlarge'], vswitch_ids=['vsw-test0001'], key_pair='test-key', desired_size=2,
            data_disks=[models.DataDisk(category='cloud_essd', size=120, encrypted='true')],
            tags=[models.Tag(key='pool', value='contract')]),
            kubernetes_config=models.CreateClusterNodePoolRequestKubernetesConfig(
                runtime='containerd', labels=[models.Tag(key='tier', value='web')],
                taints=[models.Taint(key='dedicated', value='web', effect='NoSchedule')]),
            auto_scaling=models.CreateClusterNodePoolRequestAutoScaling(enable=False))
        pid = pool['nodepool_id']
        call('DescribeTaskInfo', pool['task_id'])  # under way
        e.wait_task(pool['task_id'])
        call('DescribeClusterNodePools', cid)
        call('DescribeClusterNodePools', cid, nodepool_name='contract-pool')
        call('DescribeClusterNodePoolDetail', cid, pid)
        done = call('ModifyClusterNodePool', cid, pid, update_nodes=True,
                    scaling_group=models.ModifyClusterNodePoolRequestScalingGroup(desired_size=3),
                    kubernetes_config=models.ModifyClusterNodePoolRequestKubernetesConfig(
                        labels=[models.Tag(key='tier', value='api')]))
        e.wait_task(done['task_id'])
        e.wait_task(call('ScaleClusterNodePool', cid, pid, count=1)['task_id'])
        e.admin('instances', {'instances': [{'instance_id': 'i-contract0002', 'kind': 'ecs'}]})
        e.wait_task(call('AttachInstancesToNodePool', cid, pid, instances=['i-contract0002'],
                         password='Test-Passw0rd!', format_disk=False, keep_instance_name=True)['task_id'])
        names = [n['node_name'] for n in self.emulator.signed(
            'GET', '/clusters/%s/nodes' % cid, query={'nodepool_id': pid}, action='DescribeClusterNodes').json['nodes']]
        e.wait_task(call('RemoveNodePoolNodes', cid, pid, nodes=names[:1], drain_node=True,
                         release_node=True)['task_id'])
        e.wait_task(call('UpgradeClusterNodepool', cid, pid, kubernetes_version=FROM,
                         image_id='aliyun_3_x64_20G_alibase_20240819.vhd')['task_id'])
        e.wait_task(call('DeleteClusterNodepool', cid, pid, force=True)['task_id'])
        call('DescribeClusterNodePoolDetail', cid, call('DescribeClusterNodePools', cid)['nodepools'][0][
            'nodepool_info']['nodepool_id'])  # the default pool

    def addons(self, cid):
        e, call = self.emulator, self.call
        body = models.InstallClusterAddonsRequestBody
        done = call('InstallClusterAddons', cid, body=[body(name=ADDON, version=ADDON_FROM, config='{}')])
        call('DescribeClusterAddonUpgradeStatus', cid, ADDON)
        if isinstance(done, dict) and done.get('task_id'):
            e.wait_task(done['task_id'])
        call('DescribeClusterAddonsVersion', cid)
        call('DescribeClusterAddonUpgradeStatus', cid, ADDON)
        call('DescribeClusterAddonsUpgradeStatus', cid, component_ids=[ADDON, 'terway-eniip'])
        up = models.UpgradeClusterAddonsRequestBody
        call('UpgradeClusterAddons', cid, body=[up(component_name=ADDON, version=ADDON_FROM, next_version=ADDON_TO)])
        call('DescribeClusterAddonsUpgradeStatus', cid, component_ids=[ADDON])
        gone = models.UnInstallClusterAddonsRequestAddons
        call('UnInstallClusterAddons', cid, addons=[gone(name=ADDON, cleanup_cloud_resources=True)])

    def templates(self):
        call = self.call
        tid = call('CreateTemplate', name='contract-web', template=MANIFEST, template_type='kubernetes',
                   description='web', tags='common')['template_id']
        call('DescribeTemplates', template_type='kubernetes', page_num=1, page_size=10)
        call('DescribeTemplateAttribute', tid, template_type='kubernetes')
        call('UpdateTemplate', tid, description='web v2', template=MANIFEST + '# v2\n', name='contract-web',
             tags='a', template_type='kubernetes')
        call('DescribeTemplateAttribute', tid)
        call('DeleteTemplate', tid)

    def upgrade(self, cid):
        e, call = self.emulator, self.call
        call('GetUpgradeStatus', cid)
        self.instant(1)  # real durations: the upgrade stays under way while it is paused, resumed, canceled
        call('UpgradeCluster', cid, next_version=TO, master_only=True)
        call('GetUpgradeStatus', cid)
        call('PauseClusterUpgrade', cid)
        call('GetUpgradeStatus', cid)
        call('ResumeUpgradeCluster', cid)
        call('CancelClusterUpgrade', cid)
        call('GetUpgradeStatus', cid)
        self.instant()
        e.wait_cluster(cid)
        task = call('UpgradeCluster', cid, next_version=TO, version=FROM,
                    rolling_policy=models.UpgradeClusterRequestRollingPolicy(max_parallelism=1))
        if task.get('task_id'):
            e.wait_task(task['task_id'])
        e.wait_cluster(cid)
        call('GetUpgradeStatus', cid)

    def operations(self, cid):
        """#24: the maintenance window and automatic upgrades, kubeconfig revocation, the task history."""
        call = self.call
        auto = models.ModifyClusterRequestOperationPolicyClusterAutoUpgrade(enabled=True, channel='stable')
        call('ModifyCluster', cid, maintenance_window=models.MaintenanceWindow(
            enable=True, maintenance_time='2024-10-15T03:00:00+08:00', duration='4h', weekly_period='Monday,Thursday',
            recurrence='FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH'),
            operation_policy=models.ModifyClusterRequestOperationPolicy(cluster_auto_upgrade=auto))
        call('DescribeClusterDetail', cid)
        call('ListClusterKubeconfigStates', cid, page_number=1, page_size=10)
        call('RevokeK8sClusterKubeConfig', cid)
        call('ListClusterKubeconfigStates', cid, cloud_service_kube_config=False)
        call('DescribeClusterUserKubeconfig', cid)
        call('DescribeClusterTasks', cid, page_number=1, page_size=5)
        call('DescribeClusterTasks', cid, max_results=2)

    def failed_task(self, cid):
        e, call = self.emulator, self.call
        e.admin('fail-next', {'operation': 'ScaleOutCluster', 'code': 'ContractFailure', 'message': 'injected'})
        scaled = call('ScaleOutCluster', cid, count=1, key_pair='test-key', worker_instance_types=['ecs.g7.xlarge'])
        e.wait_task(scaled['task_id'])
        call('DescribeTaskInfo', scaled['task_id'])
        e.wait_cluster(cid)


