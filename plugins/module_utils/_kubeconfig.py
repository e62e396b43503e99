# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ack_kubeconfig: a cluster's kubeconfig written to a file, merged as one named context or as a file of its own."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import stat
import tempfile
import traceback

try:
    import yaml
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError:  # ansible-core brings PyYAML on the controller; a bare import test environment may not
    HAS_YAML = False
    YAML_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.alicloud.ack.plugins.module_utils._cluster_ref import REF_ARGSPEC, ClusterRef
from ansible_collections.alicloud.ack.plugins.module_utils._common import read_kubeconfig
from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._plan import Plan, Step
from ansible_collections.alicloud.ack.plugins.module_utils._revoke import ARGSPEC as REVOKE_ARGSPEC, RevokePlanner
from ansible_collections.alicloud.ack.plugins.module_utils._safe_load import load_yaml

ARGSPEC = dict(REF_ARGSPEC)
ARGSPEC.update(
    state=dict(type='str', choices=['present', 'absent', 'revoked'], default='present'),
    path=dict(type='path', default='~/.kube/config'),
    merge=dict(type='bool', default=True),
    context_name=dict(type='str'),
    set_current_context=dict(type='bool', default=True),
    private_ip_address=dict(type='bool', default=False),
    temporary_duration_minutes=dict(type='int'),
)
ARGSPEC.update(REVOKE_ARGSPEC)  # state=revoked: confirm_revoke, revoked_before (_revoke.py)
SECRET_KEYS = ('client-key-data', 'client-certificate-data', 'token', 'password', 'certificate-authority-data')
SECTIONS = ('clusters', 'contexts', 'users')
MAX_BYTES = 1024 * 1024  # a kubeconfig of many contexts is some kilobytes


