#!/usr/bin/env bash
# Prepares real VS Code for the end-to-end tests, as root on Debian bookworm with only
# Debian's apt repositories and the npm registry reachable: Debian's chromium (driven by
# playwright-core) and code-server (VS Code in a browser, from npm) in a cache folder
# outside the extension's package.json.
#
#   bash scripts/e2e-setup.sh
#
# Environment: DOCKERFILE_SLIM_CACHE (default /var/cache/dockerfile-slim; code-server goes
# in its code-server/ folder, which test/e2e/harness.ts also reads).
#
# Idempotent and fast when already done (a few file checks). Concurrent runs wait for
# each other (flock).
#
# Why the install needs what it needs (each found by failing without it):
#   libkrb5-dev      the `kerberos` native module's build needs gssapi headers
#   ripgrep          @vscode/ripgrep downloads rg from GitHub (unreachable): its download
#                    cache is pre-seeded with Debian's rg in the archive it expects
#   unsafe_perm      code-server's postinstall refuses to run as root without it
#   yes              node-pty's postinstall runs `npx node-gyp`, which would prompt
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3
# What code-server $CODE_SERVER_VERSION's @vscode/ripgrep looks for in its download cache.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CACHE=${DOCKERFILE_SLIM_CACHE:-/var/cache/dockerfile-slim}
DIR=$CACHE/code-server
LOG=$CACHE/code-server-install.log
MARKER=$DIR/.installed
export DEBIAN_FRONTEND=noninteractive

SETUP_NAME=e2e-setup
# shellcheck source=scripts/setup-lib.sh
source scripts/setup-lib.sh
[ "$(uname -s)" = Linux ] || die "needs Linux"
[ "$(uname -m)" = x86_64 ] || die "needs x86_64 (the pre-seeded ripgrep archive is the x86_64 one)"
[ "$(id -u)" = 0 ] || die "needs root (installs Debian packages)"

take_lock 600

# ---------------------------------------------------------------- Debian packages
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
[ -x /usr/bin/rg ] || missing+=(ripgrep)
# node-pty and kerberos compile at install time.
command -v make >/dev/null && command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
# Without recommends chromium brings no font: screenshots would show boxes.
[ -n "$(fc-list 2>/dev/null | head -n 1)" ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] || step "apt-get install ${missing[*]}" apt_install "${missing[@]}"

# ---------------------------------------------------------------- code-server
installed() {
  [ "$(cat "$MARKER" 2>/dev/null)" = "$CODE_SERVER_VERSION" ] && [ -x "$DIR/node_modules/.bin/code-server" ]
}
seed_ripgrep() { # TMP: the download cache @vscode/ripgrep's postinstall finds in os.tmpdir()
  local seed=$1/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION
  mkdir -p "$seed" "$1/rg"
  cp /usr/bin/rg "$1/rg/rg"
  tar -C "$1/rg" -czf "$seed/$RIPGREP_ARCHIVE" rg
}
install_code_server() {
  rm -rf "$DIR"
  mkdir -p "$DIR/.tmp"
  echo '{ "private": true, "description": "code-server for the Dockerfile Slim end-to-end tests (scripts/e2e-setup.sh)" }' >"$DIR/package.json"
  seed_ripgrep "$DIR/.tmp"
  # Its own folder: the project's .npmrc (ignore-scripts) must not apply, the install
  # scripts are the point. node-gyp would download Node's headers (unreachable): use the
  # installed ones.
  local prefix
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [ -f "$prefix/include/node/node.h" ] || die "Node.js headers are missing ($prefix/include/node/node.h): node-pty cannot be built"
  if ! (cd "$DIR" && env TMPDIR="$DIR/.tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm_config_ignore_scripts=false npm_config_nodedir="$prefix" \
    npm install --no-audit --no-fund --save-exact --foreground-scripts "code-server@$CODE_SERVER_VERSION" >"$LOG" 2>&1); then
    tail -n 30 "$LOG" >&2
    die "npm install code-server@$CODE_SERVER_VERSION failed (log: $LOG)"
  fi
  rm -rf "$DIR/.tmp"
  "$DIR/node_modules/.bin/code-server" --version >/dev/null || die "the installed code-server does not run (log: $LOG)"
  echo "$CODE_SERVER_VERSION" >"$MARKER"
}
installed || step "npm install code-server@$CODE_SERVER_VERSION in $DIR (log $LOG)" install_code_server

echo "e2e-setup: ready in $(elapsed "$T0") s: $(/usr/bin/chromium --version 2>/dev/null), code-server $("$DIR/node_modules/.bin/code-server" --version | head -n 1)"
