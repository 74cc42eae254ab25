#!/bin/sh
# The container's entry point. `serve` (the default): migrate the database (waiting for it to accept
# connections, e.g. PostgreSQL starting beside us), then serve on 0.0.0.0:$MANARA_PORT with $MANARA_WORKERS
# workers. Anything else is run as a `manara` command, e.g. `backup /backups/2026-12-05` or `jobs retention`.
set -eu
if [ "${1:-serve}" = "serve" ]; then
  if [ "${MANARA_MIGRATE_ON_START:-1}" = "1" ]; then
    tries=0
    until manara db upgrade; do
      tries=$((tries + 1))
      if [ "$tries" -ge "${MANARA_DB_WAIT_TRIES:-30}" ]; then
        echo "the database did not become ready; giving up" >&2
        exit 1
      fi
      echo "waiting for the database ($tries)" >&2
      sleep 2
    done
  fi
  exec manara serve --host 0.0.0.0 --port "${MANARA_PORT:-8000}" --workers "${MANARA_WORKERS:-1}"
fi
exec manara "$@"
