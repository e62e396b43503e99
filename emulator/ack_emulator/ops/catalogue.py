"""What ACK offers, as data every operation reads: Kubernetes versions, runtimes, instance types, disks, periods,
regions, cluster types and the add-on catalogue. Nothing here reads a request or the store.

"Reference" below is /work/shared/spec/ack-api-reference.txt (section numbers), "notes" its protocol-notes.
"""
import re

# -- Kubernetes versions -------------------------------------------------------------------------------------
# Oldest first. CreateCluster takes any patch of a minor offered here (default: the newest); ACK upgrades one
# catalogue step at a time (1.14 -> 1.16 -> ...) or to a newer patch of the same minor.
KUBERNETES_VERSIONS = (
    '1.14.8-aliyun.1',
    '1.16.9-aliyun.1',
    '1.18.8-aliyun.1',
    '1.20.11-aliyun.1',
    '1.22.15-aliyun.1',
    '1.24.6-aliyun.1',
    '1.26.15-aliyun.1',
    '1.28.9-aliyun.1',
    '1.30.1-aliyun.1',
    '1.31.1-aliyun.1',
)
VERSION_RE = re.compile(r'^(\d+)\.(\d+)\.(\d+)-aliyun\.(\d+)$')


def parse_version(text):
    """``'1.28.9-aliyun.1'`` -> ``(1, 28, 9, 1)``; None when it is not an ACK version."""
    m = VERSION_RE.match(text or '')
    return tuple(int(x) for x in m.groups()) if m else None


def minors():
    """The ``(major, minor)`` pairs of the catalogue, oldest first."""
    return sorted({parse_version(v)[:2] for v in KUBERNETES_VERSIONS})


def next_versions(current):
    """Versions a cluster running ``current`` may be upgraded to: newer patches of its minor, and the next minor
    of the catalogue (its latest patch)."""
    cur = parse_version(current)
    if cur is None:
        return []
    out = [v for v in KUBERNETES_VERSIONS if parse_version(v)[:2] == cur[:2] and parse_version(v) > cur]
    higher = [m for m in minors() if m > cur[:2]]
    if higher:
        same = [v for v in KUBERNETES_VERSIONS if parse_version(v)[:2] == higher[0]]
        out.append(max(same, key=parse_version))
    return out


# -- runtimes ------------------------------------------------------------------------------------------------
RUNTIMES = {'docker': '19.03.15', 'containerd': '1.6.28', 'Sandboxed-Container.runv': '1.0.0'}
SANDBOX_RUNTIME = 'Sandboxed-Container.runv'
SANDBOX_MIN_VERSION = (1, 14, 6)    # reference 7.1.5: 1.14.6-aliyun.1 and later
CONTAINERD_FROM = (1, 24)           # docker is refused (and containerd the default) from this minor

# -- instance types and images -------------------------------------------------------------------------------
INSTANCE_TYPE_RE = re.compile(r'^ecs\.[a-z0-9-]+\.[a-z0-9-]+$')
# Bare-metal types of sandboxed containers: CreateCluster takes the two of reference 7.1.5, ScaleOutCluster the
# three of reference 7.2.3 (which adds ecs.ebmgn6i.24xlarge).
SANDBOXED_CREATE_TYPES = ('ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge')
SANDBOXED_SCALE_OUT_TYPES = SANDBOXED_CREATE_TYPES + ('ecs.ebmgn6i.24xlarge',)
SANDBOXED_MIN_DATA_DISK = 200       # GiB (reference 7.1.5 and 7.2.3)
DEFAULT_INSTANCE_TYPE = 'ecs.g6.xlarge'
DEFAULT_MASTER_TYPE = 'ecs.g6.large'
DEFAULT_ENS_TYPE = 'ens.sn1.stiny'
DEFAULT_IMAGE = 'aliyun_2_1903_x64_20G_alibase_20210726.vhd'
DEFAULT_ENS_IMAGE = 'centos_7_06_64_20G_alibase_20190218.vhd'