def read_regular(path):
    """The bytes of the regular file at path, or None when there is none; a folder, a pipe, a device or a file of
    /proc is refused without blocking (opened O_NONBLOCK, checked with fstat before any read)."""
    real = os.path.realpath(path)
    if real == '/proc' or real.startswith('/proc/') or real == '/sys' or real.startswith('/sys/'):
        raise AckModuleError('%s is not a regular file: a kubeconfig must be one' % path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_NOCTTY', 0))
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            return None
        raise AckModuleError('cannot read %s: %s' % (path, e.strerror or e))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise AckModuleError('%s is not a regular file: a kubeconfig must be one' % path)
    with os.fdopen(fd, 'rb') as f:
        return f.read(MAX_BYTES + 1)


def load(path):
    """The parsed kubeconfig at path, or None when there is no file; anything else than a kubeconfig is refused
    (it is then left as it is)."""
    raw = read_regular(path)
    if raw is None:
        return None
    if len(raw) > MAX_BYTES:
        raise AckModuleError('%s is not a kubeconfig: it is larger than %d bytes' % (path, MAX_BYTES))
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        raise AckModuleError('%s is not a kubeconfig: it is not UTF-8 text' % path)
    try:
        data = load_yaml(text, path) if text.strip() else {}
    except yaml.YAMLError as e:
        raise AckModuleError('%s is not a kubeconfig (YAML): %s' % (path, ' '.join(str(e).split())))
    if not isinstance(data, dict):
        raise AckModuleError('%s is not a kubeconfig: a YAML mapping is expected' % path)
    if data.get('kind', 'Config') != 'Config' or data.get('apiVersion', 'v1') != 'v1':
        raise AckModuleError('%s is not a kubeconfig: kind Config and apiVersion v1 are expected, found %s %s'
                             % (path, data.get('apiVersion'), data.get('kind')))
    for section in SECTIONS:
        items = data.get(section)
        if items is not None and not (isinstance(items, list) and all(isinstance(i, dict) for i in items)):
            raise AckModuleError('%s is not a kubeconfig: %s must be a list of mappings' % (path, section))
    return data


def entry(data, section, name):
    for item in data.get(section) or []:
        if isinstance(item, dict) and item.get('name') == name:
            return item
    return None


def put(data, section, item):
    items = [i for i in data.get(section) or [] if not (isinstance(i, dict) and i.get('name') == item['name'])]
    data[section] = items + [item]


def drop(data, section, name):
    data[section] = [i for i in data.get(section) or [] if not (isinstance(i, dict) and i.get('name') == name)]


def summary(data):
    """What --diff shows: contexts with their cluster, user and server; never certificate or key data."""
    if data is None:
        return {}
    contexts = {}
    for ctx in data.get('contexts') or []:
        if not isinstance(ctx, dict):
            continue
        spec = ctx.get('context') or {}
        cluster = (entry(data, 'clusters', spec.get('cluster')) or {}).get('cluster') or {}
        contexts[ctx.get('name')] = dict(cluster=spec.get('cluster'), user=spec.get('user'),
                                         server=cluster.get('server'))
    return {'current-context': data.get('current-context'), 'contexts': contexts}


def renamed(config, name):
    """The API's kubeconfig as one cluster, user and context, all named `name`."""
    api = load_yaml(config, 'the kubeconfig the API returned') or {}
    ctx = (api.get('contexts') or [{}])[0].get('context') or {}
    cluster = (entry(api, 'clusters', ctx.get('cluster')) or (api.get('clusters') or [{}])[0]).get('cluster')
    user = (entry(api, 'users', ctx.get('user')) or (api.get('users') or [{}])[0]).get('user')
    if not cluster or not user:
        raise AckModuleError('the kubeconfig the API returned has no cluster or user entry')
    spec = dict(cluster=name, user=name)
    if ctx.get('namespace'):
        spec['namespace'] = ctx['namespace']
    return dict(cluster=dict(name=name, cluster=cluster), user=dict(name=name, user=user),
                context=dict(name=name, context=spec))


def secrets_of(item):
    """The credential values in a kubeconfig entry, to keep out of every output."""
    found = []
    for value in (item or {}).values():
        if isinstance(value, dict):
            found.extend(v for k, v in value.items() if k in SECRET_KEYS and isinstance(v, str) and v)
    return found


def write_private(path, text, mode=0o600):
    """Write text to path (mode kept for an existing file, 0600 for a new one; a new folder 0700): a temporary file
    beside the target, renamed over it, removed whatever happens. A symlink is written through to its target."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=folder or '.')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.rename(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.remove(tmp)
        raise


class KubeconfigPlanner(object):

    def __init__(self, ack):
        if not HAS_YAML:
            raise AckModuleError(missing_required_lib('PyYAML'), exception=YAML_IMPORT_ERROR)
        self.ack = ack
        self.params = ack.params
        if not (self.params['path'] or '').strip():
            raise AckModuleError('path must name a file, got an empty string')
        self.path = os.path.expanduser(self.params['path'])
        minutes = self.params['temporary_duration_minutes']
        if minutes is not None and not 15 <= minutes <= 4320:
            raise AckModuleError('temporary_duration_minutes must be 15 to 4320, got %d' % minutes)
        self.ref = ClusterRef(ack)

    def plan(self):
        if self.params['state'] == 'revoked':
            return RevokePlanner(self.ack, self.ref).plan()
        if self.params['state'] == 'absent':
            return self.plan_absent()
        return self.plan_present()

    def view(self, name, expiration=None, server=None):
        return dict(path=self.path, context_name=name, server=server, expiration=expiration,
                    merge=self.params['merge'])

    def plan_present(self):
        cluster = self.ref.require()
        name = self.params['context_name'] or cluster['name']
        p = self.params
        answer = read_kubeconfig(self.ack.client, cluster['cluster_id'], p['private_ip_address'],
                                 p['temporary_duration_minutes'])
        wanted = renamed(answer.get('config') or '', name)
        self.ack.hide([secret for item in wanted.values() for secret in secrets_of(item)])
        current = load(self.path)
        if p['merge']:
            new = dict(current or {'apiVersion': 'v1', 'kind': 'Config', 'preferences': {}})
            for section, key in zip(SECTIONS, ('cluster', 'context', 'user')):
                put(new, section, wanted[key])
            if p['set_current_context'] or not new.get('current-context'):
                new['current-context'] = name
        else:
            new = {'apiVersion': 'v1', 'kind': 'Config', 'preferences': {}, 'clusters': [wanted['cluster']],
                   'contexts': [wanted['context']], 'users': [wanted['user']], 'current-context': name}
        resource = self.view(name, answer.get('expiration'), wanted['cluster']['cluster'].get('server'))
        steps = []
        if new != current:
            mode = os.stat(self.path).st_mode & 0o7777 if current is not None else 0o600
            text = yaml.safe_dump(new, default_flow_style=False, sort_keys=False)
            steps.append(Step('write %s' % self.path, lambda: write_private(self.path, text, mode)))
        return Plan('kubeconfig', resource, summary(current), summary(new), steps,
                    extra=dict(expiration=answer.get('expiration')))

    def plan_absent(self):
        name = self.params['context_name'] or self.params['name']
        if not name:
            cluster = self.ref.lookup()
            if cluster is None:
                raise self.ref.not_found(hint='set context_name to say which context to remove')
            name = cluster['name']
        current = load(self.path)
        resource = self.view(name)
        if current is None or entry(current, 'contexts', name) is None:
            return Plan('kubeconfig', resource, summary(current), summary(current))
        if not self.params['merge']:
            remove = Step('remove %s' % self.path, lambda: os.remove(self.path))
            return Plan('kubeconfig', resource, summary(current), {}, [remove])
        new = dict(current)
        ctx = entry(current, 'contexts', name).get('context') or {}
        drop(new, 'contexts', name)
        others = [(c.get('context') or {}) for c in new.get('contexts') or [] if isinstance(c, dict)]
        for section, ref in (('clusters', ctx.get('cluster')), ('users', ctx.get('user'))):
            if ref and not any(o.get(section[:-1]) == ref for o in others):
                drop(new, section, ref)
        if new.get('current-context') == name:
            new['current-context'] = ''
        mode = os.stat(self.path).st_mode & 0o7777
        text = yaml.safe_dump(new, default_flow_style=False, sort_keys=False)
        return Plan('kubeconfig', resource, summary(current), summary(new),
                    [Step('remove context %s from %s' % (name, self.path), lambda: write_private(self.path, text, mode))])
