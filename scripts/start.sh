#!/usr/bin/env bash
# `npm start`: set up, build the package, build and run the emulator, which serves the demo app
# (www/ with the built package at /pkg/) on its own origin.
#
#   demo app  http://127.0.0.1:${PORT:-4000}/
#   emulator  http://127.0.0.1:${EMULATOR_PORT:-4010}/  (the Auth0-compatible tenant)
#
# Env: PORT, EMULATOR_PORT, EMULATOR_CONFIG (a TOML file passed as --config). The emulator's built-in
# config lists only http://127.0.0.1:4000 as the demo client's web origin and callbacks, so a
# different PORT needs EMULATOR_CONFIG naming that origin (see emulator/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

PORT="${PORT:-4000}"
EMULATOR_PORT="${EMULATOR_PORT:-4010}"

bash scripts/setup.sh
node scripts/build.mjs

echo
echo "==> cargo build -p account-link-emulator"
cargo build -p account-link-emulator
emulator="${CARGO_TARGET_DIR:-target}/debug/account-link-emulator"

args=(--port "$EMULATOR_PORT" --app-port "$PORT" --app-dir www --app-mount /pkg=dist)
if [ -n "${EMULATOR_CONFIG:-}" ]; then
  args+=(--config "$EMULATOR_CONFIG")
elif [ "$PORT" != 4000 ]; then
  echo "WARNING: PORT=$PORT but the emulator's default config only allows http://127.0.0.1:4000;"
  echo "         set EMULATOR_CONFIG to a config listing http://127.0.0.1:$PORT (see emulator/README.md)."
fi

echo
echo "\$ $emulator ${args[*]}"
"$emulator" "${args[@]}" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' INT TERM EXIT

node scripts/wait-for.mjs "http://127.0.0.1:$EMULATOR_PORT/.well-known/openid-configuration" 60 "$pid"
cat <<MSG

  account-link demo:  http://127.0.0.1:$PORT/
  emulator (tenant):  http://127.0.0.1:$EMULATOR_PORT/
  Ctrl-C to stop.

MSG
wait "$pid"