# -- disks ---------------------------------------------------------------------------------------------------
# CreateCluster also takes cloud_auto (ESSD AutoPL, newer than the reference); ScaleOutCluster keeps the four
# categories of reference 7.2 and 7.2.3.
SCALE_OUT_DISK_CATEGORIES = ('cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd')
DISK_CATEGORIES = SCALE_OUT_DISK_CATEGORIES + ('cloud_auto',)

# -- billing -------------------------------------------------------------------------------------------------
CHARGE_TYPES = ('PrePaid', 'PostPaid')
# subscription periods by unit: 7.1.1 (Month 1, 2, 3, 6, 12) and 7.1.5 (Week 1-4); a sandboxed-container
# cluster's workers take 7.1.5's months (1-9, 12, 24, 36, 48, 60); auto-renewal periods: 7.1.1 and 7.1.5 (Week 1-3)
PERIODS = {'Month': (1, 2, 3, 6, 12), 'Week': (1, 2, 3, 4)}
SANDBOXED_PERIODS = {'Month': (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60), 'Week': (1, 2, 3, 4)}
AUTO_RENEW_PERIODS = {'Month': (1, 2, 3, 6, 12), 'Week': (1, 2, 3)}
MASTER_PERIODS = {'Month': PERIODS['Month']}    # 7.1.1: master_period_unit is Month
ENS_PERIODS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12)                 # months (reference 7.2.2)
ENS_CHARGE_TYPES = ('BandwidthByDay', 'BandwidthByMonth')

# -- regions and cluster types -------------------------------------------------------------------------------
# region -> its zone letters (the first is the default zone)
REGIONS = {
    'cn-qingdao': 'bc', 'cn-beijing': 'abcdefghijkl', 'cn-zhangjiakou': 'abc', 'cn-huhehaote': 'ab',
    'cn-wulanchabu': 'abc', 'cn-hangzhou': 'bfghijkm', 'cn-shanghai': 'abcdefgklmn', 'cn-nanjing': 'a',
    'cn-fuzhou': 'a', 'cn-shenzhen': 'abcdef', 'cn-heyuan': 'ab', 'cn-guangzhou': 'ab', 'cn-chengdu': 'ab',
    'cn-hongkong': 'bcd', 'ap-northeast-1': 'abc', 'ap-northeast-2': 'a', 'ap-southeast-1': 'abc',
    'ap-southeast-3': 'ab', 'ap-southeast-5': 'abc', 'ap-southeast-6': 'ab', 'ap-southeast-7': 'a',
    'ap-south-1': 'ab', 'us-east-1': 'ab', 'us-west-1': 'ab', 'eu-west-1': 'ab', 'eu-central-1': 'abc',
    'me-east-1': 'a', 'me-central-1': 'a', 'cn-shanghai-finance-1': 'abz', 'cn-shenzhen-finance-1': 'ade',
    'cn-beijing-finance-1': 'a',
}
CLUSTER_TYPES = {'kubernetes': 'Kubernetes', 'managedkubernetes': 'ManagedKubernetes', 'ask': 'Ask'}
# the cluster_type values of the metadata reads (DescribeAddons, DescribeKubernetesVersionMetadata), lower case
METADATA_CLUSTER_TYPES = ('kubernetes', 'managedkubernetes', 'ask', 'externalkubernetes')
METADATA_CLUSTER_TYPES_TEXT = 'Kubernetes, ManagedKubernetes, Ask, ExternalKubernetes'
CLUSTER_SPECS = ('ack.standard', 'ack.pro.small')
CPU_POLICIES = ('none', 'static')
PROXY_MODES = ('iptables', 'ipvs')
OS_TYPES = ('Linux', 'Windows')
TAINT_EFFECTS = ('NoSchedule', 'NoExecute', 'PreferNoSchedule')

