"""Make an `antsibull-docs sphinx-init` site build offline (scripts/test.sh docsite).

Sphinx would download Ansible's intersphinx inventory to resolve the few labels of the Ansible docs that the
generated pages link to, and ansible-core's environment variables (cache and inventory settings). This writes a
small local inventory with those, pointing at the real pages, and makes conf.py use it instead of any download. A
label missing here fails the build with "undefined label": add it.
Usage: python docsite_offline.py <docsite dir made by sphinx-init>
"""
import os
import sys
import zlib

import ansible
import yaml

ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
# label -> (page, title) in the Ansible docs
LABELS = {
    'action_plugins': ('plugins/action.html', 'Action plugins'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible Configuration Settings'),
    'callback_plugins': ('plugins/callback.html', 'Callback plugins'),
    'collections_keyword': ('collections_guide/collections_using_playbooks.html', 'The collections keyword'),
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
    'inventory_plugins': ('plugins/inventory.html', 'Inventory plugins'),
    'list_of_collections': ('collections/index.html', 'Collection Index'),
}


def core_env_vars():
    """Every environment variable of ansible-core's configuration (documented on its config page)."""
    with open(os.path.join(os.path.dirname(ansible.__file__), 'config', 'base.yml')) as f:
        settings = yaml.safe_load(f)
    return sorted(set(env['name'] for setting in settings.values() for env in setting.get('env') or ()))


def main(site):
    body = ''.join('%s std:label -1 %s#%s %s\n' % (label, page, label.replace('_', '-'), title)
                   for label, (page, title) in sorted(LABELS.items()))
    body += ''.join('%s std:envvar -1 reference_appendices/config.html#envvar-%s -\n' % (name, name)
                    for name in core_env_vars())
    with open(os.path.join(site, 'ansible_devel.inv'), 'wb') as out:
        out.write(b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
                  b'# The remainder of this file is compressed using zlib.\n')
        out.write(zlib.compress(body.encode()))
    with open(os.path.join(site, 'conf.py'), 'a') as conf:
        conf.write('\n# offline (scripts/docsite_offline.py): no inventory download\n'
                   'intersphinx_mapping = {%r: (%r, %r)}\n'
                   % ('ansible_devel', ANSIBLE_DOCS, os.path.join(os.path.abspath(site), 'ansible_devel.inv')))


if __name__ == '__main__':
    main(sys.argv[1])
