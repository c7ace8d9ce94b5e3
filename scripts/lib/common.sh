# Shared by the commands in scripts/: repository paths, messages, and the
# one-time installation of the Node toolchain. Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${UDACONNECT_STATE_DIR:-$REPO_ROOT/.local}"
LOG_DIR="$STATE_DIR/logs"
export REPO_ROOT STATE_DIR LOG_DIR

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

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

# Starts Kafka and PostGIS unless both KAFKA_BROKERS and DATABASE_URL are given,
# and exports their addresses. Sets STARTED_INFRA=1 when it started them.
start_infrastructure() {
  STARTED_INFRA=0
  if [[ -n "${KAFKA_BROKERS:-}" && -n "${DATABASE_URL:-}" ]]; then
    say "using KAFKA_BROKERS=$KAFKA_BROKERS and the given DATABASE_URL; starting no infrastructure"
    return
  fi
  if bash "$REPO_ROOT/infra/local/services.sh" status >/dev/null 2>&1; then
    say "Kafka and PostgreSQL/PostGIS are already running; they are left running afterwards"
  else
    say "starting Kafka and PostgreSQL/PostGIS (state and logs in $STATE_DIR)"
    bash "$REPO_ROOT/infra/local/services.sh" start \
      || die "the local infrastructure did not start (see above); 'bash infra/local/services.sh logs' may tell why."
    STARTED_INFRA=1
  fi
  eval "$(bash "$REPO_ROOT/infra/local/services.sh" env)"
  export KAFKA_BROKERS DATABASE_URL
}

stop_infrastructure() {
  if [[ "${STARTED_INFRA:-0}" == 1 ]]; then
    say "stopping Kafka and PostgreSQL"
    bash "$REPO_ROOT/infra/local/services.sh" stop || true
  fi
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
