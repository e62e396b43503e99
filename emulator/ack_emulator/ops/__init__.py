"""The operations. Importing the package imports every module with handlers, so their ``@op`` decorators register
them; the others (params, catalogue, common, validation, instances, pools, nodepool_rules) are imported by those
that use them."""
import importlib

MODULES = ['clusters', 'modify', 'nodes', 'scale_out', 'attach', 'upgrade', 'templates', 'addons', 'kubeconfigs',
           'tasks', 'nodepools']

for _name in MODULES:
    try:
        importlib.import_module('%s.%s' % (__name__, _name))
    except ModuleNotFoundError as _e:  # a module not written yet: its operations answer InvalidAction.NotFound
        if _e.name != '%s.%s' % (__name__, _name):
            raise
