# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the reference documents about inputs, checked before any call (also in check mode).

One place for the rules; each module's planner calls the ones its inputs need. Each check raises AckModuleError
with one line naming the option.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import json
import re

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._safe_load import check_depth, load_json

# Ids that go into a URL path: the API's formats. Anything else is refused before a call is made.
ID_FORMATS = dict(
    cluster_id=(r'^c[0-9a-z]{8,40}$', 'c followed by letters and digits'),
    task_id=(r'^T-[0-9a-zA-Z]{8,40}$', 'T- followed by letters and digits'),
    template_id=(r'^[0-9a-zA-Z][0-9a-zA-Z-]{7,63}$', 'letters, digits and hyphens'),
    nodepool_id=(r'^np[0-9a-z]{8,40}$', 'np followed by letters and digits'),
    addon=(r'^[a-z0-9][a-z0-9._-]{0,62}$', 'lower case letters, digits, dots, underscores and hyphens'),
)


def check_id(option, value, kind=None):
    """Refuse an id that is not in the API's format (so no input can change which operation is called)."""
    if value is None:
        return value
    pattern, words = ID_FORMATS[kind or option]
    if not isinstance(value, str) or not re.fullmatch(pattern, value) or '..' in value:
        raise AckModuleError('%s %r is not a valid id (%s)' % (option, value, words))
    return value


PASSWORD_SPECIALS = set('()`~!@#$%^&*-_+=|{}[]:;\'<>,.?/')


def check_password(option, password):
    """8 to 30 characters of letters, digits and the documented special characters; three kinds at least."""
    if password is None:
        return
    bad = sorted(set(c for c in password if not (c.isascii() and (c.isalnum() or c in PASSWORD_SPECIALS))))
    kinds = sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                 any(c.isdigit() for c in password), any(c in PASSWORD_SPECIALS for c in password)])
    if not 8 <= len(password) <= 30 or bad or kinds < 3:
        raise AckModuleError('%s must be 8 to 30 characters and contain three of: upper case letters, lower case '
                             'letters, digits, special characters (%s)%s' % (
                                 option, ''.join(sorted(PASSWORD_SPECIALS)),
                                 '; it contains characters that are not allowed' if bad else ''))


def network(option, value):
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise AckModuleError('%s is not a CIDR block: %r' % (option, value))


NAME_RE = re.compile(u'^[0-9A-Za-z\u4e00-\u9fa5][0-9A-Za-z\u4e00-\u9fa5-]{0,62}$')
REGION_RE = re.compile(r'^[a-z]{2}-[a-z]+(-[a-z]+)*(-[0-9]+)?$')
PRIVATE_NETS = [ipaddress.ip_network(n) for n in ('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16')]
MAX_TAGS = 20
RESERVED_TAG_PREFIXES = ('aliyun', 'acs:', 'http://', 'https://')


def check_region(region):
    if region is not None and not REGION_RE.fullmatch(region):
        raise AckModuleError('%r is not a region id (such as cn-hangzhou or ap-southeast-1)' % region)


def check_name(option, value):
    """Cluster names: 1 to 63 letters, digits, Chinese characters and hyphens, not starting with a hyphen."""
    if value is not None and not NAME_RE.fullmatch(value):
        raise AckModuleError('%s %r is not valid: 1 to 63 letters, digits, Chinese characters and hyphens (-), '
                             'not starting with a hyphen' % (option, value))


def check_tags(option, tags):
    """At most 20 tags; keys 1 to 128 characters, values 1 to 128 (7.11: a tag's value is required); no reserved
    key prefix."""
    if not tags:
        return
    if len(tags) > MAX_TAGS:
        raise AckModuleError('%s: at most %d tags are allowed, got %d' % (option, MAX_TAGS, len(tags)))
    for key, value in tags.items():
        if isinstance(value, (dict, list)):
            raise AckModuleError('%s: the value of %r is a %s; tag and label values are text'
                                 % (option, str(key)[:40], type(value).__name__))
        value = '' if value is None else str(value)
        if not key or len(key) > 128 or len(value) > 128:
            raise AckModuleError('%s: tag keys must be 1 to 128 characters and values at most 128 (%r)'
                                 % (option, key[:40]))
        if not value:
            raise AckModuleError('%s: tag %r has no value; the API requires one' % (option, key))
        if key.lower().startswith(RESERVED_TAG_PREFIXES):
            raise AckModuleError('%s: tag key %r may not start with %s' % (
                option, key, ', '.join(RESERVED_TAG_PREFIXES)))


