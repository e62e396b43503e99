#!/usr/bin/env bash
# `make demo`: set up, start the ACK emulator, run playbooks/demo.yml against it, stop the emulator.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup
PORT=${DEMO_PORT:-$(PYTHONPATH="$ROOT/emulator" python -c 'from ack_emulator.testing import free_port; print(free_port())')}
LOG=$BUILD/demo-emulator.log
say "starting the ACK emulator on 127.0.0.1:$PORT (time scale ${DEMO_TIME_SCALE:-0.01}, log $LOG)"
PYTHONPATH="$ROOT/emulator" python -m ack_emulator --host 127.0.0.1 --port "$PORT" \
    --time-scale "${DEMO_TIME_SCALE:-0.01}" > "$LOG" 2>&1 &
EMULATOR_PID=$!
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true' EXIT
stats() { python -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
    "http://127.0.0.1:$PORT/__emulator/stats"; }
for _ in $(seq 100); do
    stats > /dev/null 2>&1 && break
    sleep 0.1
done

export ALIBABA_CLOUD_ACK_ENDPOINT=http://127.0.0.1:$PORT
export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tACKEMULATORDEMO
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=ack-emulator-demo-secret-0123456789
export ALIBABA_CLOUD_REGION_ID=cn-hangzhou
export DEMO_KUBECONFIG=$BUILD/demo-kubeconfig
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
say "running playbooks/demo.yml"
ansible-playbook -i localhost, "$COLL/playbooks/demo.yml"

say "demo done: the emulator answered $(stats \
    | python -c 'import json,sys; r=json.load(sys.stdin)["requests"]; print(sum(r.values()), "signed requests:", ", ".join("%s %d" % kv for kv in sorted(r.items())))')"
