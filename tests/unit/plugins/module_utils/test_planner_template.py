# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TemplatePlanner against captured answers: the same manifest, create, update, delete, refusals, a lost create."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import execute
from ansible_collections.alicloud.ack.plugins.module_utils._template import TemplatePlanner
from ansible_collections.alicloud.ack.tests.unit.plugins.module_utils.fake_client import (
    FakeAck,
    FakeClient,
    answer,
    error,
    lost,
)

TEMPLATE = answer('DescribeTemplateAttribute')[0]
TID = TEMPLATE['id']
MANIFEST = TEMPLATE['template']
SAME = '# the web service\nkind: Service\napiVersion: v1\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n'
KUBERNETES = {'template_type': 'kubernetes'}
COMPOSE = {'template_type': 'compose'}


def account(kubernetes='DescribeTemplates'):
    client = FakeClient()
    client.on('DescribeTemplates', query=KUBERNETES,
              answers=kubernetes if isinstance(kubernetes, list) else [kubernetes])
    client.on('DescribeTemplates', query=COMPOSE, answer='DescribeTemplates.empty')
    client.on('DescribeTemplateAttribute', TID, answer='DescribeTemplateAttribute')
    client.on('CreateTemplate', answer='CreateTemplate')
    return client


@pytest.mark.parametrize('options, reads', [
    (dict(template_id=TID), [('DescribeTemplateAttribute', {})]),
    (dict(name='web', template_type='kubernetes'), [('DescribeTemplates', {'template_type': 'kubernetes',
                                                                           'page_num': '1', 'page_size': '50'})]),
    (dict(name='web'), [('DescribeTemplates', {'template_type': 'kubernetes', 'page_num': '1', 'page_size': '50'}),
                        ('DescribeTemplates', {'template_type': 'compose', 'page_num': '1', 'page_size': '50'})]),
])
def test_the_same_manifest_written_otherwise_plans_nothing(options, reads):
    client = account()
    ack = FakeAck('ack_template', client, template=SAME, description='the web service', **options)
    plan = TemplatePlanner(ack).plan()
    assert plan.steps == [] and plan.before == plan.after
    result = execute(ack, plan)
    assert result['changed'] is False and result['template'] == TEMPLATE
    assert [(c.operation, c.query) for c in client.calls] == reads


def test_create_sends_the_fields_given_and_the_manifest_as_written():
    client = account(['DescribeTemplates.empty', 'DescribeTemplates'])
    ack = FakeAck('ack_template', client, name='web', template=MANIFEST, description='the web service', tags='common')
    plan = TemplatePlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['CreateTemplate', 'settle']
    assert plan.before == ''
    assert plan.after.splitlines() == ['name: web', 'description: the web service', 'tags: common', 'template: |',
                                       '  apiVersion: v1', '  kind: Service', '  metadata:', '    name: web',
                                       '  spec:', '    ports:', '    - port: 80']
    client.forget()
    result = execute(ack, plan)
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [('CreateTemplate', '/templates', dict(
        name='web', description='the web service', tags='common', template=MANIFEST))]
    # the name listed again (only this one: no concurrent create), then no task: read it back
    assert client.operations() == ['CreateTemplate', 'DescribeTemplates', 'DescribeTemplateAttribute']
    assert result['changed'] and result['template'] == TEMPLATE and result['task_ids'] == [] and not ack.warnings
    # listed a second after the create: a template it does not show is created in a later second (`created`)
    assert ack.clock.now == 1.0


def test_update_sends_only_what_differs():
    client = account()
    client.on('UpdateTemplate', TID, answer='UpdateTemplate')
    wanted = MANIFEST.replace('port: 80', 'port: 8080')
    ack = FakeAck('ack_template', client, template_id=TID, template=wanted, description='the web service',
                  tags='private')
    plan = TemplatePlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['UpdateTemplate']
    changed = [(a, b) for a, b in zip(plan.before.splitlines(), plan.after.splitlines()) if a != b]
    assert changed == [('tags: web', 'tags: private'), ('    - port: 80', '    - port: 8080')]
    client.forget()
    plan.steps[0].run()
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [
        ('UpdateTemplate', '/templates/%s' % TID, {'tags': 'private', 'template': wanted})]


