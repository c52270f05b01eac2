#!/usr/bin/env bash
# Create .venv and install storylens with its pinned models and tools.
#   bash scripts/install.sh            (idempotent; re-run after pulling)
# Versions come from requirements.lock (made by scripts/lock.sh), so every machine,
# CI and the quality floors run the same set; pyproject.toml keeps only ranges.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
EXTRAS="${STORYLENS_EXTRAS:-all,dev}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -c requirements.lock -e ".[${EXTRAS}]"
"$VENV/bin/python" -c "import storylens.nlp as n; n.spacy_model_path(); n.load_embedder()" \
  && echo "storylens installed in $VENV (models verified)"
