#!/usr/bin/env bash
# `make restore BACKUP=<file>`: loads a `make backup` dump into DATABASE_URL. The database
# is created when it does not exist; objects that exist are dropped and restored
# (pg_restore --clean --if-exists), so stop the services before restoring over a live one.
#
#   make restore BACKUP=.data/backups/todo-20260101T000000.000Z.dump.gz \
#       DATABASE_URL=postgresql+asyncpg://user@host:5432/todo_restored
set -euo pipefail

backup="${BACKUP:-${1:-}}"
[[ -f "${backup}" ]] || { echo "restore: BACKUP=<file from make backup> is required (got '${backup}')" >&2; exit 2; }
url="${DATABASE_URL:-}"
[[ "${url}" == postgresql* ]] || { echo "restore: DATABASE_URL must be a PostgreSQL URL" >&2; exit 2; }
url="${url/+asyncpg/}"
url="${url/ssl=require/sslmode=require}"

query=""
if [[ "${url}" == *\?* ]]; then
  query="?${url#*\?}"
  url="${url%%\?*}"
fi
server="${url%/*}"
database="${url##*/}"
[[ "${database}" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "restore: unexpected database name '${database}'" >&2; exit 2; }

if ! psql "${server}/postgres${query}" -Atc "select 1 from pg_database where datname = '${database}'" | grep -q 1; then
  psql "${server}/postgres${query}" -qc "create database \"${database}\""
  echo "restore: created database ${database}" >&2
fi
gunzip -c "${backup}" | pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error -d "${url}${query}"
echo "restore: ${backup} -> ${database}" >&2
