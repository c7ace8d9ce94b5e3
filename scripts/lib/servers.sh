# shellcheck shell=bash
# Sourced by common.sh: finding or starting the local Kafka and PostGIS of infra/local for a
# command, and stopping again what that command started.
#
# Who started a server is recorded in $STATE_DIR/owners/<server> (pid and start time of the
# command), before the start begins: a command interrupted half-way still stops what it was
# starting, and a command that was killed outright (SIGKILL, a closed terminal, a crash) leaves
# a record whose process is gone, so the next command takes the running server over and stops
# it when it ends. A server started by hand (infra/local/*.sh start) has no record and is never
# stopped by a command.

SERVER_OWNERS_DIR="$STATE_DIR/owners"

# The record of this command as a server's owner.
own_server() {
  local file="$SERVER_OWNERS_DIR/$1"
  mkdir -p "$SERVER_OWNERS_DIR"
  printf '%s %s\n' "$$" "$(process_start_time "$$")" >"$file.$$"
  mv -f -- "$file.$$" "$file"
}

# server_owner SERVER: prints "ours", "other" (a live command started it), "stale" (the command
# that started it is gone) or "none" (no record: not started by a command).
server_owner() {
  local file="$SERVER_OWNERS_DIR/$1" pid="" start=""
  [[ -s "$file" ]] || { echo none; return 0; }
  read -r pid start <"$file" || true
  if [[ "$pid" =~ ^[0-9]+$ && -n "$start" && "$(process_start_time "$pid" || true)" == "$start" ]]; then
    [[ "$pid" == "$$" ]] && echo ours || echo other
  else
    echo stale
  fi
}

# use_servers kafka [postgres]: exports KAFKA_BROKERS and DATABASE_URL for what is asked. A
# variable already set wins; otherwise the local server of infra/local is used, started when it
# is not running. STARTED_SERVERS lists what this command owns, for stop_infrastructure.
STARTED_SERVERS=()
use_servers() {
  local server missing=()
  for server in "$@"; do
    case "$server" in
      kafka) [[ -n "${KAFKA_BROKERS:-}" ]] || missing+=(kafka) ;;
      postgres) [[ -n "${DATABASE_URL:-}" ]] || missing+=(postgres) ;;
      *) die "use_servers: unknown server '$server' (kafka, postgres)" ;;
    esac
  done
  ((${#missing[@]} > 0)) || return 0
  local to_start=() owner
  for server in "${missing[@]}"; do
    owner="$(server_owner "$server")"
    if bash "$REPO_ROOT/infra/local/$server.sh" status >/dev/null 2>&1; then
      if [[ "$owner" == stale ]]; then
        say "taking over the $server an earlier command started and could not stop (it was killed); it stops when this command ends"
        own_server "$server"
        STARTED_SERVERS+=("$server")
      fi
      continue
    fi
    to_start+=("$server")
    # A live command that is starting it right now keeps it: the start below waits for that one.
    if [[ "$owner" != other ]]; then
      own_server "$server"
      STARTED_SERVERS+=("$server")
    fi
  done
  if ((${#to_start[@]} > 0)); then
    say "starting ${to_start[*]} (infra/local; state and logs in $STATE_DIR); stopped again when this command ends"
    if ((${#to_start[@]} == 2)); then
      UDACONNECT_STARTED_BY=$$ run_step bash "$REPO_ROOT/infra/local/services.sh" start >&2 \
        || die "the local infrastructure did not start (see above); 'bash infra/local/kafka.sh logs' and 'bash infra/local/postgres.sh logs' may tell why."
    else
      UDACONNECT_STARTED_BY=$$ run_step bash "$REPO_ROOT/infra/local/${to_start[0]}.sh" start >&2 \
        || die "the local ${to_start[0]} did not start (see above); 'bash infra/local/${to_start[0]}.sh logs' may tell why."
    fi
  fi
  local local_env
  local_env="$(bash "$REPO_ROOT/infra/local/services.sh" env)" || die "could not read the local servers' addresses (bash infra/local/services.sh env)."
  # Only the missing variables are taken from it: a given one keeps its value.
  for server in "${missing[@]}"; do
    case "$server" in
      kafka) KAFKA_BROKERS="$(eval "$local_env" && printf %s "$KAFKA_BROKERS")" || die "services.sh env gave no KAFKA_BROKERS."
        export KAFKA_BROKERS ;;
      postgres) DATABASE_URL="$(eval "$local_env" && printf %s "$DATABASE_URL")" || die "services.sh env gave no DATABASE_URL."
        export DATABASE_URL ;;
    esac
  done
}

# Kafka and PostGIS for up and test: KAFKA_BROKERS and DATABASE_URL when set, else the local ones.
start_infrastructure() {
  if [[ -n "${KAFKA_BROKERS:-}" && -n "${DATABASE_URL:-}" ]]; then
    say "using KAFKA_BROKERS=$KAFKA_BROKERS and the given DATABASE_URL; starting no infrastructure"
  fi
  use_servers kafka postgres
}

# Stops, side by side, the servers this command owns (also those it was still starting: call
# stop_steps first). Each stop runs in its own session, so a second Ctrl-C does not cut it short.
stop_infrastructure() {
  local server pids=() names=() i
  for server in "${STARTED_SERVERS[@]}"; do
    if [[ "$(server_owner "$server")" != ours ]]; then
      say "leaving the $server running: it was started again by hand (infra/local/$server.sh start)"
      continue
    fi
    say "stopping the $server this command started"
    start_step bash "$REPO_ROOT/infra/local/$server.sh" stop >&2
    pids+=("$STEP_PID")
    names+=("$server")
  done
  for i in "${!pids[@]}"; do
    if wait_step "${pids[$i]}"; then
      rm -f -- "$SERVER_OWNERS_DIR/${names[$i]}"
    else
      say "the ${names[$i]} did not stop (see above); 'bash infra/local/${names[$i]}.sh stop' stops it"
    fi
  done
  STARTED_SERVERS=()
}

# True when every server asked for is given by its variable or already runs locally.
servers_available() {
  local server
  for server in "$@"; do
    case "$server" in
      kafka) [[ -n "${KAFKA_BROKERS:-}" ]] && continue ;;
      postgres) [[ -n "${DATABASE_URL:-}" ]] && continue ;;
    esac
    bash "$REPO_ROOT/infra/local/$server.sh" status >/dev/null 2>&1 || return 1
  done
}
