"""One spec of the worker node options for ack_cluster and ack_nodes, documented once by the WORKER fragment."""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.alicloud.ack.plugins.doc_fragments.ack import ModuleDocFragment
from ansible_collections.alicloud.ack.plugins.module_utils import _cluster, _nodes
from ansible_collections.alicloud.ack.plugins.module_utils._worker_options import (
    SANDBOX_CREATE_INSTANCE_TYPES,
    SANDBOX_INSTANCE_TYPES,
    WORKER_ARGSPEC,
)

SPECS = dict(ack_cluster=_cluster.ARGSPEC, ack_nodes=_nodes.ARGSPEC)


@pytest.mark.parametrize('module', sorted(SPECS))
def test_both_modules_take_the_one_spec(module):
    for name, spec in WORKER_ARGSPEC.items():
        assert SPECS[module][name] is spec, name


def _documented(doc, spec):
    """The parts of an option's documentation the argument spec must agree with."""
    keys = ('type', 'elements', 'choices', 'default', 'required', 'aliases', 'no_log')
    found = dict((k, doc[k]) for k in keys if k in doc and doc[k] not in (False, None))
    wanted = dict((k, spec[k]) for k in keys if k in spec and spec[k] not in (False, None) and k != 'no_log')
    subs = doc.get('suboptions') or {}
    assert sorted(subs) == sorted(spec.get('options') or {})
    for name, sub in subs.items():
        assert _documented(sub, spec['options'][name]) is True, name
    return found == wanted or (found, wanted)


def test_the_worker_fragment_documents_the_spec():
    options = yaml.safe_load(ModuleDocFragment.WORKER)['options']
    assert sorted(options) == sorted(WORKER_ARGSPEC)
    for name, doc in options.items():
        assert _documented(doc, WORKER_ARGSPEC[name]) is True, name


@pytest.mark.parametrize('module', sorted(SPECS))
def test_a_data_disk_needs_its_size_only(module):
    validator = ArgumentSpecValidator(SPECS[module])
    ok = validator.validate(dict(worker_data_disks=[{'size': 200}], password='Hello1234!'))
    assert not ok.error_messages
    assert ok.validated_parameters['worker_data_disks'][0]['category'] is None
    assert ok.validated_parameters['login_password'] == 'Hello1234!'
    missing = validator.validate(dict(worker_data_disks=[{'category': 'cloud_essd'}]))
    assert any('size' in m for m in missing.error_messages)


def test_a_new_cluster_takes_the_sandboxed_types_create_cluster_lists():
    assert SANDBOX_CREATE_INSTANCE_TYPES == ('ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge')
    assert set(SANDBOX_CREATE_INSTANCE_TYPES) < set(SANDBOX_INSTANCE_TYPES)
