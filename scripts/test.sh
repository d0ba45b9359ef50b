#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a developer's: installs what the tests need (Debian
# packages, npm packages, the Python venv, the OpenSearch distribution), builds, starts a shared
# OpenSearch node, runs every TypeScript test (tap) and the Python model tests, stops what it started.
#
#   scripts/test.sh            (README's test command; CI runs it with CI=true via .ci/run)
#   scripts/test.sh FILES...   only these tap test files (still installs and builds)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))" >&2; }

step "system packages"
bash scripts/install-system-deps.sh

step "npm packages"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  # npm 11 skips onnxruntime-node's CUDA download (package.json allowScripts); the variable tells
  # its script to skip under npm 10, which runs dependency scripts.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi

step "type check, lint, format check and build"
npx tsc -p tsconfig.test.json
npx biome ci .
npx tsc -p tsconfig.json

step "python venv (models)"
bash models/setup-venv.sh

step "OpenSearch distribution"
bash scripts/opensearch.sh install

# One shared node for the tests that only need an OpenSearch; tests that stop and restart a node
# start their own through test/helpers/opensearch.ts.
node_dir=.cache/test-opensearch
port=${SIEMAD_TEST_OPENSEARCH_PORT:-19200}
step "starting the shared OpenSearch node on 127.0.0.1:$port"
rm -rf "$node_dir"
SIEMAD_TEST_OPENSEARCH_URL=$(bash scripts/opensearch.sh start --dir "$node_dir" --port "$port" --transport-port 19300-19310)
export SIEMAD_TEST_OPENSEARCH_URL
trap 'bash scripts/opensearch.sh stop --dir "$node_dir" || true' EXIT

step "tap"
if [[ $# -gt 0 ]]; then
  npx tap "$@"
else
  npx tap
fi

if [[ $# -eq 0 ]]; then
  step "python model tests"
  (cd models && .venv/bin/python -m pytest -q)
fi
step "done"
