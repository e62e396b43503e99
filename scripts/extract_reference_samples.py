#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the API reference's sample requests and answers into cassettes the test suite replays.

    scripts/extract_reference_samples.py [REFERENCE] [OUT_DIR]
    (defaults: ../shared/spec/ack-api-reference.txt beside the repository, tests/fixtures/recorded/reference)

Every JSON block of the reference is accounted for in OUT_DIR/index.json, section by section: the sample request
and answer of an operation's Examples become one interaction of the cassette `<section>-<title>.yaml` (vcrpy's
YAML format, written and scrubbed by plugins/module_utils/_recorder.py as a recording is); every other block is
listed with why it is not one (a schema that describes fields, an empty or cut-off sample, not an ACK call). The
reference's slips are mended and said so in the cassette's metadata (`repairs`): comments, trailing or missing
commas, text after the value. Path arguments come from the sample's own `ClusterId`-style keys, else from the
example column of the section's parameter table.
"""

import importlib.util
import json
import os
import re
import sys
from urllib.parse import quote, urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_REFERENCE = os.path.join(os.environ.get('ACK_SHARED_DIR') or os.path.join(ROOT, '..', 'shared'), 'spec',
                                 'ack-api-reference.txt')
DEFAULT_OUT = os.path.join(ROOT, 'tests', 'fixtures', 'recorded', 'reference')
ENDPOINT = 'https://cs.aliyuncs.com'  # the reference's endpoint (3. Request method)
SOURCE = 'Container Service for Kubernetes API Reference, Document Version 20200916'
# the reference's spelling -> the operation name the API and the SDK use
ALIASES = {'UninstallClusterAddons': 'UnInstallClusterAddons'}
PATH_ARGUMENT = re.compile(r'[\[{](\w+)[\]}]')
REQUEST_LINE = re.compile(r'^\s*(GET|POST|PUT|DELETE)\s+`?(/\S*?)`?\s+HTTP/1\.1', re.M)
STATUS_LINE = re.compile(r'HTTP/1\.1 (\d{3})')
ANSWER_MARK = re.compile(r'^(Sample (success )?responses?|Response example)\s*$', re.M)
EXAMPLES_MARK = re.compile(r'^(Examples|Samples|Example)\s*$', re.M)
FENCE = re.compile(r'```[^\n]*\n(.*?)```', re.S)
# a block that follows one of these labels describes fields instead of giving values
SCHEMA_LABELS = ('Request body', 'Response body', 'Sample request description')
# lines of a sample that are not its JSON: the request or status line, the common headers' stand-in
MARKERS = re.compile(r'^\s*(?:(?:GET|POST|PUT|DELETE)\s+\S+\s+HTTP/1\.1|HTTP/1\.1 \d{3}.*|Common request (?:header|'
                     r'headers|parameters))\s*$|^\s*<Common [^>]*>', re.M)


def load_recorder():
    path = os.path.join(ROOT, 'plugins', 'module_utils', '_recorder.py')
    spec = importlib.util.spec_from_file_location('ack_recorder', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- reading the reference --------------------------------------------------------------------------------------

def sections(text):
    """[(number, title, body)] of the numbered sections the table of contents lists, in order."""
    toc_lines = list(re.finditer(r'^(\d+(?:\.\d+)*)\.\s*(.+?)\t\d+\s*$', text, re.M))
    at = toc_lines[-1].end()  # the sections start after the table of contents
    heads, found = [], []
    for line in toc_lines:
        number, title = line.group(1), line.group(2)
        prefix = re.escape(title.rstrip('.').rstrip())
        match = re.compile(r'^%s\.\s*(%s.*)$' % (re.escape(number), prefix), re.M).search(text, at)
        if not match:
            raise SystemExit('section %s %s not found' % (number, title))
        heads.append((number, match.group(1).strip(), match.start(), match.end()))
        at = match.end()
    for i, (number, title, begin, end) in enumerate(heads):
        stop = heads[i + 1][2] if i + 1 < len(heads) else len(text)
        found.append((number, title, text[end:stop]))
    return found


def lenient(block):
    """(value, repairs) for the first JSON value of block; (None, why) when there is none."""
    block = MARKERS.sub('', block)
    if block.lstrip().startswith('<'):
        return None, 'XML'
    starts = [i for i in (block.find('{'), block.find('[')) if i >= 0]
    if not starts:
        return None, 'no JSON value'
    text = block[min(starts):]
    steps = [
        ('lines the page layout wrapped joined', lambda s: s.replace('  \n', '')),
        ('comments removed', lambda s: re.sub(r',?\s*//[^\n]*', lambda m: ',' if m.group(0).startswith(',') else '',
                                              re.sub(r'/\*.*?\*/', '', s, flags=re.S))),
        ('trailing commas removed', lambda s: re.sub(r',(\s*[}\]])', r'\1', s)),
        ('missing commas added', lambda s: re.sub(r'("|\d|true|false|null|[}\]])([ \t]*\n\s*")', r'\1,\2', s)),
    ]
    repairs = []
    for label, step in [(None, None)] + steps:
        if step:
            mended = step(text)
            if mended == text:
                continue
            text = mended
            repairs.append(label)
        try:
            value, end = json.JSONDecoder().raw_decode(text)
        except ValueError:
            continue
        if text[end:].strip():
            repairs.append('text after the value ignored: %r' % text[end:].strip()[:40])
        return value, repairs
    return None, 'not JSON, even mended'


def table_example(body, name):
    """The example value of parameter `name` in the section's parameter table (spaces the PDF put in removed)."""
    match = re.search(r'^(?:<code>)?%s(?:</code>)?\t\w+\t\w+\t([^\t\n]+)\t' % re.escape(name), body, re.M)
    return re.sub(r'\s+', '', match.group(1)) if match else None


