# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application deployment templates: ack_template (find, create, update in place, delete) and ack_template_info.

A manifest is compared by meaning: the YAML documents it parses to, so comments, key order and formatting do not
count. Templates are account-wide and have no asynchronous tasks.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import traceback

try:
    import yaml
    YAML_IMPORT_ERROR = None
except ImportError:
    YAML_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._rules import check_id, check_name, rfc3339
from ansible_collections.alicloud.ack.plugins.module_utils._safe_load import check_depth, load_yaml_all

TEMPLATE_TYPES = ['kubernetes', 'compose']
TEMPLATE_TAGS = ['private', 'common']  # CreateTemplate's tags: the type of the template's tags (reference 10.1)
DEFAULT_TYPE = 'kubernetes'  # what the API lists and creates when no type is given
TEMPLATE_ABSENT = ('ErrorTemplateNotFound',)
FIELDS = ('name', 'template_type', 'description', 'tags')  # compared as given; `template` by meaning
KINDS = dict(str='string', int='number', float='number', bool='boolean', list='list')  # YAML values, in words

ARGSPEC = dict(
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    template_id=dict(type='str', aliases=['id']),
    name=dict(type='str'),
    template=dict(type='raw'),
    template_type=dict(type='str', choices=TEMPLATE_TYPES),
    description=dict(type='str'),
    tags=dict(type='str', choices=TEMPLATE_TAGS),
)

INFO_ARGSPEC = dict(
    template_id=dict(type='str', aliases=['id']),
    name=dict(type='str'),
    template_type=dict(type='str', choices=TEMPLATE_TYPES),
    parse=dict(type='bool', default=False),
)


def require_yaml():
    if YAML_IMPORT_ERROR:
        raise AckModuleError(missing_required_lib('PyYAML'), exception=YAML_IMPORT_ERROR)


# ---- manifests ------------------------------------------------------------------------------------------------

def yaml_problem(error):
    """'line 4, column 3: <problem> (<context>)' from a YAMLError."""
    mark = getattr(error, 'problem_mark', None)
    if mark is None or not getattr(error, 'problem', None):
        return ' '.join(str(error).split())
    context, start = getattr(error, 'context', None), getattr(error, 'context_mark', None)
    if context and start is not None and start.line != mark.line:
        context = '%s that starts on line %d' % (context, start.line + 1)
    return 'line %d, column %d: %s%s' % (mark.line + 1, mark.column + 1, error.problem,
                                         ' (%s)' % context if context else '')


def parse_manifest(text, what='template'):
    """The documents of a manifest text, empty documents left out; refuses text that does not parse or that is
    nested too deep, too large or expands through aliases."""
    try:
        docs = load_yaml_all(text, what)  # bounded: depth, size, aliases (a "billion laughs" is refused)
    except yaml.YAMLError as e:
        raise AckModuleError('%s is not valid YAML: %s' % (what, yaml_problem(e)))
    return [d for d in docs if d is not None]


def wanted_manifest(value):
    """(text to send, documents) from the template option: a manifest text, a list of documents, or one document."""
    if isinstance(value, str):
        text, docs = value, parse_manifest(value)
    else:
        check_depth(value, 'template')
        docs = [d for d in (value if isinstance(value, list) else [value]) if d is not None]
        text = yaml.safe_dump_all(docs, default_flow_style=False, sort_keys=False) if docs else ''
    if not docs:
        raise AckModuleError('template is empty: give a manifest with at least one YAML document')
    for number, doc in enumerate(docs, 1):
        if not isinstance(doc, dict):
            raise AckModuleError('template document %d is a %s, not a mapping%s' % (
                number, KINDS.get(type(doc).__name__, type(doc).__name__),
                "; to read a file give its content, e.g. template: \"{{ lookup('file', 'app.yaml') }}\""
                if isinstance(value, str) and len(docs) == 1 and isinstance(doc, str) else ''))
    return text, docs


def meaning(docs):
    """Documents in a form where equal meaning compares equal (dates and other YAML types as strings)."""
    return json.loads(json.dumps(docs, sort_keys=True, default=str))


def same_manifest(text, docs):
    """Whether the manifest text (from the API) parses to the documents docs."""
    try:
        return meaning(parse_manifest(text or '')) == meaning(docs)
    except AckModuleError:
        return False  # a stored manifest that does not parse differs from any valid one


