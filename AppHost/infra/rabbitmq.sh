#!/usr/bin/env bash
# Runs a private RabbitMQ node from this machine's Debian package: its own name, ports, data and logs,
# so it never meets a system-wide broker.
set -euo pipefail
base=$1 port=$2 distport=$3

server=/usr/lib/rabbitmq/bin/rabbitmq-server
[ -x "$server" ] || { echo "rabbitmq-server not installed (run scripts/setup.sh)" >&2; exit 1; }

mkdir -p "$base/mnesia" "$base/log"
export HOME="$base"                       # the node's own Erlang cookie lives here
export RABBITMQ_NODENAME="subsidy-$(printf %s "$base" | md5sum | cut -c1-8)@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$port"
export RABBITMQ_DIST_PORT="$distport"
export RABBITMQ_MNESIA_BASE="$base/mnesia"
export RABBITMQ_LOG_BASE="$base/log"
export RABBITMQ_PID_FILE="$base/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$base/rabbitmq"
[ -f "$base/enabled_plugins" ] || echo '[].' > "$base/enabled_plugins"
[ -f "$base/rabbitmq.conf" ] || cat > "$base/rabbitmq.conf" <<'CONF'
loopback_users.guest = true
disk_free_limit.absolute = 200MB
CONF

exec "$server"
