"""Cluster add-ons: InstallClusterAddons, DescribeAddons (catalogue metadata), DescribeClusterAddonsVersion,
DescribeClusterAddonUpgradeStatus (+ the plural DescribeClusterAddonsUpgradeStatus), UnInstallClusterAddons,
UpgradeClusterAddons (reference 11.1-11.5; bodies as the official SDK sends them: JSON arrays).

Documents of kind ``addon`` (id ``<cluster_id>:<name>``) carry the installed version and a per-add-on ``state``:
``installing`` -> ``active``; ``upgrading`` -> ``active`` (new version); ``uninstalling`` -> gone. Each call
creates one task for its whole batch. The cluster state is not changed by add-on operations, but they need a
``running`` cluster. Every catalogue add-on has a current version (installed by default) and a newer one.
"""

import json

from .. import errors
from ..lifecycle import AT, iso, new_task
from ..registry import op
from .catalogue import ADDON_GROUP_DEFAULTS, ADDONS, ALWAYS_ADDONS, ALWAYS_ASK_ADDONS, DEFAULT_ADDONS, \
    DEFAULT_ASK_ADDONS, METADATA_CLUSTER_TYPES, METADATA_CLUSTER_TYPES_TEXT, NETWORK_PLUGINS
from .common import get_cluster, is_ask, log_outcome, push_timeline, require_running
from .params import boolean, items, text

INSTALL_SECONDS = 120
UPGRADE_SECONDS = 180
UNINSTALL_SECONDS = 60

def _key(cluster_id, name):
    return '%s:%s' % (cluster_id, name)


def _catalogue_entry(name):
    entry = ADDONS.get(name) if isinstance(name, str) else None
    if entry is None:
        raise errors.ApiError(404, errors.NOT_FOUND_CODES['addon'], 'addon %s not found' % (name,))
    return entry


def _check_config(name, config):
    if config in (None, ''):
        return ''
    if isinstance(config, dict):
        return json.dumps(config, sort_keys=True)
    if not isinstance(config, str):
        raise errors.bad_param('config', 'the config of %s must be a JSON string' % name)
    try:
        if not isinstance(json.loads(config), dict):
            raise ValueError
    except ValueError:
        raise errors.bad_param('config', 'the config of %s must be a JSON object encoded as a string' % name)
    return config


def installed_addons(ctx, cluster_id):
    return ctx.db.list('addon', now=ctx.now, where={'cluster_id': cluster_id})


def _addon_doc(ctx, cluster, name, version, config, state):
    group, description, _versions, required, _ask = ADDONS[name]
    return {
        'cluster_id': cluster['cluster_id'],
        'name': name,
        'category': group,
        'description': description,
        'version': version,
        'config': config,
        'required': required,
        'changed': '',
        'state': state,
        'created': iso(ctx.now),
        'updated': iso(ctx.now),
    }


def _fail_message(fail):
    return '%s: %s' % (fail.get('code'), fail.get('message'))


def _log(ctx, cluster, duration, fail, doing, done):
    """The operation in the cluster's log (DescribeClusterLogs): its start now, its outcome when it ends."""
    log_outcome(cluster, ctx.now, duration, doing, fail, done)
    ctx.db.put('cluster', cluster['cluster_id'], cluster)


def _op_status(kind, task_id, now, message):
    return {'type': kind, 'task_id': task_id, 'status': 'running', 'message': message, 'created_at': iso(now),
            'finished_at': ''}