def test_delete_and_a_repeat_that_meets_not_found():
    client = account()
    client.on('DeleteTemplate', TID, answer=error('DeleteTemplate.ErrorTemplateNotFound', repeated=True))
    ack = FakeAck('ack_template', client, template_id=TID, state='absent')
    plan = TemplatePlanner(ack).plan()
    assert [s.label for s in plan.steps] == ['DeleteTemplate'] and plan.after == ''
    result = execute(ack, plan)
    assert result['changed'] and [(c.operation, c.path) for c in client.writes()] == [
        ('DeleteTemplate', '/templates/%s' % TID)]


def test_a_manifest_that_does_not_parse_is_refused_before_any_call():
    client = account()
    with pytest.raises(AckModuleError) as info:
        TemplatePlanner(FakeAck('ack_template', client, name='web', template='a: [1, 2\nb: 3'))
    assert info.value.msg.startswith('template is not valid YAML: line 2, column 2:') and client.calls == []


@pytest.mark.parametrize('options', [
    dict(name='w' * 64, template=MANIFEST),  # CreateTemplateRequest's naming rules (the SDK): 1 to 63 characters,
    dict(name='-web', template=MANIFEST),  # not starting with a hyphen,
    dict(name='web_app', template=MANIFEST),  # letters, digits, Chinese characters and hyphens
    dict(name='web app', template=MANIFEST),
    dict(template_id=TID, name='web.2'),  # a rename gives the template this name too
])
def test_a_template_name_the_api_refuses_is_refused_before_any_call(options):
    client = account()
    with pytest.raises(AckModuleError) as info:
        TemplatePlanner(FakeAck('ack_template', client, **options))
    assert info.value.msg == "name %r is not valid: 1 to 63 letters, digits, Chinese characters and hyphens (-), " \
        "not starting with a hyphen" % options['name'] and client.calls == []


def test_a_name_is_not_checked_to_delete():
    client = account('DescribeTemplates.empty')
    plan = TemplatePlanner(FakeAck('ack_template', client, name='web_app', state='absent')).plan()
    assert plan.steps == []


@pytest.mark.parametrize('options, message, reads', [
    (dict(name='web'), 'template (the manifest) is required to create a template',
     ['DescribeTemplates', 'DescribeTemplates']),
    (dict(template_id=TID, template=MANIFEST), 'template %s was not found; to create a template give its name (and '
                                               'no template_id)' % TID, ['DescribeTemplateAttribute']),
])
def test_a_create_that_cannot_work_is_refused_after_the_reads(options, message, reads):
    client = account('DescribeTemplates.empty')
    client.on('DescribeTemplateAttribute', TID, answer=error('DescribeTemplateAttribute.ErrorTemplateNotFound'))
    with pytest.raises(AckModuleError) as info:
        TemplatePlanner(FakeAck('ack_template', client, **options)).plan()
    assert info.value.msg == message and client.operations() == reads


def create_lost(found_on_recheck):
    client = account(['DescribeTemplates.empty', found_on_recheck, 'DescribeTemplates'])
    client.on('CreateTemplate', answers=[lost('CreateTemplate'), 'CreateTemplate'])
    ack = FakeAck('ack_template', client, name='web', template=MANIFEST)
    plan = TemplatePlanner(ack).plan()
    client.forget()
    return client, execute(ack, plan)


def test_a_lost_create_answer_finds_the_template_it_made_and_sends_nothing_more():
    client, result = create_lost('DescribeTemplates')
    assert client.operations() == ['CreateTemplate', 'DescribeTemplates', 'DescribeTemplates',
                                   'DescribeTemplateAttribute']
    assert client.calls[1].query['template_type'] == 'kubernetes' and result['template'] == TEMPLATE


