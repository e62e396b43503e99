"""Run each integration target (a role under targets/) with ansible-playbook against the emulator."""
from pathlib import Path

import pytest

TARGETS = sorted(p.name for p in (Path(__file__).parent / 'targets').iterdir()
                 if p.is_dir() and not p.name.startswith('setup_'))


@pytest.mark.parametrize('target', TARGETS)
def test_target(playbook, target):
    result = playbook.run_target(target)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert 'failed=0' in result.stdout