def operation_of(body):
    match = re.search(r'You can call (?:the )?`?([A-Z]\w+)`?', body)
    return ALIASES.get(match.group(1), match.group(1)) if match else None


def label_before(text, position):
    """The last non-empty line before position, outside fences."""
    lines = [line.strip() for line in text[:position].splitlines() if line.strip()]
    return lines[-1] if lines else ''


# ---- one section ------------------------------------------------------------------------------------------------

def json_blocks(body):
    """[(start, end, value or None, repairs or why, label)] of the fenced blocks holding a JSON value."""
    blocks = []
    for match in FENCE.finditer(body):
        content = match.group(1)
        if '{' not in content and '[' not in content:
            continue
        value, repairs = lenient(content)
        if value is None and (repairs == 'XML' or not re.search(r'"\s*:', content)):
            continue  # XML, or braces but no JSON (shell, awk)
        blocks.append((match.start(), match.end(), value, repairs, label_before(body, match.start())))
    return blocks


def request_of(number, body, part, value, fill):
    """(method, path, query, body) of the sample request in `part` with its JSON `value`."""
    line = REQUEST_LINE.search(part) or REQUEST_LINE.search(body)
    method, template = line.group(1), line.group(2)
    params = dict(value) if isinstance(value, dict) else {}
    args = []
    for name in PATH_ARGUMENT.findall(template):
        given = params.pop(name, None)
        args.append(given or table_example(body, name) or fill(name))
    path = PATH_ARGUMENT.sub('{}', template.split('?')[0])
    path = path.replace('{}', '%s') % tuple(quote(str(a), safe='') for a in args)
    for name in [k for k in params if k in ('ClusterId', 'TemplateId', 'ComponentId')]:
        params.pop(name)  # a path argument the request line spells out already
    if method == 'GET':
        query = [(k, json.dumps(v, separators=(',', ':')) if isinstance(v, (list, dict)) else str(v))
                 for k, v in params.items()]
        return method, path, query, None
    data = value if isinstance(value, list) else (params or None)
    return method, path, [], data


