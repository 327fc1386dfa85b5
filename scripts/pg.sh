#!/usr/bin/env bash
# A project-managed PostGIS cluster under .data/pg, used when DATABASE_URL is unset.
# It listens on 127.0.0.1 at its own port (HT_PG_PORT, default 54329) and never
# touches a system PostgreSQL.
#
#   scripts/pg.sh start          start it durable (fsync, synchronous commits, full
#                                page writes): make demo, make db
#   scripts/pg.sh start --fast   start it without those (make test): a crash may lose
#                                the last commits, which tests can afford
#   scripts/pg.sh stop|status|url
#   scripts/pg.sh remove         stop it and delete its data (make clean)
#
# The mode lives in one file of the data directory, fast.conf (absent: durable), read
# through postgresql.conf's include_if_exists: it is chosen before the server starts,
# survives a restart by hand, and `pg_ctl reload` switches a running cluster to
# durable without closing anyone's connection. A start asking for fast leaves a
# running durable cluster alone (the demo's data stays safe under a test run).
#
# HT_PG_DATA (default .data/pg) is where the cluster lives. As root the cluster
# belongs to the postgres user (initdb refuses root); when that user cannot enter the
# folder (a 0700 home, a mktemp -d folder) the data directory is made in its home
# folder and linked here, and PostgreSQL's tools are given the real path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${HT_PG_PORT:-54329}
db=${HT_PG_DB:-hientruong}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
link=${HT_PG_DATA:-$root/.data/pg}
FAST_SETTINGS="fsync = off
synchronous_commit = off
full_page_writes = off"
# After a crash the server syncs the data directory before it accepts anyone: one
# syncfs per file system instead of an fsync per file (1 s against 7-11 s measured
# for a migrated database, which is the length of the outage after a crash).
RECOVERY_SYNC="recovery_init_sync_method = syncfs"

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  as_owner=(runuser -u postgres --)
fi

die() { echo "pg.sh: $*" >&2; exit 1; }

# PostgreSQL's tools as the cluster's owner, from a folder it may enter (they stop
# on a working directory they cannot read).
as_pg() { (cd / && "${as_owner[@]}" "$@"); }