def _validate_install_items(cluster, items, present):
    """-> [(name, version, config)] for the items to install (``disabled`` items are skipped)."""
    out, names = [], set()
    for item in items:
        if not isinstance(item, dict):
            raise errors.bad_param('addons', 'each add-on must be an object with a name')
        name = item.get('name')
        if name in (None, ''):
            raise errors.missing_param('name')
        _group, _desc, versions, _required, ask_ok = _catalogue_entry(name)
        if name in names:
            raise errors.bad_param('name', 'add-on %s is listed twice' % name)
        names.add(name)
        # 11.1: disabled "disables automatic installation", required (a string) "enables" it
        disabled, required = boolean(item, 'disabled'), boolean(item, 'required')
        if disabled and required:
            raise errors.bad_param('required', 'add-on %s is both disabled and required' % name)
        if disabled:
            continue
        version = text(item, 'version') or versions[0]
        if version not in versions:
            raise errors.bad_param('version', 'version %s of add-on %s does not exist; available versions: %s'
                                   % (version, name, ', '.join(versions)))
        if is_ask(cluster) and not ask_ok:
            raise errors.ApiError(400, 'ErrorAddonNotSupported', 'add-on %s is not supported by serverless cluster %s'
                                  % (name, cluster['cluster_id']))
        if name in present:
            raise errors.ApiError(400, 'AddonAlreadyInstalled', 'add-on %s is already installed in cluster %s'
                                  % (name, cluster['cluster_id']))
        out.append((name, version, _check_config(name, item.get('config'))))
    nets = [n for n in NETWORK_PLUGINS if n in present or n in [o[0] for o in out]]
    if len(nets) > 1:
        raise errors.ApiError(400, 'ErrorAddonConflict', 'network plug-ins %s cannot be installed together'
                              % ' and '.join(nets))
    return out


# --- helper for E1's CreateCluster (CONTRACT.md, Requests from E2) ------------------------------------------
def install_initial_addons(ctx, cluster, addons=None, ready_after=0):
    """Record the ``addons`` of CreateCluster (None: the default set) as installed; raises ApiError on unknown
    add-ons or bad versions, so call it before storing anything else. Required add-ons are always installed (even
    listed as disabled), the NGINX Ingress controller and metrics-server unless listed with ``disabled: true``
    (serverless clusters: metrics-server), and Flannel when no network plug-in is given (not for serverless
    clusters)."""
    ask = is_ask(cluster)
    wanted = items({'addons': addons}, 'addons')
    if wanted is None:
        wanted = [{'name': n} for n in (DEFAULT_ASK_ADDONS if ask else DEFAULT_ADDONS)]
    names = [i.get('name') for i in wanted if isinstance(i, dict)]
    always = ALWAYS_ASK_ADDONS if ask else ALWAYS_ADDONS
    for name, (_g, _d, _v, required, ask_ok) in ADDONS.items():
        required = required and (ask_ok or not ask)
        if required:  # installed even when listed as disabled
            wanted = [dict(i, disabled=False) if isinstance(i, dict) and i.get('name') == name else i for i in wanted]
        if name not in names and (required or name in always):
            wanted.append({'name': name})
            names.append(name)
    if not is_ask(cluster) and not any(n in names for n in NETWORK_PLUGINS):
        wanted.append({'name': 'flannel'})
    todo = _validate_install_items(cluster, wanted, set())
    for name, version, config in todo:
        doc = _addon_doc(ctx, cluster, name, version, config, 'installing' if ready_after else 'active')
        doc['last_op'] = _op_status('install', None, ctx.now, 'installing %s %s' % (name, version))
        final = {'state': 'active', 'updated': AT,
                 'last_op': dict(doc['last_op'], status='success', message='installed',
                                 finished_at=iso(ctx.now + ready_after))}
        if ready_after:
            push_timeline(doc, ctx.now + ready_after, final)
        else:
            doc.update(final)
            doc['updated'] = iso(ctx.now)
        ctx.db.put('addon', _key(cluster['cluster_id'], name), doc)
    return [t[0] for t in todo]


def delete_cluster_addons(ctx, cluster_id, at=None):
    """Drop the add-ons of a deleted cluster; ``at``: when the deletion ends (they stay until then)."""
    for doc in installed_addons(ctx, cluster_id):
        if at is None:
            ctx.db.delete('addon', _key(cluster_id, doc['name']))
        else:
            push_timeline(doc, at, {'_gone': True})
            ctx.db.put('addon', _key(cluster_id, doc['name']), doc)


