"""The pool of existing ECS / ENS instances outside any cluster, for the admin API (``/__emulator/instances``):
what AttachInstances may take. Not request handlers: the caller (admin.py) runs each in a transaction."""

import random
import re

from ..lifecycle import short_id
from . import catalogue as cat
from .nodes import instance_doc, new_ip


def declare_instances(db, data, now):
    """Declare ECS / ENS instances that exist outside any cluster, so AttachInstances can take them.

    ``data``: ``{"instances": [...]}``, each an instance id or ``{"instance_id"?, "kind": "ecs"|"ens",
    "instance_type"?, "image_id"?, "ip_address"?, "instance_name"?, "tags"?}`` (a missing id is generated).
    Declaring a declared or detached instance again changes nothing. Returns ``{"instances": [documents]}``;
    ValueError for a bad entry (the caller's transaction then stores none).
    """
    entries = data.get('instances')
    if not isinstance(entries, list) or not entries:
        raise ValueError('instances must be a non-empty list of instance ids or objects')
    out = []
    used = set()
    for n in db.list('node', now=now):
        used.update(n.get('ip_address') or [])
    for entry in entries:
        entry = {'instance_id': entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict):
            raise ValueError('each instance is an id or an object')
        kind = entry.get('kind') or 'ecs'
        if kind not in ('ecs', 'ens'):
            raise ValueError('kind must be ecs or ens')
        iid = entry.get('instance_id') or short_id('i-')
        if not re.match(r'^i-[0-9a-z]{4,40}$', iid):
            raise ValueError('%r is not an instance id (i- and lower case letters and digits)' % iid)
        doc = db.get('node', iid, now=now)
        if doc is not None and doc.get('cluster_id') is None and not doc.get('_released'):
            out.append(doc)
            continue
        if doc is not None:
            raise ValueError('instance %s exists already (in cluster %s, or released)' % (iid, doc.get('cluster_id')))
        ens = kind == 'ens'
        ip = entry.get('ip_address') or new_ip(used, '10.%d' % random.randint(1, 254) if ens else '192.168')
        doc = instance_doc(iid, ip, entry.get('instance_type') or (cat.DEFAULT_ENS_TYPE if ens
                                                                    else cat.DEFAULT_INSTANCE_TYPE),
                           entry.get('image_id') or (cat.DEFAULT_ENS_IMAGE if ens else cat.DEFAULT_IMAGE), now,
                           cluster_id=None, instance_name=entry.get('instance_name') or 'instance-%s' % iid[2:10],
                           node_name='', nodepool_id='', source='declared', state='running',
                           instance_status='Running', node_status='Unknown', tags=entry.get('tags') or [],
                           _detached=True, _ens=ens)
        db.put('node', iid, doc)
        out.append(doc)
    return {'instances': out}


def free_instances(db, now):
    """Instances outside any cluster that AttachInstances can take (declared or detached)."""
    return {'instances': db.list('node', now=now,
                                 where=lambda n: n.get('cluster_id') is None and not n.get('_released'))}
