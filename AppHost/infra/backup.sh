#!/usr/bin/env bash
# Backups of the system's PostgreSQL server, every database at once, with PostgreSQL's own tools: base backups
# (pg_basebackup, checked by pg_verifybackup against their manifest) plus the WAL archive the server fills
# (server-settings.sh), so the server can be restored to any moment since the oldest kept base backup.
#
#   backup.sh take    <data directory> <port> <backup directory> [keep]   a base backup now; keeps the newest [keep]
#   backup.sh verify  <backup directory>                                 every base backup and the archive's continuity
#   backup.sh list    <backup directory>
#   backup.sh restore <data directory> <backup directory> <moment>         the server as it was at <moment>
#
# <backup directory> holds base/<UTC stamp>/ and wal/. The server must be stopped for a restore; the data directory
# it replaces is kept beside it (<data directory>.before-restore-<stamp>).
set -euo pipefail
command=${1:-}; shift || true
infra=$(cd "$(dirname "$0")" && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
source "$infra/server-settings.sh"

owned() { if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$@"; fi; }
stamp_of() { date -u -d "$1" +%s; }
# The first WAL segment a base backup needs, from its backup_label ("START WAL LOCATION: 0/2000028 (file 0000…)").
start_segment() { sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\))$/\1/p' "$1/backup_label"; }
# A segment's position in its timeline: 16 MiB segments, 256 to a log file.
segment_number() { echo $(( 16#${1:8:8} * 256 + 16#${1:16:8} )); }
# The base backups, oldest first; each has <name>.end beside it, the moment it is consistent at (outside the backup,
# whose manifest lists every file in it).
bases() { find "$1/base" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort; }

take() {
  local datadir=$1 port=$2 backups=$3 keep=${4:-7}
  local name; name=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$backups/base" "$backups/wal"; owned "$backups"
  as_owner "$bindir/pg_basebackup" -h "$(socket_dir "$datadir")" -p "$port" -U postgres -D "$backups/base/$name" -Fp -X stream \
    -c fast --manifest-checksums=SHA256 >/dev/null
  as_owner "$bindir/pg_verifybackup" -q "$backups/base/$name"
  # The moment the backup is consistent at: a restore to any later moment can start from it.
  date -u --iso-8601=seconds > "$backups/base/$name.end"
  # Closes the segment in progress, so the archive reaches the backup's end at once.
  as_owner "$bindir/psql" -h "$(socket_dir "$datadir")" -p "$port" -U postgres -d postgres -qAtc "SELECT pg_switch_wal()" >/dev/null
  echo "基础备份完成 base backup taken: $backups/base/$name"
  prune "$backups" "$keep"
}

prune() {
  local backups=$1 keep=$2
  mapfile -t all < <(bases "$backups")
  local drop=$(( ${#all[@]} - keep ))
  for (( i = 0; i < drop; i++ )); do
    rm -rf "${backups:?}/base/${all[$i]}" "${backups:?}/base/${all[$i]}.end"
    echo "按保留策略删除 pruned: ${all[$i]}"
  done
  local oldest; oldest=$(bases "$backups" | head -n 1)
  if [ -n "$oldest" ]; then
    as_owner "$bindir/pg_archivecleanup" "$backups/wal" "$(start_segment "$backups/base/$oldest")"
  fi
}

verify() {
  local backups=$1 failed=0 base
  for base in $(bases "$backups"); do
    if as_owner "$bindir/pg_verifybackup" -q "$backups/base/$base"; then
      echo "校验通过 verified: base backup $base"
    else
      echo "校验失败 FAILED: base backup $base" >&2; failed=1
    fi
  done
  # The archive must hold every segment from the oldest backup's start on, with no gap, in each timeline.
  local oldest; oldest=$(bases "$backups" | head -n 1)
  if [ -n "$oldest" ]; then
    local first; first=$(start_segment "$backups/base/$oldest")
    local timeline previous number segment
    for timeline in $(ls -1 "$backups/wal" | grep -E '^[0-9A-F]{24}$' | cut -c1-8 | sort -u); do
      previous=
      for segment in $(ls -1 "$backups/wal" | grep -E "^${timeline}[0-9A-F]{16}$" | sort); do
        [[ "${segment:8}" < "${first:8}" ]] && continue
        number=$(segment_number "$segment")
        if [ -n "$previous" ] && [ "$number" -ne $(( previous + 1 )) ]; then
          echo "校验失败 FAILED: WAL archive has a gap before $segment" >&2; failed=1
        fi
        previous=$number
      done
    done
    echo "WAL 归档连续 archive continuous from $first"
  fi
  return $failed
}

list() {
  local backups=$1 base
  for base in $(bases "$backups"); do
    echo "$base  一致时间 consistent at $(cat "$backups/base/$base.end" 2>/dev/null || echo '?')  $(du -sh "$backups/base/$base" | cut -f1)"
  done
  echo "WAL 归档 archive: $(ls -1 "$backups/wal" 2>/dev/null | wc -l) files, $(du -sh "$backups/wal" 2>/dev/null | cut -f1)"
}

restore() {
  local datadir=$1 backups=$2 target=$3
  local target_epoch; target_epoch=$(stamp_of "$target") || { echo "无法识别的时间 unreadable moment: $target" >&2; exit 2; }
  if [ -f "$datadir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    echo "数据库仍在运行，请先停止系统 the server is still running on $datadir: stop the system first" >&2; exit 2
  fi
  # The newest base backup consistent before the moment.
  local chosen= base
  for base in $(bases "$backups"); do
    [ -f "$backups/base/$base.end" ] || continue
    [ "$(stamp_of "$(cat "$backups/base/$base.end")")" -le "$target_epoch" ] && chosen=$base
  done
  [ -n "$chosen" ] || { echo "没有早于 $target 的基础备份 no base backup consistent before $target" >&2; exit 2; }

  local previous=
  if [ -d "$datadir" ]; then
    previous="$datadir.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$datadir" "$previous"
  fi
  cp -a "$backups/base/$chosen" "$datadir"
  rm -f "$datadir/postmaster.pid"
  cat >> "$datadir/postgresql.auto.conf" <<CONF
restore_command = 'bash $infra/restore-wal.sh %f %p $backups/wal ${previous}'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
  touch "$datadir/recovery.signal"
  owned "$datadir"; chmod 700 "$datadir"

  # Replays the archive up to the moment on a private socket, archiving the new timeline as the system would,
  # and stops once the server has left recovery: the system then starts on it as on any other day.
  local options="-c listen_addresses='' -c unix_socket_directories=$datadir -p 5499"
  options+=" $( { capacity_args; archive_args "$backups/wal"; } | sed -n 's/^-c$//;/./p' | sed "s/^/-c '/;s/$/'/" | tr '\n' ' ')"
  as_owner "$bindir/pg_ctl" -D "$datadir" -o "$options" -l "$datadir/restore.log" -w -t 3600 start >/dev/null
  until [ "$(as_owner "$bindir/psql" -h "$datadir" -p 5499 -U postgres -d postgres -qAtc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
    sleep 1
  done
  as_owner "$bindir/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null
  # The recovery settings did their work: a later start must not look for the moment again.
  sed -i '/^restore_command = /d;/^recovery_target_time = /d;/^recovery_target_action = /d' "$datadir/postgresql.auto.conf"
  echo "已恢复到 $target restored to $target from base backup $chosen${previous:+; the replaced data directory is kept in $previous}"
}

case $command in
  take) take "$@" ;;
  verify) verify "$@" ;;
  list) list "$@" ;;
  restore) restore "$@" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