def check_private_cidr(option, value, prefixes=None):
    """An IPv4 network address/prefix inside the private ranges, with the prefix length in range."""
    if value is None:
        return None
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as e:
        raise AckModuleError('%s %r is not a CIDR block (network address/prefix, host bits zero): %s'
                             % (option, value, e))
    if net.version != 4 or not any(net.subnet_of(p) for p in PRIVATE_NETS):
        raise AckModuleError('%s %s must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16' % (option, net))
    if prefixes and not prefixes[0] <= net.prefixlen <= prefixes[1]:
        raise AckModuleError('%s %s: the prefix length must be %d to %d' % (option, net, prefixes[0], prefixes[1]))
    return net


def check_range(option, value, low, high, unit=''):
    if value is not None and not low <= value <= high:
        raise AckModuleError('%s must be %s to %s%s, got %s' % (option, low, high, unit, value))


# Subscription periods (reference 7.1.1 to 7.1.5): by unit, for <prefix>_period and for <prefix>_auto_renew_period.
# 7.1.5 (the workers of a sandboxed-container cluster) documents Week, and longer months (SANDBOX_MONTHS).
PERIODS = dict(Month=(1, 2, 3, 6, 12), Week=(1, 2, 3, 4))
RENEW_PERIODS = dict(Month=(1, 2, 3, 6, 12), Week=(1, 2, 3))
SANDBOX_MONTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60)
# Node pools (the SDK's CreateClusterNodePool scaling_group): periods as SANDBOX_MONTHS, renewals these months.
NODEPOOL_RENEW_MONTHS = (1, 2, 3, 6, 12, 24, 36, 48, 60)


def check_period(params, prefix, months=None, renew_months=None):
    """<prefix>_period and _auto_renew_period: required with PrePaid, and when given (with any charge type) one of
    the unit's values (months, renew_months: the kind's own Month periods)."""
    get = params.get
    prepaid = get('%s_instance_charge_type' % prefix) == 'PrePaid'
    unit = get('%s_period_unit' % prefix) or 'Month'
    renew = prepaid and bool(get('%s_auto_renew' % prefix))
    periods = months if unit == 'Month' and months else PERIODS.get(unit, ())
    renewals = renew_months if unit == 'Month' and renew_months else RENEW_PERIODS.get(unit, ())
    for name, needed, allowed in (('%s_period' % prefix, prepaid, periods),
                                  ('%s_auto_renew_period' % prefix, renew, renewals)):
        value = get(name)
        if value is None and needed:
            raise AckModuleError('%s is required when %s_instance_charge_type is PrePaid' % (name, prefix))
        if value is not None and value not in allowed:
            raise AckModuleError('%s must be one of %s for %s_period_unit %s, got %s' % (
                name, ', '.join(map(str, allowed)), prefix, unit, value))


def check_length(option, value, most):
    if value is not None and len(value) > most:
        raise AckModuleError('%s must be at most %d characters, got %d' % (option, most, len(value)))


def check_required(params, required, doing):
    """required: option names, or tuples of alternatives; a missing one is named."""
    for names in required:
        names = names if isinstance(names, tuple) else (names,)
        if all(params.get(n) in (None, '', []) for n in names):
            raise AckModuleError('%s is required %s' % (' or '.join(names), doing))


ID_FORMATS['instance_id'] = (r'^i-[0-9a-z]{4,40}$', 'i- followed by lower case letters and digits')


def check_at_least(option, value, least, unit=''):
    if value is not None and value < least:
        raise AckModuleError('%s must be at least %s%s, got %s' % (option, least, unit, value))


def check_not_negative(option, value):
    if value is not None and value < 0:
        raise AckModuleError('%s must not be negative, got %d' % (option, value))


def refuse_options(params, names, what):
    """Options that do not apply to `what` (another kind of cluster or node): refused, all named in one line."""
    given = [n for n in names if params.get(n) not in (None, [], {})]
    if given:
        raise AckModuleError('%s do%s not apply to %s' % (', '.join(given), 'es' if len(given) == 1 else '', what))


def config_text(name, config):
    """An add-on's config given as a dict or a JSON string, as the JSON text the API takes (InstallClusterAddons,
    CreateCluster's addons: config is a string); None when not given."""
    if config is None or config == '':
        return None
    what = 'the config of add-on %s' % name
    if isinstance(config, dict):
        return json.dumps(check_depth(config, what), sort_keys=True, separators=(',', ':'))
    if isinstance(config, str):
        try:
            if isinstance(load_json(config, what), dict):  # bounded: size and depth checked before parsing
                return config
        except ValueError:
            pass
    raise AckModuleError('the config of add-on %s must be a dict or a JSON object in a string' % name)


def check_network_plugins(names, where):
    """One container network plug-in: Flannel or Terway (reference 7.1.x addons: "Select Flannel or Terway")."""
    plugins = sorted(n for n in names if n == 'flannel' or n.startswith('terway'))
    if 'flannel' in plugins and len(plugins) > 1:
        raise AckModuleError('%s: Flannel and Terway cannot be installed together, a cluster has one container '
                             'network plug-in (%s)' % (where, ', '.join(plugins)))


