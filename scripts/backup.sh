#!/usr/bin/env bash
# Backups of the PostgreSQL cluster: base backups plus continuous WAL archiving, so
# the database can be restored to any moment since the oldest kept base backup
# (scripts/restore.sh; docs/operations.md, "Backups and restores").
#
#   scripts/backup.sh archive-config        print the postgresql.conf lines that
#                                           archive every WAL segment to $BACKUP_DIR/wal
#   scripts/backup.sh wal-push PATH DEST    the archive_command itself (PostgreSQL
#                                           calls it with %p and the archive path of %f)
#   scripts/backup.sh base                  a base backup into $BACKUP_DIR/base/<UTC time>,
#                                           then prune to the newest $BACKUP_KEEP and the
#                                           WAL they need
#
# Environment: BACKUP_DIR (default /var/backups/hientruong; put it on another disk,
# and copy it off the machine, e.g. rsync or an object-storage sync, after each run),
# BACKUP_KEEP (7), DATABASE_URL (postgis://user@host:port/db, a role with the
# REPLICATION attribute), PG_BINDIR (PostgreSQL's programs).
set -euo pipefail

backup_dir=${BACKUP_DIR:-/var/backups/hientruong}
keep=${BACKUP_KEEP:-7}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

conninfo() {
  local url=${DATABASE_URL:?set DATABASE_URL (postgis://user@host:port/db)}
  echo "postgresql://${url#*://}"
}

archive_config() {
  cat <<CONF
# Continuous archiving for Hiện Trường (scripts/backup.sh). Restart PostgreSQL after
# changing wal_level or archive_mode.
wal_level = replica
archive_mode = on
archive_command = '$self wal-push %p $backup_dir/wal/%f'
# Close a WAL segment at least every minute, so a quiet hour loses at most a minute.
archive_timeout = 60
CONF
}

wal_push() {
  # Never overwrite a different segment of the same name (a second cluster archiving
  # into the same folder would otherwise destroy the first one's history); copy, flush,
  # then rename, so a crash never leaves half a segment under the real name.
  local src=$1 dest=$2
  mkdir -p "$(dirname "$dest")"
  if [[ -f $dest ]]; then
    cmp -s "$src" "$dest" && exit 0
    echo "backup.sh: $dest exists with other content" >&2
    exit 1
  fi
  cp "$src" "$dest.part"
  sync "$dest.part"
  mv "$dest.part" "$dest"
}

base() {
  local stamp target
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  target="$backup_dir/base/$stamp"
  mkdir -p "$backup_dir/base" "$backup_dir/wal"
  # Tar format, compressed, with the WAL needed to make it consistent streamed in;
  # a fast checkpoint so it starts at once.
  "$bindir/pg_basebackup" -d "$(conninfo)" -D "$target.part" -Ft -z -X stream \
    -c fast -l "hientruong $stamp" --no-password
  mv "$target.part" "$target"
  echo "$target"
  prune
}

prune() {
  # Keep the newest $keep base backups, and the archived WAL from the oldest of them on.
  local all oldest label
  mapfile -t all < <(ls -1d "$backup_dir"/base/*Z 2>/dev/null | sort)
  if (( ${#all[@]} > keep )); then
    for old in "${all[@]:0:${#all[@]}-keep}"; do rm -rf "$old"; done
  fi
  oldest=$(ls -1d "$backup_dir"/base/*Z 2>/dev/null | sort | head -n 1)
  [[ -n $oldest ]] || return 0
  # The first WAL segment the oldest base backup needs, from its backup_label.
  label=$(tar -xzOf "$oldest/base.tar.gz" backup_label 2>/dev/null \
    | sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\))$/\1/p')
  [[ -n $label ]] && "$bindir/pg_archivecleanup" "$backup_dir/wal" "$label"
  return 0
}

case "${1:-}" in
  archive-config) archive_config ;;
  wal-push) wal_push "${2:?path}" "${3:?destination}" ;;
  base) base ;;
  *) echo "usage: $0 archive-config | wal-push PATH DEST | base" >&2; exit 2 ;;
esac
