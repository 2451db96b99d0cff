#!/usr/bin/env bash
# Installs what `npm start`, `npm test` and `npm run bench` need, and only what is missing.
# Idempotent, and quick (about a second) when everything is there. Called by scripts/start.sh and
# scripts/test.sh; also `npm run setup`. Never runs `rustup update`.
#
#   - rustup target wasm32-unknown-unknown, components clippy and rustfmt
#   - Chromium and chromedriver from Debian (apt-get, only when /usr/bin/chromium or chromedriver is missing)
#   - wasm-bindgen-cli at the exact wasm-bindgen version in Cargo.lock (cargo install, ~3 min once)
#   - npm packages (npm ci) when node_modules is missing or older than package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf 'setup: %s\n' "$*"; }
t0=$(date +%s)

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { say "ERROR: $tool not found (Rust via rustup and Node >= 20 are required)"; exit 1; }
done

# --- Rust target and components -------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
installed_components=$(rustup component list --installed)
for c in clippy rustfmt; do
  if ! grep -q "^$c" <<<"$installed_components"; then
    say "adding rustup component $c"
    rustup component add "$c"
  fi
done

# --- Chromium and chromedriver (Debian packages) --------------------------------------------
missing_pkgs=()
[ -x /usr/bin/chromium ] || missing_pkgs+=(chromium)
[ -x /usr/bin/chromedriver ] || missing_pkgs+=(chromium-driver)
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  say "installing ${missing_pkgs[*]} with apt-get (about 30 s)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium chromium-driver
fi

# --- wasm-bindgen-cli at the Cargo.lock version ---------------------------------------------
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$want" ]; then
  say "ERROR: no wasm-bindgen in Cargo.lock"
  exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  if pgrep -f "cargo install wasm-bindgen-cli" >/dev/null; then
    say "a cargo install of wasm-bindgen-cli is already running; waiting for it"
    while pgrep -f "cargo install wasm-bindgen-cli" >/dev/null; do sleep 5; done
    have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  fi
fi
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (was: ${have:-none}); about 3 min on 2 cores"
  if ! cargo install wasm-bindgen-cli --version "$want" --locked; then
    say "--locked failed (its lockfile may pin a crate version this registry lacks); retrying unlocked"
    cargo install wasm-bindgen-cli --version "$want"
  fi
fi

# --- npm packages ---------------------------------------------------------------------------
npm_stale() {
  [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ] \
    || [ package.json -nt node_modules/.package-lock.json ]
}
if [ -L node_modules ]; then
  # A git worktree sharing another checkout's packages through a symlink: `npm ci` would empty
  # the folder it points to (the other checkout's) before installing here. Leave it alone.
  if npm_stale; then
    say "WARNING: node_modules is a symlink (to $(readlink node_modules)) and looks older than"
    say "package-lock.json; not running npm ci through it. Run npm ci where it points if needed."
  fi
elif npm_stale; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

say "ready ($(($(date +%s) - t0)) s): $(wasm-bindgen --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
