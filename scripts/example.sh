#!/usr/bin/env bash
# The main job on the bundled examples: lint each Dockerfile, then apply the
# preferred fixes to a copy and print the fixed Dockerfile; then slim one example.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dockerfile in examples/*/Dockerfile; do
  echo
  echo "=== $dockerfile"
  node dist/cli.js lint "$dockerfile" || true
  copy="$work/$(basename "$(dirname "$dockerfile")").Dockerfile"
  cp "$dockerfile" "$copy"
  echo "--- after 'dockerfile-slim lint --fix' (what is left is reported above the file):"
  node dist/cli.js lint --fix "$copy" || true
  cat "$copy"
done

echo
echo "=== dockerfile-slim slim examples/go-scratch/Dockerfile (multi-stage: improved in place)"
node dist/cli.js slim examples/go-scratch/Dockerfile
