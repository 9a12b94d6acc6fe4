#!/usr/bin/env bash
# Prepares a fresh Debian machine (as root) for Dockerfile Slim: Node.js, the npm
# dependencies and the bundles. With --test, also what the test suite drives:
# neovim (a real LSP client).
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=false
[ "${1:-}" = "--test" ] && want_tests=true

apt_packages=()
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || apt_packages+=(nodejs npm)
command -v git >/dev/null || apt_packages+=(git)
if $want_tests; then
  command -v nvim >/dev/null || apt_packages+=(neovim)
  # A static ELF executable for the ELF reader's tests.
  [ -x /bin/busybox ] || apt_packages+=(busybox-static)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing ${apt_packages[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found $(node --version)); install it and run again" >&2
  exit 1
fi

# package-lock.json pins every version; .npmrc skips the grammar packages' native builds.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
