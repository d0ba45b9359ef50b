#!/usr/bin/env bash
# Sets up models/.venv (pinned requirements) and runs models/train.py with the given arguments.
set -euo pipefail
models_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$models_dir/setup-venv.sh"
exec "$models_dir/.venv/bin/python" "$models_dir/train.py" "$@"
