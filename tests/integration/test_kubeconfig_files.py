"""Issue #28: ack_kubeconfig against files a careless or hostile user points it at, through ansible-playbook.

Each refusal is one line without a traceback, the file keeps its bytes, the folder gains no file (no temporary one
left behind), a named pipe does not block the task; a symlink is written through and stays a link.
"""
import os
import stat

import pytest

from cases import assert_one_line_failure, run_cases
from conftest import Playbook

SEEDED = {'name': 'kube-files', 'cluster_type': 'ManagedKubernetes', 'region_id': 'cn-hangzhou',
          'vpcid': 'vpc-kube0001', 'vswitch_ids': ['vsw-kube0001'], 'num_of_nodes': 1,
          'kubernetes_version': '1.28.9-aliyun.1', 'worker_instance_types': ['ecs.g7.xlarge'],
          'worker_system_disk_category': 'cloud_essd', 'worker_system_disk_size': 120, 'key_pair': 'k',
          'snat_entry': True, 'container_cidr': '172.20.0.0/16', 'service_cidr': '172.21.0.0/20'}
LAUGHS = ''.join('l%d: &l%d [%s]\n' % (n, n, ', '.join(['*l%d' % (n - 1)] * 10) if n else ', '.join('x' * 10))
                 for n in range(10))
FILES = {  # name: (bytes, words in the refusal)
    'not-utf8': (b'apiVersion: v1\nkind: Config\nclusters: []\n# \xff\xfe\n', 'is not UTF-8 text'),
    'clusters-a-number': (b'apiVersion: v1\nkind: Config\nclusters: 3\n', 'clusters must be a list of mappings'),
    'contexts-a-mapping': (b'kind: Config\ncontexts: {web: {cluster: web}}\n', 'contexts must be a list of mappings'),
    'users-of-strings': (b'users: [web, api]\n', 'users must be a list of mappings'),
    'deployment': (b'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n',
                   'kind Config and apiVersion v1 are expected'),
    'yaml-bomb': (LAUGHS.encode(), 'expands to more than'),
    'deep': (b'clusters: ' + b'[' * 20000 + b']' * 20000 + b'\n', 'nested deeper than'),
}


@pytest.fixture(scope='module')
def ran(emulator, tmp_path_factory):
    emulator.reset()
    cid = emulator.seed_clusters([SEEDED])[0]
    work = tmp_path_factory.mktemp('kube-files')
    files = work / 'files'
    files.mkdir()
    for name, (content, _words) in FILES.items():
        (files / name).write_bytes(content)
        os.chmod(str(files / name), 0o600)
    os.mkfifo(str(files / 'pipe'))
    (files / 'real').write_text('apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n')
    os.symlink('real', str(files / 'link'))
    cases = [(name, str(files / name), words) for name, (_content, words) in FILES.items()]
    cases += [('pipe', str(files / 'pipe'), 'is not a regular file'),
              ('folder', str(files), 'is not a regular file'),
              ('proc', '/proc/self/status', 'is not a regular file'),
              ('empty path', '', 'path must name a file')]
    before = sorted(os.listdir(str(files)))
    tasks = [('alicloud.ack.ack_kubeconfig', dict(cluster_id=cid, path=path), {'timeout': 60})
             for _label, path, _words in cases]
    tasks.append(('alicloud.ack.ack_kubeconfig', dict(cluster_id=cid, path=str(files / 'link')), {}))
    (work / 'run').mkdir()
    results, out = run_cases(Playbook(emulator, work / 'run'), tasks)
    return dict(cases=cases, results=results, out=out, files=files, before=before)


def test_each_file_is_refused_in_one_line(ran):
    problems = []
    for (label, _path, words), r in zip(ran['cases'], ran['results']):
        try:
            assert_one_line_failure(r, words, ran['out'])
        except AssertionError as e:
            problems.append('%s: %s' % (label, str(e)[:400]))
    assert not problems, '\n'.join(problems)


def test_refused_files_keep_their_bytes_and_the_folder_gains_nothing(ran):
    files = ran['files']
    for name, (content, _words) in FILES.items():
        assert (files / name).read_bytes() == content, name
    assert stat.S_ISFIFO(os.lstat(str(files / 'pipe')).st_mode)
    assert sorted(os.listdir(str(files))) == ran['before']


def test_a_symlink_is_written_through_and_stays_a_link(ran):
    files, r = ran['files'], ran['results'][-1]
    assert r.get('changed') and not r.get('failed'), r
    assert os.path.islink(str(files / 'link')) and os.readlink(str(files / 'link')) == 'real'
    assert 'kube-files' in (files / 'real').read_text()
