#!/usr/bin/env bash
# Regenerates crates/huimin-gateways/tests/vectors/{wechat,alipay}.json with the official SDKs
# (PyPI wechatpayv3, npm alipay-sdk, versions pinned below) and freshly generated test keys.
# Usage: scripts/gateway-vectors/generate.sh [OUT_DIR]   (default: the crate's tests/vectors)
# Needs python3 (with venv) and node >= 18; downloads only from PyPI and the npm registry.
set -euo pipefail

WECHATPAYV3_VERSION=2.0.4
CRYPTOGRAPHY_VERSION=51.0.1
ALIPAY_SDK_VERSION=4.14.0

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/crates/huimin-gateways/tests/vectors}"
work="${CARGO_TARGET_DIR:-$root/target}/gateway-vectors"
mkdir -p "$work" "$out"

if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet \
  "wechatpayv3==$WECHATPAYV3_VERSION" "cryptography==$CRYPTOGRAPHY_VERSION"

mkdir -p "$work/npm"
if [ ! -f "$work/npm/package.json" ]; then
  (cd "$work/npm" && npm init -y >/dev/null)
fi
(cd "$work/npm" && npm install --silent --no-audit --no-fund "alipay-sdk@$ALIPAY_SDK_VERSION")

# Python makes every key (both gateways) and the WeChat vectors; node reads the Alipay keys
# from the same keys file, so one run gives one consistent set.
"$work/venv/bin/python" "$here/wechat.py" "$out" "$work/keys.json"
NODE_PATH="$work/npm/node_modules" node "$here/alipay.js" "$out" "$work/keys.json" \
  "$work/npm/node_modules/alipay-sdk"
echo "vectors written to $out"
