# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Manifests compared by meaning, refused with the line, shown as lines; versions of a template count once."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError
from ansible_collections.alicloud.ack.plugins.module_utils._template import (
    newest,
    parse_manifest,
    render,
    same_manifest,
    wanted_manifest,
)

WEB = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web  # the name\nspec:\n  ports:\n  - port: 80\n'


def test_same_meaning_ignores_comments_order_format_and_empty_documents():
    other = '---\nkind: Service\nspec: {ports: [{port: 80}]}\nmetadata: {name: "web"}\napiVersion: v1\n---\n'
    assert same_manifest(WEB, parse_manifest(other))
    assert not same_manifest(WEB.replace('80', '81'), parse_manifest(other))
    assert not same_manifest('a: [', parse_manifest(other))  # a stored manifest that does not parse differs


def test_dates_compare_as_written():
    assert same_manifest('day: 2024-01-02\n', [{'day': '2024-01-02'}])


def test_wanted_manifest_text_is_sent_as_written_and_data_as_yaml():
    assert wanted_manifest(WEB) == (WEB, parse_manifest(WEB))
    text, docs = wanted_manifest([{'a': 1}, None, {'b': [1, 2]}])
    assert docs == [{'a': 1}, {'b': [1, 2]}] and parse_manifest(text) == docs
    assert wanted_manifest({'a': 1})[1] == [{'a': 1}]


@pytest.mark.parametrize('value, words', [
    ('a: 1\nb:\n  - x\n  y: 2\n', 'line 4, column 3: expected <block end>'),
    ('a: [1, 2\nb: 3', "line 2, column 2: expected ',' or ']', but got ':' (while parsing a flow sequence that "
                       "starts on line 1)"),
    ('a:\n\tb: 1\n', 'line 2, column 1: found character'),
    ('app.yaml', 'template document 1 is a string, not a mapping; to read a file give its content'),
    ('a: 1\n---\n- x\n', 'template document 2 is a list, not a mapping'),
    ([{'a': 1}, 3], 'template document 2 is a number, not a mapping'),
    ('# only a comment\n', 'template is empty'),
    ([], 'template is empty'),
])
def test_refused_manifests_name_the_problem(value, words):
    with pytest.raises(AckModuleError) as info:
        wanted_manifest(value)
    assert words in info.value.msg and '\n' not in info.value.msg


def test_render_shows_fields_then_manifest_lines():
    text = render(dict(name='web', template_type='kubernetes', description='', tags=None, template='a: 1\n\nb: 2'))
    assert text.splitlines() == ['name: web', 'template_type: kubernetes', "description: ''", 'tags: null',
                                 'template: |', '  a: 1', '', '  b: 2']
    assert render({}) == '' and render(None) == ''


def test_newest_version_is_the_template():
    versions = [dict(id='a', updated='2026-01-01T00:00:00Z'), dict(id='b', updated='2026-02-01T00:00:00Z')]
    assert newest(versions)['id'] == 'b'
    assert newest([]) is None and newest(None) is None and newest(dict(id='c')) == dict(id='c')
