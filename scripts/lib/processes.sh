# shellcheck shell=bash
# Sourced by common.sh: running the slow steps of a command so that Ctrl-C acts at once, and
# stopping whole process trees.
#
# Bash runs a trap only once the foreground command has returned, and the background jobs of a
# script ignore SIGINT. So a step runs in the background, in a session of its own (a terminal's
# Ctrl-C does not reach it half-way), the script waits for it with `wait` (which a trapped signal
# interrupts at once), and the script's trap stops the step's whole tree itself (stop_steps).

STEP_PIDS=()
STEP_PID=""
# A descriptor no child may inherit (./scripts/up's instance lock); set by whoever opens it.
INSTANCE_LOCK_FD=""

# start_step CMD [ARGS...]: starts CMD (a program, not a function) in the background in its own
# session; its pid is left in STEP_PID. Redirections of the call apply to CMD.
start_step() {
  (
    if [[ -n "$INSTANCE_LOCK_FD" ]]; then exec {INSTANCE_LOCK_FD}>&-; fi
    exec setsid "$@"
  ) &
  STEP_PID=$!
  STEP_PIDS+=("$STEP_PID")
}

# wait_step PID: waits for a step started by start_step and returns its exit status.
wait_step() {
  local pid=$1 status=0 kept=() other
  wait "$pid" || status=$?
  for other in "${STEP_PIDS[@]}"; do
    [[ "$other" == "$pid" ]] || kept+=("$other")
  done
  STEP_PIDS=("${kept[@]}")
  return "$status"
}

# run_step CMD [ARGS...]: start_step and wait_step in one.
run_step() {
  start_step "$@"
  wait_step "$STEP_PID"
}

# Stops every step still running, with all its descendants: SIGTERM, SIGKILL after 10 s.
stop_steps() {
  ((${#STEP_PIDS[@]} > 0)) || return 0
  signal_tree TERM "${STEP_PIDS[@]}"
  if ! wait_gone 10 "${SIGNALLED_PIDS[@]}"; then
    signal_tree KILL "${SIGNALLED_PIDS[@]}"
    wait_gone 5 "${SIGNALLED_PIDS[@]}" || true
  fi
  wait "${STEP_PIDS[@]}" 2>/dev/null || true
  STEP_PIDS=()
}

# signal_tree SIGNAL PID...: sends SIGNAL to the processes and all their descendants, which are
# stopped first so that none can fork a child the signal misses. Leaves them in SIGNALLED_PIDS.
SIGNALLED_PIDS=()
signal_tree() {
  local signal=$1 tree=() fresh=()
  shift
  fresh=("$@")
  while ((${#fresh[@]} > 0)); do
    kill -STOP "${fresh[@]}" 2>/dev/null || true
    tree+=("${fresh[@]}")
    mapfile -t fresh < <(ps -o pid= --ppid "$(IFS=,; printf '%s' "${fresh[*]}")" 2>/dev/null | tr -d ' ')
  done
  kill "-$signal" "${tree[@]}" 2>/dev/null || true
  kill -CONT "${tree[@]}" 2>/dev/null || true
  SIGNALLED_PIDS=("${tree[@]}")
}

# True while PID runs (a zombie, exited but not yet reaped, does not count).
process_running() {
  local stat
  # `read`, not "$(<file)": under set -e a vanished file there ends the whole script.
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != [ZX] ]]
}

# The start time of PID (in clock ticks since boot): with the pid, it names one process, even
# after the pid has been reused.
process_start_time() {
  local stat fields
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -r -a fields <<<"${stat##*) }"
  printf '%s\n' "${fields[19]}"
}

# wait_gone SECONDS PID...: true once none of the processes runs; false at the deadline.
wait_gone() {
  local deadline=$((SECONDS + $1)) pid alive
  shift
  while true; do
    alive=0
    for pid in "$@"; do
      if process_running "$pid"; then alive=1; break; fi
    done
    ((alive)) || return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
