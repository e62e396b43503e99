"""The emulator's module structure: no import cycle (top-level or inside functions), one transaction per request
(no handler under ops/ opens its own), one family of parameter readers (ops/params.py)."""
import ast
from pathlib import Path

PACKAGE = 'ack_emulator'
ROOT = Path(__file__).resolve().parents[2] / 'emulator' / PACKAGE
READERS = ('text', 'integer', 'boolean', 'items', 'mapping', 'pick', 'paginate', 'token_page')
OLD_READERS = ('as_str', 'as_int', 'as_bool', 'as_list', 'as_dict', '_int_param')


def modules():
    """{dotted name: (path, parsed tree)} of every module of the package (a package is its __init__)."""
    out = {}
    for path in sorted(ROOT.rglob('*.py')):
        parts = (PACKAGE,) + path.relative_to(ROOT).with_suffix('').parts
        if parts[-1] == '__init__':
            parts = parts[:-1]
        out['.'.join(parts)] = (path, ast.parse(path.read_text(), str(path)))
    return out


def imports(name, path, tree, known):
    """The package's modules that module ``name`` imports, anywhere in its code (functions included)."""
    package = name if path.name == '__init__.py' else name.rpartition('.')[0]
    found = set()

    def add(target):
        while target and target not in known:  # ``from x import y`` where y is a name of x
            target = target.rpartition('.')[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                anchor = package.split('.')
                anchor = anchor[:len(anchor) - node.level + 1]
                base = '.'.join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                add('%s.%s' % (base, alias.name) if '%s.%s' % (base, alias.name) in known else base)
        elif isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == ['MODULES']:
            # ops/__init__.py imports the modules listed in MODULES with importlib
            for elt in getattr(node.value, 'elts', []):
                add('%s.%s' % (name, elt.value))
    return found


def find_cycle(graph):
    """One import cycle as a list of modules (the first repeated at the end), or None."""
    state = {}

    def visit(node, trail):
        state[node] = 'open'
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open':
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, trail + [nxt])
                if cycle:
                    return cycle
        state[node] = 'done'
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


def test_the_walk_sees_the_imports():
    known = modules()
    graph = {name: imports(name, path, tree, known) for name, (path, tree) in known.items()}
    assert 'ack_emulator.ops.params' in graph['ack_emulator.ops.validation']
    assert 'ack_emulator.ops.clusters' in graph['ack_emulator.ops']            # through MODULES
    assert 'ack_emulator.kube.api' in graph['ack_emulator.kube']                # inside a function
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']


def test_no_import_cycle():
    known = modules()
    graph = {name: imports(name, path, tree, known) for name, (path, tree) in known.items()}
    cycle = find_cycle(graph)
    assert cycle is None, 'import cycle: %s' % ' -> '.join(cycle)


def test_ops_open_no_transaction():
    """app.py runs every handler inside the request's one transaction; ops/ must not open another."""
    calls = ['%s:%d' % (path.name, node.lineno) for name, (path, tree) in modules().items()
             if name.startswith(PACKAGE + '.ops') for node in ast.walk(tree)
             if isinstance(node, ast.Call) and getattr(node.func, 'attr', None) == 'transaction']
    assert calls == []


def test_one_family_of_parameter_readers():
    where = {}
    for name, (_path, tree) in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in OLD_READERS:
                where.setdefault(node.name, []).append(name)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in READERS:
                where.setdefault(node.name, []).append(name)
    assert where == {reader: ['ack_emulator.ops.params'] for reader in READERS}
