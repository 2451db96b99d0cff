#!/usr/bin/env bash
# `npm run bench`: set up, build the package and the emulator, start the emulator (in memory, on
# 4310; its app origin on 4300 is not used by the bench), then run bench/run.mjs. Extra arguments go
# to bench/run.mjs (e.g. `npm run bench -- --runs 20`); with `compare` first, to bench/compare.mjs
# instead (`npm run bench -- compare --base /tmp/dist-before --runs 100`: the fresh build, dist/,
# against another).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
EMULATOR_PORT=4310
target_dir="${CARGO_TARGET_DIR:-target}"

bash scripts/setup.sh
node scripts/build.mjs
cargo build -p account-link-emulator

pid=""
trap '[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true' EXIT
"$target_dir/debug/account-link-emulator" --memory --port "$EMULATOR_PORT" --app-port 4300 --app-dir www \
  --app-mount /pkg=dist >"$target_dir/emulator-bench.log" 2>&1 &
pid=$!
if ! node scripts/wait-for.mjs "http://127.0.0.1:$EMULATOR_PORT/.well-known/openid-configuration" 30 "$pid"; then
  echo "WARNING: the emulator did not start (see $target_dir/emulator-bench.log); popups will open but not reach a tenant"
fi
if [ "${1:-}" = compare ]; then
  shift
  node bench/compare.mjs --emulator "http://127.0.0.1:$EMULATOR_PORT" "$@"
else
  node bench/run.mjs --emulator "http://127.0.0.1:$EMULATOR_PORT" "$@"
fi
