#!/usr/bin/env bash
# `make backup`: a pg_dump of DATABASE_URL in custom format, gzipped, into BACKUP_DIR
# (default .data/backups), keeping the newest BACKUP_KEEP (default 14). Prints the file.
#
#   DATABASE_URL=postgresql+asyncpg://user@host:5432/todo make backup
#
# The app's URL is accepted as is: `+asyncpg` is dropped and asyncpg's `ssl=require` becomes
# libpq's `sslmode=require`. SQLite (the make run default) is a file: copy it instead.
set -euo pipefail

url="${DATABASE_URL:-}"
[[ "${url}" == postgresql* ]] || {
  echo "backup: DATABASE_URL must be a PostgreSQL URL (got '${url:-unset}'); SQLite is one file under .data/" >&2
  exit 2
}
url="${url/+asyncpg/}"
url="${url/ssl=require/sslmode=require}"
dir="${BACKUP_DIR:-.data/backups}"
keep="${BACKUP_KEEP:-14}"
[[ "${keep}" =~ ^[1-9][0-9]*$ ]] || { echo "backup: BACKUP_KEEP must be a positive integer" >&2; exit 2; }

mkdir -p "${dir}"
out="${dir}/todo-$(date -u +%Y%m%dT%H%M%S.%3NZ).dump.gz"
# Custom format (pg_restore can select, reorder and --clean), uncompressed by pg_dump so
# that gzip does it once; written to a temporary name so a failed dump leaves no file.
pg_dump --format=custom --compress=0 --no-owner --no-privileges "${url}" | gzip -6 > "${out}.partial"
mv "${out}.partial" "${out}"

# Retention: the newest ${keep} dumps stay.
ls -1t "${dir}"/todo-*.dump.gz | tail -n "+$((keep + 1))" | xargs -r rm -f --
echo "${out}"
