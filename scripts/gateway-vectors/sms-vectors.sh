#!/bin/sh
# Regenerates crates/huimin-gateways/tests/vectors/{tencent-sms,standard-webhooks}.json from the
# providers' official PyPI packages, pinned here. The venv lives under target/ (not committed).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/target/gateway-vectors-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q tencentcloud-sdk-python-common==3.1.195 standardwebhooks==1.3.0
# Only for its list of error codes; --no-deps keeps the pinned common package above.
"$venv/bin/pip" install -q --no-deps tencentcloud-sdk-python-sms==3.1.153
"$venv/bin/python" "$root/scripts/gateway-vectors/sms_webhooks.py" \
    "$root/crates/huimin-gateways/tests/vectors"
