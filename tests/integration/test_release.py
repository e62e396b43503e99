"""Releasing: `antsibull-changelog release` in a copy of the tree (the fragments of the work tree stay) writes
CHANGELOG.md and CHANGELOG.rst for the version of galaxy.yml, with every fragment and every new plugin."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SKIP = {'.git', '.venv', 'output', '__pycache__', '.pytest_cache'}
PLUGIN_DIRS = ('modules', 'inventory', 'lookup', 'filter', 'connection', 'callback')


def flat(text):
    return ' '.join(text.split())


def version_added(path):
    """version_added of a plugin's DOCUMENTATION (without importing it)."""
    found = re.search(r'^version_added: *["\']?([0-9.]+)', path.read_text(), re.M)
    return found.group(1) if found else None


def test_changelog_release(tmp_path):
    copy = tmp_path / 'ansible_collections' / 'alicloud' / 'ack'
    shutil.copytree(ROOT, copy, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith('.tar.gz')])
    version = yaml.safe_load((copy / 'galaxy.yml').read_text())['version']
    fragments_dir = copy / 'changelogs' / 'fragments'
    fragments = sorted(p.name for p in fragments_dir.iterdir() if p.suffix in ('.yml', '.yaml'))
    assert fragments, 'no changelog fragment to release'
    # the release summary a maintainer adds before releasing
    (fragments_dir / ('v%s-summary.yml' % version)).write_text(
        'release_summary: Release %s of alicloud.ack (release test).\n' % version)

    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ['PATH'])
    done = subprocess.run([str(BIN / 'antsibull-changelog'), 'release', '--date', '2026-12-01'], cwd=str(copy),
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    md = (copy / 'CHANGELOG.md').read_text()
    rst = flat((copy / 'CHANGELOG.rst').read_text())
    assert '## v%s' % version.replace('.', '\\.') in md
    assert 'v%s' % version in rst and 'Release %s of alicloud.ack (release test).' % version in rst
    for name in fragments:
        for section, entries in yaml.safe_load((ROOT / 'changelogs' / 'fragments' / name).read_text()).items():
            if section == 'trivial':
                continue
            for entry in entries if isinstance(entries, list) else [entries]:
                assert flat(entry) in rst, (name, entry)
    # every plugin added in this version is announced
    for kind in PLUGIN_DIRS:
        for path in sorted((copy / 'plugins' / kind).glob('[!_]*.py')):
            if version_added(path) == version:
                assert 'alicloud.ack.%s' % path.stem in rst, (kind, path.stem)

    changes = yaml.safe_load((copy / 'changelogs' / 'changelog.yaml').read_text())
    assert sorted(changes['releases'][version]['fragments']) == sorted(fragments + ['v%s-summary.yml' % version])
    assert not [p for p in fragments_dir.iterdir() if p.suffix == '.yml']  # released fragments are removed...
    assert sorted(p.name for p in (ROOT / 'changelogs' / 'fragments').iterdir()) == fragments  # ...in the copy only
    lint = subprocess.run([str(BIN / 'antsibull-changelog'), 'lint-changelog-yaml', 'changelogs/changelog.yaml'],
                          cwd=str(copy), env=env, capture_output=True, text=True, timeout=120, check=False)
    assert lint.returncode == 0 and not lint.stdout.strip(), lint.stdout + lint.stderr


INSTALLED_PLAYBOOK = """
- name: From the installed tarball
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Create a cluster
      alicloud.ack.ack_cluster:
        name: from-tarball
        cluster_type: ManagedKubernetes
        vpc_id: vpc-tarball01
        vswitch_ids: [vsw-tarball01]
        num_of_nodes: 1
        worker_instance_types: [ecs.g7.xlarge]
        worker_system_disk_category: cloud_essd
        worker_system_disk_size: 120
        key_pair: ops
        snat_entry: true
        wait_sleep: 0.2

    - name: List it
      alicloud.ack.ack_cluster_info:
        name: from-tarball
      register: found

    - name: Found
      ansible.builtin.assert:
        that: found.clusters | map(attribute='name') | list == ['from-tarball']
"""


def test_installed_tarball(playbook, tmp_path):
    """The tarball `ansible-galaxy collection build` makes installs, and playbooks run from the installed copy."""
    dist, installed = tmp_path / 'dist', tmp_path / 'installed'
    only_installed = dict(ANSIBLE_COLLECTIONS_PATH=str(installed), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')

    def galaxy(*args):
        done = subprocess.run([str(BIN / 'ansible-galaxy')] + list(args), capture_output=True, text=True,
                              timeout=300, env=playbook.env(**only_installed), check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    galaxy('collection', 'build', '--output-path', str(dist), str(ROOT))
    tarballs = [str(p) for p in dist.glob('alicloud-ack-*.tar.gz')]
    assert len(tarballs) == 1
    galaxy('collection', 'install', '-p', str(installed), tarballs[0])
    listed = yaml.safe_load(galaxy('collection', 'list', 'alicloud.ack', '--format', 'json'))
    assert list(listed) == [str(installed / 'ansible_collections')], listed

    path = tmp_path / 'installed.yml'
    path.write_text(INSTALLED_PLAYBOOK)
    result = playbook.run(path, **only_installed)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert 'ok=3' in result.stdout and 'changed=1' in result.stdout and 'failed=0' in result.stdout
    assert playbook.emulator.stats().get('CreateCluster') == 1
