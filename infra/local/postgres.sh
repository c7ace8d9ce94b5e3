#!/usr/bin/env bash
# Local PostgreSQL 15 + PostGIS cluster for development and tests, run with the Debian binaries
# as a plain process (no system service), listening on 127.0.0.1 only.
set -euo pipefail

LOG_TAG=postgres
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_MAJOR=15
PG_BIN_DIR="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_PACKAGES=("postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3")
# initdb, pg_ctl and postgres refuse to run as root, so as root they run as this OS user.
PG_OS_USER=postgres
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
APP_ROLE=udaconnect
APP_DB=udaconnect
# Marks template1 as prepared (a shared catalog, readable without connecting to template1:
# a connection to it would make concurrent CREATE DATABASE ... TEMPLATE template1 fail).
TEMPLATE_MARK="udaconnect: postgis, btree_gist"

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") install|start|stop|status|logs [-f]
  install  install ${PG_PACKAGES[*]} with apt when missing
  start    create the cluster once, start it on 127.0.0.1:$PG_PORT, ensure role/database
           $APP_ROLE with postgis and btree_gist (also in template1)
  stop     fast shutdown
  status   exit 0 when the cluster runs and answers on 127.0.0.1:$PG_PORT, 1 otherwise
  logs     print the server log (-f to follow)
EOF
}

runs_as_other_user() { is_root && id -u "$PG_OS_USER" >/dev/null 2>&1; }

state_hash() { sha256sum <<<"$STATE_DIR" | cut -c1-12; }

