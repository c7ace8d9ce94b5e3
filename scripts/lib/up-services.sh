# shellcheck shell=bash
# Sourced by scripts/up: one instance per state directory, and the three services it runs as
# child processes (started, checked for readiness on a port they themselves hold, stopped).

UP_PID_FILE="$STATE_DIR/up.pid"

# Takes $STATE_DIR/up.lock for as long as this process lives (the kernel drops the lock when it
# dies, whatever the way), or refuses at once, naming the instance that holds it.
claim_instance() {
  mkdir -p "$STATE_DIR"
  exec {INSTANCE_LOCK_FD}<>"$STATE_DIR/up.lock"
  if ! flock -n "$INSTANCE_LOCK_FD"; then
    local pid=""
    [[ -s "$UP_PID_FILE" ]] && read -r pid <"$UP_PID_FILE"
    [[ "$pid" =~ ^[0-9]+$ ]] || pid="(not recorded yet)"
    die "UdaConnect already runs from this checkout: ./scripts/up, pid $pid, state in $STATE_DIR. Use that one, or stop it first: Ctrl-C in its terminal, or 'kill $pid' (it then stops everything it started). A second, separate instance needs its own UDACONNECT_STATE_DIR and ports (see README)."
  fi
  printf '%s\n' "$$" >"$UP_PID_FILE.$$"
  mv -f -- "$UP_PID_FILE.$$" "$UP_PID_FILE"
}

release_instance() {
  local pid=""
  [[ -s "$UP_PID_FILE" ]] && read -r pid <"$UP_PID_FILE"
  [[ "$pid" != "$$" ]] || rm -f -- "$UP_PID_FILE"
}

# Only the services carry this in their environment: it finds them again after their up is gone.
service_marker() { printf 'UDACONNECT_UP_STATE_DIR=%s' "$STATE_DIR"; }

# Services an earlier up of this state directory left running (it was killed before it could
# stop them). We hold the lock, so no live up owns them.
stop_leftover_services() {
  local pids=()
  mapfile -t pids < <(grep -lzxF -- "$(service_marker)" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$$")
  ((${#pids[@]} > 0)) || return 0
  say "stopping what an earlier ./scripts/up left running when it was killed (pids ${pids[*]})"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  if ! wait_gone 20 "${pids[@]}"; then
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait_gone 5 "${pids[@]}" || die "could not stop the pids ${pids[*]} an earlier ./scripts/up left running; stop them yourself (kill -9), then run this again."
  fi
}

# Inodes of the sockets listening on TCP port $1 (any address, IPv4 or IPv6).
listening_inodes() {
  local hex
  hex="$(printf '%04X' "$1")"
  awk -v port=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == port { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

port_taken() { [[ -n "$(listening_inodes "$1")" ]]; }

# True when process $1 itself holds a socket listening on port $2.
serves_port() {
  local pid=$1 port=$2 inode
  for inode in $(listening_inodes "$port"); do
    [[ -n "$(find "/proc/$pid/fd" -maxdepth 1 -lname "socket:\[$inode\]" -print -quit 2>/dev/null)" ]] && return 0
  done
  return 1
}

port_holder() {
  local users
  users="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(.*)' | head -n 1 || true)"
  printf 'another process (%s)' "${users:-see: ss -ltnp 'sport = :$1'}"
}

declare -A SERVICE_PIDS=()

# start_service NAME PORT_VARIABLE: runs NAME/src/main.ts in the background (log in
# $LOG_DIR/NAME.log) and waits until it answers /readyz on its port, a port this very process
# must hold: another program's answer there is never taken for our service's readiness.
start_service() {
  local name=$1 port_variable=$2 port=${!2} log="$LOG_DIR/$1.log" deadline=$((SECONDS + 90)) pid status=0
  if port_taken "$port"; then
    die "$name cannot listen on 127.0.0.1:$port: $(port_holder "$port") holds it. Stop that process, or give $name another port with $port_variable=<port>."
  fi
  say "starting $name on 127.0.0.1:$port (log: $log)"
  (cd "$REPO_ROOT/$name" && exec env "$(service_marker)" node --import tsx src/main.ts) >>"$log" 2>&1 {INSTANCE_LOCK_FD}>&- &
  pid=$!
  SERVICE_PIDS[$name]=$pid
  until serves_port "$pid" "$port" && curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    if ! process_running "$pid"; then
      wait "$pid" || status=$?
      unset "SERVICE_PIDS[$name]"
      tail -n 20 "$log" >&2
      if tail -n 40 "$log" | grep -q EADDRINUSE; then
        die "$name could not listen on 127.0.0.1:$port: $(port_holder "$port") took that port. Stop that process, or give $name another port with $port_variable=<port>."
      fi
      die "$name exited during start-up (status $status); its log is $log"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2
      die "$name (pid $pid) did not answer http://127.0.0.1:$port/readyz within 90 s; its log is $log"
    fi
    sleep 0.3
  done
  say "$name is ready (pid $pid, 127.0.0.1:$port)"
}

# SIGTERM to every service (they drain), SIGKILL to those still running after 20 s.
stop_services() {
  ((${#SERVICE_PIDS[@]} > 0)) || return 0
  local pids=("${SERVICE_PIDS[@]}")
  say "stopping ${!SERVICE_PIDS[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  if ! wait_gone 20 "${pids[@]}"; then
    say "still running after 20 s: sending SIGKILL (the logs in $LOG_DIR may tell why)"
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  wait "${pids[@]}" 2>/dev/null || true
  SERVICE_PIDS=()
}
