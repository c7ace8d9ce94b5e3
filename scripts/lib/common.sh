# Shared by the commands in scripts/: repository paths, messages, the one-time
# installation of the Node toolchain, and finding or starting the local Kafka and
# PostGIS. Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${UDACONNECT_STATE_DIR:-$REPO_ROOT/.local}"
LOG_DIR="$STATE_DIR/logs"
export REPO_ROOT STATE_DIR LOG_DIR

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'error: %s (see --help)\n' "$*" >&2; exit 2; }

# Node 20.19.4+ is required (@platformatic/kafka, used by scripts/replay, needs it).
require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20 or newer (https://nodejs.org or your package manager), then run this again."
  local major minor patch
  IFS=. read -r major minor patch <<<"$(node -p 'process.versions.node')"
  if (( major < 20 || (major == 20 && (minor < 19 || (minor == 19 && patch < 4))) )); then
    die "Node.js $(node --version) is too old: UdaConnect needs Node.js 20.19.4 or newer."
  fi
}

# pnpm 10 through npm (corepack is not reliable on every machine), then the
# workspace's packages exactly as the lockfile pins them.
install_node_packages() {
  require_node
  if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
    say "installing pnpm 10 (npm i -g pnpm@10)"
    npm install --global --no-fund --no-audit pnpm@10 >&2 || die "could not install pnpm with npm: check that the npm registry is reachable, or install pnpm 10 yourself."
  fi
  say "installing Node packages (pnpm install --frozen-lockfile)"
  (cd "$REPO_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2) \
    || die "pnpm install failed (see above). If pnpm-lock.yaml is out of date, run 'pnpm install' and commit the lockfile."
}

# The packages are current when pnpm's copy of the lockfile it last installed from
# (node_modules/.pnpm/lock.yaml) is the lockfile: then nothing is run, so a command
# costs no pnpm start-up on its second run.
ensure_node_packages() {
  require_node
  if ! cmp -s "$REPO_ROOT/pnpm-lock.yaml" "$REPO_ROOT/node_modules/.pnpm/lock.yaml" 2>/dev/null; then
    install_node_packages
  fi
}

# use_servers kafka [postgres]: exports KAFKA_BROKERS and DATABASE_URL for what is
# asked. A variable already set wins; otherwise the local server of infra/local is used,
# started when it is not running. STARTED_SERVERS lists what was started, for
# stop_infrastructure.
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
  local to_start=()
  for server in "${missing[@]}"; do
    bash "$REPO_ROOT/infra/local/$server.sh" status >/dev/null 2>&1 || to_start+=("$server")
  done
  if ((${#to_start[@]} > 0)); then
    say "starting ${to_start[*]} (infra/local; state and logs in $STATE_DIR); stopped again when this command ends"
    if ((${#to_start[@]} == 2)); then
      bash "$REPO_ROOT/infra/local/services.sh" start >&2 || die "the local infrastructure did not start (see above); 'bash infra/local/kafka.sh logs' and 'bash infra/local/postgres.sh logs' may tell why."
    else
      bash "$REPO_ROOT/infra/local/${to_start[0]}.sh" start >&2 || die "the local ${to_start[0]} did not start (see above); 'bash infra/local/${to_start[0]}.sh logs' may tell why."
    fi
    STARTED_SERVERS+=("${to_start[@]}")
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

stop_infrastructure() {
  local server
  for server in "${STARTED_SERVERS[@]}"; do
    say "stopping the $server this command started"
    bash "$REPO_ROOT/infra/local/$server.sh" stop >&2 || true
  done
  STARTED_SERVERS=()
}

# run_node_command SERVERS ENTRY [ARGS...]: how every TypeScript command in scripts/
# starts. ENTRY (a .ts file) runs in the caller's directory with the tsx of the package
# holding it; SERVERS is "none" or a comma list of kafka and postgres (see use_servers).
# --help answers at once (installing the packages only in a fresh clone, where the
# usage text cannot run without them); anything else first gets the packages and servers.
# Flags are checked before a server is started (ENTRY --help ARGS parses them and fails
# on an unknown one), so a typo does not cost a broker start.
run_node_command() {
  local servers=$1 entry=$2
  shift 2
  local package loader
  package="$(dirname "$entry")"
  until [[ -f "$package/package.json" || "$package" == / ]]; do package="$(dirname "$package")"; done
  loader="$package/node_modules/tsx/dist/loader.mjs"
  if wants_help "$@"; then
    [[ -f "$loader" ]] || ensure_node_packages
    exec node --import "$loader" "$entry" "$@"
  fi
  ensure_node_packages
  if [[ "$servers" == none ]]; then
    exec node --import "$loader" "$entry" "$@"
  fi
  local needed
  IFS=, read -r -a needed <<<"$servers"
  if ! servers_available "${needed[@]}"; then
    node --import "$loader" "$entry" --help "$@" >/dev/null || exit $?
  fi
  trap stop_infrastructure EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  use_servers "${needed[@]}"
  local status=0
  node --import "$loader" "$entry" "$@" || status=$?
  exit "$status"
}

wants_help() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      --) return 1 ;;
      -h | --help) return 0 ;;
    esac
  done
  return 1
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

migrate() {
  say "migrating the read models"
  (cd "$REPO_ROOT/migrations" && pnpm --silent migrate) || die "migration failed (see above)."
}

# Debian's Chromium for the browser tests of the web page (playwright-core drives
# it; no browser is downloaded from anywhere else).
install_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return
  fi
  if [[ "$(id -u)" != 0 ]]; then
    die "the browser tests need Debian's chromium: run 'sudo apt-get install chromium', then this again."
  fi
  say "installing chromium (apt-get) for the browser tests"
  apt-get update -qq >&2 || die "apt-get update failed: check the network, then run this again."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2 \
    || die "could not install chromium with apt-get (see above)."
}