# --- operations ---------------------------------------------------------------------------------------------
def _array_body(ctx, key=None):
    body = ctx.json
    if body is None:
        raise errors.missing_param(key or 'body')
    if isinstance(body, dict):
        if key and isinstance(body.get(key), list):
            return body[key]
        return [body]
    if not isinstance(body, list):
        raise errors.bad_param('body', 'a JSON array of add-ons is expected')
    if not body:
        raise errors.missing_param(key or 'body')
    return body


@op('InstallClusterAddons', 'POST', '/clusters/<cluster_id>/components/install')
def install_cluster_addons(ctx, cluster_id):
    items = _array_body(ctx)
    cluster = get_cluster(ctx, cluster_id)
    present = {d['name'] for d in installed_addons(ctx, cluster_id)}
    todo = _validate_install_items(cluster, items, present)
    if not todo:
        raise errors.bad_param('body', 'no add-on to install (every item is disabled)')
    require_running(cluster, 'InstallClusterAddons')
    duration = ctx.duration(INSTALL_SECONDS)
    fail = ctx.should_fail()
    task_id = new_task(ctx, cluster_id, 'addon_install', duration, fail=fail,
                       parameters={'addons': [{'name': n, 'version': v} for n, v, _c in todo]})
    what = ', '.join('%s %s' % (n, v) for n, v, _c in todo)
    _log(ctx, cluster, duration, fail, 'install add-ons %s' % what, 'Installed add-ons %s' % what)
    for name, version, config in todo:
        doc = _addon_doc(ctx, cluster, name, version, config, 'installing')
        doc['last_op'] = _op_status('install', task_id, ctx.now, 'installing %s %s' % (name, version))
        if fail:
            final = {'state': 'failed', 'updated': AT,
                     'last_op': dict(doc['last_op'], status='failed', message=_fail_message(fail),
                                     finished_at=iso(ctx.now + duration))}
        else:
            final = {'state': 'active', 'updated': AT,
                     'last_op': dict(doc['last_op'], status='success', message='%s %s installed'
                                     % (name, version), finished_at=iso(ctx.now + duration))}
        push_timeline(doc, ctx.now + duration, final)
        ctx.db.put('addon', _key(cluster_id, name), doc)
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


def _installed(ctx, cluster_id, name, operation):
    _catalogue_entry(name)
    doc = ctx.db.get('addon', _key(cluster_id, name), now=ctx.now)
    if doc is None:
        raise errors.ApiError(404, errors.NOT_FOUND_CODES['addon'], 'addon %s is not installed in cluster %s'
                              % (name, cluster_id))
    if operation and doc.get('state') != 'active':
        raise errors.ApiError(400, 'InvalidStatus.Addon', 'add-on %s is %s, %s is not allowed'
                              % (name, doc.get('state'), operation))
    return doc


@op('UnInstallClusterAddons', 'POST', '/clusters/<cluster_id>/components/uninstall')
def uninstall_cluster_addons(ctx, cluster_id):
    items = _array_body(ctx, 'addons')
    cluster = get_cluster(ctx, cluster_id)
    docs, seen = [], set()
    for item in items:
        if not isinstance(item, dict) or item.get('name') in (None, ''):
            raise errors.missing_param('name')
        name = item['name']
        if name in seen:
            raise errors.bad_param('name', 'add-on %s is listed twice' % name)
        seen.add(name)
        boolean(item, 'cleanup_cloud_resources')
        doc = _installed(ctx, cluster_id, name, None)
        if doc.get('required'):
            raise errors.ApiError(400, 'ErrorAddonRequired', 'add-on %s is required by the cluster and cannot '
                                  'be uninstalled' % name)
        if doc.get('state') not in ('active', 'failed'):
            raise errors.ApiError(400, 'InvalidStatus.Addon', 'add-on %s is %s, UnInstallClusterAddons is not '
                                  'allowed' % (name, doc.get('state')))
        docs.append(doc)
    require_running(cluster, 'UnInstallClusterAddons')
    duration = ctx.duration(UNINSTALL_SECONDS)
    fail = ctx.should_fail()
    task_id = new_task(ctx, cluster_id, 'addon_uninstall', duration, fail=fail,
                       parameters={'addons': [{'name': d['name']} for d in docs]})
    what = ', '.join(d['name'] for d in docs)
    _log(ctx, cluster, duration, fail, 'uninstall add-ons %s' % what, 'Uninstalled add-ons %s' % what)
    for doc in docs:
        before = doc.get('state')
        doc['state'] = 'uninstalling'
        doc['updated'] = iso(ctx.now)
        doc['last_op'] = _op_status('uninstall', task_id, ctx.now, 'uninstalling %s' % doc['name'])
        if fail:
            push_timeline(doc, ctx.now + duration, {
                'state': before, 'updated': AT,
                'last_op': dict(doc['last_op'], status='failed', message=_fail_message(fail),
                                finished_at=iso(ctx.now + duration))})
        else:
            push_timeline(doc, ctx.now + duration, {'_gone': True})
        ctx.db.put('addon', _key(cluster_id, doc['name']), doc)
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


