"""When the provider may maintain a cluster and whether it upgrades it by itself: ModifyCluster's
``maintenance_window`` and ``operation_policy.cluster_auto_upgrade`` (the official SDK's MaintenanceWindow and
ModifyClusterRequestOperationPolicy; ACK's documentation of their values).

Each rule reads what the request gives over what the cluster has (a field left out keeps its value) and fills
``changes``; DescribeClusterDetail answers the result.
"""
import datetime
import re

from .. import errors
from .params import boolean, items, mapping, text

WEEKDAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
CHANNELS = ('patch', 'stable', 'rapid')
SCOPES = ('NoOperations', 'NoUpgrades', 'NoMinorUpgrades', 'NoCVEPatch')
DEFAULT_DURATION, DEFAULT_PERIOD = '3h', 'Thursday'
MAX_EXCLUSIONS, MAX_BLOCKING = 10, 3  # NoOperations and NoUpgrades exclusions together
EXCLUSION_DAYS = {'NoMinorUpgrades': 180}  # the others: 30
# RFC 3339: a date-time, or a full-time (time and offset; the window's start in a day)
RFC3339 = re.compile(r'^(?:\d{4}-\d{2}-\d{2}T)?\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$', re.I)
DURATION = re.compile(r'^(\d{1,2})h$')
RRULE_PARTS = ('FREQ', 'UNTIL', 'COUNT', 'INTERVAL', 'BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY',
               'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS', 'WKST')
RRULE_DAYS = ('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')
NAME = re.compile(u'^[0-9A-Za-z\u4e00-\u9fa5][0-9A-Za-z_\u4e00-\u9fa5-]{0,62}$')


def rfc3339(value, label, date_required=False):
    """The instant (a timezone-aware datetime), or the time of day (a time), of RFC 3339 text."""
    if not isinstance(value, str) or not RFC3339.match(value) or date_required and 'T' not in value.upper():
        raise errors.bad_param(label, 'must be an RFC 3339 %s such as 2024-10-15T03:00:00+08:00, got %r'
                               % ('date-time' if date_required else 'time', value))
    text_value = value.upper().replace('Z', '+00:00')
    try:
        if 'T' in text_value:
            return datetime.datetime.fromisoformat(text_value)
        return datetime.time.fromisoformat(text_value)
    except ValueError as e:
        raise errors.bad_param(label, '%r is not a valid time: %s' % (value, e))


def maintenance_time(ctx, src, label):
    rfc3339(src['maintenance_time'], label)
    return src['maintenance_time']


def duration(ctx, src, label):
    value = text(src, 'duration', label=label)
    match = DURATION.match(value)
    if not match or not 1 <= int(match.group(1)) <= 24:
        raise errors.bad_param(label, 'must be 1h to 24h (hours), got %r' % value)
    return value


def weekly_period(ctx, src, label):
    value = text(src, 'weekly_period', label=label)
    days = [d.strip() for d in value.split(',')]
    if any(d not in WEEKDAYS for d in days):
        raise errors.bad_param(label, 'must be weekdays separated by commas (%s), got %r'
                               % (', '.join(WEEKDAYS), value))
    if len(set(days)) != len(days):
        raise errors.bad_param(label, 'names a weekday twice: %r' % value)
    return ','.join(days)


def recurrence(ctx, src, label):
    """An RFC 5545 recurrence rule; only FREQ=WEEKLY, without COUNT or UNTIL."""
    value = text(src, 'recurrence', label=label)
    parts = {}
    for item in value.split(';'):
        name, _, part = item.partition('=')
        name = name.strip().upper()
        if name not in RRULE_PARTS or not part or name in parts:
            raise errors.bad_param(label, 'must be an RFC 5545 recurrence rule such as FREQ=WEEKLY;INTERVAL=2;'
                                   'BYDAY=MO,TH, got %r' % value)
        parts[name] = part.strip().upper()
    if parts.get('FREQ') != 'WEEKLY':
        raise errors.bad_param(label, 'only FREQ=WEEKLY is supported, got %r' % value)
    if 'COUNT' in parts or 'UNTIL' in parts:
        raise errors.bad_param(label, 'COUNT and UNTIL are not supported, got %r' % value)
    if 'INTERVAL' in parts and not (parts['INTERVAL'].isdigit() and int(parts['INTERVAL']) >= 1):
        raise errors.bad_param(label, 'INTERVAL must be a positive integer, got %r' % value)
    days = parts.get('BYDAY', 'MO').split(',') + [parts.get('WKST', 'MO')]
    if any(d not in RRULE_DAYS for d in days):
        raise errors.bad_param(label, 'BYDAY and WKST take %s, got %r' % (','.join(RRULE_DAYS), value))
    return value