def data_disks(disks, fields=None):
    """Data disks as the SDK's data disk models send them: size and encrypted as text (encrypted "true" or
    "false"), unset fields left out; fields: those the operation takes (None: every one)."""
    out = []
    for disk in disks:
        item = {}
        for key, value in disk.items():
            if value is None or fields is not None and key not in fields:
                continue
            item[key] = ('true' if value else 'false') if isinstance(value, bool) else str(value) if key == 'size' \
                else value
        out.append(item)
    return out


# The maintenance window (ModifyCluster maintenance_window: the SDK's MaintenanceWindow, ACK's documentation): its
# start in RFC 3339 (a date-time, or a time of day with its offset), 1 to 24 hours, weekdays, an RFC 5545 weekly rule.
WEEKDAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
RFC3339_RE = re.compile(r'^(?:(\d{4})-(\d{2})-(\d{2})[Tt])?(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$')
HOURS_RE = re.compile(r'^(\d{1,2})h?$')
RRULE_PARTS = ('FREQ', 'INTERVAL', 'BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO',
               'BYMONTH', 'BYSETPOS', 'WKST')
RRULE_DAYS = ('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')


def rfc3339(option, value):
    """RFC 3339 text as something to compare: the instant (an aware datetime) of a date-time, the time of day in
    UTC (a time) of a time with its offset."""
    match = RFC3339_RE.fullmatch(value) if isinstance(value, str) else None
    if match:
        year, month, day, hour, minute, second, offset = match.groups()
        try:
            zone = datetime.timezone.utc
            if offset.upper() != 'Z':
                delta = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
                zone = datetime.timezone(-delta if offset[0] == '-' else delta)
            when = datetime.datetime(int(year or 2000), int(month or 1), int(day or 1), int(hour), int(minute),
                                     int(second), tzinfo=zone)
            return when if year else when.astimezone(datetime.timezone.utc).time()
        except ValueError:
            pass
    raise AckModuleError('%s must be an RFC 3339 time such as 2024-10-15T03:00:00+08:00 (or 03:00:00Z), got %r'
                         % (option, value))


def hours(option, value):
    """A duration of 1 to 24 hours, written N or Nh, as the API writes it (Nh)."""
    match = HOURS_RE.match(str(value).strip())
    if not match or not 1 <= int(match.group(1)) <= 24:
        raise AckModuleError('%s must be 1 to 24 hours (such as 3h), got %r' % (option, value))
    return '%sh' % int(match.group(1))


def weekdays(option, days):
    """Weekday names (any case), each once, in the week's order."""
    names = dict((d.lower(), d) for d in WEEKDAYS)
    given = [str(d).strip().lower() for d in days]
    odd = [d for d in given if d not in names]
    if odd or not given or len(set(given)) != len(given):
        raise AckModuleError('%s must name weekdays (%s), each once, got %s' % (option, ', '.join(WEEKDAYS),
                                                                                ', '.join(map(str, days)) or 'none'))
    return [d for d in WEEKDAYS if d.lower() in given]


def recurrence(option, value):
    """An RFC 5545 recurrence rule the API takes: FREQ=WEEKLY, without COUNT or UNTIL."""
    parts = {}
    for item in value.split(';'):
        name, _sep, part = item.partition('=')
        name = name.strip().upper()
        if name in ('COUNT', 'UNTIL'):
            raise AckModuleError('%s: COUNT and UNTIL are not supported, got %r' % (option, value))
        if name not in RRULE_PARTS or not part.strip() or name in parts:
            raise AckModuleError('%s must be an RFC 5545 rule such as FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH, got %r'
                                 % (option, value))
        parts[name] = part.strip().upper()
    days = parts.get('BYDAY', 'MO').split(',') + [parts.get('WKST', 'MO')]
    interval = parts.get('INTERVAL', '1')
    if parts.get('FREQ') != 'WEEKLY' or any(d not in RRULE_DAYS for d in days) or not interval.isdigit() \
            or int(interval) < 1:
        raise AckModuleError('%s: only FREQ=WEEKLY, a positive INTERVAL and BYDAY of %s are supported, got %r'
                             % (option, ','.join(RRULE_DAYS), value))
    return value


def check_maintenance_window(option, window):
    """The values of a maintenance window the task sets, normalised (duration Nh, weekdays in order); refused in
    one line when the API would refuse them."""
    out = dict((k, v) for k, v in (window or {}).items() if v is not None)
    if 'maintenance_time' in out:
        rfc3339('%s.maintenance_time' % option, out['maintenance_time'])
    if 'duration' in out:
        out['duration'] = hours('%s.duration' % option, out['duration'])
    if 'weekly_period' in out:
        out['weekly_period'] = weekdays('%s.weekly_period' % option, out['weekly_period'])
    if 'recurrence' in out:
        recurrence('%s.recurrence' % option, out['recurrence'])
    return out
