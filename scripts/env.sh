# Shared by test.sh and demo.sh: the pinned virtualenv and the collection laid out where Ansible finds it.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
# Outside the work tree: ansible-test would otherwise list files with the enclosing git repo.
BUILD=${ACK_BUILD_DIR:-${TMPDIR:-/tmp}/alicloud-ack-build}
COLLECTIONS=$BUILD/collections
COLL=$COLLECTIONS/ansible_collections/alicloud/ack
PYTHON=${PYTHON:-python3}

export NO_COLOR=1 PY_COLORS=0 ANSIBLE_NOCOLOR=1

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
    # the Kubernetes API tests run the reference's curl commands (CI machines run this as root)
    command -v curl > /dev/null || { apt-get update -qq && apt-get install -y -qq curl > /dev/null; }
    # ansible-rulebook (the Event-Driven Ansible test) runs on Java 17
    command -v java > /dev/null || { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless > /dev/null; }
    # the official Node.js SDKs run against the emulator (tests/emulator/test_node_sdk.py)
    command -v node > /dev/null && command -v npm > /dev/null \
        || { apt-get update -qq && apt-get install -y -qq nodejs npm > /dev/null; }
    pip_standin
    # ansible-test needs a real path ending in ansible_collections/<ns>/<name>: lay a copy out there.
    rm -rf "$COLL"
    mkdir -p "$COLL"
    tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude=./tests/output --exclude=node_modules \
        --exclude=__pycache__ --exclude=.pytest_cache --exclude='*.tar.gz' -cf - . | tar -C "$COLL" -xf -
    export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS
    pypi_collections
    # the spec beside the repository, when there is one (the signer tests also carry their own copy)
    if [ -d "$ROOT/../shared" ]; then export ACK_SHARED_DIR=$ROOT/../shared; fi
}

pip_standin() {
    # ansible-test bootstraps pip in its venvs with a script it would download; give it an offline one.
    # Uses the ansible-test of the `python` on PATH (each ansible-core line pins its own pip).
    local pipver
    pipver=$(python -c "import ansible_test._internal.python_requirements as r, inspect, re; \
print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(r.get_venv_packages)).group(1))")
    if ! ls "$BUILD/wheels"/pip-"$pipver"-*.whl > /dev/null 2>&1; then
        python -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
            -d "$BUILD/wheels" "pip==$pipver" 2>&1 | { grep -v '^WARNING: Location' || true; }
    fi
    mkdir -p ~/.ansible/test/cache
    sed "s|@WHEEL_DIR@|$BUILD/wheels|" "$ROOT/scripts/get_pip_standin.py" \
        > ~/.ansible/test/cache/"get_pip_${pipver//./_}.py"
}

pypi_collections() {
    # Collections besides ours (kubernetes.core), from the pinned `ansible` wheel on PyPI since Galaxy is not
    # reachable: only those tests/requirements-collections.txt names, extracted next to alicloud/ack (never
    # installed: the wheel would bring a hundred collections); redone when the pin changes.
    local list=$ROOT/tests/requirements-collections.txt pin name todo=()
    pin=$(grep -m1 '^ansible==' "$list")
    while read -r name; do
        [ "$(cat "$COLLECTIONS/ansible_collections/${name/.//}/.pypi-pin" 2>/dev/null)" = "$pin" ] || todo+=("$name")
    done < <(grep -E '^[a-z0-9_]+[.][a-z0-9_]+$' "$list")
    [ ${#todo[@]} -gt 0 ] || return 0
    say "extracting ${todo[*]} from $pin"
    if ! ls "$BUILD/wheels/ansible-${pin#ansible==}"-*.whl > /dev/null 2>&1; then
        python -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
            -d "$BUILD/wheels" "$pin" 2>&1 | { grep -v '^WARNING: Location' || true; }
    fi
    python - "$BUILD/wheels/ansible-${pin#ansible==}"-*.whl "$COLLECTIONS" "$pin" "${todo[@]}" <<'EOF'
import os, shutil, sys, zipfile
wheel, dest, pin, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        prefix = 'ansible_collections/%s/' % name.replace('.', '/')
        shutil.rmtree(os.path.join(dest, prefix), ignore_errors=True)
        members = [m for m in z.namelist() if m.startswith(prefix)]
        if not members:
            sys.exit('%s has no %s' % (wheel, name))
        z.extractall(dest, members)
        with open(os.path.join(dest, prefix, '.pypi-pin'), 'w') as stamp:
            stamp.write(pin + '\n')
EOF
}
