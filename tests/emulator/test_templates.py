"""Application deployment templates: CreateTemplate, DescribeTemplates (paged), DescribeTemplateAttribute
(answers an array), UpdateTemplate, DeleteTemplate; 404 ErrorTemplateNotFound for unknown ids."""
import pytest

NGINX = ('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx-deployment-basic\n  labels:\n'
         '    app: nginx\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n'
         '    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n'
         '        image: busybox:latest\n        ports:\n        - containerPort: 80')


def create(emulator, **body):
    b = {'name': 'nginx', 'template': NGINX}
    b.update(body)
    b = {k: v for k, v in b.items() if v is not None}
    return emulator.signed('POST', '/templates', body=b, action='CreateTemplate')


def attribute(emulator, tid, **query):
    return emulator.signed('GET', '/templates/%s' % tid, query=query or None, action='DescribeTemplateAttribute')


def listing(emulator, **query):
    r = emulator.signed('GET', '/templates', query=query or None, action='DescribeTemplates')
    assert r.status == 200, r
    return r.json


def test_template_crud(emulator):
    r = create(emulator, description='a template of nginx', tags='common')
    assert r.status == 200 and set(r.json) == {'template_id'}, r
    tid = r.json['template_id']
    got = attribute(emulator, tid)
    assert got.status == 200 and isinstance(got.json, list) and len(got.json) == 1
    t = got.json[0]
    assert t['id'] == tid and t['name'] == 'nginx' and t['template'] == NGINX and t['acl'] == 'private'
    assert t['template_type'] == 'kubernetes' and t['description'] == 'a template of nginx' and t['tags'] == 'common'
    assert t['created'] and t['updated'] and t['template_with_hist_id']
    up = emulator.signed('PUT', '/templates/%s' % tid, body={'description': 'v2', 'template': NGINX + '\n# v2'},
                         action='UpdateTemplate')
    assert up.status == 200 and up.json == {}, up
    t2 = attribute(emulator, tid).json[0]
    assert t2['description'] == 'v2' and t2['template'].endswith('# v2') and t2['name'] == 'nginx'
    assert t2['template_with_hist_id'] == t['template_with_hist_id'] and t2['id'] == tid
    d = emulator.signed('DELETE', '/templates/%s' % tid, action='DeleteTemplate')
    assert d.status == 200 and d.json == {}
    gone = attribute(emulator, tid)
    assert gone.status == 404 and gone.code == 'ErrorTemplateNotFound'
    assert listing(emulator)['page_info']['total_count'] == 0


def test_create_template_with_put(emulator):
    """The reference documents `POST|PUT /templates`: both create, and both count as CreateTemplate."""
    before = emulator.stats().get('CreateTemplate', 0)
    r = emulator.signed('PUT', '/templates', body={'name': 'put-made', 'template': NGINX}, action='CreateTemplate')
    assert r.status == 200 and set(r.json) == {'template_id'}, r
    t = attribute(emulator, r.json['template_id']).json[0]
    assert t['name'] == 'put-made' and t['template'] == NGINX and t['tags'] == 'put-made'
    assert emulator.stats().get('CreateTemplate', 0) == before + 1
    assert [x['id'] for x in listing(emulator)['templates']] == [r.json['template_id']]


def test_describe_templates_paged_and_by_type(emulator):
    ids = [create(emulator, name='app-%d' % i).json['template_id'] for i in range(5)]
    compose = create(emulator, name='web', template='version: "3"\nservices: {}', template_type='compose')
    assert compose.status == 200
    page = listing(emulator, page_num='2', page_size='2')
    assert page['page_info'] == {'page_number': 2, 'page_size': 2, 'total_count': 5}
    assert [t['id'] for t in page['templates']] == ids[2:4]
    assert listing(emulator)['page_info'] == {'page_number': 1, 'page_size': 10, 'total_count': 5}
    only = listing(emulator, template_type='compose')
    assert [t['name'] for t in only['templates']] == ['web']
    cid = compose.json['template_id']
    assert attribute(emulator, cid, template_type='compose').status == 200
    mismatch = attribute(emulator, cid, template_type='kubernetes')
    assert mismatch.status == 404 and mismatch.code == 'ErrorTemplateNotFound'


@pytest.mark.parametrize('query', [{'page_size': '0'}, {'page_size': '101'}, {'page_num': 'one'},
                                   {'template_type': 'helm'}])
