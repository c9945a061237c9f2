#!/usr/bin/env bash
# Builds the planning page into web/dist/: the zonesim library compiled to
# WebAssembly (web/wasm) and the static files (web/src). Needs only the Rust
# toolchain; adds the wasm32-unknown-unknown target through rustup if missing.
#
#   bash web/build.sh && python3 -m http.server -d web/dist 8000
set -euo pipefail
cd "$(dirname "$0")"

target=wasm32-unknown-unknown
if ! rustc --print target-libdir --target "$target" >/dev/null 2>&1 \
    || [ ! -d "$(rustc --print target-libdir --target "$target")" ]; then
    echo "build: adding the $target target" >&2
    rustup target add "$target"
fi

cargo build --release --locked --target "$target" --manifest-path wasm/Cargo.toml
wasm="wasm/target/$target/release/zonesim_web.wasm"

rm -rf dist.tmp
mkdir -p dist.tmp
cp src/index.html src/style.css src/app.js src/catalogue.js src/chart.js src/errors.js src/results.js \
    src/services.js src/studyfile.js src/worker.js src/zonesim.js dist.tmp/
cp "$wasm" dist.tmp/zonesim.wasm
# Replace dist/ whole, so that a failed build never leaves a half-new page.
rm -rf dist
mv dist.tmp dist
bytes=$(stat -c %s dist/zonesim.wasm)
echo "build: web/dist ready (zonesim.wasm: $bytes bytes, $(( (bytes + 1023) / 1024 )) KiB)" >&2
