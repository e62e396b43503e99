#!/usr/bin/env bash
# The whole test suite in one command (`make test`): works from a clean clone on a fresh machine.
# Usage: scripts/test.sh [setup|sanity|lint|docs|build|pytest|all] ...   (default: all)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
# Outside the work tree: ansible-test would otherwise list files with the enclosing git repo.
BUILD=${ACK_BUILD_DIR:-${TMPDIR:-/tmp}/alicloud-ack-build}
COLLECTIONS=$BUILD/collections
COLL=$COLLECTIONS/ansible_collections/alicloud/ack
PYTHON=${PYTHON:-python3}

say() { printf '\n==> %s\n' "$*"; }

setup() {
    local want stamp
    want=$(sha256sum "$ROOT/requirements-dev.txt" | cut -d' ' -f1)
    stamp=$VENV/.requirements-dev.sha256
    if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "creating $VENV with pinned dev requirements"
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements-dev.txt" 2>&1 \
            | { grep -v '^WARNING: Location' || true; }
        echo "$want" > "$stamp"
    fi
    export PATH=$VENV/bin:$PATH
    # ansible-test bootstraps pip in its venvs with a script it would download; give it an offline one.
    local pipver
    pipver=$(python -c "import ansible_test._internal.python_requirements as r, inspect, re; \
print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(r.get_venv_packages)).group(1))")
    mkdir -p ~/.ansible/test/cache
    cp "$ROOT/scripts/get_pip_standin.py" ~/.ansible/test/cache/"get_pip_${pipver//./_}.py"
    # ansible-test needs a real path ending in ansible_collections/<ns>/<name>: lay a copy out there.
    rm -rf "$COLL"
    mkdir -p "$COLL"
    tar -C "$ROOT" --exclude=./.venv --exclude=./.build --exclude=./.git --exclude=./tests/output \
        --exclude=__pycache__ --exclude=.pytest_cache --exclude='*.tar.gz' -cf - . | tar -C "$COLL" -xf -
    export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS
}

sanity() {
    # The emulator and dev scripts are not part of the collection (build_ignore): sanity runs on the rest.
    local dir=$BUILD/sanity/ansible_collections/alicloud/ack
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -C "$COLL" --exclude=./emulator --exclude=./tests/emulator --exclude=./scripts --exclude=./benchmarks \
        -cf - . | tar -C "$dir" -xf -
    say "ansible-test sanity"
    (cd "$dir" && ansible-test sanity --venv --python 3.11 --color no)
}

lint() {
    say "ansible-lint (production profile)"
    (cd "$COLL" && ansible-lint --offline --profile production)
}

docs() {
    say "antsibull docs and changelog lint"
    (cd "$COLL" && antsibull-docs lint-collection-docs --plugin-docs . && antsibull-changelog lint)
    say "ansible-doc renders every module"
    local m
    for m in "$COLL"/plugins/modules/*.py; do
        m=$(basename "$m" .py)
        ansible-doc "alicloud.ack.$m" > /dev/null
    done
}

build() {
    say "galaxy build and install"
    local out=$BUILD/galaxy
    rm -rf "$out"
    mkdir -p "$out"
    (cd "$COLL" && ansible-galaxy collection build --output-path "$out" > /dev/null)
    ansible-galaxy collection install -p "$out/installed" "$out"/alicloud-ack-*.tar.gz > /dev/null
    test -f "$out/installed/ansible_collections/alicloud/ack/plugins/module_utils/_client.py"
    if tar -tzf "$out"/alicloud-ack-*.tar.gz | grep -E '^(emulator|scripts|\.venv|tests/output)/' ; then
        echo "dev-only files in the tarball" >&2
        return 1
    fi
    echo "built and installed $(basename "$out"/alicloud-ack-*.tar.gz)"
}

run_pytest() {
    say "pytest: unit, emulator and integration tests"
    (cd "$COLL" && python -m pytest --ansible-unit-inject-only -p no:cacheprovider -q tests/unit tests/emulator tests/integration)
}

main() {
    local stages=("$@")
    [ ${#stages[@]} -gt 0 ] || stages=(all)
    setup
    for s in "${stages[@]}"; do
        case $s in
            setup) ;;
            sanity) sanity ;;
            lint) lint ;;
            docs) docs ;;
            build) build ;;
            pytest) run_pytest ;;
            all) sanity; lint; docs; build; run_pytest ;;
            *) echo "unknown stage: $s" >&2; exit 2 ;;
        esac
    done
}

main "$@"
