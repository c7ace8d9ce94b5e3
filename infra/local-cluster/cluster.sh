#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine: etcd and containerd from Debian, the
# Kubernetes binaries built from the Go module proxy (cached per version), everything on
# 127.0.0.1. See README.md in this folder.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$HERE/lib.sh"
# shellcheck source-path=SCRIPTDIR source=install.sh
source "$HERE/install.sh"
# shellcheck source-path=SCRIPTDIR source=config.sh
source "$HERE/config.sh"
# shellcheck source-path=SCRIPTDIR source=start.sh
source "$HERE/start.sh"
# shellcheck source-path=SCRIPTDIR source=stop.sh
source "$HERE/stop.sh"

usage() {
  cat <<EOF
usage: $(basename "$0") COMMAND [ARGS]

A single-node Kubernetes v$K8S_VERSION cluster on 127.0.0.1 (API https://127.0.0.1:$CLUSTER_API_PORT).

commands:
  install                 Debian packages, the Kubernetes binaries (built once per version into
                          $K8S_BIN) and the pause/probe images
  start                   start etcd, containerd, the control plane and the kubelet; waits until
                          the node is Ready (installs first when needed; idempotent)
  stop                    stop everything started here; keeps etcd data, certificates and images
  reset                   stop, then delete all cluster state (the next start begins from scratch)
  status                  what runs; exit 0 when the node is Ready
  env                     print 'export KUBECONFIG=...' and 'export PATH=...' for eval
  kubectl ARGS...         run the cached kubectl against this cluster
  load-image FILE|-       import a docker-archive (or OCI archive) into containerd's k8s.io
                          namespace; '-' reads it from stdin
  logs [COMPONENT] [-f]   component logs: ${COMPONENTS[*]}

state: \${UDACONNECT_STATE_DIR:-<repo>/.local}/cluster   cache: \${UDACONNECT_CACHE_DIR:-~/.cache/udaconnect}
images already in containerd: $PAUSE_IMAGE (sandbox), $PROBE_IMAGE (probe.c)
EOF
}

do_status() {
  local name pid rc=0 ready
  for name in "${COMPONENTS[@]}"; do
    if pid="$(component_pid "$name")"; then
      log "$name: running (pid $pid)"
    else
      log "$name: not running"
      rc=1
    fi
  done
  if (( rc == 0 )); then
    ready="$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
    log "node $NODE_NAME Ready: ${ready:-unknown}"
    [[ "$ready" == True ]] || rc=1
  fi
  (( rc == 0 )) || log "not ready; start it with: $0 start"
  return "$rc"
}

do_env() {
  [[ -s "$KUBECONFIG_FILE" ]] || die "no kubeconfig yet at $KUBECONFIG_FILE; run '$0 start' first."
  printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_FILE"
  # shellcheck disable=SC2016 # $PATH is for the shell that evals this
  printf 'export PATH=%q:"$PATH"\n' "$K8S_BIN"
}

do_kubectl() {
  [[ -x "$K8S_BIN/kubectl" ]] || die "kubectl is not built yet; run '$0 install'."
  [[ -s "$KUBECONFIG_FILE" ]] || die "no kubeconfig yet at $KUBECONFIG_FILE; run '$0 start' first."
  exec "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"
}

do_load_image() {
  (( $# == 1 )) || { log "usage: $(basename "$0") load-image FILE|-"; exit 2; }
  local archive="$1"
  [[ "$archive" == - || -f "$archive" ]] || die "no such file: $archive"
  containerd_up >/dev/null 2>&1 || die "containerd is not running; run '$0 start' first."
  log "importing $archive into containerd (namespace k8s.io)"
  ctr_k8s images import "$archive" >&2 || die "ctr could not import $archive; is it a docker-archive or OCI archive (podman save --format docker-archive)?"
  log "done; pods use it with imagePullPolicy: Never or IfNotPresent"
}

do_logs() {
  local component="" follow=""
  while (( $# > 0 )); do
    case "$1" in
      -f) follow=-f ;;
      -*) log "unknown flag for logs: $1"; exit 2 ;;
      *) component="$1" ;;
    esac
    shift
  done
  if [[ -z "$component" ]]; then
    local files=() name
    for name in "${COMPONENTS[@]}"; do files+=("$LOG_DIR/$name.log"); done
    print_logs "$follow" "${files[@]}"
    return
  fi
  [[ " ${COMPONENTS[*]} " == *" $component "* ]] || { log "unknown component: $component (one of: ${COMPONENTS[*]})"; exit 2; }
  print_logs "$follow" "$LOG_DIR/$component.log"
}

main() {
  local command="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$command" in
    -h|--help|help) usage; return 0 ;;
    install|start|stop|reset|status|env|logs) ;;
    kubectl|load-image) ;;
    "") usage >&2; exit 2 ;;
    -*) log "unknown flag: $command (see --help)"; exit 2 ;;
    *) log "unknown command: $command (see --help)"; exit 2 ;;
  esac
  if [[ "$command" != kubectl && "$command" != load-image && "$command" != logs ]]; then
    for arg in "$@"; do
      [[ "$arg" == -h || "$arg" == --help ]] && { usage; return 0; }
      log "unexpected argument for $command: $arg (see --help)"; exit 2
    done
  fi
  if [[ "$command" == start || "$command" == stop || "$command" == reset ]] && ! is_root; then
    die "$command needs root (containerd, the kubelet's cgroups and mounts); run it with sudo."
  fi
  resolve_state_dir
  set_cluster_paths
  case "$command" in
    install) do_install ;;
    start) do_start ;;
    stop) do_stop ;;
    reset) do_reset ;;
    status) do_status ;;
    env) do_env ;;
    kubectl) do_kubectl "$@" ;;
    load-image) do_load_image "$@" ;;
    logs) do_logs "$@" ;;
  esac
}

main "$@"
