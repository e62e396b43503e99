#!/usr/bin/env bash
# The whole test suite in one command (`make test`): works from a clean clone on a fresh machine.
# Usage: scripts/test.sh [setup|sanity|lint|docs|docsite|build|pytest|molecule|matrix|bench|all] ...   (default: all)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

sanity() {
    # The emulator, benchmarks and dev scripts are not part of the collection (build_ignore): sanity runs on the rest.
    # $1: where to lay the tree out (default $BUILD/sanity); $2=layout: only lay it out
    local dir=${1:-$BUILD/sanity}/ansible_collections/alicloud/ack
    # a fresh copy, but tests/output (ansible-test's venvs with their requirements) is kept from the last run
    if [ -d "$dir/tests/output" ]; then rm -rf "$dir.output" && mv "$dir/tests/output" "$dir.output"; fi
    rm -rf "$dir"
    mkdir -p "$dir/tests"
    tar -C "$COLL" --exclude=./emulator --exclude=./benchmarks --exclude=./tests/emulator --exclude=./scripts \
        -cf - . | tar -C "$dir" -xf -
    if [ -d "$dir.output" ]; then mv "$dir.output" "$dir/tests/output"; fi
    [ "${2:-}" != layout ] || return 0
    say "ansible-test sanity"
    # pip's notes about this machine's unused local indexes are noise: drop them
    (cd "$dir" && ansible-test sanity --venv --python 3.11 --color no) 2>&1 | { grep -v '^WARNING: Location' || true; }
}

# The ansible-core lines this Python (3.11) can run, lowest first; the lowest is meta/runtime.yml's requires_ansible.
MATRIX=(2.16.19 2.17.14 2.18.19 2.19.14)

matrix() {
    # Sanity and unit tests under each ansible-core line, each from its own cached venv; all lines run, then
    # the stage fails if any did. $1: an ansible-core version whose sanity already ran (`all`: the sanity stage).
    local pin venv failed=() done_sanity=${1:-}
    grep -q "^requires_ansible: \">=${MATRIX[0]%.*}.0\"" "$COLL/meta/runtime.yml" \
        || { echo "meta/runtime.yml requires_ansible is not >=${MATRIX[0]%.*}.0" >&2; return 1; }
    for pin in "${MATRIX[@]}"; do
        venv=$BUILD/matrix/$pin
        if [ ! -x "$venv/bin/ansible-test" ]; then
            say "creating $venv"
            rm -rf "$venv"
            "$PYTHON" -m venv "$venv"
            "$venv/bin/python" -m pip install -q --disable-pip-version-check "ansible-core==$pin" \
                "$(grep '^requests==' "$ROOT/requirements-dev.txt")" 2>&1 | { grep -v '^WARNING: Location' || true; }
        fi
        say "matrix: ansible-core $pin"
        # set -e must hold inside the subshells: they run outside any `||` (which would switch it off)
        set +e
        if [ "$pin" = "$done_sanity" ]; then echo "(sanity under $pin: done by the sanity stage)"; fi
        (set -e; export PATH=$venv/bin:$PATH; pip_standin
            sanity "$venv/tree" "$([ "$pin" != "$done_sanity" ] || echo layout)")
        [ $? -eq 0 ] || failed+=("$pin sanity")
        (set -e; export PATH=$venv/bin:$PATH; cd "$venv/tree/ansible_collections/alicloud/ack"
            ansible-test units --venv --python 3.11 --color no 2>&1 | { grep -v '^WARNING: Location' || true; })
        [ $? -eq 0 ] || failed+=("$pin units")
        set -e
    done
    if [ ${#failed[@]} -gt 0 ]; then
        printf 'matrix failed: %s\n' "${failed[@]}" >&2
        return 1
    fi
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

docsite() {
    # The HTML docs site: every plugin, role argument specs and docs/docsite/ extra pages; a warning fails it.
    say "docs site (antsibull-docs, sphinx)"
    local site=$BUILD/docsite
    rm -rf "$site"
    mkdir -p -m 700 "$site"
    antsibull-docs sphinx-init --use-current --fail-on-error --squash-hierarchy --dest-dir "$site" \
        --project alicloud.ack --title "alicloud.ack" --html-short-title "alicloud.ack" \
        --copyright "alicloud.ack contributors" alicloud.ack > /dev/null
    python "$ROOT/scripts/docsite_offline.py" "$site"
    "$site/build.sh" > "$site/build.log" 2>&1 || { cat "$site/build.log" >&2; return 1; }
    # a page for every module, inventory plugin, role with an argument spec, and the extra docs
    local html=$site/build/html f page missing=()
    for f in "$COLL"/plugins/modules/[!_]*.py "$COLL"/plugins/inventory/[!_]*.py "$COLL"/roles/*/meta/argument_specs.yml
    do
        case $f in
            *\**) continue ;;
            */modules/*) page=$(basename "$f" .py)_module.html ;;
            */inventory/*) page=$(basename "$f" .py)_inventory.html ;;
            *) page=$(basename "$(dirname "$(dirname "$f")")")_role.html ;;
        esac
        [ -f "$html/$page" ] || missing+=("$page")
    done
    [ -f "$html/docsite/awx.html" ] || missing+=(docsite/awx.html)
    if [ ${#missing[@]} -gt 0 ]; then echo "docs site lacks: ${missing[*]}" >&2; return 1; fi
    echo "built $html ($(find "$html" -name '*.html' | wc -l) pages)"
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
    if tar -tzf "$out"/alicloud-ack-*.tar.gz | grep -E '^(emulator|benchmarks|scripts|tests/emulator|\.venv|tests/output)/' ; then
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
        # integration: two workers (each with its own emulator); most of a playbook's time is start-up and waits
        (cd "$COLL" && python -m pytest -q $([ $suite != integration ] || echo "-n 2 --durations=15") "tests/$suite")
    done
}

run_molecule() {
    # Every scenario of extensions/molecule, from the collection root; each starts and stops an emulator of its own.
    say "molecule test (every scenario)"
    # (molecule looks for a `default` scenario first and says so at CRITICAL level: not an error, dropped)
    (cd "$COLL" && molecule test --all) 2>&1 | { grep -v "default/molecule.yml' glob failed" || true; }
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
            molecule) run_molecule ;;
            matrix) matrix ;;
            docsite) docsite ;;
            bench) (cd "$COLL" && python benchmarks/bench_modules.py) ;;  # one table: modules, emulator, inventory, faults
            all) sanity; lint; docs; docsite; build; run_pytest; run_molecule
                matrix "$(python -c 'import ansible.release as r; print(r.__version__)')" ;;
            *) echo "unknown stage: $s" >&2; exit 2 ;;
        esac
    done
}

main "$@"
