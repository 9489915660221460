#!/usr/bin/env bash
# Installs the Debian packages Reelsmith uses, only those missing (needs root or sudo):
#   ffmpeg (ffprobe comes with it), pocketsphinx + its English model (speech to text),
#   wordnet-base (query expansion), chromium (browser tests), libchromaprint-tools (fpcalc:
#   audio fingerprints for the music-rights check), fonts-dejavu-core (title overlays).
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in ffmpeg pocketsphinx pocketsphinx-en-us wordnet-base chromium libchromaprint-tools fonts-dejavu-core; do
  have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages: done"
