"""Time-based life cycles, ids and timestamps shared by every ops module.

A document may carry ``_timeline``: a list of ``[at_epoch, patch]`` sorted by time. Settling applies (shallow dict
update) every entry with ``at <= now`` and drops it. A patch value equal to ``"$at"`` is replaced by the ISO time
of the entry (use it for ``updated``). A patch with ``"_gone": true`` makes the document disappear.
Because the times are absolute and stored with the document, a restarted emulator resumes in-flight life cycles.
"""
import datetime
import random
import secrets
import string
import uuid

AT = '$at'
_TZ = datetime.timezone(datetime.timedelta(hours=8))  # ACK answers times in Asia/Shanghai (+08:00)


# -- time -------------------------------------------------------------------------------------------------
def iso(ts):
    """``2024-01-01T08:00:00+08:00`` (the format ACK uses for created/updated)."""
    return datetime.datetime.fromtimestamp(ts, _TZ).isoformat(timespec='seconds')


def iso_utc(ts):
    """``2024-01-01T00:00:00Z``."""
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


# -- ids --------------------------------------------------------------------------------------------------
_REQUEST_IDS = random.Random()  # seeded from os.urandom; uuid4() costs a system call per request


def request_id():
    """A random (version 4) UUID in upper case, like ACK's request ids."""
    h = '%032X' % _REQUEST_IDS.getrandbits(128)
    return '%s-%s-4%s-%s%s-%s' % (h[:8], h[8:12], h[13:16], '89AB'[int(h[16], 16) & 3], h[17:20], h[20:])


def cluster_id():
    return 'c' + uuid.uuid4().hex


def task_id():
    return 'T-' + secrets.token_hex(12)


def short_id(prefix, n=20):
    alphabet = string.ascii_lowercase + string.digits
    return prefix + ''.join(secrets.choice(alphabet) for _ in range(n))


# -- timelines --------------------------------------------------------------------------------------------
def schedule(doc, now, steps):
    """Append ``steps`` (``[(delay_already_scaled, patch), ...]``, delays cumulative from ``now``)."""
    tl = doc.setdefault('_timeline', [])
    at = float(now)
    for delay, patch in steps:
        at += max(0.0, float(delay))
        tl.append([at, dict(patch)])
    tl.sort(key=lambda e: e[0])
    return doc


def settle(doc, now):
    """Apply due entries. Returns ``(doc or None when gone, changed)``."""
    tl = doc.get('_timeline') or []
    changed = False
    keep = []
    for at, patch in tl:
        if at <= now:
            for k, v in patch.items():
                doc[k] = iso(at) if v == AT else v
            changed = True
        else:
            keep.append([at, patch])
    if changed:
        doc['_timeline'] = keep
    if doc.get('_gone'):
        return None, True
    return doc, changed


# -- tasks ------------------------------------------------------------------------------------------------
def new_task(ctx, cluster_id, task_type, duration, final_patch=None, fail=None, parameters=None, stages=None,
             target=None):
    """Create and store a ``task`` document; returns its task_id.

    ``duration`` is already scaled (use ``ctx.duration``). The task is ``running`` until ``now + duration``,
    then ``success`` (plus ``final_patch``), or ``failed`` with ``error = fail`` when ``fail`` is a
    ``{"code", "message"}`` dict (its last stage failed). ``stages`` (names) share the duration in order: a stage is
    listed once it has started (``running``, then ``success`` with its ``end_time``) and ``current_stage`` follows.
    ``target``: ``{"id", "type"}`` (default the cluster).
    """
    tid = task_id()
    now = ctx.now
    names = stages or [task_type]
    end = now + max(0.0, float(duration))
    bounds = [now + (end - now) * i / len(names) for i in range(len(names) + 1)]

    def stage(i, state):
        out = {'state': state, 'start_time': iso(bounds[i]), 'message': names[i]}
        if state != 'running':
            out['end_time'] = iso(bounds[i + 1])
        return out

    task = {
        'task_id': tid,
        'cluster_id': cluster_id,
        'task_type': task_type,
        'state': 'running',
        'created': iso(now),
        'updated': iso(now),
        'current_stage': names[0],
        'target': target or {'id': cluster_id, 'type': 'cluster'},
        'parameters': parameters or {},
        'stages': [stage(0, 'running')],
        'events': [],
        'task_result': [],
        'error': None,
    }
    steps = [(bounds[i] - bounds[i - 1], {'current_stage': names[i], 'updated': AT,
                                          'stages': [stage(j, 'success') for j in range(i)] + [stage(i, 'running')]})
             for i in range(1, len(names))]
    done = [stage(i, 'success') for i in range(len(names) - 1)] + [stage(len(names) - 1,
                                                                         'failed' if fail else 'success')]
    if fail:
        patch = {'state': 'failed', 'error': {'code': fail.get('code', 'TaskFailed'),
                                               'message': fail.get('message', 'task failed')},
                 'updated': AT, 'stages': done, 'current_stage': names[-1],
                 'task_result': [{'data': cluster_id, 'status': 'failed'}]}
    else:
        patch = {'state': 'success', 'updated': AT, 'stages': done, 'current_stage': names[-1],
                 'task_result': [{'data': cluster_id, 'status': 'success'}]}
    if final_patch:
        patch.update(final_patch)
    schedule(task, now, steps + [(end - bounds[-2], patch)])  # the delays add up
    ctx.db.put('task', tid, task)
    return tid