def extract(text):
    recorder = load_recorder()
    index, cassettes = [], {}
    for number, title, body in sections(text):
        operation = operation_of(body)
        blocks = json_blocks(body)
        entry = dict(section=number, title=title, operation=operation, json_samples=len(blocks), cassette=None,
                     interactions=0, skipped=[])
        examples = list(EXAMPLES_MARK.finditer(body))
        ex_start = examples[-1].end() if examples else len(body)
        answer_mark = ANSWER_MARK.search(body, ex_start)
        used = []
        if operation and examples and REQUEST_LINE.search(body[ex_start:]):
            split = answer_mark.start() if answer_mark else len(body)
            request_blocks = [b for b in blocks if ex_start <= b[0] < split and b[2] is not None
                              and b[4] not in SCHEMA_LABELS]
            answer_part = body[answer_mark.end():] if answer_mark else ''
            json_at = answer_part.find('\nJSON format')
            answer_from = (answer_mark.end() + json_at) if answer_mark and json_at >= 0 else split
            answer_blocks = [b for b in blocks if b[0] >= answer_from]
            answer_fence = FENCE.search(body, answer_from) if answer_mark else None
            if answer_blocks and answer_fence and answer_blocks[0][0] == answer_fence.start():
                answer = answer_blocks[0]
                req = request_blocks[0] if request_blocks else None
                if answer[2] is None:
                    entry['skipped'].append('sample answer is %s (cut off across pages)' % answer[3])
                    used.append(answer)
                else:
                    used += [b for b in (req, answer) if b]
                    fill = lambda name, a=answer[2]: (a.get('cluster_id') if isinstance(a, dict) else None) or \
                        'c82e6987e2961451182edacd74faf****'
                    method, path, query, data = request_of(number, body, body[ex_start:split],
                                                           req[2] if req else None, fill)
                    status = STATUS_LINE.search(body[answer_mark.end():answer[1]])
                    if not status:
                        status = STATUS_LINE.search(body[:ex_start].split('Response line', 1)[-1]) \
                            if 'Response line' in body[:ex_start] else None
                    cassettes[number] = dict(
                        title=title, operation=operation, method=method, path=path, query=query, body=data,
                        status=int(status.group(1)) if status else 200, answer=answer[2],
                        repairs=[r for b in (req, answer) if b for r in b[3]])
                    entry['interactions'] = 1
            elif answer_fence and not FENCE.search(body, answer_from).group(1).strip():
                entry['skipped'].append('the JSON sample answer is empty')
        for block in blocks:
            if block in used:
                continue
            if not operation:
                why = 'not an ACK API call (%s)' % (title,)
            elif block[4] in SCHEMA_LABELS:
                why = 'describes the fields (%s), no values' % block[4]
            elif block[2] is None:
                why = block[3]
            elif block[0] < ex_start:
                why = 'a parameter example before the Examples'
            else:
                why = 'a sample request without a JSON answer'
            entry['skipped'].append(why)
        index.append(entry)
    return index, cassettes, recorder


def slug(title):
    return re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')[:60]


def write(index, cassettes, recorder, out):
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.endswith('.yaml'):
            os.remove(os.path.join(out, name))
    for entry in index:
        sample = cassettes.get(entry['section'])
        if not sample:
            continue
        name = '%s-%s.yaml' % (entry['section'], slug(entry['title']))
        entry['cassette'] = name
        scrubber = recorder.Scrubber()
        body = json.dumps(sample['body'], ensure_ascii=False) if sample['body'] is not None else None
        url = ENDPOINT + sample['path'] + ('?' + urlencode(sample['query']) if sample['query'] else '')
        answer = sample['answer']
        request_id = answer.get('request_id') or answer.get('RequestId') if isinstance(answer, dict) else None
        headers = {'x-acs-action': sample['operation'], 'x-acs-version': '2015-12-15'}
        if body is not None:
            headers['content-type'] = 'application/json'
        answer_headers = {'content-type': 'application/json;charset=utf-8'}
        if request_id:
            answer_headers['x-acs-request-id'] = request_id
        item = recorder.interaction(scrubber, sample['method'], url, headers, body, sample['status'],
                                    REASONS.get(sample['status'], ''), answer_headers,
                                    json.dumps(answer, ensure_ascii=False))
        metadata = dict(source=SOURCE, section=entry['section'], title=entry['title'],
                        operation=sample['operation'], repairs=sample['repairs'])
        head = recorder.cassette_head('The API reference\'s sample of section %s (%s),\nextracted by '
                                      'scripts/extract_reference_samples.py: do not edit.'
                                      % (entry['section'], entry['title']), metadata)
        with open(os.path.join(out, name), 'w') as f:
            f.write(head + recorder.interaction_yaml(item))
    with open(os.path.join(out, 'index.json'), 'w') as f:
        json.dump(dict(source=SOURCE, sections=index), f, indent=1, sort_keys=True)
        f.write('\n')


REASONS = {200: 'OK', 202: 'Accepted'}


def main(argv):
    reference = argv[1] if len(argv) > 1 else DEFAULT_REFERENCE
    out = argv[2] if len(argv) > 2 else DEFAULT_OUT
    with open(reference, encoding='utf-8') as f:
        index, cassettes, recorder = extract(f.read())
    write(index, cassettes, recorder, out)
    made = sum(1 for e in index if e['cassette'])
    print('%d sections, %d JSON samples, %d cassettes in %s' % (
        len(index), sum(e['json_samples'] for e in index), made, out))


if __name__ == '__main__':
    main(sys.argv)