# The cluster lives in <state>/postgres, unless the postgres OS user cannot reach the state dir
# (e.g. a repo under a 0700 home folder): then in /var/tmp, keyed by the state dir's path.
set_paths() {
  resolve_state_dir
  PG_HOME="$STATE_DIR/postgres"
  if runs_as_other_user && ! runuser -u "$PG_OS_USER" -- test -x "$STATE_DIR" 2>/dev/null; then
    PG_HOME="/var/tmp/udaconnect-$(state_hash)/postgres"
    PG_HOME_NOTE="the '$PG_OS_USER' user cannot traverse $STATE_DIR (a parent folder is not world-executable), so the cluster lives in $PG_HOME instead"
  fi
  DATA_DIR="$PG_HOME/data"
  LOGS_DIR="$PG_HOME/logs"
  LOG_FILE="$LOGS_DIR/postgres.log"
  SOCKET_DIR="$PG_HOME/run"
  # A Unix socket path must fit in 107 bytes.
  if (( ${#SOCKET_DIR} + 20 > 107 )); then
    SOCKET_DIR="/tmp/udaconnect-pg-$(state_hash)"
  fi
}

note_home() {
  if [[ -n "${PG_HOME_NOTE:-}" ]]; then log "note: $PG_HOME_NOTE"; fi
}

as_pg() {
  if runs_as_other_user; then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    "$@"
  fi
}

pg_psql() {
  PGCONNECT_TIMEOUT=5 "$PG_BIN_DIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

do_install() {
  local pkg missing=()
  for pkg in "${PG_PACKAGES[@]}"; do pkg_installed "$pkg" || missing+=("$pkg"); done
  if (( ${#missing[@]} == 0 )); then
    log "${PG_PACKAGES[*]} already installed"
    return 0
  fi
  ensure_debian_packages "${PG_PACKAGES[@]}"
  [[ -x "$PG_BIN_DIR/initdb" ]] || die "$PG_BIN_DIR/initdb is missing after installing ${PG_PACKAGES[*]}; check 'dpkg -L postgresql-$PG_MAJOR'."
  log "installed ${missing[*]}"
}

prepare_dirs() {
  make_dir "$PG_HOME"
  make_dir "$LOGS_DIR"
  make_dir "$SOCKET_DIR"
  # The /var/tmp fallback's parent may have been created under a restrictive umask.
  if [[ -n "${PG_HOME_NOTE:-}" ]]; then chmod 0755 -- "$(dirname "$PG_HOME")"; fi
  if runs_as_other_user; then
    find "$PG_HOME" "$SOCKET_DIR" ! -user "$PG_OS_USER" -exec chown -h "$PG_OS_USER:" {} +
  fi
}

cluster_running() {
  [[ -f "$DATA_DIR/PG_VERSION" ]] && as_pg "$PG_BIN_DIR/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

answers() {
  "$PG_BIN_DIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 3
}

# initdb works in a folder beside the data directory, moved into place once complete: a start
# interrupted half-way (Ctrl-C, kill -9) never leaves a data directory that looks like a cluster.
init_cluster() {
  [[ -f "$DATA_DIR/PG_VERSION" ]] && return 0
  local fresh="$DATA_DIR.initdb"
  if [[ -d "$DATA_DIR" ]] && ! rmdir -- "$DATA_DIR" 2>/dev/null; then
    die "$DATA_DIR is not empty but holds no cluster (no PG_VERSION); move it away or delete it, then start again."
  fi
  rm -rf -- "$fresh"
  log "creating a new cluster in $DATA_DIR"
  # Trust authentication: the cluster listens on loopback only and the repo holds no secret.
  as_pg "$PG_BIN_DIR/initdb" -D "$fresh" --auth=trust --username=postgres -E UTF8 \
    --locale=C.UTF-8 --no-instructions >>"$LOGS_DIR/initdb.log" 2>&1 || {
    show_log_tail 30 "$LOGS_DIR/initdb.log"
    die "initdb failed (log: $LOGS_DIR/initdb.log); fix the cause shown above and start again."
  }
  mv -- "$fresh" "$DATA_DIR"
}

# After a crash (kill -9, a reboot) postmaster.pid stays behind. PostgreSQL ignores it when its
# pid is gone, but when the pid now belongs to another program the server refuses to start and
# pg_ctl would report (and signal!) that program: such a file is removed.
clear_stale_pid_file() {
  local file="$DATA_DIR/postmaster.pid" pid
  [[ -f "$file" ]] || return 0
  pid="$(head -n 1 -- "$file" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && pid_runs "$pid" postgres; then
    return 0
  fi
  log "removing $file: its pid ${pid:-?} is no running PostgreSQL (left behind by a crash)"
  rm -f -- "$file"
}

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# Settings are rewritten on every start (ports may change), in a file included once from
# postgresql.conf. fsync stays on: crash tests rely on real durability.
write_settings() {
  local conf="$DATA_DIR/udaconnect.conf"
  as_pg tee "$conf" >/dev/null <<EOF
# Generated by infra/local/postgres.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = $(sql_quote "$SOCKET_DIR")
max_connections = 200
shared_buffers = 256MB
logging_collector = off
log_timezone = 'UTC'
timezone = 'UTC'
EOF
  if ! grep -q "^include_if_exists = 'udaconnect.conf'" "$DATA_DIR/postgresql.conf"; then
    printf "\ninclude_if_exists = 'udaconnect.conf'\n" | as_pg tee -a "$DATA_DIR/postgresql.conf" >/dev/null
  fi
}

wait_until_ready() {
  local started="$1" deadline=$((SECONDS + PG_START_TIMEOUT))
  until answers; do
    if (( SECONDS >= deadline )); then
      show_log_tail 30 "$LOG_FILE"
      die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT after ${PG_START_TIMEOUT} s (log: $LOG_FILE); fix the cause above, then '$0 stop' and '$0 start'."
    fi
    sleep 0.3
  done
  log "PostgreSQL is up on 127.0.0.1:$PG_PORT ($((SECONDS - started)) s)"
}

ensure_database() {
  local has_role has_db template_mark
  has_role="$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE' AND rolsuper AND rolcanlogin")"
  if [[ -z "$has_role" ]]; then
    log "creating superuser role $APP_ROLE"
    pg_psql -d postgres -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN CREATE ROLE $APP_ROLE; END IF;
      END \$\$" -c "ALTER ROLE $APP_ROLE LOGIN SUPERUSER"
  fi
  template_mark="$(pg_psql -d postgres -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'template1'")"
  if [[ "$template_mark" != "$TEMPLATE_MARK" ]]; then
    log "adding postgis and btree_gist to template1"
    pg_psql -d template1 -c 'CREATE EXTENSION IF NOT EXISTS postgis' \
      -c 'CREATE EXTENSION IF NOT EXISTS btree_gist' \
      -c "COMMENT ON DATABASE template1 IS '$TEMPLATE_MARK'"
  fi
  has_db="$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$APP_DB'")"
  if [[ -z "$has_db" ]]; then
    log "creating database $APP_DB owned by $APP_ROLE"
    pg_psql -d postgres -c "CREATE DATABASE $APP_DB OWNER $APP_ROLE TEMPLATE template1"
  fi
  pg_psql -d "$APP_DB" -c 'SET client_min_messages = warning' \
    -c 'CREATE EXTENSION IF NOT EXISTS postgis' -c 'CREATE EXTENSION IF NOT EXISTS btree_gist'
}

do_start() {
  check_ports PG_PORT
  local started=$SECONDS
  do_install
  set_paths
  note_home
  drop_owner_record postgres start
  clear_stale_pid_file
  if cluster_running; then
    answers || die "the cluster in $DATA_DIR runs but does not answer on 127.0.0.1:$PG_PORT (started with another PG_PORT?); run '$0 stop' with the same state dir, then start again."
    log "already running on 127.0.0.1:$PG_PORT (data: $DATA_DIR)"
    ensure_database
    return 0
  fi
  port_open "$PG_PORT" && die "port 127.0.0.1:$PG_PORT is taken by another process (see: ss -ltnp 'sport = :$PG_PORT'); stop it, or choose another port with PG_PORT."
  prepare_dirs
  init_cluster
  write_settings
  log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$PG_PORT (data: $DATA_DIR, log: $LOG_FILE)"
  # setsid: the server must outlive the terminal or CI step that started it.
  if ! as_pg setsid -w "$PG_BIN_DIR/pg_ctl" start -D "$DATA_DIR" -l "$LOG_FILE" -w \
      -t "$PG_START_TIMEOUT" -s {LOCK_FD}>&-; then
    show_log_tail 30 "$LOG_FILE"
    die "pg_ctl start failed (log: $LOG_FILE); fix the cause above and run '$0 start' again (to reset: '$0 stop' and rm -rf '$PG_HOME')."
  fi
  wait_until_ready "$started"
  ensure_database
  log "ready: postgres://$APP_ROLE@127.0.0.1:$PG_PORT/$APP_DB"
}

do_stop() {
  set_paths
  clear_stale_pid_file
  if ! cluster_running; then
    drop_owner_record postgres stop
    log "not running (data: $DATA_DIR)"
    return 0
  fi
  local pid
  pid="$(head -n 1 "$DATA_DIR/postmaster.pid" 2>/dev/null || true)"
  log "stopping PostgreSQL (pid ${pid:-?}, data: $DATA_DIR) ..."
  as_pg "$PG_BIN_DIR/pg_ctl" stop -D "$DATA_DIR" -m fast -w -t 60 -s \
    || die "pg_ctl stop failed; see '$LOG_FILE'. To force it: $PG_BIN_DIR/pg_ctl stop -m immediate -D '$DATA_DIR' (as user $PG_OS_USER when root)."
  # Best effort: give init a moment to reap the exited postmaster, so `pgrep` shows no zombie.
  local deadline=$((SECONDS + 5))
  while [[ "$pid" =~ ^[0-9]+$ && -e "/proc/$pid" ]] && (( SECONDS < deadline )); do sleep 0.2; done
  drop_owner_record postgres stop
  log "stopped"
}

do_status() {
  check_ports PG_PORT
  set_paths
  if ! cluster_running; then
    echo "postgres: not running (data: $DATA_DIR)"
    return 1
  fi
  if answers; then
    echo "postgres: running, answering on 127.0.0.1:$PG_PORT (data: $DATA_DIR)"
    return 0
  fi
  echo "postgres: the cluster in $DATA_DIR runs but nothing answers on 127.0.0.1:$PG_PORT"
  return 1
}

main() {
  local cmd="${1:-}"
  (( $# > 0 )) && shift
  case "$cmd" in
    install) resolve_state_dir; with_lock postgres do_install ;;
    start) resolve_state_dir; with_lock postgres do_start ;;
    stop) resolve_state_dir; with_lock postgres do_stop ;;
    status) do_status ;;
    logs) set_paths; print_logs "${1:-}" "$LOG_FILE" ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