locate() {
  # Sets datadir (the real data directory) and logfile; with "make", makes the link
  # when the postgres user cannot enter the folder the cluster is asked for.
  [[ ${1:-} == make ]] && mkdir -p "$(dirname "$link")"
  if [[ ${1:-} == make && ${#as_owner[@]} -gt 0 && ! -e "$link" && ! -L "$link" ]] \
    && ! as_pg test -x "$(dirname "$link")"; then
    local home alt
    home=$(getent passwd postgres | cut -d: -f6)
    alt="$home/hientruong-$(echo -n "$link" | sha1sum | cut -c1-12)"
    mkdir -p "$alt" && chown postgres:postgres "$alt" && chmod 700 "$alt"
    ln -s "$alt" "$link"
  fi
  datadir=$(readlink -f "$link" || echo "$link")
  if [[ -L "$link" ]]; then
    # The log beside the real directory, where the server can write it; a link
    # here for whoever looks for it.
    logfile="$datadir.log"
    [[ ${1:-} == make ]] && ln -sfn "$logfile" "$link.log"
  else
    logfile="$link.log"
  fi
  if [[ ${#as_owner[@]} -gt 0 ]] && ! as_pg test -x "$(dirname "$datadir")"; then
    die "the postgres user cannot enter $(dirname "$datadir"); remove $link to have it made in postgres's home folder, or set DATABASE_URL"
  fi
}

init() {
  [[ -f "$datadir/PG_VERSION" ]] && return 0
  mkdir -p "$datadir"
  if [[ ${#as_owner[@]} -gt 0 ]]; then
    chown -R postgres:postgres "$datadir/" && chmod 700 "$datadir/"
  fi
  as_pg "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  as_pg tee -a "$datadir/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
$RECOVERY_SYNC
include_if_exists = 'fast.conf'
CONF
}

conf_upgrade() {
  # Clusters made before the two modes had the fast settings in postgresql.conf: they
  # move to fast.conf, which says the truth about a running one until it is made
  # durable (a reload) or restarted in the mode asked for.
  grep -q "include_if_exists = 'fast.conf'" "$datadir/postgresql.conf" && return 0
  if grep -q '^fsync = off$' "$datadir/postgresql.conf"; then
    echo "$FAST_SETTINGS" | as_pg tee "$datadir/fast.conf" >/dev/null
  fi
  as_pg sed -i -e '/^fsync = off$/d' -e '/^synchronous_commit = off$/d' \
    -e '/^full_page_writes = off$/d' "$datadir/postgresql.conf"
  printf "%s\ninclude_if_exists = 'fast.conf'\n" "$RECOVERY_SYNC" \
    | as_pg tee -a "$datadir/postgresql.conf" >/dev/null
}

running() { as_pg "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; }

running_port() { sed -n 4p "$datadir/postmaster.pid" 2>/dev/null; }

mode() { [[ -f "$datadir/fast.conf" ]] && echo fast || echo durable; }

durable_make() {
  # Pages written while fsync was off may still sit in the kernel's cache: flush them
  # before calling the cluster durable (PostgreSQL's advice when turning fsync on).
  [[ -f "$datadir/fast.conf" ]] || return 0
  rm -f "$datadir/fast.conf"
  sync
}

start() {
  local fast=$1
  locate make
  init
  conf_upgrade
  if running; then
    local actual
    actual=$(running_port)
    [[ "$actual" == "$port" ]] \
      || die "the cluster in $link already runs on port $actual; stop it or set HT_PG_PORT=$actual"
    if [[ $fast == 0 && $(mode) == fast ]]; then
      durable_make
      as_pg "$bindir/pg_ctl" -D "$datadir" reload >/dev/null
      echo "PostGIS cluster switched to durable (fsync, synchronous commits)."
    elif [[ $fast == 1 && $(mode) == durable ]]; then
      echo "PostGIS cluster already running durable; left so (make stop first for a fast one)."
    fi
  else
    if [[ $fast == 1 ]]; then
      echo "$FAST_SETTINGS" | as_pg tee "$datadir/fast.conf" >/dev/null
    else
      durable_make
    fi
    touch "$logfile"
    [[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$logfile"
    # The port on the command line: HT_PG_PORT wins over the one initdb wrote.
    as_pg "$bindir/pg_ctl" -D "$datadir" -l "$logfile" -o "-p $port" -w -t 60 \
      start >/dev/null
  fi
  local psql=(env PGOPTIONS="-c client_min_messages=warning" "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [[ -z $("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'") ]]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $db"
  fi
  "${psql[@]}" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
}

stop() {
  locate
  if [[ -f "$datadir/PG_VERSION" ]] && running; then
    as_pg "$bindir/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null
    echo "PostGIS cluster stopped."
  fi
}

remove() {
  stop
  # Only what this script made: a data directory (or an empty one) and its log.
  if [[ -d "$datadir" ]]; then
    [[ -f "$datadir/PG_VERSION" || -z $(ls -A "$datadir") ]] \
      || die "$datadir is not a PostgreSQL data directory; left alone"
    rm -rf "$datadir"
  fi
  rm -f "$logfile"
  [[ -L "$link" ]] && rm -f "$link" "$link.log"
  echo "PostGIS cluster removed."
}

case "${1:-}" in
  start)
    case "${2:-}" in
      --fast) start 1 ;;
      "") start 0 ;;
      *) die "usage: $0 start [--fast]" ;;
    esac ;;
  stop) stop ;;
  status)
    locate
    if running; then
      echo "running on 127.0.0.1:$(running_port), $(mode)"
    else
      echo "stopped"
    fi ;;
  url) echo "postgis://postgres@127.0.0.1:$port/$db" ;;
  remove) remove ;;
  *) die "usage: $0 start [--fast]|stop|status|url|remove" ;;
esac