@op('UpgradeClusterAddons', 'POST', '/clusters/<cluster_id>/components/upgrade')
def upgrade_cluster_addons(ctx, cluster_id):
    items = _array_body(ctx)
    cluster = get_cluster(ctx, cluster_id)
    plan, seen = [], set()
    for item in items:
        if not isinstance(item, dict):
            raise errors.bad_param('body', 'each item must be an object with component_name')
        name = item.get('component_name') or item.get('name')
        if name in (None, ''):
            raise errors.missing_param('component_name')
        if name in seen:
            raise errors.bad_param('component_name', 'add-on %s is listed twice' % name)
        seen.add(name)
        versions = _catalogue_entry(name)[2]
        doc = _installed(ctx, cluster_id, name, 'UpgradeClusterAddons')
        current = text(item, 'version')
        if current is not None and current != doc['version']:
            raise errors.bad_param('version', 'add-on %s runs %s, not %s' % (name, doc['version'], current))
        target = text(item, 'next_version') or versions[-1]
        if target not in versions:
            raise errors.bad_param('next_version', 'version %s of add-on %s does not exist; available versions: '
                                   '%s' % (target, name, ', '.join(versions)))
        if versions.index(target) <= versions.index(doc['version']):
            raise errors.bad_param('next_version', 'add-on %s runs %s; %s is not newer'
                                   % (name, doc['version'], target))
        text(item, 'policy', choices=('overwrite', 'canary'))
        config = _check_config(name, item.get('config')) if item.get('config') not in (None, '') else None
        plan.append((doc, target, config))
    if not plan:
        raise errors.missing_param('component_name')
    require_running(cluster, 'UpgradeClusterAddons')
    duration = ctx.duration(UPGRADE_SECONDS)
    fail = ctx.should_fail()
    task_id = new_task(ctx, cluster_id, 'addon_upgrade', duration, fail=fail,
                       parameters={'addons': [{'component_name': d['name'], 'version': d['version'],
                                               'next_version': t} for d, t, _c in plan]})
    what = ', '.join('%s from %s to %s' % (d['name'], d['version'], t) for d, t, _c in plan)
    _log(ctx, cluster, duration, fail, 'upgrade add-ons %s' % what, 'Upgraded add-ons %s' % what)
    for doc, target, config in plan:
        doc['state'] = 'upgrading'
        doc['next_version'] = target
        doc['updated'] = iso(ctx.now)
        doc['last_op'] = _op_status('upgrade', task_id, ctx.now, 'upgrading %s from %s to %s'
                                    % (doc['name'], doc['version'], target))
        final = {'state': 'active', 'version': target, 'next_version': '', 'updated': AT,
                 'last_op': dict(doc['last_op'], status='success', message='%s upgraded to %s'
                                 % (doc['name'], target), finished_at=iso(ctx.now + duration))}
        if config is not None:
            final['config'] = config
        if fail:
            final = {'state': 'active', 'next_version': '', 'updated': AT,
                     'last_op': dict(doc['last_op'], status='failed', message=_fail_message(fail),
                                     finished_at=iso(ctx.now + duration))}
        push_timeline(doc, ctx.now + duration, final)
        ctx.db.put('addon', _key(cluster_id, doc['name']), doc)
    return {'cluster_id': cluster_id, 'request_id': ctx.request_id, 'task_id': task_id}


