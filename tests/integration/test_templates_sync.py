"""playbooks/templates_sync.yml keeps one template per manifest file in sync, and writes only what changed."""
import shutil
from pathlib import Path

from conftest import stats

PLAYBOOK = Path(__file__).resolve().parents[2] / 'playbooks' / 'templates_sync.yml'
WRITES = ('CreateTemplate', 'UpdateTemplate', 'DeleteTemplate')


def run(playbook, *args):
    result = playbook.run(PLAYBOOK, *args)
    assert result.returncode == 0 and 'failed=0' in result.stdout, result.stdout[-6000:] + result.stderr[-3000:]
    return result


def writes(emulator):
    counts = stats(emulator)
    return dict((op, counts.get(op, 0)) for op in WRITES)


def test_sync_a_folder(playbook, emulator, tmp_path):
    folder = tmp_path / 'manifests'
    shutil.copytree(PLAYBOOK.parent / 'files' / 'templates', folder)
    names = sorted(p.stem for p in folder.glob('*.yaml'))
    run(playbook, '-e', 'templates_dir=%s' % folder)
    assert writes(emulator) == dict(CreateTemplate=len(names), UpdateTemplate=0, DeleteTemplate=0)

    # a re-run, and a reformatted manifest (comments and blank lines added), write nothing
    nginx = folder / 'nginx.yaml'
    nginx.write_text('# reformatted\n\n' + nginx.read_text().replace('replicas: 2', 'replicas: 2   # two'))
    result = run(playbook, '-e', 'templates_dir=%s' % folder, '-e', 'templates_prune=true')
    assert 'changed=0' in result.stdout
    assert writes(emulator) == dict(CreateTemplate=len(names), UpdateTemplate=0, DeleteTemplate=0)

    # an edit updates its template in place; a removed file is deleted with prune, and only that: a template the
    # playbook did not make stays
    made = playbook.run_tasks('- name: A template of someone else\n  alicloud.ack.ack_template:\n'
                              '    name: hand-made\n    template: {kind: ConfigMap, apiVersion: v1}\n')
    assert made.returncode == 0, made.stdout[-3000:]
    nginx.write_text(nginx.read_text().replace('replicas: 2', 'replicas: 4'))
    (folder / 'redis.yaml').unlink()
    result = run(playbook, '-e', 'templates_dir=%s' % folder, '-e', 'templates_prune=true', '--diff')
    # on screen, the manifest's lines as a unified diff (the stored text before, the file after)
    assert '\n-    replicas: 2\n' in result.stdout and '\n+    replicas: 4   # two\n' in result.stdout
    assert writes(emulator) == dict(CreateTemplate=len(names) + 1, UpdateTemplate=1, DeleteTemplate=1)
