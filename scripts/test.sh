#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: setup, type-check, bundle,
# benchmark table, then every test (unit, fixtures, fuzz, CLI, LSP over stdio, neovim).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test
echo "== type-check (tsc --noEmit, strict)"
npm run --silent typecheck
echo "== benchmark (a table, not a test)"
npm run --silent bench
echo "== tests"
node --import tsx --test test/unit/*.test.ts test/server/*.test.ts test/nvim/*.test.ts
