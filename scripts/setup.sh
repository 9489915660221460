#!/usr/bin/env bash
# One command from a fresh clone: install what is missing, index a folder of clips, and
# produce a compilation from them.   usage: bash scripts/setup.sh [clips folder] [theme]
set -euo pipefail
cd "$(dirname "$0")/.."
CLIPS="${1:-../shared/corpus/clips}"
THEME="${2:-people talking}"
if [ ! -d "$CLIPS" ]; then
  echo "setup: clips folder not found: $CLIPS (pass a folder of video clips as the first argument)" >&2
  exit 2
fi
bash scripts/install-system-deps.sh
if [ ! -x node_modules/.bin/bun ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
RS=(node_modules/.bin/bun src/cli.ts)
"${RS[@]}" doctor || true
MANIFEST_ARGS=()
for m in "$CLIPS/MANIFEST.tsv" "$CLIPS/manifest.tsv" "$CLIPS/MANIFEST.csv" "$CLIPS/manifest.csv"; do
  if [ -f "$m" ]; then MANIFEST_ARGS=(--manifest "$m"); break; fi
done
echo "setup: indexing $CLIPS"
"${RS[@]}" index "$CLIPS" "${MANIFEST_ARGS[@]}"
echo "setup: producing a 60-second compilation on \"$THEME\""
"${RS[@]}" produce --theme "$THEME" --duration 60 --resolution 720p
