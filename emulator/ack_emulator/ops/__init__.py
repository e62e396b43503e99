"""Imports every ops module so their ``@op`` decorators register the handlers."""
import importlib

MODULES = ['clusters', 'nodes', 'upgrade', 'templates', 'addons']

for _name in MODULES:
    try:
        importlib.import_module('%s.%s' % (__name__, _name))
    except ModuleNotFoundError as _e:  # a module not written yet: its operations answer InvalidAction.NotFound
        if _e.name != '%s.%s' % (__name__, _name):
            raise
