#!/usr/bin/env bash
# Creates or refreshes models/.venv with the exact pins of models/requirements.txt.
# Idempotent: silent and fast when the venv already matches the requirements and the interpreter.
set -euo pipefail

models_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$models_dir/.venv"
requirements="$models_dir/requirements.txt"
python="${PYTHON:-python3}"

# The stamp ties the venv to the requirements' content and the interpreter that built it.
wanted_stamp="$(
  { "$python" -c 'import sys; print(sys.version)'; cat "$requirements"; } | sha256sum | cut -d' ' -f1
)"
stamp_file="$venv/.requirements-stamp"

if [[ -x "$venv/bin/python" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$wanted_stamp" ]]; then
  exit 0
fi

echo "setup-venv: installing pinned requirements into $venv" >&2
# --clear rebuilds from scratch so that packages dropped from the pins do not linger.
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$wanted_stamp" > "$stamp_file"
echo "setup-venv: ready" >&2
