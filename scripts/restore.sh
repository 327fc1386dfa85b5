#!/usr/bin/env bash
# Restore the PostgreSQL cluster to a moment in time from scripts/backup.sh's base
# backups and archived WAL, into a NEW data directory (never over the damaged one).
#
#   scripts/restore.sh DATADIR 'TARGET TIME' [--port PORT]
#
#   DATADIR       an empty or absent directory for the restored cluster
#   TARGET TIME   the last moment to keep, as PostgreSQL reads it, with its zone:
#                 '2025-07-01 10:15:00+07'; 'latest' replays everything archived
#   --port PORT   also start the restored cluster on 127.0.0.1:PORT and wait until
#                 it has replayed to the target and accepts writes (a drill, or a
#                 check before switching the application over)
#
# The newest base backup that started before the target is used; the WAL archive
# supplies the rest. Environment: BACKUP_DIR (/var/backups/hientruong), PG_BINDIR.
# Run as root (the cluster is made to belong to the postgres user) or as postgres.
set -euo pipefail

backup_dir=${BACKUP_DIR:-/var/backups/hientruong}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
datadir=${1:?usage: $0 DATADIR 'TARGET TIME' [--port PORT]}
target=${2:?usage: $0 DATADIR 'TARGET TIME' [--port PORT]}
port=""
[[ ${3:-} == --port ]] && port=${4:?--port needs a number}

as_owner=()
[[ $(id -u) -eq 0 ]] && as_owner=(runuser -u postgres --)

if [[ -e $datadir && -n $(ls -A "$datadir" 2>/dev/null) ]]; then
  echo "restore.sh: $datadir is not empty; restore into a new directory" >&2
  exit 1
fi

# The base backup: the newest whose name (its UTC start) is before the target.
if [[ $target == latest ]]; then
  limit=99999999T999999Z
else
  limit=$(date -u -d "$target" +%Y%m%dT%H%M%SZ)
fi
base=""
for candidate in $(ls -1d "$backup_dir"/base/*Z 2>/dev/null | sort); do
  [[ $(basename "$candidate") < "$limit" ]] && base=$candidate
done
[[ -n $base ]] || { echo "restore.sh: no base backup before $target in $backup_dir/base" >&2; exit 1; }
echo "restore.sh: base backup $base, WAL from $backup_dir/wal, target $target"

mkdir -p "$datadir"
tar -xzf "$base/base.tar.gz" -C "$datadir"
tar -xzf "$base/pg_wal.tar.gz" -C "$datadir/pg_wal"
# What the original cluster archived is not this cluster's to archive again.
{
  echo "# restore.sh $(date -u +%FT%TZ): point-in-time recovery"
  echo "restore_command = 'cp $backup_dir/wal/%f %p'"
  [[ $target != latest ]] && echo "recovery_target_time = '$target'"
  echo "recovery_target_action = 'promote'"
  echo "archive_mode = off"
  [[ -n $port ]] && echo "port = $port" && echo "listen_addresses = '127.0.0.1'"
} >>"$datadir/postgresql.auto.conf"
touch "$datadir/recovery.signal"
if [[ ${#as_owner[@]} -gt 0 ]]; then
  chown -R postgres:postgres "$datadir"
fi
chmod 700 "$datadir"

[[ -n $port ]] || { echo "restore.sh: prepared $datadir; start it with pg_ctl -D $datadir start"; exit 0; }

"${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/restore.log" -w -t 120 start >/dev/null
# Promotion removes recovery.signal once the target is reached; writes are allowed a
# moment later, when pg_is_in_recovery() turns false (asked when the cluster's
# pg_hba lets the postgres user in over TCP; otherwise the file is the sign).
for _ in $(seq 1 600); do
  if [[ ! -f $datadir/recovery.signal ]]; then
    state=$("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -w \
      -c "SELECT pg_is_in_recovery()" 2>/dev/null || echo unknown)
    if [[ $state != t ]]; then
      echo "restore.sh: restored to $target, serving on 127.0.0.1:$port"
      exit 0
    fi
  fi
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1 || break
  sleep 0.2
done
echo "restore.sh: the cluster did not finish recovery; see $datadir/restore.log" >&2
exit 1
