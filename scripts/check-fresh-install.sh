#!/usr/bin/env bash
# Prove storylens installs like a library: `pip install .` into a brand-new virtual
# environment (no scripts, no extras, no lock), then `storylens demo` from a folder
# outside the source tree, so only the installed package can be imported.
#   bash scripts/check-fresh-install.sh     (prints "fresh install OK" and exits 0)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/storylens-fresh.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$PYTHON" -m venv "$WORK/venv"
# build from a copy of the project's files (tracked and new, never ignored ones), so a
# local .venv, build folder or egg-info cannot leak into the check
mkdir "$WORK/src-copy"
(cd "$ROOT" && git ls-files -co --exclude-standard -z \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf -) | tar -x -C "$WORK/src-copy"
"$WORK/venv/bin/python" -m pip install --quiet "$WORK/src-copy"
cd "$WORK"
where="$("$WORK/venv/bin/python" -c 'import storylens, os; print(os.path.dirname(storylens.__file__))')"
case "$where" in
  "$WORK/venv/"*) ;;
  *) echo "storylens was imported from $where, not from the fresh environment" >&2; exit 1 ;;
esac
"$WORK/venv/bin/storylens" demo --output-dir "$WORK/demo" > "$WORK/demo.out"
for name in report.html report.json report.md; do
  test -s "$WORK/demo/$name" || { echo "storylens demo wrote no $name" >&2; exit 1; }
done
grep -q "HTML report:" "$WORK/demo.out"
echo "fresh install OK: storylens $("$WORK/venv/bin/storylens" --version | awk '{print $NF}') from $where"
