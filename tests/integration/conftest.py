"""Integration harness: a real emulator process and ansible-playbook runs against it.

Each target under targets/<name>/ is a role (ansible-test layout). It is run by a small generated playbook
with the emulator endpoint and demo credentials in the environment, as a user would set them.
"""
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / 'emulator'))

from ack_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = """
- name: Run integration target {target}
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
    ack_endpoint: "{endpoint}"
  module_defaults:
    group/alicloud.ack.ack:
      api_retries: 10
      api_retry_max_delay: 1
    alicloud.ack.ack_cluster:
      wait_sleep: 0.2
      wait_timeout: 120
    alicloud.ack.ack_addon:
      wait_sleep: 0.2
      wait_timeout: 120
    alicloud.ack.ack_upgrade:
      wait_sleep: 0.2
      wait_timeout: 120
    alicloud.ack.ack_nodes:
      wait_sleep: 0.2
      wait_timeout: 120
    alicloud.ack.ack_nodepool:
      wait_sleep: 0.2
      wait_timeout: 120
  roles:
    - role: {target}
"""


@pytest.fixture(scope='session')
def emulator(tmp_path_factory):
    state = tmp_path_factory.mktemp('emulator') / 'state.db'
    with EmulatorProcess(state_file=str(state), time_scale=0.002) as emu:
        yield emu


class Playbook:
    """Runs ansible-playbook against the emulator; keeps stdout for assertions."""

    def __init__(self, emulator, workdir):
        self.emulator = emulator
        self.workdir = workdir

    def env(self, **extra):
        env = dict(os.environ)
        for key in [k for k in env if k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_'))]:
            del env[key]
        env.update({
            'ALIBABA_CLOUD_ACK_ENDPOINT': self.emulator.url,
            'ALIBABA_CLOUD_ACCESS_KEY_ID': self.emulator.access_key_id,
            'ALIBABA_CLOUD_ACCESS_KEY_SECRET': self.emulator.access_key_secret,
            'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou',
            'ANSIBLE_ROLES_PATH': str(HERE / 'targets'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_STDOUT_CALLBACK': 'default',
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
            'HOME': str(self.workdir),
        })
        env.update(extra)
        return env

    def run_target(self, target, *args, **env):
        path = self.workdir / ('%s.yml' % target)
        path.write_text(PLAYBOOK.format(target=target, endpoint=self.emulator.url))
        return self.run(path, *args, **env)

    def run_tasks(self, tasks_yaml, *args, **env):
        """Run a one-play playbook whose tasks are given as YAML text."""
        path = self.workdir / 'adhoc.yml'
        head = PLAYBOOK.split('  roles:', maxsplit=1)[0].format(target='adhoc', endpoint=self.emulator.url)
        path.write_text(head + '  tasks:\n' + '\n'.join('    ' + line for line in tasks_yaml.splitlines()) + '\n')
        return self.run(path, *args, **env)

    def run(self, path, *args, **env):
        cmd = [str(Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(path)] + list(args)
        return subprocess.run(cmd, env=self.env(**env), cwd=str(self.workdir), capture_output=True, text=True,
                              timeout=600, check=False)


@pytest.fixture
def playbook(emulator, tmp_path):
    emulator.reset()
    return Playbook(emulator, tmp_path)


def run_with_faults(emulator, run, **faults):
    """run() with the emulator's faults set; (its result, the faults injected so far). The faults are cleared
    whatever happens."""
    emulator.faults(**faults)
    try:
        result = run()
    finally:
        injected = emulator.admin('GET', '/stats')['faults_injected']
        emulator.faults()
    return result, injected


def stats(emulator):
    with urllib.request.urlopen(emulator.url + '/__emulator/stats') as answer:
        return json.load(answer)['requests']
