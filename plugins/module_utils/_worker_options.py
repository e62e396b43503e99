# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the worker nodes a task creates, one spec for every module that creates them: ack_cluster (the
nodes of a new cluster), ack_nodes (a scale-out) and the node pool module. Documented once, in the WORKER fragment
of doc_fragments/ack.py. Options only one module has stay in that module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_range

# Instance types that run sandboxed containers: ScaleOutCluster (reference 7.2.3) lists these three; CreateCluster
# (7.1.5) lists only the first two, so a new cluster is held to those.
SANDBOX_INSTANCE_TYPES = ('ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge', 'ecs.ebmgn6i.24xlarge')
SANDBOX_CREATE_INSTANCE_TYPES = SANDBOX_INSTANCE_TYPES[:2]
SANDBOX_MIN_DATA_DISK = 200  # GiB, 7.1.5 and 7.2.3

# A data disk: only size is required. The reference's worker_data_disks (7.1.1 to 7.1.5) makes no field required,
# and the SDK's DataDisk model says category defaults to cloud_efficiency; ENS nodes take a size and no category.
DATA_DISK = dict(
    category=dict(type='str'),
    size=dict(type='int', required=True),
    encrypted=dict(type='bool'),
    performance_level=dict(type='str'),
)
TAINT = dict(
    key=dict(type='str', required=True, no_log=False),
    value=dict(type='str'),
    effect=dict(type='str', choices=['NoSchedule', 'NoExecute', 'PreferNoSchedule'], default='NoSchedule'),
)

WORKER_ARGSPEC = dict(
    worker_instance_types=dict(type='list', elements='str'),
    worker_system_disk_category=dict(type='str'),
    worker_system_disk_size=dict(type='int'),
    worker_data_disks=dict(type='list', elements='dict', options=DATA_DISK),
    worker_instance_charge_type=dict(type='str', choices=['PrePaid', 'PostPaid']),
    worker_period=dict(type='int'),
    worker_period_unit=dict(type='str', choices=['Month', 'Week']),
    worker_auto_renew=dict(type='bool'),
    worker_auto_renew_period=dict(type='int'),
    key_pair=dict(type='str', no_log=False),
    login_password=dict(type='str', no_log=True, aliases=['password']),
    cpu_policy=dict(type='str', choices=['none', 'static']),
    cloud_monitor_flags=dict(type='bool'),
    image_id=dict(type='str'),
    user_data=dict(type='str'),
    taints=dict(type='list', elements='dict', options=TAINT),
)

# What each write that creates worker nodes documents of their options: (smallest, largest) system and data disk in
# GiB, and the most data disks, vSwitches and instance types. CreateCluster: the SDK (system disk 40 to 500) and the
# reference (7.1.x: data disks from 20 GiB, one to three vSwitches); ScaleOutCluster: the same worker fields (7.2.1,
# 7.2.3: one to three vSwitches); node pools: the SDK's CreateClusterNodePool and DataDisk models.
_NEW_WORKERS = dict(system_disk=(40, 500), data_disk=(20, 32768), data_disks=None, vswitches=3, instance_types=None)
WORKER_LIMITS = dict(
    create=_NEW_WORKERS,
    scale_out=_NEW_WORKERS,
    nodepool=dict(system_disk=(20, 2048), data_disk=(40, 32768), data_disks=10, vswitches=8, instance_types=10),
)


def check_worker_limits(params, limits, least_data_disk=None, vswitch_options=('vswitch_ids',)):
    """The worker options given, within the operation's documented limits (WORKER_LIMITS), before any call."""
    check_range('worker_system_disk_size', params.get('worker_system_disk_size'), *limits['system_disk'], unit=' GiB')
    disks = params.get('worker_data_disks') or []
    if limits['data_disks'] is not None and len(disks) > limits['data_disks']:
        raise AckModuleError('worker_data_disks: at most %d data disks, got %d' % (limits['data_disks'], len(disks)))
    low, high = least_data_disk or limits['data_disk'][0], limits['data_disk'][1]
    for disk in disks:
        check_range('worker_data_disks size', disk.get('size'), low, high, ' GiB')
    counts = [(name, limits['vswitches']) for name in vswitch_options]
    counts.append(('worker_instance_types', limits['instance_types']))
    for name, most in counts:
        given = params.get(name) or []
        if most is not None and len(given) > most:
            raise AckModuleError('%s: at most %d, got %d' % (name, most, len(given)))
