#!/usr/bin/env bash
# `npm run train`: rebuilds models/current from scratch — the benign feature matrix from the
# TypeScript feature code (scripts/training-data.ts), then the Python training (models/train.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.json
data=.cache/training/features.csv
node dist/scripts/training-data.js --out "$data"
sources=()
while IFS= read -r line; do sources+=(--source "$line"); done < "${data%.csv}.sources.txt"
bash models/train.sh --features "$data" --feature-spec "${data%.csv}.spec.json" "${sources[@]}" "$@"
