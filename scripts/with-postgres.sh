#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a free port, removed afterwards.
# The command sees MANARA_TEST_DATABASE_URL (and PG_URL) pointing at the cluster's `postgres` database.
# Usage: scripts/with-postgres.sh <command> [args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/ensure-system-deps.sh" postgres
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
data="$(mktemp -d /tmp/manara-pg.XXXXXX)"
run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$data"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
"${run_as[@]}" "$bindir/initdb" -D "$data/db" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -l "$data/log" -w \
  -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
export MANARA_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
export PG_URL="$MANARA_TEST_DATABASE_URL"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
