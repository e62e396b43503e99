"""Many module calls in one ansible-playbook run: each task's registered result comes back as data.

Running 40 bad inputs as 40 playbooks costs 40 start-ups; as one playbook it costs one.
"""
import json

MARK = 'ACK-CASES-JSON:'


def cases_playbook(cases):
    """cases: [(module, args, extra_task_keys)] -> tasks YAML registering case_<i>, then one line of JSON."""
    lines = []
    for i, case in enumerate(cases):
        module, args = case[0], case[1]
        extra = case[2] if len(case) > 2 else {}
        lines += ['- name: Case %d' % i, '  %s: %s' % (module, json.dumps(args)), '  register: case_%d' % i,
                  '  ignore_errors: true']
        lines += ['  %s: %s' % (k, json.dumps(v)) for k, v in extra.items()]
    names = ', '.join('case_%d' % i for i in range(len(cases)))
    lines += ['- name: All results', '  ansible.builtin.debug:',
              "    msg: \"%s{{ [%s] | to_json }}\"" % (MARK, names)]
    return '\n'.join(lines) + '\n'


def run_cases(playbook, cases, *args, **env):
    """Run the cases in one playbook; returns (results, ansible-playbook output)."""
    result = playbook.run_tasks(cases_playbook(cases), *args, **env)
    out = result.stdout
    assert MARK in out, out[-4000:] + result.stderr[-2000:]
    line = out[out.index(MARK) + len(MARK):].split('\n', 1)[0].rstrip()
    line = line[:-1] if line.endswith('"') else line
    return json.loads(json.loads('"%s"' % line)), out + result.stderr


def assert_one_line_failure(r, words, out=''):
    """Failed, one line, the words in it, no traceback."""
    assert r.get('failed'), r
    assert words in r['msg'], (words, r['msg'])
    # ansible-core 2.19 adds `exception: (traceback unavailable)` to every failure; a real traceback never
    assert '\n' not in r['msg'] and 'Traceback' not in out and 'Traceback' not in str(r.get('exception')), r
