"""The execution environment: `ansible-builder create` turns execution-environment.yml into a build context that
installs this collection, and the collection declares its Python and system requirements to ansible-builder."""
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def run(*cmd, cwd=None):
    result = subprocess.run([str(BIN / cmd[0])] + list(cmd[1:]), cwd=cwd, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def declared(name):
    """A requirements file's entries as ansible-builder introspect reports them for this collection."""
    lines = [line.strip() for line in (ROOT / name).read_text().splitlines()]
    return [line + '  # from collection alicloud.ack' for line in lines if line and not line.startswith('#')]


def test_builder_context(tmp_path):
    version = yaml.safe_load((ROOT / 'galaxy.yml').read_text())['version']
    tarball = 'alicloud-ack-%s.tar.gz' % version
    # the layout README describes: the tarball built next to execution-environment.yml
    ee_dir = tmp_path / 'ee'
    ee_dir.mkdir()
    shutil.copy(ROOT / 'execution-environment.yml', ee_dir)
    run('ansible-galaxy', 'collection', 'build', '--output-path', str(ee_dir), str(ROOT))
    context = tmp_path / 'context'
    run('ansible-builder', 'create', '-f', str(ee_dir / 'execution-environment.yml'), '-c', str(context),
        '--output-filename', 'Containerfile')

    containerfile = (context / 'Containerfile').read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.16,<2.20 ansible-runner>=2.4,<3"' in containerfile
    assert 'COPY _build /build' in containerfile
    assert 'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in containerfile
    # the builder stage collects every installed collection's requirements (introspect) and installs them
    assert 'introspect.py introspect' in containerfile and 'RUN /output/scripts/assemble' in containerfile

    requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    assert requirements['collections'] == [{'name': 'collections/' + tarball, 'type': 'file'}]
    shipped = context / '_build' / 'collections' / tarball
    assert shipped.is_file(), sorted(str(p) for p in context.rglob('*'))

    # what the image build will do with that tarball: install it, then introspect its requirements
    collections = tmp_path / 'installed'
    run('ansible-galaxy', 'collection', 'install', '--force', '-p', str(collections), str(shipped))
    with tarfile.open(shipped) as tar:
        names = tar.getnames()
        ee_meta = yaml.safe_load(tar.extractfile('meta/execution-environment.yml'))
    assert ee_meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    assert {'requirements.txt', 'bindep.txt', 'plugins/modules/ack_cluster.py'} <= set(names)
    found = yaml.safe_load(run('ansible-builder', 'introspect', str(collections)))
    assert 'requests  # from collection alicloud.ack' in found['python'], found
    assert found['python'] == declared('requirements.txt') and found['system'] == declared('bindep.txt'), found
