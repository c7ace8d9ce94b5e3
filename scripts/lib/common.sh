# shellcheck shell=bash
# Shared by the commands in scripts/: repository paths, messages, the one-time
# installation of the Node toolchain, and (servers.sh) finding or starting the local Kafka
# and PostGIS. Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Absolute, and handed down: infra/local and every child resolve the same folder whatever
# their working directory.
STATE_DIR="$(realpath -m -- "${UDACONNECT_STATE_DIR:-$REPO_ROOT/.local}")"
UDACONNECT_STATE_DIR="$STATE_DIR"
LOG_DIR="$STATE_DIR/logs"
export REPO_ROOT STATE_DIR LOG_DIR UDACONNECT_STATE_DIR

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'error: %s (see --help)\n' "$*" >&2; exit 2; }

# shellcheck source=processes.sh
source "$REPO_ROOT/scripts/lib/processes.sh"
# shellcheck source=servers.sh
source "$REPO_ROOT/scripts/lib/servers.sh"

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
  trap 'stop_steps; stop_infrastructure' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
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
