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
from .params import paginate, text
from .validation import check_name

TEMPLATE_TYPES = ('kubernetes', 'compose')
ACLS = ('private', 'public', 'shared')
TAGS = ('private', 'common')   # CreateTemplate's tags (10.1); without it a template's tags are its name (10.2)
MAX_TEMPLATE = 256 * 1024
MAX_DESCRIPTION = 1024

PUBLIC_KEYS = ('id', 'acl', 'name', 'template', 'template_type', 'description', 'tags', 'template_with_hist_id',
               'created', 'updated')


def _public(doc):
    return {k: doc.get(k) for k in PUBLIC_KEYS}


def _fields(body, required):
    """The fields of a create (``required=True``) or an update: ``{name: value or None}``. Reference 10.1 gives
    the tags of a create their choices; 10.3 documents no field of an update. The name follows the naming rules of
    the SDK's CreateTemplateRequest (1 to 63 letters, digits, Chinese characters and hyphens, not starting with a
    hyphen), also when an update renames the template."""
    name = text(body, 'name', required=required)
    fields = {'name': name if name is None else check_name('name', name),
              'template': text(body, 'template', required=required, max_len=MAX_TEMPLATE),
              'template_type': text(body, 'template_type', choices=TEMPLATE_TYPES),
              'tags': text(body, 'tags', choices=TAGS if required else None),
              'description': text(body, 'description', max_len=MAX_DESCRIPTION)}
    if fields['template'] is not None and not fields['template'].strip():
        raise errors.bad_param('template', 'the template content must not be blank')
    return fields


def _get(ctx, template_id):
    doc = ctx.db.get('template', template_id, now=ctx.now)
    if doc is None:
        raise errors.not_found('template', template_id)
    return doc


@op('CreateTemplate', 'POST', '/templates')
def create_template(ctx):
    body = body_dict(ctx)
    fields = _fields(body, True)
    tid = str(uuid.uuid4())
    now = iso(ctx.now)
    doc = {
        'id': tid,
        'acl': text(body, 'acl', choices=ACLS) or 'private',
        'name': fields['name'],
        'template': fields['template'],
        'template_type': fields['template_type'] or 'kubernetes',
        'description': fields['description'] or '',
        'tags': fields['tags'] if fields['tags'] is not None else fields['name'],
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
    ttype = text(ctx.query, 'template_type', choices=TEMPLATE_TYPES) or 'kubernetes'
    docs = [d for d in ctx.db.list('template', now=ctx.now) if d.get('template_type') == ttype]
    page, info = paginate(docs, ctx.query, 'page_num')
    return {'templates': [_public(d) for d in page], 'page_info': info}


@op('DescribeTemplateAttribute', 'GET', '/templates/<template_id>')
def describe_template_attribute(ctx, template_id):
    ttype = text(ctx.query, 'template_type', choices=TEMPLATE_TYPES)
    doc = _get(ctx, template_id)
    if ttype is not None and doc.get('template_type') != ttype:
        raise errors.not_found('template', template_id)
    # answers a top-level array (protocol-notes): the template with its history versions, newest first
    return [_public(doc)]


@op('UpdateTemplate', 'PUT', '/templates/<template_id>')
def update_template(ctx, template_id):
    body = body_dict(ctx)
    doc = _get(ctx, template_id)
    doc.update({k: v for k, v in _fields(body, False).items() if v is not None})
    if body.get('description') == '':
        doc['description'] = ''
    # template_with_hist_id names the template across its versions (official SDK): an update keeps it
    doc['updated'] = iso(ctx.now)
    ctx.db.put('template', template_id, doc)
    return None


@op('DeleteTemplate', 'DELETE', '/templates/<template_id>')
def delete_template(ctx, template_id):
    _get(ctx, template_id)
    ctx.db.delete('template', template_id)
    return None