def render(view):
    """A template as text for --diff, the manifest as lines, so the diff shows the lines that change."""
    if not view:
        return ''
    head = yaml.safe_dump(dict((k, view[k]) for k in FIELDS if k in view), default_flow_style=False,
                          sort_keys=False)
    lines = (view.get('template') or '').splitlines()
    return head + 'template: |\n' + ''.join(('  %s\n' % line) if line else '\n' for line in lines)


# ---- reading --------------------------------------------------------------------------------------------------

def newest(versions):
    """DescribeTemplateAttribute answers the versions of a template: the newest is the template."""
    if isinstance(versions, dict):
        return versions
    versions = [v for v in versions or [] if isinstance(v, dict)]
    if not versions:
        return None
    return max(versions, key=lambda v: (v.get('updated') or '', v.get('created') or ''))


def created_at(template):
    """When a template was created, to order templates: the instant of its RFC 3339 `created`, or its text."""
    try:
        when = rfc3339('created', template.get('created'))
    except AckModuleError:
        when = None
    if isinstance(when, datetime.datetime):
        return (0, when.timestamp(), '')
    return (1, 0, str(template.get('created') or ''))


def oldest(templates):
    """The first created of templates, ties broken by id: every task that lists the same templates agrees."""
    return min(templates, key=lambda t: (created_at(t), t.get('id') or ''))


def read_template(client, template_id):
    """The template with this id, or None."""
    answer = client.call('DescribeTemplateAttribute', 'GET', '/templates/{}', template_id, absent=TEMPLATE_ABSENT)
    return newest(answer)


def list_templates(client, template_type=None, name=None):
    """Templates of one type (or of every type), all pages, with exactly this name when given. Versions of one
    template (one template_with_hist_id) count once: the newest."""
    found, versions = [], {}
    for ttype in [template_type] if template_type else TEMPLATE_TYPES:
        for item in client.paginate_pages('DescribeTemplates', '/templates', {'template_type': ttype}, 'templates',
                                          number_param='page_num'):
            if name is not None and item.get('name') != name:
                continue
            family = item.get('template_with_hist_id')
            if family and family in versions:
                versions[family].append(item)
                continue
            if family:
                versions[family] = [item]
            found.append(item)
    return [newest(versions[t['template_with_hist_id']]) if t.get('template_with_hist_id') else t for t in found]


def template_info(ack):
    """ack_template_info: templates by id, name and type, the manifest optionally parsed."""
    require_yaml()
    p, client = ack.params, ack.client
    if p['template_id']:
        found = read_template(client, check_id('template_id', p['template_id']))
        templates = [t for t in [found] if t is not None and p['name'] in (None, t.get('name'))
                     and p['template_type'] in (None, t.get('template_type'))]
    else:
        templates = list_templates(client, p['template_type'], p['name'])
    if p['parse']:
        for t in templates:
            try:
                t['documents'] = parse_manifest(t.get('template') or '')
            except AckModuleError as e:
                t['documents'] = None
                t['parse_error'] = e.msg
    return dict(changed=False, templates=templates)


# ---- ack_template ---------------------------------------------------------------------------------------------

