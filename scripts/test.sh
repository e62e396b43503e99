#!/usr/bin/env bash
# The whole test suite in one command (`make test`): works from a clean clone on a fresh machine.
# Usage: scripts/test.sh [setup|sanity|lint|docs|build|pytest|bench|all] ...   (default: all)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

sanity() {
    # The emulator and dev scripts are not part of the collection (build_ignore): sanity runs on the rest.
    local dir=$BUILD/sanity/ansible_collections/alicloud/ack
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -C "$COLL" --exclude=./emulator --exclude=./tests/emulator --exclude=./scripts \
        -cf - . | tar -C "$dir" -xf -
    say "ansible-test sanity"
    # pip's notes about this machine's unused local indexes are noise: drop them
    (cd "$dir" && ansible-test sanity --venv --python 3.11 --color no) 2>&1 | { grep -v '^WARNING: Location' || true; }
}

lint() {
    say "ansible-lint (production profile)"
    (cd "$COLL" && ansible-lint --offline --profile production)
}

docs() {
    say "antsibull docs and changelog lint"
    (cd "$COLL" && antsibull-docs lint-collection-docs --plugin-docs . && antsibull-changelog lint)
    say "ansible-doc renders every module and the inventory plugin"
    local m
    for m in "$COLL"/plugins/modules/*.py; do
        m=$(basename "$m" .py)
        ansible-doc "alicloud.ack.$m" > /dev/null
    done
    ansible-doc -t inventory alicloud.ack.ack > /dev/null
}

build() {
    say "galaxy build and install"
    local out=$BUILD/galaxy
    rm -rf "$out"
    mkdir -p "$out"
    (cd "$COLL" && ansible-galaxy collection build --output-path "$out" > /dev/null)
    ANSIBLE_COLLECTIONS_PATH=$out/installed ansible-galaxy collection install --force -p "$out/installed" \
        "$out"/alicloud-ack-*.tar.gz > /dev/null
    test -f "$out/installed/ansible_collections/alicloud/ack/plugins/module_utils/_client.py"
    if tar -tzf "$out"/alicloud-ack-*.tar.gz | grep -E '^(emulator|scripts|tests/emulator|\.venv|tests/output)/' ; then
        echo "dev-only files in the tarball" >&2
        return 1
    fi
    echo "built and installed $(basename "$out"/alicloud-ack-*.tar.gz)"
}

run_pytest() {
    # One pytest run per suite: each has its own conftest.py.
    local suite
    for suite in unit emulator integration; do
        say "pytest: $suite tests"
        (cd "$COLL" && python -m pytest -q "tests/$suite")
    done
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
            bench) python "$ROOT/emulator/benchmark.py"; python "$ROOT/emulator/bench_inventory.py" ;;
            all) sanity; lint; docs; build; run_pytest ;;
            *) echo "unknown stage: $s" >&2; exit 2 ;;
        esac
    done
}

main "$@"
