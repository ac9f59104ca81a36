#!/usr/bin/env bash
# PostgreSQL's restore_command during a point-in-time restore: a WAL segment from the archive, else from the
# replaced data directory's own pg_wal (the segment in progress when the server stopped, which was never archived).
set -uo pipefail
name=$1 path=$2 archive=$3 previous=${4:-}
[ -f "$archive/$name" ] && exec cp "$archive/$name" "$path"
[ -n "$previous" ] && [ -f "$previous/pg_wal/$name" ] && exec cp "$previous/pg_wal/$name" "$path"
exit 1