def test_a_lost_create_answer_that_made_nothing_is_sent_once_more():
    client, result = create_lost('DescribeTemplates.empty')
    assert client.operations() == ['CreateTemplate', 'DescribeTemplates', 'CreateTemplate', 'DescribeTemplates',
                                   'DescribeTemplateAttribute']
    first, second = client.writes()
    assert first.body == second.body == {'name': 'web', 'template': MANIFEST}
    assert result['template'] == TEMPLATE


# ---- two tasks creating one name at the same time ------------------------------------------------------------

OLDER = dict(TEMPLATE, id='0b5e3a7e-0000-4000-8000-000000000001', template_with_hist_id='0b5e3a7e-hist',
             created='2026-12-07T16:59:52+08:00', description='made by the other task',
             template=MANIFEST.replace('port: 80', 'port: 8080'))


def raced(other, **options):
    """A create whose list afterwards shows this task's template (TID) and another's of the same name."""
    listing = answer('DescribeTemplates')
    listing['templates'].append(other)
    listing['page_info']['total_count'] = 2
    client = account(['DescribeTemplates.empty', listing])
    client.on('DescribeTemplateAttribute', other['id'], answer=[other])
    client.on('DeleteTemplate', TID, answer='DeleteTemplate')
    client.on('UpdateTemplate', other['id'], answer='UpdateTemplate')
    ack = FakeAck('ack_template', client, name='web', template=MANIFEST, **options)
    plan = TemplatePlanner(ack).plan()
    client.forget()
    return client, ack, execute(ack, plan)


@pytest.mark.parametrize('other', [
    OLDER,
    dict(OLDER, created=TEMPLATE['created']),  # created in the same second: the lower id is kept
    dict(OLDER, created='2026-12-07T08:59:52Z'),  # the same instant written in UTC is still the older
])
def test_a_newer_duplicate_is_deleted_and_the_kept_one_updated_to_what_the_task_wants(other):
    client, ack, result = raced(other, description='the web service')
    assert [(c.operation, c.path, c.body) for c in client.writes()] == [
        ('CreateTemplate', '/templates', dict(name='web', template=MANIFEST, description='the web service')),
        ('DeleteTemplate', '/templates/%s' % TID, None),  # its own, never the other's
        ('UpdateTemplate', '/templates/%s' % other['id'], dict(description='the web service', template=MANIFEST))]
    assert client.operations()[-1] == 'DescribeTemplateAttribute' and client.calls[-1].path.endswith(other['id'])
    assert result['changed'] and result['template']['id'] == other['id']
    assert ack.warnings == ["a concurrent create of the name 'web' was settled: of the 2 templates of this name, "
                            "the oldest, %s, is kept (this task deleted the one it created, %s)" % (other['id'], TID)]


def test_a_kept_template_that_is_already_as_wanted_is_not_updated():
    client, ack, result = raced(dict(OLDER, description='the web service', template=MANIFEST))
    assert client.operations() == ['CreateTemplate', 'DescribeTemplates', 'DeleteTemplate',
                                   'DescribeTemplateAttribute']
    assert result['changed'] and result['template']['id'] == OLDER['id'] and len(ack.warnings) == 1


@pytest.mark.parametrize('other', [
    dict(OLDER, id='f0000000-0000-4000-8000-000000000009', created='2026-12-07T16:59:54+08:00'),
    dict(OLDER, id='f0000000-0000-4000-8000-000000000009', created=TEMPLATE['created']),  # same second, higher id
])
def test_the_task_whose_template_is_the_oldest_keeps_it_and_writes_nothing_more(other):
    client, ack, result = raced(other)
    assert [c.operation for c in client.writes()] == ['CreateTemplate']
    assert result['changed'] and result['template'] == TEMPLATE
    assert ack.warnings == ["a concurrent create of the name 'web' was settled: of the 2 templates of this name, "
                            "the oldest, %s, is kept" % TID]


def test_check_mode_plans_the_create_and_writes_nothing():
    client = account('DescribeTemplates.empty')
    ack = FakeAck('ack_template', client, check_mode=True, name='web', template=MANIFEST)
    result = execute(ack, TemplatePlanner(ack).plan())
    assert result['changed'] and result['template'] == {} and client.operations() == ['DescribeTemplates'] * 2
