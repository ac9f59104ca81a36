#!/usr/bin/env bash
# PostgreSQL's archive_command: copies one finished WAL segment into the archive. The copy is written under a
# temporary name and renamed, so the archive never holds half a segment; a segment already archived with the same
# content succeeds (the server may ask again after a crash), a different one fails loudly.
set -euo pipefail
path=$1 name=$2 archive=$3
if [ -f "$archive/$name" ]; then
  cmp -s "$path" "$archive/$name" && exit 0
  echo "WAL segment $name already archived with different content" >&2
  exit 1
fi
cp "$path" "$archive/$name.part"
sync "$archive/$name.part" 2>/dev/null || true
mv "$archive/$name.part" "$archive/$name"