# -- add-ons -------------------------------------------------------------------------------------------------
# name: (group, description, [current version, newer version], required, supported on serverless (Ask))
ADDONS = {
    'coredns': ('core', 'CoreDNS, the cluster DNS server', ['v1.8.4.1-3a376cc-aliyun', 'v1.9.3.10-7dfca203-aliyun'],
                True, True),
    'cloud-controller-manager': ('core', 'Cloud Controller Manager: SLB and route management',
                                 ['v2.1.0', 'v2.5.0'], True, False),
    'flannel': ('network', 'Flannel container network plug-in', ['v0.15.1.4-e02c8f12-aliyun',
                                                                 'v0.15.1.22-20a397e6-aliyun'], False, False),
    'terway-eniip': ('network', 'Terway container network plug-in (ENI multi-IP mode)', ['v1.2.3', 'v1.5.5'],
                     False, False),
    'csi-plugin': ('storage', 'CSI plug-in for disks, NAS and OSS volumes',
                   ['v1.22.11-abbb810e-aliyun', 'v1.24.3-55228c1-aliyun'], False, False),
    'csi-provisioner': ('storage', 'CSI provisioner: dynamic disk, NAS and OSS volumes',
                        ['v1.22.11-abbb810e-aliyun', 'v1.24.3-55228c1-aliyun'], False, False),
    'flexvolume': ('storage', 'FlexVolume storage plug-in (legacy)', ['v1.14.8.109-649dc5a-aliyun',
                                                                      'v1.14.8.112-1d6c8bc-aliyun'], False, False),
    'alicloud-disk-controller': ('storage', 'Disk controller for FlexVolume (legacy)',
                                 ['v1.14.8.37-bd3fd891-aliyun', 'v1.14.8.44-c23b62c5-aliyun'], False, False),
    'logtail-ds': ('logging', 'Log Service agent (Logtail DaemonSet)', ['v1.0.29.1-0550501-aliyun',
                                                                       'v1.2.1.0-6a63b4b-aliyun'], False, False),
    'aliyun-log-controller': ('logging', 'Log Service controller', ['v0.2.0.0-76d8c7b-aliyun',
                                                                   'v0.3.2.0-d3c1b6f-aliyun'], False, True),
    'nginx-ingress-controller': ('ingress', 'NGINX Ingress controller', ['v1.2.1-aliyun.1', 'v1.8.0-aliyun.1'],
                                 False, True),
    'metrics-server': ('monitor', 'Metrics Server: resource metrics for HPA and kubectl top',
                       ['v0.3.9.4-ff225cd-aliyun', 'v0.3.9.7-0a3eb6b5-aliyun'], False, True),
    'ack-node-problem-detector': ('monitor', 'Node problem detector and event exporter', ['1.2.7', '1.2.16'],
                                  False, False),
    'arms-prometheus': ('monitor', 'Managed Service for Prometheus agent', ['1.1.3', '1.1.17'], False, True),
}
ADDON_GROUP_DEFAULTS = {   # DescribeAddons' ``default`` of each group
    'core': ['coredns', 'cloud-controller-manager'],
    'network': ['flannel'],
    'storage': ['csi-plugin', 'csi-provisioner'],
    'logging': [],
    'ingress': ['nginx-ingress-controller'],
    'monitor': ['metrics-server'],
}
# what CreateCluster installs when its body names no add-ons (serverless clusters: CoreDNS and metrics-server)
DEFAULT_ADDONS = ('coredns', 'cloud-controller-manager', 'flannel', 'csi-plugin', 'csi-provisioner',
                  'metrics-server', 'nginx-ingress-controller')
DEFAULT_ASK_ADDONS = ('coredns', 'metrics-server')
# what it installs even when the body names other add-ons, unless the body lists them with ``disabled: true``
# (reference 7.1.1, 7.1.2: "The nginx-ingress-controller component is installed by default")
ALWAYS_ADDONS = ('nginx-ingress-controller', 'metrics-server')
ALWAYS_ASK_ADDONS = ('metrics-server',)
NETWORK_PLUGINS = ('flannel', 'terway-eniip')