def exclusions(ctx, src, label):
    """At most 10 one-time periods without proactive operations of their scope."""
    listed = items(src, 'exclusions', label=label) or []
    if len(listed) > MAX_EXCLUSIONS:
        raise errors.bad_param(label, 'at most %d exclusions are allowed' % MAX_EXCLUSIONS)
    out = []
    for i, given in enumerate(listed):
        where = '%s[%d]' % (label, i)
        if not isinstance(given, dict):
            raise errors.bad_param(where, 'must be an object')
        scope = text(given, 'scope', required=True, choices=SCOPES, label=where + '.scope')
        start = rfc3339(given.get('start_time'), where + '.start_time', date_required=True)
        end = rfc3339(given.get('end_time'), where + '.end_time', date_required=True)
        if not start < end or end.timestamp() <= ctx.now:
            raise errors.bad_param(where + '.end_time', 'must be later than start_time and than now')
        days = EXCLUSION_DAYS.get(scope, 30)
        if end - start > datetime.timedelta(days=days):
            raise errors.bad_param(where, 'a %s exclusion lasts at most %d days' % (scope, days))
        name = text(given, 'name', label=where + '.name') or 'exclusion-%d' % (i + 1)
        if not NAME.match(name):
            raise errors.bad_param(where + '.name', '1 to 63 letters, digits, underscores and hyphens, got %r' % name)
        out.append({'name': name, 'scope': scope, 'start_time': given['start_time'], 'end_time': given['end_time'],
                    'description': text(given, 'description', max_len=128, label=where + '.description') or ''})
    if sum(1 for e in out if e['scope'] in ('NoOperations', 'NoUpgrades')) > MAX_BLOCKING:
        raise errors.bad_param(label, 'at most %d NoOperations and NoUpgrades exclusions together' % MAX_BLOCKING)
    return out


def enable(ctx, src, label):
    return boolean(src, 'enable', label=label)


WINDOW_FIELDS = {'enable': enable, 'maintenance_time': maintenance_time, 'duration': duration,
                 'weekly_period': weekly_period, 'recurrence': recurrence, 'exclusions': exclusions}


def _known(given, fields, label):
    for key in given:
        if key not in fields:
            raise errors.bad_param('%s.%s' % (label, key), 'not a field of %s (%s)' % (label, ', '.join(fields)))


def modify_window(ctx, cluster, body, changes):
    """ModifyCluster ``maintenance_window``: the fields given over the cluster's; an enabled window needs its
    start (maintenance_time) and takes the documented defaults (3h, Thursday) for the rest."""
    given = mapping(body, 'maintenance_window')
    _known(given, WINDOW_FIELDS, 'maintenance_window')
    window = dict(cluster.get('maintenance_window') or {})
    for key, read in WINDOW_FIELDS.items():
        if given.get(key) not in (None, ''):
            window[key] = read(ctx, given, 'maintenance_window.' + key)
    if window.get('enable'):
        if not window.get('maintenance_time'):
            raise errors.missing_param('maintenance_window.maintenance_time')
        window['duration'] = window.get('duration') or DEFAULT_DURATION
        window['weekly_period'] = window.get('weekly_period') or DEFAULT_PERIOD
    changes['maintenance_window'] = window
    return False


def modify_policy(ctx, cluster, body, changes):
    """ModifyCluster ``operation_policy``: ``cluster_auto_upgrade`` {enabled, channel}; turning it on needs a
    channel (patch, stable or rapid), given or already set."""
    label = 'operation_policy.cluster_auto_upgrade'
    given = mapping(body, 'operation_policy')
    _known(given, ('cluster_auto_upgrade',), 'operation_policy')
    policy = dict(cluster.get('operation_policy') or {})
    auto = dict(policy.get('cluster_auto_upgrade') or {'enabled': False, 'channel': ''})
    wanted = mapping(given, 'cluster_auto_upgrade', label=label)
    if wanted is not None:
        _known(wanted, ('enabled', 'channel'), label)
        auto['enabled'] = boolean(wanted, 'enabled', default=auto.get('enabled', False), label=label + '.enabled')
        auto['channel'] = text(wanted, 'channel', choices=CHANNELS, label=label + '.channel') or auto.get('channel')
        if auto['enabled'] and not auto['channel']:
            raise errors.missing_param(label + '.channel')
    policy['cluster_auto_upgrade'] = auto
    changes['operation_policy'] = policy
    return False
