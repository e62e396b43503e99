"""``pods/{name}/log``: made-up but plausible container output (nginx images get nginx's start-up lines)."""
import datetime

from werkzeug.wrappers import Response

from .objects import parse_time
from .status import bad_request

NGINX = [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    '{t} [notice] 1#1: using the "epoll" event method',
    '{t} [notice] 1#1: nginx/1.27.0',
    '{t} [notice] 1#1: OS: Linux 5.10.134-16.3.al8.x86_64',
    '{t} [notice] 1#1: start worker processes',
    '{t} [notice] 1#1: start worker process 29',
]


def _lines(pod, container, started):
    image = next((c.get('image', '') for c in pod['spec'].get('containers') or [] if c.get('name') == container), '')
    stamp = datetime.datetime.fromtimestamp(started, datetime.timezone.utc)
    if 'nginx' in image.rsplit('/', 1)[-1]:
        return [line.format(t=stamp.strftime('%Y/%m/%d %H:%M:%S')) for line in NGINX]
    return ['%s container %s started (image %s)' % (stamp.strftime('%Y-%m-%dT%H:%M:%SZ'), container, image)]


def answer(request, pod, now):
    args = request.args
    name = pod['metadata']['name']
    names = [c.get('name') for c in pod['spec'].get('containers') or []]
    container = args.get('container')
    if not container:
        if len(names) != 1:
            raise bad_request('a container name must be specified for pod %s, choose one of: [%s]'
                              % (name, ' '.join(names)))
        container = names[0]
    if container not in names:
        raise bad_request('container %s is not valid for pod %s' % (container, name))
    status = pod.get('status') or {}
    if status.get('phase') != 'Running':
        raise bad_request('container "%s" in pod "%s" is waiting to start: ContainerCreating' % (container, name))
    if args.get('previous') in ('true', '1'):
        raise bad_request('previous terminated container "%s" in pod "%s" not found' % (container, name))
    started = parse_time(status.get('startTime')) or now
    lines = _lines(pod, container, started)
    tail = args.get('tailLines', type=int)
    if tail is not None and tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    if args.get('timestamps') in ('true', '1'):
        stamp = datetime.datetime.fromtimestamp(started, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
        lines = ['%s %s' % (stamp, line) for line in lines]
    text = ''.join(line + '\n' for line in lines)
    return Response(text, content_type='text/plain')
