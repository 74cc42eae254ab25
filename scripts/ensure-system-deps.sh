#!/usr/bin/env bash
# Install the Debian packages Manara needs to build and test, only when they are missing.
# Usage: scripts/ensure-system-deps.sh [build] [postgres] [browser]
set -euo pipefail
missing=()
want_build=0; want_pg=0; want_browser=0
for arg in "$@"; do
  case "$arg" in build) want_build=1 ;; postgres) want_pg=1 ;; browser) want_browser=1 ;; esac
done
if [ "$want_build" = 1 ]; then
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  pkg-config --exists icu-uc 2>/dev/null || missing+=(libicu-dev)
  command -v g++ >/dev/null || missing+=(g++)
  ldconfig -p | grep -q libpango-1.0.so || missing+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint (certificates)
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)  # assessment PDF tests read pages back (pdftotext, pdftoppm)
fi
if [ "$want_pg" = 1 ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fi
if [ "$want_browser" = 1 ]; then  # browser tests: Debian's Chromium (never a downloaded one), fonts with Arabic
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
