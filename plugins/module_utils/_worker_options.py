# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the worker nodes a task creates, one spec for every module that creates them: ack_cluster (the
nodes of a new cluster), ack_nodes (a scale-out) and the node pool module. Documented once, in the WORKER fragment
of doc_fragments/ack.py. Options only one module has stay in that module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

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
