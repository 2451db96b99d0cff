#!/usr/bin/env bash
# `npm test`: everything CI checks, in order, stopping at the first failure.
#   setup -> rustfmt -> clippy (host, wasm32) -> host cargo tests (widget + emulator)
#   -> emulator started in the background (test ports, in-memory, test control on)
#   -> wasm-bindgen browser tests (headless Chromium via chromedriver)
#   -> npm run build (size table) -> node tests (size budget, npm pack, TypeScript and Vite consumers)
#   -> Playwright end-to-end tests against the emulator.
#
# Ports (docs/ARCHITECTURE.md): emulator 4110, demo app 4100, wasm-bindgen test page 4120.
# REUSE_EMULATOR=1 uses an emulator already answering on 4110 instead of failing (development only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

EMULATOR_PORT=4110
APP_PORT=4100
TEST_PAGE_ADDRESS=127.0.0.1:4120
EMULATOR_URL="http://127.0.0.1:$EMULATOR_PORT"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

t_start=$(date +%s)
t_section=$t_start
current=""
section() {
  local now
  now=$(date +%s)
  [ -z "$current" ] || printf '    (%s: %d s)\n' "$current" $((now - t_section))
  current="$*"
  t_section=$now
  printf '\n==================== %s ====================\n' "$*"
}

emulator_pid=""

# Chromium processes that chromedriver started (a throwaway profile under
# /tmp/org.chromium.Chromium.scoped_dir*) and left behind when wasm-bindgen-test-runner stopped it,
# reparented to init. Nothing can drive them any more (their driver is gone), but they idle on and
# skew benchmarks. Stopped before and after the browser tests; browsers with a live parent
# (another run's) are never touched.
orphan_browsers() {
  local pid
  for pid in $(pgrep -f 'user-data-dir=/tmp/org.chromium.Chromium.scoped_dir' 2>/dev/null); do
    [ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = 1 ] && echo "$pid"
  done
  return 0
}
reap_orphan_browsers() {
  local pids
  pids=$(orphan_browsers | tr '\n' ' ')
  [ -z "${pids// /}" ] && return 0
  # shellcheck disable=SC2086 # one PID per word
  kill $pids 2>/dev/null || true
  echo "stopped Chromium process(es) chromedriver left behind: $pids"
}

cleanup() {
  local rc=$?
  reap_orphan_browsers
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    printf '\nnpm test FAILED in section: %s (after %d s)\n' "${current:-?}" $(($(date +%s) - t_start))
    if [ -f "$target_dir/emulator-test.log" ] && [ -n "$emulator_pid" ]; then
      echo "--- last lines of $target_dir/emulator-test.log ---"
      tail -n 30 "$target_dir/emulator-test.log" || true
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT

section "setup"
bash scripts/setup.sh

section "rustfmt"
cargo fmt --all -- --check

section "clippy (host, workspace, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

section "clippy (wasm32-unknown-unknown, account-link, all targets)"
cargo clippy --target wasm32-unknown-unknown -p account-link --all-targets -- -D warnings

section "clippy (wasm32, the shipped no_std build: --no-default-features --features slim)"
cargo clippy --target wasm32-unknown-unknown -p account-link --no-default-features --features slim -- -D warnings

section "host tests (cargo test --workspace)"
cargo test --workspace

section "emulator (background, port $EMULATOR_PORT, app on $APP_PORT)"
cargo build -p account-link-emulator
discovery="$EMULATOR_URL/.well-known/openid-configuration"
if node scripts/wait-for.mjs "$discovery" 0 >/dev/null 2>&1; then
  if [ "${REUSE_EMULATOR:-}" = 1 ]; then
    echo "REUSE_EMULATOR=1: using the emulator already answering on $EMULATOR_URL"
  else
    echo "ERROR: something already answers on $EMULATOR_URL (a stale emulator?). Stop it, or set REUSE_EMULATOR=1."
    exit 1
  fi
else
  args=(--memory --test-control --port "$EMULATOR_PORT" --app-port "$APP_PORT" --app-dir www
    --app-mount /pkg=dist --app-mount /vendor/auth0-spa-js=node_modules/@auth0/auth0-spa-js/dist
    --app-mount /fixtures=tests/e2e/fixtures --config tests/emulator.toml)
  echo "\$ account-link-emulator ${args[*]}  (log: $target_dir/emulator-test.log)"
  mkdir -p "$target_dir"
  "$target_dir/debug/account-link-emulator" "${args[@]}" >"$target_dir/emulator-test.log" 2>&1 &
  emulator_pid=$!
  node scripts/wait-for.mjs "$discovery" 60 "$emulator_pid"
fi

section "browser tests (wasm-bindgen-test in headless Chromium)"
reap_orphan_browsers
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_ADDRESS="$TEST_PAGE_ADDRESS"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-60}"
export EMULATOR_URL # read at compile time by the tests: option_env!("EMULATOR_URL")
# tests/popup.rs proves the COOP-severed popup case, which needs the runner's default
# cross-origin isolation (COOP + COEP on its page); the other files open the emulator's pages in
# frames and popups, which that isolation blocks, so they run with it off.
cargo test --target wasm32-unknown-unknown -p account-link --test popup
other_tests=()
for f in tests/*.rs; do
  name=$(basename "$f" .rs)
  [ "$name" = popup ] || other_tests+=(--test "$name")
done
WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1 cargo test --target wasm32-unknown-unknown -p account-link "${other_tests[@]}"
reap_orphan_browsers

section "package build (npm run build)"
node scripts/build.mjs

section "package tests (size budget, npm pack, TypeScript consumer, Vite consumer)"
node --test tests/size/*.test.mjs tests/package/*.test.mjs

section "end-to-end tests (Playwright against the emulator)"
E2E_APP_PORT="$APP_PORT" E2E_EMULATOR_PORT="$EMULATOR_PORT" node_modules/.bin/playwright test

section "done"
printf 'npm test passed in %d s\n' $(($(date +%s) - t_start))
