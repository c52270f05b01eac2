#!/usr/bin/env bash
# Refresh the Swagger UI files `storylens serve` shows at /docs (no CDN: they ship inside
# storylens, under src/storylens/web/static/docs/). Swagger UI is Apache-2.0 (SmartBear);
# its LICENSE and NOTICE are copied beside it.
#   bash scripts/vendor-swagger-ui.sh [VERSION]      (default: the version in VERSION there)
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=src/storylens/web/static/docs
VERSION="${1:-$(cat "$DEST/VERSION")}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null && tar xzf swagger-ui-dist-*.tgz)
for f in swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE; do
  cp "$WORK/package/$f" "$DEST/$f"
done
echo "$VERSION" > "$DEST/VERSION"
echo "Swagger UI $VERSION copied to $DEST"
