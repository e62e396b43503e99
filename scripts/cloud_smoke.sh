#!/usr/bin/env bash
# `make cloud-smoke ARGS='...'`: playbooks/cloud_smoke.yml against a REAL Alibaba Cloud account (it costs money).
# Refuses, before any API call and before setting anything up, unless credentials are found (the collection's own
# lookup: ALIBABA_CLOUD_*, ALICLOUD_*, or an aliyun CLI profile) and ARGS confirm with
# -e i_understand_this_costs_money=true. Everything else in ARGS goes to ansible-playbook (-e smoke_vpc_id=...).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}

confirmed=false
for arg in "$@"; do
    if [[ $arg =~ (^|[[:space:],{\"])i_understand_this_costs_money[\"]?[[:space:]]*[=:][[:space:]]*[\"]?(true|yes|True|1)([[:space:],}\"]|$) ]]; then
        confirmed=true
    fi
done
if [ "$confirmed" != true ]; then
    echo "cloud-smoke creates billable resources in a real account (a serverless cluster, an SLB and an EIP for" >&2
    echo "its API server, an elastic container instance): confirm with" >&2
    echo "  make cloud-smoke ARGS='-e i_understand_this_costs_money=true -e smoke_vpc_id=vpc-... -e smoke_vswitch_id=vsw-... -e smoke_zone_id=...'" >&2
    exit 2
fi

# The collection's own credential chain, read from the source (no API call, nothing installed).
if ! region=$("$PYTHON" - "$ROOT/plugins/module_utils/_credentials.py" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location('ack_credentials', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
try:
    creds = module.resolve_credentials()
except module.CredentialsError as e:
    sys.exit('cloud-smoke needs credentials of the account: %s' % e)
if not creds.region:
    sys.exit('cloud-smoke needs a region: set ALIBABA_CLOUD_REGION_ID (or the profile\'s region_id)')
sys.stderr.write('cloud-smoke: credentials from %s, region %s\n' % (creds.source or 'the environment', creds.region))
print(creds.region)
PY
); then
    exit 2
fi
export ALIBABA_CLOUD_REGION_ID=$region  # the playbook's region (the image registry is in it too)

# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
setup
cd "$ROOT"
exec ansible-playbook -i localhost, playbooks/cloud_smoke.yml "$@"
