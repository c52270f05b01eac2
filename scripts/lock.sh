#!/usr/bin/env bash
# Write requirements.lock: every package `pip install '.[all,dev]'` needs, at one exact
# version each, resolved from the ranges in pyproject.toml by pip-tools.
#   bash scripts/lock.sh             keep the versions already locked where they still fit
#   bash scripts/lock.sh --upgrade   move every package to the newest version the ranges allow
# `make install`, CI and the quality floors install through this file (pip -c), so a
# run is reproducible; the ranges in pyproject.toml stay loose for those who install
# storylens as a library next to other tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
TOOLS="${LOCK_VENV:-${TMPDIR:-/tmp}/storylens-lock-tools}"
if [ ! -x "$TOOLS/bin/pip-compile" ]; then
  "$PYTHON" -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet "pip-tools>=7.4,<8"
fi
"$TOOLS/bin/pip-compile" --quiet --strip-extras --extra all --extra dev \
  --unsafe-package storylens --no-emit-index-url --no-emit-find-links \
  --output-file requirements.lock "$@" pyproject.toml
echo "wrote requirements.lock"
