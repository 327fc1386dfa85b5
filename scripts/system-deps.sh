#!/usr/bin/env bash
# Install the Debian packages the project needs, only those that are missing.
# PostGIS 3 for PostgreSQL 15 brings the GDAL, GEOS and PROJ runtime libraries
# that GeoDjango loads; Chromium is for the browser tests, pgbouncer for the
# connection-pooling test (tests/scaleout; `make test` asks for both). PostgreSQL's own
# tools (pg_basebackup, pg_ctl) serve scripts/backup.sh and restore.sh. WeasyPrint
# (the evaluation report's PDF) needs pango, fontconfig and a font with Vietnamese
# glyphs (DejaVu Sans, embedded by analytics/evaluation/pdf.py); WeasyPrint 70 also
# loads HarfBuzz's subsetter (libharfbuzz-subset0) to embed only the glyphs used.
set -euo pipefail

want=(postgresql-15 postgresql-15-postgis-3 libgdal32 libgeos-c1v5 libproj25 gettext redis-server
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core)
if [[ "${WITH_BROWSER:-0}" == 1 ]]; then
  want+=(chromium chromium-driver fonts-noto-core)
  # The test suite's other tools: nginx checks and serves deploy/nginx
  # (tests/deploy/test_nginx.py), openssl makes its throw-away certificate.
  want+=(nginx openssl)
fi
if [[ "${WITH_PGBOUNCER:-0}" == 1 ]]; then
  want+=(pgbouncer)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing system packages: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
