# Sourced by postgres.sh, pg-autofailover.sh and backup.sh (whose restore replays the archive on a temporary server that must match the
# server it restores: a standby or a recovery refuses fewer connections than its primary had).
capacity_args() {
  printf '%s\n' -c max_connections=300 -c shared_buffers=256MB -c max_wal_size=2GB
}

# The server settings that archive every finished WAL segment into a directory,
# the log a point-in-time restore replays. archive_timeout closes a quiet segment after a minute, so a restore can
# reach any moment older than that even if the server is lost with its disk.
archive_args() {
  local archive=$1 infra
  infra=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  printf '%s\n' -c wal_level=replica -c archive_mode=on -c archive_timeout=60 \
    -c "archive_command=bash $infra/archive-wal.sh %p %f $archive"
}

# Where the server's local socket lives: beside its data directory, not in it (a base backup would warn about the
# socket file on every run).
socket_dir() {
  printf '%s-socket' "$1"
}

# As root, PostgreSQL's programs run as the postgres user (the server refuses to run as root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi
}

# A new cluster in <data directory>: the services' user (postgres) signs in over TCP with its password (scram), local
# sockets are trusted.
initialise_cluster() {
  local datadir=$1 bindir=$2 password=$3 pwfile
  pwfile=$(mktemp)
  printf '%s\n' "$password" > "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres "$pwfile"; fi
  as_owner "$bindir/initdb" -D "$datadir" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
}