def test_describe_templates_bad_query(emulator, query):
    r = emulator.signed('GET', '/templates', query=query, action='DescribeTemplates')
    assert r.status == 400 and r.code == 'InvalidParameter', r


@pytest.mark.parametrize('body, code', [
    ({'name': None}, 'MissingParameter'),
    ({'template': None}, 'MissingParameter'),
    ({'template': '   '}, 'InvalidParameter'),
    ({'name': 'x' * 257}, 'InvalidParameter'),
    ({'template_type': 'helm'}, 'InvalidParameter'),
    ({'name': 42}, 'InvalidParameter'),
])
def test_create_template_validation(emulator, body, code):
    r = create(emulator, **body)
    assert r.status == 400 and r.code == code, r


@pytest.mark.parametrize('method, action, body', [
    ('GET', 'DescribeTemplateAttribute', None),
    ('PUT', 'UpdateTemplate', {'name': 'x'}),
    ('DELETE', 'DeleteTemplate', None),
])
def test_unknown_template_is_404(emulator, method, action, body):
    r = emulator.signed(method, '/templates/20663627-81ee-4cfe-9b69-c96fcb84a674', body=body, action=action)
    assert r.status == 404 and r.code == 'ErrorTemplateNotFound', r


@pytest.mark.parametrize('name', ['w' * 64, '-web', 'web_app', 'web app', 'web.2', 'w' * 257])
def test_template_names_follow_the_sdk_naming_rules(emulator, name):
    """CreateTemplateRequest (SDK): the name is 1 to 63 letters, digits, Chinese characters and hyphens and does
    not start with a hyphen; a rename (UpdateTemplate) gives the template the same name field."""
    r = create(emulator, name=name)
    assert r.status == 400 and r.code == 'InvalidParameter' and 'name' in r.json['message'], r
    assert create(emulator, name='w' * 63).status == 200 and create(emulator, name=u'模板-1').status == 200
    tid = create(emulator, name='web').json['template_id']
    r = emulator.signed('PUT', '/templates/%s' % tid, body={'name': name}, action='UpdateTemplate')
    assert r.status == 400 and r.code == 'InvalidParameter', r
    assert attribute(emulator, tid).json[0]['name'] == 'web'


def test_update_template_validation(emulator):
    tid = create(emulator).json['template_id']
    r = emulator.signed('PUT', '/templates/%s' % tid, body={'template_type': 'helm'}, action='UpdateTemplate')
    assert r.status == 400 and r.code == 'InvalidParameter'
    r = emulator.signed('PUT', '/templates/%s' % tid, body={'template': ' '}, action='UpdateTemplate')
    assert r.status == 400 and r.code == 'InvalidParameter'
    assert attribute(emulator, tid).json[0]['template'] == NGINX


@pytest.mark.parametrize('client_fixture', ['sdk_new_v2', 'sdk_new_v3'])
def test_new_sdk_templates(emulator, request, client_fixture):
    from alibabacloud_cs20151215 import models
    from Tea.exceptions import TeaException
    client = request.getfixturevalue(client_fixture)
    tid = client.create_template(models.CreateTemplateRequest(name='nginx', template=NGINX,
                                                              template_type='kubernetes')).body.template_id
    lst = client.describe_templates(models.DescribeTemplatesRequest(page_num=1, page_size=5))
    assert lst.body.page_info.total_count == 1 and lst.body.templates[0].id == tid
    attr = client.describe_template_attribute(tid, models.DescribeTemplateAttributeRequest())
    assert attr.body[0].name == 'nginx' and attr.body[0].template == NGINX
    client.update_template(tid, models.UpdateTemplateRequest(name='nginx-2'))
    assert client.describe_template_attribute(tid, models.DescribeTemplateAttributeRequest()).body[0].name == 'nginx-2'
    client.delete_template(tid)
    with pytest.raises(TeaException) as info:
        client.delete_template(tid)
    assert info.value.code == 'ErrorTemplateNotFound'


def test_old_sdk_templates(emulator, sdk_old):
    from aliyunsdkcs.request.v20151215.CreateTemplateRequest import CreateTemplateRequest
    from aliyunsdkcs.request.v20151215.DescribeTemplatesRequest import DescribeTemplatesRequest
    req = CreateTemplateRequest()
    req.set_content_type('application/json')
    req.set_name('nginx')
    req.set_template(NGINX)
    tid = sdk_old.do(req)['template_id']
    lst = DescribeTemplatesRequest()
    lst.set_template_type('kubernetes')
    assert [t['id'] for t in sdk_old.do(lst)['templates']] == [tid]
