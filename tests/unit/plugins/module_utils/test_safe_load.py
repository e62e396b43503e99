# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bounded YAML and JSON reader: what yaml.safe_load_all and json.loads give for a fair document, a one-line
refusal for one too deep, too large or expanding through aliases, and no RecursionError at any depth."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._safe_load import (
    check_depth,
    load_json,
    load_yaml,
    load_yaml_all,
)

LAUGHS = ''.join('l%d: &l%d [%s]\n' % (n, n, ', '.join(['*l%d' % (n - 1)] * 10) if n else ', '.join('x' * 10))
                 for n in range(10))


def refusal(call, *args, **kwargs):
    with pytest.raises(AckModuleError) as info:
        call(*args, **kwargs)
    assert '\n' not in info.value.msg and 'recursion' not in info.value.msg
    return info.value.msg


def test_a_fair_document_reads_as_the_safe_loader_reads_it():
    text = 'a: &x {b: [1, 2]}\nc: *x\n---\nkind: Service\n'
    assert load_yaml_all(text) == [{'a': {'b': [1, 2]}, 'c': {'b': [1, 2]}}, {'kind': 'Service'}]
    assert load_yaml('') is None and load_yaml('a: 1') == {'a': 1}
    assert load_json('{"a": ["]]]]", {"b": null}]}') == {'a': [']]]]', {'b': None}]}


@pytest.mark.parametrize('depth', [65, 10000, 200000])
def test_deep_nesting_is_refused_without_recursion(depth):
    assert refusal(load_yaml, '[' * depth + ']' * depth, 'manifest') == \
        'manifest is refused: it is nested deeper than 64 levels'
    assert refusal(load_json, '[' * depth + ']' * depth, 'config') == \
        'config is refused: it is nested deeper than 64 levels'
    value = []
    for _level in range(depth):
        value = [value]
    assert refusal(check_depth, value, 'config') == 'config is refused: it is nested deeper than 64 levels'


def test_a_billion_laughs_is_refused_before_it_is_built():
    assert refusal(load_yaml, LAUGHS, 'manifest') == \
        'manifest is refused: it expands to more than 200000 values (YAML aliases)'


def test_too_many_aliases_and_too_many_bytes_are_refused():
    text = 'a: &a 1\nb: [%s]\n' % ', '.join(['*a'] * 101)
    assert refusal(load_yaml, text, 'manifest') == 'manifest is refused: it has more than 100 YAML aliases'
    assert refusal(load_json, '"%s"' % ('x' * 100), 'config', max_bytes=50) == \
        'config is refused: it is larger than 50 bytes'
    assert refusal(load_yaml, 'a: 1\n---\nb: 2\n', 'kubeconfig') == \
        'kubeconfig is refused: one YAML document is expected, found 2'
