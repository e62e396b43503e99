"""The modules ad hoc: `ansible localhost -m alicloud.ack.<module> -a ...`, README's commands run as written."""
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CREATE = ('name=prod cluster_type=ManagedKubernetes cluster_spec=ack.pro.small vpc_id=vpc-adhoc0001 '
          'vswitch_ids=vsw-adhoc0001 num_of_nodes=1 worker_instance_types=ecs.g7.xlarge '
          'worker_system_disk_category=cloud_essd worker_system_disk_size=120 key_pair=ops snat_entry=true '
          'wait_sleep=0.2')
READS = ('Describe', 'List', 'Get', 'Check')


def readme_commands():
    """The command lines of README's "Ad hoc" section."""
    section = (ROOT / 'README.md').read_text().split('\n## Ad hoc\n', 1)[1].split('\n## ', 1)[0]
    block = section.split('```bash\n', 1)[1].split('```', 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def adhoc(playbook, argv):
    """Run one ad hoc command on the implicit localhost; returns (status word, result dict, output)."""
    assert argv[:2] == ['ansible', 'localhost'], argv
    cmd = [str(Path(sys.executable).with_name('ansible'))] + argv[1:]
    done = subprocess.run(cmd, env=playbook.env(), cwd=str(playbook.workdir), capture_output=True, text=True,
                          timeout=300, check=False)
    output = done.stdout + done.stderr
    # "localhost | CHANGED => {...}", after the diff when --diff is given
    found = re.search(r'^localhost \| (\w+) => ', done.stdout, re.M)
    assert found, output
    return found.group(1), json.loads(done.stdout[found.end():]), output


def writes(emulator):
    return sum(n for op, n in emulator.stats().items() if not op.startswith(READS))


def test_adhoc_readme(playbook):
    emulator = playbook.emulator
    create = ['ansible', 'localhost', '-m', 'alicloud.ack.ack_cluster', '-a', CREATE]
    status, created, out = adhoc(playbook, create)
    assert status == 'CHANGED' and created['cluster']['state'] == 'running', out
    cluster_id = created['cluster']['cluster_id']
    # the same again: nothing to do, no write
    before = writes(emulator)
    status, again, out = adhoc(playbook, create)
    assert status == 'SUCCESS' and again['changed'] is False, out
    assert writes(emulator) == before and emulator.stats()['CreateCluster'] == 1

    info, update, delete = readme_commands()
    assert info[3] == 'alicloud.ack.ack_cluster_info' and delete[-1].endswith('state=absent')

    status, found, out = adhoc(playbook, info)
    assert status == 'SUCCESS' and found['changed'] is False, out
    assert [c['cluster_id'] for c in found['clusters']] == [cluster_id]
    assert 'tags' in found['clusters'][0] and 'resources' in found['clusters'][0], found['clusters'][0].keys()

    before = writes(emulator)
    status, checked, out = adhoc(playbook, update)
    assert status == 'CHANGED' and checked['changed'] is True, out
    assert '--- before' in out and 'deletion_protection' in out, out
    assert writes(emulator) == before  # --check

    status, deleted, out = adhoc(playbook, delete)
    assert status == 'CHANGED' and deleted['changed'] is True, out
    assert emulator.stats()['DeleteCluster'] == 1
    assert emulator.access_key_secret not in out

    status, found, out = adhoc(playbook, info)
    assert status == 'SUCCESS' and found['clusters'] == [], out
