#!/usr/bin/env bash
# podman with the project's own configuration and storage: `infra/images/podman.sh <podman args>`.
# Debian's podman defaults do not work on this kind of machine (no systemd, cgroup v1, crun
# fails, ulimits cannot be raised), and the project's images must not mix with anyone else's
# containers, so the configuration and storage live in the state dir:
#   ${UDACONNECT_STATE_DIR:-<repo>/.local}/podman/{containers.conf,storage.conf,storage,run,tmp}
# `podman.sh --print-env` prints the CONTAINERS_CONF / CONTAINERS_STORAGE_CONF exports instead,
# for tools that run podman themselves (eval "$(infra/images/podman.sh --print-env)").
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
STATE_DIR="${UDACONNECT_STATE_DIR:-$REPO_DIR/.local}"

log() { printf '[podman] %s\n' "$*" >&2; }
die() { printf '[podman] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]] && [[ $# -eq 1 ]]; then
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

ensure_podman() {
  command -v podman >/dev/null && command -v runc >/dev/null && return 0
  [[ "$(id -u)" -eq 0 ]] || die "podman and runc are missing; install them with: sudo apt-get install -y --no-install-recommends podman runc"
  log "installing podman and runc from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get -q update >&2 || die "apt-get update failed; check the network and run this again."
  DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends podman runc fuse-overlayfs uidmap >&2 \
    || die "apt-get install podman failed; see the apt output above."
}

# Rewritten only when the content changes, so concurrent callers never see a half-written file.
write_if_changed() {
  local file="$1" content="$2"
  [[ -f "$file" && "$(<"$file")" == "$content" ]] && return 0
  printf '%s\n' "$content" >"$file.$$"
  mv -f -- "$file.$$" "$file"
}

write_config() {
  mkdir -p -- "$STATE_DIR"
  local dir
  dir="$(cd "$STATE_DIR" && pwd -P)/podman"
  mkdir -p -- "$dir/storage" "$dir/run" "$dir/tmp"
  write_if_changed "$dir/containers.conf" "# Written by infra/images/podman.sh; edit the script, not this file.
[containers]
# The host's hard limits are lower than podman's defaults, which runc then cannot set.
default_ulimits = []
# No bridge network on this machine kind: containers (and RUN steps) share the host's network.
netns = \"host\"
log_driver = \"k8s-file\"

[engine]
# crun fails on this cgroup v1 layout; runc works.
runtime = \"runc\"
# No systemd here.
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"
tmp_dir = \"$dir/tmp\""
  write_if_changed "$dir/storage.conf" "# Written by infra/images/podman.sh; edit the script, not this file.
[storage]
driver = \"overlay\"
graphroot = \"$dir/storage\"
runroot = \"$dir/run\""
  export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf"
}

ensure_podman
write_config
if [[ "${1:-}" == "--print-env" ]]; then
  printf 'export CONTAINERS_CONF=%q CONTAINERS_STORAGE_CONF=%q\n' "$CONTAINERS_CONF" "$CONTAINERS_STORAGE_CONF"
  exit 0
fi
exec podman "$@"