def _can_upgrade(doc):
    versions = ADDONS[doc['name']][2]
    return doc.get('state') == 'active' and doc['version'] in versions and doc['version'] != versions[-1]


def _version_entry(doc):
    versions = ADDONS[doc['name']][2]
    can = _can_upgrade(doc)
    if doc.get('state') != 'active':
        message = 'add-on is %s' % doc.get('state')
    else:
        message = 'ok to upgrade' if can else 'already the latest version'
    return {
        'component_name': doc['name'],
        'version': doc['version'],
        'next_version': versions[-1] if can else '',
        'can_upgrade': can,
        'required': bool(doc.get('required')),
        'changed': doc.get('changed', ''),
        'message': message,
        'template': '',
        'exist': True,
    }


@op('DescribeClusterAddonsVersion', 'GET', '/clusters/<cluster_id>/components/version')
def describe_cluster_addons_version(ctx, cluster_id):
    get_cluster(ctx, cluster_id)
    return {doc['name']: _version_entry(doc) for doc in installed_addons(ctx, cluster_id)}


def _upgrade_status(doc):
    last = doc.get('last_op') or {}
    return {
        'template': '',
        'can_upgrade': _can_upgrade(doc),
        'addon_info': {
            'component_name': doc['name'],
            'message': _version_entry(doc)['message'],
            'category': doc.get('category', ''),
            'version': doc['version'],
            'yaml': '',
        },
        'tasks': {
            'status': last.get('status', 'success'),
            'type': last.get('type', ''),
            'message': last.get('message', ''),
            'created_at': last.get('created_at', ''),
            'finished_at': last.get('finished_at', ''),
        },
        'state': doc.get('state'),
    }


@op('DescribeClusterAddonUpgradeStatus', 'GET', '/clusters/<cluster_id>/components/<component_id>/upgradestatus')
def describe_cluster_addon_upgrade_status(ctx, cluster_id, component_id):
    get_cluster(ctx, cluster_id)
    return _upgrade_status(_installed(ctx, cluster_id, component_id, None))


@op('DescribeClusterAddonsUpgradeStatus', 'GET', '/clusters/<cluster_id>/components/upgradestatus')
def describe_cluster_addons_upgrade_status(ctx, cluster_id):
    get_cluster(ctx, cluster_id)
    names = items(ctx.query, 'componentIds', required=True)
    return {name: _upgrade_status(_installed(ctx, cluster_id, name, None)) for name in names}


@op('DescribeAddons', 'GET', '/clusters/components/metadata')
def describe_addons(ctx):
    q = ctx.query
    ctype = (q.get('cluster_type') or 'kubernetes')
    if ctype.lower() not in METADATA_CLUSTER_TYPES:
        raise errors.bad_param('cluster_type', 'valid values are %s' % METADATA_CLUSTER_TYPES_TEXT)
    ask = ctype.lower() == 'ask'
    groups, standard = {}, {}
    for name, (group, description, versions, required, ask_ok) in ADDONS.items():
        if ask and not ask_ok:
            continue
        item = {'name': name, 'version': versions[0], 'description': description, 'disabled': False,
                'required': 'true' if required else 'false', 'config': ''}
        groups.setdefault(group, []).append(item)
        standard[name] = dict(item)
    out = []
    for group, items in groups.items():
        names = [i['name'] for i in items]
        out.append({'group_name': group, 'default': [n for n in ADDON_GROUP_DEFAULTS.get(group, []) if n in names],
                    'items': items})
    return {'ComponentGroups': out, 'StandardComponents': standard}
