#!/usr/bin/env bash
# `npm run train`: rebuilds models/current from scratch — the benign feature matrix from the
# TypeScript feature code (scripts/training-data.ts), then the Python training (models/train.sh).
#
#   npm run train [-- --feedback EXPORT.ndjson] [models/train.py options]
#
# --feedback: analysts' feedback exported by the API (GET /api/v1/feedback?format=ndjson); its
# false positives and benign verdicts join the benign training rows, and the model card's sources
# say how many were used.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data_args=()
train_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --feedback) data_args+=(--feedback "$2"); shift 2 ;;
    --feedback=*) data_args+=(--feedback "${1#--feedback=}"); shift ;;
    *) train_args+=("$1"); shift ;;
  esac
done
npx tsc -p tsconfig.json
data=.cache/training/features.csv
node dist/scripts/training-data.js --out "$data" "${data_args[@]}"
sources=()
while IFS= read -r line; do sources+=(--source "$line"); done < "${data%.csv}.sources.txt"
bash models/train.sh --features "$data" --feature-spec "${data%.csv}.spec.json" "${sources[@]}" "${train_args[@]}"
