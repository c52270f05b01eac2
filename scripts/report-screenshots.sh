#!/usr/bin/env bash
# Refresh the committed screenshots of the HTML compare report (docs/*-report.png)
# in Debian's headless chromium: the seed story (needs ../shared) and the demo story.
# Each shows the top of the page, what a reader reads first: the summary, where the
# outlets differ and the timeline (1400x2000 CSS pixels, so the side-by-side view
# below them is left out).
#   bash scripts/report-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROMIUM" ]; then
  echo "report-screenshots.sh: install Debian's chromium first (apt-get install chromium)" >&2
  exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

shot() {  # shot REPORT.html OUT.png
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/profile" --window-size=1400,2000 --screenshot="$2" "file://$1" \
    >/dev/null 2>&1
  echo "wrote $2"
}

if [ -f ../shared/data/seeds/articles.jsonl ]; then
  "$BIN/storylens" compare ../shared/data/seeds/articles.jsonl --format html > "$tmp/seeds.html"
  shot "$tmp/seeds.html" docs/seeds-report.png
else
  echo "../shared/data/seeds is absent: docs/seeds-report.png left as it is" >&2
fi
"$BIN/storylens" demo --output-dir "$tmp/demo" >/dev/null
shot "$tmp/demo/report.html" docs/demo-report.png