class TemplatePlanner(object):
    """Decides what a template task does: create, update in place, delete or nothing."""

    def __init__(self, ack):
        require_yaml()
        self.ack = ack
        self.params = ack.params
        self.client = ack.client
        self.template_id = check_id('template_id', self.params['template_id'])
        if self.params['state'] == 'present':
            check_name('name', self.params['name'])  # CreateTemplate's naming rules (the SDK's CreateTemplateRequest)
        self.manifest = None
        if self.params['template'] is not None and self.params['state'] == 'present':
            self.manifest = wanted_manifest(self.params['template'])  # refused here, before any call

    def find(self):
        if self.template_id:
            return read_template(self.client, self.template_id)
        found = list_templates(self.client, self.params['template_type'], self.params['name'])
        if len(found) > 1:
            raise AckModuleError('%d templates are named %r: %s; set template_id (or template_type) to choose one'
                                 % (len(found), self.params['name'], ', '.join(sorted(t['id'] for t in found))))
        return found[0] if found else None

    def plan(self):
        current = self.find()
        if self.params['state'] == 'absent':
            return self.plan_absent(current)
        if current is None:
            return self.plan_create()
        return self.plan_update(current)

    def read(self, template_id):
        return lambda answers: read_template(self.client, template_id())

    @staticmethod
    def view(template):
        return dict((k, template.get(k)) for k in FIELDS + ('template',))

    # ---- present ----------------------------------------------------------------------------------------------
    def plan_create(self):
        p = self.params
        if self.template_id:
            raise AckModuleError('template %s was not found; to create a template give its name (and no template_id)'
                                 % self.template_id)
        if self.manifest is None:
            raise AckModuleError('template (the manifest) is required to create a template')
        body = dict((k, p[k]) for k in FIELDS if p[k] is not None)
        body['template'] = self.manifest[0]
        created = {}

        def create():
            answer = self.client.call('CreateTemplate', 'POST', '/templates', body=body)
            created.update(id=answer['template_id'], at=self.ack.waiter.clock())
            return answer

        def recheck():
            """After an ambiguous create: the template of this name that now exists, if any (there was none)."""
            found = list_templates(self.client, body.get('template_type') or DEFAULT_TYPE, body['name'])
            if len(found) == 1 and same_manifest(found[0].get('template'), self.manifest[1]):
                created.update(id=found[0]['id'], at=self.ack.waiter.clock())
                return {'template_id': found[0]['id']}
            return None

        steps = [Step('CreateTemplate', create, recheck=recheck),
                 Step('settle', lambda: self.settle(body.get('template_type') or DEFAULT_TYPE, created))]
        return Plan('template', None, '', render(body), steps, finish=self.read(lambda: created['id']))

    def settle(self, template_type, created):
        """After a create, the name is listed again: when a concurrent task created a template of this name too,
        every such task keeps the oldest (created time, then id); a task whose template is not that one deletes its
        own (never another's) and adopts the kept one, updated to what the task wants. The list is made a second
        after the create (`created` has whole seconds): a template this list does not show is then created in a
        later second than this task's, so the task that made it sees this one as older and gives way."""
        self.ack.waiter.hold(1.0, created['at'])
        found = list_templates(self.client, template_type, self.params['name'])
        if created['id'] not in [t.get('id') for t in found]:  # a list that does not show it yet: read it
            found += [t for t in [read_template(self.client, created['id'])] if t is not None]
        if len(found) < 2:
            return None
        kept, mine = oldest(found), created['id']
        if kept['id'] != mine:
            self.client.call('DeleteTemplate', 'DELETE', '/templates/{}', mine, absent=TEMPLATE_ABSENT)
            created['id'] = kept['id']
            changes = self.changes(kept)
            if changes:
                self.client.call('UpdateTemplate', 'PUT', '/templates/{}', kept['id'], body=changes)
        deleted = '' if kept['id'] == mine else ' (this task deleted the one it created, %s)' % mine
        self.ack.warn('a concurrent create of the name %r was settled: of the %d templates of this name, the oldest, '
                      '%s, is kept%s' % (self.params['name'], len(found), kept['id'], deleted))
        return None

    def changes(self, current):
        p = self.params
        wanted = dict((k, p[k]) for k in FIELDS if p[k] is not None)
        changes = dict((k, v) for k, v in wanted.items() if current.get(k) != v)
        if self.manifest is not None and not same_manifest(current.get('template'), self.manifest[1]):
            changes['template'] = self.manifest[0]
        return changes

    def plan_update(self, current):
        template_id = current.get('id') or self.template_id
        changes = self.changes(current)
        before = self.view(current)
        after = dict(before)
        after.update(changes)
        steps = []
        if changes:
            steps.append(Step('UpdateTemplate', lambda: self.client.call(
                'UpdateTemplate', 'PUT', '/templates/{}', template_id, body=changes)))
        return Plan('template', current, render(before), render(after), steps, finish=self.read(lambda: template_id))

    # ---- absent -----------------------------------------------------------------------------------------------
    def plan_absent(self, current):
        if current is None:
            return Plan('template', None, '', '')
        template_id = current.get('id') or self.template_id
        step = Step('DeleteTemplate', lambda: self.client.call('DeleteTemplate', 'DELETE', '/templates/{}',
                                                               template_id),
                    done_codes=TEMPLATE_ABSENT)
        return Plan('template', current, render(self.view(current)), '', [step])
