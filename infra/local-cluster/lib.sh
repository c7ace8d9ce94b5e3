# shellcheck shell=bash disable=SC2034
# Sourced by cluster.sh: versions, paths, ports and process helpers of the local cluster.
# Messages, locks and Debian installs come from infra/local/lib.sh, shared with kafka.sh and
# postgres.sh.

LOG_TAG=cluster
# shellcheck source-path=SCRIPTDIR source=../local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

CLUSTER_SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
K8S_VERSION="${KUBERNETES_VERSION:-1.34.4}"
CACHE_ROOT="${UDACONNECT_CACHE_DIR:-$HOME/.cache/udaconnect}"
K8S_CACHE="$CACHE_ROOT/kubernetes-v$K8S_VERSION"
K8S_BIN="$K8S_CACHE/bin"
K8S_IMAGES="$K8S_CACHE/images"
K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)
DEBIAN_PACKAGES=(etcd-server containerd runc containernetworking-plugins openssl gcc libc6-dev iproute2 util-linux procps curl unzip)
CNI_BIN_DIR=/usr/lib/cni

NODE_NAME="${CLUSTER_NODE_NAME:-udaconnect-node}"
# A second cluster beside this one (the lifecycle test) needs its own bridge and network name:
# `stop` deletes the bridge, which would cut the first cluster's pods off.
CNI_NETWORK="${CLUSTER_CNI_NETWORK:-udaconnect}"
CNI_BRIDGE="${CLUSTER_CNI_BRIDGE:-uda-cni0}"
POD_SUBNET="${CLUSTER_POD_SUBNET:-10.244.0.0/24}"
SERVICE_CIDR=10.96.0.0/16
SERVICE_API_IP=10.96.0.1

# All on 127.0.0.1, clear of Kafka (19092/19093), PostgreSQL (54329), the services
# (50051/8080/9465), the test cluster's pod ports (25000-29999) and the ephemeral range.
CLUSTER_API_PORT="${CLUSTER_API_PORT:-16443}"
CLUSTER_ETCD_PORT="${CLUSTER_ETCD_PORT:-16379}"
CLUSTER_ETCD_PEER_PORT="${CLUSTER_ETCD_PEER_PORT:-16380}"
CLUSTER_CONTROLLER_MANAGER_PORT="${CLUSTER_CONTROLLER_MANAGER_PORT:-16257}"
CLUSTER_SCHEDULER_PORT="${CLUSTER_SCHEDULER_PORT:-16259}"
CLUSTER_KUBELET_PORT="${CLUSTER_KUBELET_PORT:-16250}"
CLUSTER_KUBELET_HEALTHZ_PORT="${CLUSTER_KUBELET_HEALTHZ_PORT:-16248}"
PORT_VARS=(CLUSTER_API_PORT CLUSTER_ETCD_PORT CLUSTER_ETCD_PEER_PORT CLUSTER_CONTROLLER_MANAGER_PORT CLUSTER_SCHEDULER_PORT CLUSTER_KUBELET_PORT CLUSTER_KUBELET_HEALTHZ_PORT)

# The kubelet's cgroups go under this one (kubepods inside it), as kind does with /kubelet:
# `stop` then removes only what the cluster made.
CGROUP_ROOT="${CLUSTER_CGROUP_ROOT:-/udaconnect}"

# Start order; stop goes the other way.
COMPONENTS=(etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet)

PAUSE_TAG=3.10.1 # build/pause/Makefile of Kubernetes 1.34
PAUSE_IMAGE="localhost/udaconnect/pause:$PAUSE_TAG"
PROBE_IMAGE="localhost/udaconnect/cluster-probe:1"

