# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""YAML and JSON from an untrusted source, bounded: size, nesting depth, aliases and the size once aliases are
expanded (a "billion laughs" document) are checked before anything is built, and a refusal is one line."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

try:
    import yaml
    HAS_YAML = True
except ImportError:  # the callers that parse YAML check HAS_YAML of their own and say what is missing
    HAS_YAML = False

from ansible_collections.alicloud.ack.plugins.module_utils._errors import AckModuleError

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_NODES = 200000  # values of the document once every alias is expanded


def refuse(what, why):
    raise AckModuleError('%s is refused: %s' % (what, why))


def check_size(text, what, limit):
    if len(text) > limit:
        refuse(what, 'it is larger than %d bytes' % limit)


if HAS_YAML:
    class BoundedLoader(yaml.SafeLoader):
        """PyYAML's safe loader whose composer counts nesting and aliases as it builds the node tree."""

        def __init__(self, stream, what='the document', max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES):
            super(BoundedLoader, self).__init__(stream)
            self.what, self.max_depth, self.max_aliases = what, max_depth, max_aliases
            self.depth = self.aliases = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > self.max_aliases:
                    refuse(self.what, 'it has more than %d YAML aliases' % self.max_aliases)
            self.depth += 1
            if self.depth > self.max_depth:
                refuse(self.what, 'it is nested deeper than %d levels' % self.max_depth)
            try:
                return super(BoundedLoader, self).compose_node(parent, index)
            finally:
                self.depth -= 1


def expanded_size(node, sizes):
    """How many values node stands for once aliases are expanded (shared nodes counted once each time used)."""
    key = id(node)
    if key not in sizes:
        sizes[key] = 1  # a node that refers to itself counts once
        if isinstance(node, yaml.SequenceNode):
            sizes[key] = 1 + sum(expanded_size(child, sizes) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            sizes[key] = 1 + sum(expanded_size(k, sizes) + expanded_size(v, sizes) for k, v in node.value)
    return sizes[key]


def load_yaml_all(text, what='the document', max_bytes=MAX_BYTES, max_nodes=MAX_NODES):
    """Every document of a YAML stream, as yaml.safe_load_all would give them, within the bounds; a YAML syntax
    error is yaml.YAMLError as before, a bound passed AckModuleError."""
    check_size(text, what, max_bytes)
    loader = BoundedLoader(text, what)
    docs = []
    try:
        total, sizes = 0, {}
        while loader.check_node():
            node = loader.get_node()
            total += expanded_size(node, sizes)
            if total > max_nodes:
                refuse(what, 'it expands to more than %d values (YAML aliases)' % max_nodes)
            docs.append(loader.construct_document(node))
    finally:
        loader.dispose()
    return docs


def load_yaml(text, what='the document', **bounds):
    """The one document of text (None when empty), as yaml.safe_load, within the bounds."""
    docs = load_yaml_all(text, what, **bounds)
    if len(docs) > 1:
        refuse(what, 'one YAML document is expected, found %d' % len(docs))
    return docs[0] if docs else None


def json_depth(text):
    """The deepest nesting of [ and { in JSON text, strings skipped."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == '\\':
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in '[{':
            depth += 1
            deepest = max(deepest, depth)
        elif char in ']}':
            depth -= 1
    return deepest


def load_json(text, what='the document', max_bytes=MAX_BYTES, max_depth=MAX_DEPTH):
    """json.loads(text) within the bounds; a syntax error is ValueError as before."""
    check_size(text, what, max_bytes)
    if json_depth(text) > max_depth:
        refuse(what, 'it is nested deeper than %d levels' % max_depth)
    return json.loads(text)


def value_depth(value, limit=None):
    """How deep lists and mappings nest in a value already parsed (no recursion: any depth is measured; the walk
    stops once limit is passed)."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (list, tuple, dict)):
            depth += 1
            deepest = max(deepest, depth)
            if limit is not None and deepest > limit:
                break
            todo.extend((child, depth) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_depth(value, what='the value', max_depth=MAX_DEPTH):
    """Refuse a parsed value (a module option) nested deeper than max_depth."""
    if value_depth(value, max_depth) > max_depth:
        refuse(what, 'it is nested deeper than %d levels' % max_depth)
    return value
