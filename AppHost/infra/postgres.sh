#!/usr/bin/env bash
# Runs this machine's PostgreSQL server on a private data directory, initialising it on first start.
# As root it runs the server as the postgres user (the server refuses to run as root).
set -euo pipefail
datadir=$1 port=$2 password=$3 archive=${4:-}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/postgres" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/setup.sh)" >&2; exit 1; }

source "$(dirname "$0")/server-settings.sh"

mkdir -p "$datadir"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$datadir"; fi
chmod 700 "$datadir"

# A server left running by an earlier run that did not stop cleanly holds the directory: stop it first.
if [ -f "$datadir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
  as_owner "$bindir/pg_ctl" -D "$datadir" stop -m fast -w >/dev/null || true
fi

if [ ! -f "$datadir/PG_VERSION" ]; then
  initialise_cluster "$datadir" "$bindir" "$password"
fi

mapfile -t capacity < <(capacity_args)
socketdir=$(socket_dir "$datadir")
mkdir -p "$socketdir"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$socketdir"; fi
chmod 700 "$socketdir"
args=(-D "$datadir" -p "$port" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$socketdir" "${capacity[@]}")
# Backups on (docs/operations/backup-and-restore.md): every finished WAL segment goes to the archive.
if [ -n "$archive" ]; then
  mkdir -p "$archive"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$archive" "$(dirname "$archive")"; fi
  mapfile -t archiving < <(archive_args "$archive")
  args+=("${archiving[@]}")
fi
# PostgreSQL writes every log line to stderr, which the AppHost shows as a failure: only warnings and errors stay on
# stderr, its ordinary LOG lines go to stdout. exec keeps this process's id for the server, so stopping it stops it.
# (A shell loop, not awk: Debian's awk reads a pipe in blocks, which would hold the lines back until the server stops.)
to_streams() {
  while IFS= read -r line; do
    case $line in
      *WARNING:*|*ERROR:*|*FATAL:*|*PANIC:*) printf '%s\n' "$line" >&2 ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
}
if [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$bindir/postgres" "${args[@]}" 2> >(to_streams)
fi
exec "$bindir/postgres" "${args[@]}" 2> >(to_streams)
