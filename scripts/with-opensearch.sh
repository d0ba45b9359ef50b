#!/usr/bin/env bash
# Runs a command with one OpenSearch node for the whole test suite:
#   scripts/with-opensearch.sh npx tap test/opensearch
# Starts a node (scripts/opensearch.sh) in a temporary directory on a free port in 19200-19299,
# exports SIEMAD_TEST_OPENSEARCH_URL for test/helpers/opensearch.ts's sharedOpenSearch(), runs the
# command, stops and removes the node, and exits with the command's status.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -gt 0 ]] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

port=""
for candidate in $(shuf -i 19200-19299); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "with-opensearch: no free port in 19200-19299" >&2; exit 1; }

instance_dir="$(mktemp -d "${TMPDIR:-/tmp}/siemad-suite-opensearch-XXXXXX")"
cleanup() {
  bash "$SCRIPT_DIR/opensearch.sh" stop --dir "$instance_dir" >/dev/null 2>&1 || true
  rm -rf "$instance_dir"
}
trap cleanup EXIT

url="$(bash "$SCRIPT_DIR/opensearch.sh" start --dir "$instance_dir" --port "$port")"
echo "with-opensearch: OpenSearch at $url" >&2
export SIEMAD_TEST_OPENSEARCH_URL="$url"
set +e
"$@"
status=$?
set -e
exit "$status"
