"""The EXAMPLES of every module work: they run, in order, against the emulator."""
import ast
from pathlib import Path

MODULES = Path(__file__).resolve().parents[2] / 'plugins' / 'modules'
# Modules whose examples build on each other run in this order; the rest follow alphabetically.
ORDER = ['ack_cluster', 'ack_cluster_info']


def examples(module):
    tree = ast.parse((MODULES / ('%s.py' % module)).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == 'EXAMPLES':
            return node.value.value
    raise AssertionError('%s has no EXAMPLES' % module)


def test_examples_run(playbook):
    names = sorted(p.stem for p in MODULES.glob('ack_*.py'))
    ordered = ORDER + [n for n in names if n not in ORDER]
    tasks = '\n'.join(examples(m) for m in ordered)
    result = playbook.run_tasks(tasks)
    assert result.returncode == 0, result.stdout[-6000:]
    assert 'failed=0' in result.stdout
