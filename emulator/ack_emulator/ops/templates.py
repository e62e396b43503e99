"""Application deployment templates: CreateTemplate, DescribeTemplates, DescribeTemplateAttribute,
UpdateTemplate, DeleteTemplate (reference 10.1-10.4; paths and fields as the official SDK sends them).

Documents of kind ``template`` (id = template id, a UUID). Templates are account-wide (not tied to a cluster).
CreateTemplate answers POST and PUT /templates (the reference documents both).
"""

import uuid

from .. import errors
from ..lifecycle import iso
from ..registry import ROUTES, op
from .common import body_dict
from .nodes import as_int, as_str

TEMPLATE_TYPES = ('kubernetes', 'compose')
ACLS = ('private', 'public', 'shared')
MAX_NAME = 256
MAX_TEMPLATE = 256 * 1024
MAX_DESCRIPTION = 1024

PUBLIC_KEYS = ('id', 'acl', 'name', 'template', 'template_type', 'description', 'tags', 'template_with_hist_id',
               'created', 'updated')


def _public(doc):
    return {k: doc.get(k) for k in PUBLIC_KEYS}


def _check_name(value, required):
    name = as_str('name', value, required=required)
    if name is not None and len(name) > MAX_NAME:
        raise errors.bad_param('name', 'at most %d characters' % MAX_NAME)
    return name


def _check_template(value, required):
    text = as_str('template', value, required=required)
    if text is not None:
        if not text.strip():
            raise errors.bad_param('template', 'the template content must not be blank')
        if len(text) > MAX_TEMPLATE:
            raise errors.bad_param('template', 'the template content is larger than %d bytes' % MAX_TEMPLATE)
    return text


def _check_description(value):
    text = as_str('description', value)
    if text is not None and len(text) > MAX_DESCRIPTION:
        raise errors.bad_param('description', 'at most %d characters' % MAX_DESCRIPTION)
    return text


def _get(ctx, template_id):
    doc = ctx.db.get('template', template_id, now=ctx.now)
    if doc is None:
        raise errors.not_found('template', template_id)
    return doc


@op('CreateTemplate', 'POST', '/templates')
def create_template(ctx):
    body = body_dict(ctx)
    name = _check_name(body.get('name'), True)
    text = _check_template(body.get('template'), True)
    ttype = as_str('template_type', body.get('template_type'), choices=TEMPLATE_TYPES) or 'kubernetes'
    tags = as_str('tags', body.get('tags'))
    description = _check_description(body.get('description')) or ''
    acl = as_str('acl', body.get('acl'), choices=ACLS) or 'private'
    tid = str(uuid.uuid4())
    now = iso(ctx.now)
    doc = {
        'id': tid,
        'acl': acl,
        'name': name,
        'template': text,
        'template_type': ttype,
        'description': description,
        'tags': tags if tags is not None else name,
        'template_with_hist_id': str(uuid.uuid4()),
        'created': now,
        'updated': now,
    }
    ctx.db.put('template', tid, doc)
    return {'template_id': tid}


# The reference documents `POST|PUT /templates`: a PUT to the collection creates too (same operation and handler).
ROUTES.append(('CreateTemplate', 'PUT', '/templates', create_template))


@op('DescribeTemplates', 'GET', '/templates')
def describe_templates(ctx):
    q = ctx.query
    ttype = as_str('template_type', q.get('template_type'), choices=TEMPLATE_TYPES) or 'kubernetes'
    page_number = as_int('page_num', q.get('page_num'), lo=1, hi=100000, default=1)
    page_size = as_int('page_size', q.get('page_size'), lo=1, hi=100, default=10)
    docs = [d for d in ctx.db.list('template', now=ctx.now) if d.get('template_type') == ttype]
    start = (page_number - 1) * page_size
    return {
        'templates': [_public(d) for d in docs[start:start + page_size]],
        'page_info': {'page_number': page_number, 'page_size': page_size, 'total_count': len(docs)},
    }


@op('DescribeTemplateAttribute', 'GET', '/templates/<template_id>')
def describe_template_attribute(ctx, template_id):
    ttype = as_str('template_type', ctx.query.get('template_type'), choices=TEMPLATE_TYPES)
    doc = _get(ctx, template_id)
    if ttype is not None and doc.get('template_type') != ttype:
        raise errors.not_found('template', template_id)
    # answers a top-level array (protocol-notes): the template with its history versions, newest first
    return [_public(doc)]


@op('UpdateTemplate', 'PUT', '/templates/<template_id>')
def update_template(ctx, template_id):
    body = body_dict(ctx)
    with ctx.db.transaction():
        doc = _get(ctx, template_id)
        name = _check_name(body.get('name'), False)
        text = _check_template(body.get('template'), False)
        ttype = as_str('template_type', body.get('template_type'), choices=TEMPLATE_TYPES)
        tags = as_str('tags', body.get('tags'))
        description = _check_description(body.get('description'))
        for key, value in (('name', name), ('template', text), ('template_type', ttype), ('tags', tags),
                           ('description', description)):
            if value is not None:
                doc[key] = value
        if body.get('description') == '':
            doc['description'] = ''
        # template_with_hist_id names the template across its versions (official SDK): an update keeps it
        doc['updated'] = iso(ctx.now)
        ctx.db.put('template', template_id, doc)
    return None


@op('DeleteTemplate', 'DELETE', '/templates/<template_id>')
def delete_template(ctx, template_id):
    with ctx.db.transaction():
        _get(ctx, template_id)
        ctx.db.delete('template', template_id)
    return None
