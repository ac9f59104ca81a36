#!/usr/bin/env bash
# Runs one process of a pg_auto_failover formation (./run.sh --ha): the monitor, or one PostgreSQL node under its keeper.
# Each stands for a machine of its own: its own data directory and port. The first node to register becomes the primary,
# the next one its synchronous standby; a node that comes back after a failover rejoins as the standby.
#   pg-autofailover.sh monitor <base> <port>
#   pg-autofailover.sh node <base> <name> <port> <monitor-port> <password>
set -euo pipefail
role=$1 base=$2

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
command -v pg_autoctl >/dev/null || { echo "pg_autoctl not installed (run scripts/setup.sh)" >&2; exit 1; }

source "$(dirname "$0")/server-settings.sh"

mkdir -p "$base"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$base"; fi
# pg_autoctl keeps its configuration and state under XDG directories, keyed by the data directory.
export XDG_CONFIG_HOME="$base/pg_autoctl/config" XDG_DATA_HOME="$base/pg_autoctl/data" XDG_RUNTIME_DIR="$base/pg_autoctl/run" PATH="$bindir:/usr/local/bin:/usr/bin:/bin"
as_owner mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"

# pg_autoctl logs every line to stderr, which the AppHost shows as a failure: only errors stay there (its warnings are
# the expected ones of this set-up: no TLS on the loopback, the HBA file written here rather than by it).
to_streams() {
  while IFS= read -r line; do
    case $line in
      *" ERROR "*|*" FATAL "*|*ERROR:*|*FATAL:*|*PANIC:*) printf '%s\n' "$line" >&2 ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
}

# A server left running by a keeper that was killed holds the directory: stop it first, the keeper starts it again.
stop_leftover() {
  local pgdata=$1
  if [ -f "$pgdata/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$pgdata" stop -m immediate -w >/dev/null 2>&1 || true
  fi
}

configured() { [ -f "$XDG_CONFIG_HOME/pg_autoctl$1/pg_autoctl.cfg" ]; }

# A keeper killed with its machine leaves its pid and status files behind; none of it runs now.
forget_runtime() { rm -rf "$XDG_RUNTIME_DIR/pg_autoctl$1"; }

case $role in
  monitor)
    port=$3 pgdata="$base/monitor"
    stop_leftover "$pgdata"
    forget_runtime "$pgdata"
    if ! configured "$pgdata"; then
      as_owner pg_autoctl create monitor --pgdata "$pgdata" --pgport "$port" --hostname 127.0.0.1 \
        --pgctl "$bindir/pg_ctl" --auth trust --no-ssl 2> >(to_streams)
      # A primary that stopped answering is replaced after 10 s rather than 30: the standby is synchronous, so an old
      # primary cut off from it cannot have committed anything the new one lacks.
      echo "pgautofailover.primary_demote_timeout = 10000" | as_owner tee -a "$pgdata/postgresql.conf" >/dev/null
    fi
    if [ "$(id -u)" = 0 ]; then
      exec setpriv --reuid=postgres --regid=postgres --init-groups -- pg_autoctl run --pgdata "$pgdata" 2> >(to_streams)
    fi
    exec pg_autoctl run --pgdata "$pgdata" 2> >(to_streams)
    ;;
  node)
    name=$3 port=$4 monitor_port=$5 password=$6 pgdata="$base/$3"
    stop_leftover "$pgdata"
    forget_runtime "$pgdata"
    if configured "$pgdata"; then
      run=(pg_autoctl run --pgdata "$pgdata")
    else
      # The first node initialises its own cluster, so the services' user signs in with a password (scram) while
      # the formation's own users (monitor, replication) are trusted on the cluster's network; a standby copies
      # all of it, settings included, from the primary.
      first=$(as_owner psql -At -h 127.0.0.1 -p "$monitor_port" -U autoctl_node -d pg_auto_failover \
        -c "SELECT count(*) = 0 FROM pgautofailover.node" 2>/dev/null || echo t)
      if [ "$first" = t ] && [ ! -f "$pgdata/PG_VERSION" ]; then
        initialise_cluster "$pgdata" "$bindir" "$password"
        as_owner tee "$pgdata/pg_hba.conf" >/dev/null <<'HBA'
local   all             all                                     trust
host    all             pgautofailover_monitor     127.0.0.1/32  trust
host    replication     pgautofailover_replicator  127.0.0.1/32  trust
host    postgres        pgautofailover_replicator  127.0.0.1/32  trust
host    all             all                        127.0.0.1/32  scram-sha-256
host    replication     all                        127.0.0.1/32  scram-sha-256
HBA
        capacity_args | grep -v '^-c$' | as_owner tee -a "$pgdata/postgresql.conf" >/dev/null
      fi
      run=(pg_autoctl create postgres --pgdata "$pgdata" --pgport "$port" --pgctl "$bindir/pg_ctl" --listen 127.0.0.1
        --hostname 127.0.0.1 --name "$name" --skip-pg-hba --no-ssl
        --monitor "postgres://autoctl_node@127.0.0.1:$monitor_port/pg_auto_failover?sslmode=disable" --run)
    fi
    if [ "$(id -u)" = 0 ]; then
      exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${run[@]}" 2> >(to_streams)
    fi
    exec "${run[@]}" 2> >(to_streams)
    ;;
  *) echo "usage: pg-autofailover.sh monitor|node …" >&2; exit 2 ;;
esac
