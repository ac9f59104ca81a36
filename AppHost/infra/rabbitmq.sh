#!/usr/bin/env bash
# Runs a private RabbitMQ node from this machine's Debian package: its own name, ports, data and logs,
# so it never meets a system-wide broker.
#   rabbitmq.sh <base> <port> <dist-port>                         — a node of its own
#   rabbitmq.sh <base> <port> <dist-port> <name> <node,node,node> — a node of a cluster (./run.sh --ha): the nodes
#                                                                   find each other by name (classic_config) and share
#                                                                   the Erlang cookie of the base's parent directory
set -euo pipefail
base=$1 port=$2 distport=$3 name=${4:-} peers=${5:-}

server=/usr/lib/rabbitmq/bin/rabbitmq-server
[ -x "$server" ] || { echo "rabbitmq-server not installed (run scripts/setup.sh)" >&2; exit 1; }

mkdir -p "$base/mnesia" "$base/log"
if [ -n "$name" ]; then
  # One cookie for the cluster, made by whichever node starts first.
  export HOME="$(dirname "$base")"
  if [ ! -f "$HOME/.erlang.cookie" ]; then
    cookie=$(mktemp "$HOME/.cookie.XXXXXX")
    head -c 24 /dev/urandom | md5sum | cut -c1-20 > "$cookie"
    chmod 400 "$cookie"
    mv -n "$cookie" "$HOME/.erlang.cookie" 2>/dev/null || true
    rm -f "$cookie"
  fi
  export RABBITMQ_NODENAME="$name@localhost"
else
  export HOME="$base"                     # the node's own Erlang cookie lives here
  export RABBITMQ_NODENAME="subsidy-$(printf %s "$base" | md5sum | cut -c1-8)@localhost"
fi
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$port"
export RABBITMQ_DIST_PORT="$distport"
export RABBITMQ_MNESIA_BASE="$base/mnesia"
export RABBITMQ_LOG_BASE="$base/log"
export RABBITMQ_PID_FILE="$base/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$base/rabbitmq"
[ -f "$base/enabled_plugins" ] || echo '[].' > "$base/enabled_plugins"
if [ ! -f "$base/rabbitmq.conf" ]; then
  {
    echo "loopback_users.guest = true"
    echo "disk_free_limit.absolute = 200MB"
    if [ -n "$peers" ]; then
      echo "cluster_formation.peer_discovery_backend = classic_config"
      i=0
      for peer in ${peers//,/ }; do
        i=$((i + 1))
        echo "cluster_formation.classic_config.nodes.$i = $peer@localhost"
      done
      # A node cut off from the other two stops serving rather than diverging from them.
      echo "cluster_partition_handling = pause_minority"
    fi
  } > "$base/rabbitmq.conf"
fi

exec "$server"
