# shellcheck shell=bash
# Sourced by kafka.sh, postgres.sh and services.sh: paths, ports, messages, process checks.
# It sets no shell options of its own; the sourcing script runs with `set -euo pipefail`.

LOCAL_INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(cd "$LOCAL_INFRA_DIR/../.." && pwd -P)"
STATE_DIR="${UDACONNECT_STATE_DIR:-$REPO_DIR/.local}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-19094}"
KAFKA_MTLS_PORT="${KAFKA_MTLS_PORT:-19095}"
PG_PORT="${PG_PORT:-54329}"
LOG_TAG="${LOG_TAG:-local}"

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

is_port_number() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )); }

check_ports() {
  local name
  for name in "$@"; do
    is_port_number "${!name}" || die "$name='${!name}' is not a TCP port number; unset it or pick one in 1-65535."
  done
}

# The state dir may not exist yet and may be given relative to the caller's cwd.
resolve_state_dir() {
  mkdir -p -- "$STATE_DIR" || die "cannot create state dir $STATE_DIR; set UDACONNECT_STATE_DIR to a writable folder."
  STATE_DIR="$(cd "$STATE_DIR" && pwd -P)"
}

# mkdir -p, but folders it creates get 0755 whatever the umask, so that the postgres user can
# traverse them.
make_dir() {
  local dir="$1"
  [[ -d "$dir" ]] && return 0
  mkdir -p -- "$dir"
  chmod 0755 -- "$dir"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null
}

# True when process $1 is alive and its command line contains $2 (guards against pid reuse).
pid_runs() {
  local pid="$1" needle="$2" cmdline
  pid_alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$needle"* ]]
}

# The commands in scripts/ record in <state>/owners/NAME which of them started a server, so that
# they stop it again (scripts/lib/servers.sh). A server started or stopped by hand is nobody's:
# `start` run by such a command (UDACONNECT_STARTED_BY set) keeps the record, any other start
# and every stop drops it.
drop_owner_record() {
  local name="$1"
  if [[ "${2:-}" == start && -n "${UDACONNECT_STARTED_BY:-}" ]]; then return 0; fi
  rm -f -- "$STATE_DIR/owners/$name"
}

# Runs "$@" with an exclusive lock so that two concurrent `start`s of one service (parallel
# test runners, two terminals) do not race each other. Daemons started under it must close
# LOCK_FD ({LOCK_FD}>&-), or they would hold the lock for as long as they run.
with_lock() {
  local name="$1"; shift
  local lock_dir="$STATE_DIR/locks"
  make_dir "$lock_dir"
  exec {LOCK_FD}>"$lock_dir/$name.lock"
  if ! flock -n "$LOCK_FD"; then
    log "another $name command holds $lock_dir/$name.lock; waiting up to 600 s for it"
    flock -w 600 "$LOCK_FD" || die "timed out waiting for $lock_dir/$name.lock; check for a hung $name command (ps -ef)."
  fi
  # The lock is released when the process exits.
  "$@"
}

apt_busy() { pgrep -x 'apt|apt-get|aptitude|dpkg|unattended-upgr' >/dev/null 2>&1; }

# Another apt (e.g. a background `apt-get update`) holds the locks: wait instead of failing.
wait_for_apt() {
  local deadline=$((SECONDS + 600))
  if apt_busy; then
    log "another apt/dpkg process is running; waiting for it to finish (up to 600 s)"
  fi
  while apt_busy; do
    (( SECONDS < deadline )) || die "apt/dpkg is still busy after 600 s; wait for it (ps -ef | grep apt) and run this again."
    sleep 2
  done
}

apt_run() {
  wait_for_apt
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Installs Debian packages that are missing. Lists are refreshed first when apt knows no
# candidate, and once more after a failed install (stale lists point at files gone from the
# mirror).
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  (( ${#missing[@]} == 0 )) && return 0
  if ! is_root; then
    die "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get here; install them with your package manager."
  local updated=0
  for pkg in "${missing[@]}"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [^(]'; then
      log "apt knows no candidate for $pkg: running apt-get update"
      apt_run -q update >&2 || die "apt-get update failed; check the network/proxy and run this again."
      updated=1
      break
    fi
  done
  log "installing Debian packages: ${missing[*]}"
  if ! apt_run -q install -y --no-install-recommends "${missing[@]}" >&2; then
    (( updated == 0 )) || die "apt-get install ${missing[*]} failed; see the apt output above."
    log "install failed; refreshing package lists once and retrying"
    apt_run -q update >&2 || die "apt-get update failed; check the network/proxy and run this again."
    apt_run -q install -y --no-install-recommends "${missing[@]}" >&2 \
      || die "apt-get install ${missing[*]} failed; see the apt output above."
  fi
}

# Prints the last lines of the given log files (those that exist) to stderr.
show_log_tail() {
  local lines="$1" file; shift
  for file in "$@"; do
    [[ -s "$file" ]] || continue
    printf '[%s] ---- last %s lines of %s ----\n' "$LOG_TAG" "$lines" "$file" >&2
    tail -n "$lines" -- "$file" >&2
  done
}

# `logs [-f]`: print (or follow) the given log files.
print_logs() {
  local follow="$1"; shift
  local existing=() file
  for file in "$@"; do [[ -e "$file" ]] && existing+=("$file"); done
  (( ${#existing[@]} > 0 )) || die "no log files yet (looked for: $*); start the service first."
  if [[ "$follow" == "-f" ]]; then
    exec tail -n 50 -F -- "${existing[@]}"
  fi
  tail -n "${LOG_LINES:-200}" -- "${existing[@]}"
}
