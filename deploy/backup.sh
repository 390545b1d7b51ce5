#!/bin/sh
# Nightly pg_dump of the qifa database (custom format, restorable with pg_restore), kept KEEP_DAYS days.
# The Chroma index is not dumped: it is rebuilt from the chunks in PostgreSQL (`qifa ingest --rebuild`).
set -eu
while true; do
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  if pg_dump --format=custom --file="/backups/qifa-$stamp.dump.part"; then
    mv "/backups/qifa-$stamp.dump.part" "/backups/qifa-$stamp.dump"
    echo "backup: /backups/qifa-$stamp.dump"
  else
    rm -f "/backups/qifa-$stamp.dump.part"
    echo "backup: pg_dump failed; trying again in an hour" >&2
    sleep 3600
    continue
  fi
  find /backups -name 'qifa-*.dump' -mtime +"$KEEP_DAYS" -delete
  sleep 86400
done
