#!/usr/bin/env bash
# A project-managed PostGIS cluster under .data/pg, used when DATABASE_URL is unset.
# It listens on 127.0.0.1 at its own port (HT_PG_PORT, default 54329) and never
# touches a system PostgreSQL. Usage: scripts/pg.sh start|stop|status|url
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${HT_PG_PORT:-54329}
db=${HT_PG_DB:-hientruong}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
datadir="$root/.data/pg"
logfile="$root/.data/pg.log"

# initdb refuses to run as root: as root, the cluster belongs to the postgres user.
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  as_owner=(runuser -u postgres --)
fi

ensure_reachable() {
  # The postgres user must be able to reach the data directory; when the checkout sits
  # under a private folder, keep the cluster in /var/lib/postgresql and link it here.
  mkdir -p "$root/.data"
  if [[ ${#as_owner[@]} -gt 0 && ! -L "$datadir" && ! -d "$datadir" ]]; then
    if ! "${as_owner[@]}" test -x "$root/.data"; then
      local alt="/var/lib/postgresql/hientruong-$(echo -n "$root" | sha1sum | cut -c1-12)"
      mkdir -p "$alt" && chown postgres:postgres "$alt"
      ln -s "$alt" "$datadir"
    fi
  fi
}

init() {
  ensure_reachable
  [[ -f "$datadir/PG_VERSION" ]] && return 0
  mkdir -p "$datadir"
  [[ ${#as_owner[@]} -gt 0 ]] && chown -R postgres:postgres "$datadir/" && chmod 700 "$datadir/"
  "${as_owner[@]}" "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  cat >>"$datadir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
CONF
}

running() { "${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; }

start() {
  init
  if ! running; then
    touch "$logfile" && [[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$logfile"
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 start >/dev/null
  fi
  local psql=("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [[ -z $("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'") ]]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $db"
  fi
  "${psql[@]}" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
}

case "${1:-}" in
  start) start ;;
  stop) if [[ -f "$datadir/PG_VERSION" ]] && running; then
          "${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null
          echo "PostGIS cluster stopped."
        fi ;;
  status) running && echo "running on 127.0.0.1:$port" || echo "stopped" ;;
  url) echo "postgis://postgres@127.0.0.1:$port/$db" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
