#!/usr/bin/env bash
# The planning page's browser test (CI runs it after web/build.sh): installs
# Debian's chromium and playwright-core if missing, builds the zonesim CLI,
# serves web/dist on 127.0.0.1, and runs web/test/browser.test.mjs with
# node's test runner. The screenshot goes to docs/img/web.png and, with the
# measured speed, to $ZONESIM_WEB_ARTIFACTS (default web/artifacts).
#
# ZONESIM_PROFILE picks the cargo profile of the CLI (default release; the
# results are the same for every profile, only build time differs);
# CARGO_TARGET_DIR is honoured.
set -euo pipefail
cd "$(dirname "$0")"
web=$(pwd)
root=$(cd .. && pwd)

if [ ! -f dist/zonesim.wasm ]; then
    echo "test: web/dist is not built; run bash web/build.sh first" >&2
    exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
    echo "test: installing Debian's chromium" >&2
    apt-get update -qq
    # With its recommended packages: the fonts the page and its screenshot need.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -f node_modules/playwright-core/package.json ]; then
    echo "test: installing playwright-core" >&2
    npm ci --no-audit --no-fund --loglevel=error
fi

profile=${ZONESIM_PROFILE:-release}
(cd "$root" && cargo build --quiet --profile "$profile" --bin zonesim)
bin="${CARGO_TARGET_DIR:-$root/target}/$profile/zonesim"

artifacts=${ZONESIM_WEB_ARTIFACTS:-$web/artifacts}
mkdir -p "$artifacts"

# A free port on the loopback interface, then the static server on it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory dist "$port" >"$artifacts/http.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
        break
    fi
    sleep 0.1
done

ZONESIM_URL="http://127.0.0.1:$port/" \
ZONESIM_BIN="$bin" \
ZONESIM_OUT="$artifacts" \
ZONESIM_SHOT="$root/docs/img/web.png" \
    node --test --test-concurrency=1 test/api.test.mjs test/browser.test.mjs
echo "test: screenshot in docs/img/web.png and $artifacts/web.png; $(cat "$artifacts/speed.txt")"
