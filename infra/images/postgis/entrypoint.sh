#!/usr/bin/env bash
# PostgreSQL + PostGIS with the official postgres image's conventions:
#   POSTGRES_PASSWORD (required)  the superuser's password; TCP logins use scram-sha-256
#   POSTGRES_USER [postgres]      the superuser
#   POSTGRES_DB [$POSTGRES_USER]  a database created at initialisation
#   PGDATA [/var/lib/postgresql/data], PGPORT [5432]
#   /docker-entrypoint-initdb.d/*.sql|*.sh run once, after initialisation, against POSTGRES_DB
# An empty PGDATA is initialised once (extensions postgis and btree_gist in template1 and in
# POSTGRES_DB); the server then listens on all interfaces. Arguments: `postgres [-c k=v ...]`
# (or just `-c k=v ...`); anything else runs as a command (e.g. psql).
set -euo pipefail

log() { printf '[postgis-entrypoint] %s\n' "$*" >&2; }
die() { printf '[postgis-entrypoint] ERROR: %s\n' "$*" >&2; exit 1; }

case "${1:-postgres}" in
  --help|-h) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) set -- postgres "$@" ;;
  postgres) ;;
  *) exec "$@" ;;
esac
[[ $# -gt 0 ]] || set -- postgres

export PGDATA="${PGDATA:-/var/lib/postgresql/data}" PGPORT="${PGPORT:-5432}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

# psql with the superuser over the local socket (trusted: only processes in this container).
run_psql() { PGOPTIONS="-c client_min_messages=warning" psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --host /tmp "$@"; }

add_extensions() {
  local db="$1"
  run_psql --dbname "$db" -c 'CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist;'
}

initialise() {
  [[ -n "${POSTGRES_PASSWORD:-}" ]] \
    || die "POSTGRES_PASSWORD is required to initialise $PGDATA (the superuser's password for TCP logins); set it, e.g. from a Secret."
  log "initialising $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
  mkdir -p -- "$PGDATA"
  chmod 0700 "$PGDATA"
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >&2
  printf '\n# Added by the entrypoint: password (scram-sha-256) logins from anywhere.\nhost all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  printf "\n# Added by the entrypoint.\nlisten_addresses = '*'\nunix_socket_directories = '/tmp'\n" >>"$PGDATA/postgresql.conf"

  # A server on the socket only, for the set-up steps.
  pg_ctl --wait --silent --options "-c listen_addresses='' -p $PGPORT" start >&2
  add_extensions template1
  if [[ "$POSTGRES_DB" != "postgres" ]]; then
    # psql interpolates :"db" (quoted as an identifier) only in input it reads, not in -c.
    run_psql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  add_extensions "$POSTGRES_DB"
  local file
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sql) log "running $file"; run_psql --dbname "$POSTGRES_DB" -f "$file" ;;
      *.sh) log "running $file"; bash "$file" ;;
      *) [[ -e "$file" ]] && log "ignoring $file (not .sql or .sh)" ;;
    esac
  done
  pg_ctl --wait --silent --mode fast stop >&2
  log "initialisation done"
}

[[ -w "$(dirname "$PGDATA")" || -w "$PGDATA" ]] \
  || die "$PGDATA is not writable by uid $(id -u); mount a volume owned by (or with fsGroup) $(id -g)"
[[ -s "$PGDATA/PG_VERSION" ]] || initialise
shift
# exec: postgres is PID 1 and shuts down on SIGINT (fast) / SIGTERM (smart).
exec postgres "$@"
