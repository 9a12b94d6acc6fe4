#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine as root: setup, type-check,
# bundle, benchmark table, then every test: unit, fixtures, fuzz, CLI, LSP over
# stdio, neovim, real VS Code (code-server + chromium), and the real-engine proofs (dockerd and local base images, which
# scripts/engine-setup.sh installs, starts and builds on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test
echo "== engine (docker.io, dockerd, local base images from Debian packages)"
bash scripts/engine-setup.sh
echo "== real VS Code for the end-to-end tests (Debian chromium, code-server from npm)"
bash scripts/e2e-setup.sh
echo "== type-check (tsc --noEmit, strict)"
npm run --silent typecheck
echo "== benchmark (a table, not a test)"
npm run --silent bench
npm run --silent bench:inspect
echo "== tests"
# CI=1 for the engine tests: they must never skip silently.
CI=${CI:-1} node --import tsx --test test/unit/*.test.ts test/server/*.test.ts test/nvim/*.test.ts test/engine/*.test.ts test/e2e/*.test.ts