# Paths under the state dir; call after resolve_state_dir.
set_cluster_paths() {
  CS="$STATE_DIR/cluster"
  PKI="$CS/pki"
  RUN_DIR="$CS/run"
  LOG_DIR="$CS/logs"
  CONF_DIR="$CS/config"
  ETCD_DATA="$CS/etcd"
  CTR_ROOT="$CS/containerd/root"
  CTR_STATE="$CS/containerd/state"
  CTR_SOCK="$RUN_DIR/containerd.sock"
  KUBELET_ROOT="$CS/kubelet"
  POD_LOGS="$CS/pod-logs"
  CNI_CONF_DIR="$CS/cni/net.d"
  CNI_DATA_DIR="$CS/cni/networks"
  KUBECONFIG_FILE="$CS/kubeconfig"
  # Unix socket paths are limited to 108 bytes; containerd adds a suffix for ttrpc.
  (( ${#CTR_SOCK} <= 96 )) || die "the state dir path is too long for containerd's socket ($CTR_SOCK); set UDACONNECT_STATE_DIR to a shorter folder."
}

kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
# ctr waits forever for a containerd that is not there unless told otherwise.
ctr_k8s() { ctr --address "$CTR_SOCK" --connect-timeout 5s --namespace k8s.io "$@"; }

pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

# The pid of component $1 when it runs from this state dir, else nothing (a stale pid file or a
# reused pid does not count: the command line must name both the program and the state dir).
component_pid() {
  local name="$1" file pid cmdline
  file="$(pid_file "$name")"
  [[ -s "$file" ]] || return 1
  pid="$(<"$file")"
  pid_running "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$name"* && "$cmdline" == *"$CS"* ]] || return 1
  printf '%s' "$pid"
}

component_running() { component_pid "$1" >/dev/null; }

# Starts "$@" as component $1 in its own session (so that the caller's end or Ctrl-C does not
# take it down), logging to logs/<name>.log. The lock fd is not inherited.
launch() {
  local name="$1"; shift
  printf '\n==== %s start %s\n' "$(date -u +%FT%TZ)" "$name" >>"$LOG_DIR/$name.log"
  if [[ -n "${LOCK_FD:-}" ]]; then
    setsid "$@" </dev/null >>"$LOG_DIR/$name.log" 2>&1 {LOCK_FD}>&- &
  else
    setsid "$@" </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  fi
  printf '%s' "$!" >"$(pid_file "$name")"
}

# Alive and not a zombie: a process that has exited counts as gone even when no init has
# reaped it yet.
pid_running() {
  local state
  pid_alive "$1" || return 1
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# SIGTERM, then SIGKILL after $2 seconds.
terminate_pid() {
  local pid="$1" grace="${2:-15}" deadline
  pid_running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while pid_running "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
  if pid_running "$pid"; then
    log "pid $pid did not stop within ${grace} s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while pid_running "$pid" && (( SECONDS < deadline )); do sleep 0.1; done
    pid_running "$pid" && log "warning: pid $pid is still there after SIGKILL"
  fi
  return 0
}

# Polls "$@" until it succeeds; dies after $2 seconds naming component $1 and its log.
wait_until() {
  local what="$1" timeout="$2" component="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$component" ]] && ! component_running "$component"; then
      show_log_tail 30 "$LOG_DIR/$component.log"
      die "$component exited while waiting for $what; its log is $LOG_DIR/$component.log (or: $0 logs $component)."
    fi
    if (( SECONDS >= deadline )); then
      [[ -n "$component" ]] && show_log_tail 30 "$LOG_DIR/$component.log"
      die "timed out after ${timeout} s waiting for $what; see $LOG_DIR/${component:-kubelet}.log, then '$0 stop' and '$0 start'."
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS --max-time 2 "$@"; }

# The process listening on TCP port $1 of 127.0.0.1 (any address), or nothing.
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
}

# The mounted cgroup hierarchies: each v1 controller (and the hybrid unified one), or the
# single v2 root.
cgroup_hierarchies() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    printf '/sys/fs/cgroup\n'
    return
  fi
  local dir
  for dir in /sys/fs/cgroup/*; do
    [[ -f "$dir/cgroup.procs" && ! -L "$dir" ]] && printf '%s\n' "$dir"
  done
}
