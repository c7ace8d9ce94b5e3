# shellcheck shell=bash
# Sourced by cluster.sh: `stop` and `reset`. Stop keeps etcd's data, the certificates and the
# imported images, so that `start` brings the same cluster back; it leaves no process, port,
# mount or cgroup behind.

# Pod containers go before containerd does, through containerd itself, so that each shim
# unmounts its rootfs and removes its socket.
remove_pod_containers() {
  containerd_up >/dev/null 2>&1 || return 0
  local ids=() id
  mapfile -t ids < <(ctr_k8s tasks ls -q 2>/dev/null || true)
  (( ${#ids[@]} == 0 )) || log "killing ${#ids[@]} pod container(s)"
  for id in "${ids[@]}"; do ctr_k8s tasks kill --all --signal SIGKILL "$id" >/dev/null 2>&1 || true; done
  for id in "${ids[@]}"; do ctr_k8s tasks delete --force "$id" >/dev/null 2>&1 || true; done
  mapfile -t ids < <(ctr_k8s containers ls -q 2>/dev/null || true)
  for id in "${ids[@]}"; do ctr_k8s containers delete "$id" >/dev/null 2>&1 || true; done
}

# Stops the given components together (SIGTERM to all, then wait for each).
stop_components() {
  local name pid pids=() names=()
  for name in "$@"; do
    if pid="$(component_pid "$name")"; then
      pids+=("$pid")
      names+=("$name")
      kill -TERM "$pid" 2>/dev/null || true
    fi
    rm -f "$(pid_file "$name")"
  done
  (( ${#pids[@]} == 0 )) && return 0
  log "stopping ${names[*]}"
  for pid in "${pids[@]}"; do terminate_pid "$pid" 20; done
}

kill_leftover_shims() {
  local pids=() pid
  mapfile -t pids < <(pgrep -f "containerd-shim-runc-v2 .*-address $CTR_SOCK" || true)
  (( ${#pids[@]} == 0 )) && return 0
  log "killing ${#pids[@]} leftover containerd shim(s)"
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# The kubelet's cgroups (cgroupfs driver, all under our cgroup root): kill what is left in
# them, then remove them deepest first.
remove_cluster_cgroups() {
  local dir procs=() pid
  while IFS= read -r dir; do
    dir="$dir$CGROUP_ROOT"
    [[ -d "$dir" ]] || continue
    mapfile -t procs < <(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
    for pid in "${procs[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [[ -d "$dir" ]] && log "warning: could not remove all of $dir (processes still in it?)"
  done < <(cgroup_hierarchies)
  return 0
}

# Every mount point under $1, deepest first (octal escapes of /proc/self/mountinfo decoded).
mounts_under() {
  local root="$1"
  awk '{print $5}' /proc/self/mountinfo | while IFS= read -r m; do
    m="$(printf '%b' "$m")"
    [[ "$m" == "$root" || "$m" == "$root"/* ]] && printf '%s\n' "$m"
  done | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-
}

unmount_under() {
  local root="$1" m
  [[ -d "$root" ]] || return 0
  while IFS= read -r m; do
    [[ -n "$m" ]] || continue
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "warning: could not unmount $m"
  done < <(mounts_under "$root")
}

# The bridge and the IP allocations of our CNI network (the network namespaces of pods
# without hostNetwork live under containerd's state dir: netns_mounts_under_state_dir).
remove_pod_network() {
  if ip link show "$CNI_BRIDGE" >/dev/null 2>&1; then ip link delete "$CNI_BRIDGE" || true; fi
  rm -rf "${CNI_DATA_DIR:?}"/* "/var/lib/cni/networks/$CNI_NETWORK"
  rm -f /var/lib/cni/results/"$CNI_NETWORK"-*
}

stop_locked() {
  local started=$SECONDS
  stop_components kubelet
  remove_pod_containers
  stop_components containerd kube-scheduler kube-controller-manager kube-apiserver
  stop_components etcd
  remove_node_leftovers
  log "stopped in $((SECONDS - started)) s"
}

# What the pods leave on the machine once no component runs. Also run by `start` when nothing
# runs, in case the last run ended without a `stop` (processes killed, machine restarted).
remove_node_leftovers() {
  kill_leftover_shims
  remove_cluster_cgroups
  unmount_under "$CS"
  remove_pod_network
  # The kubelet always makes its device-plugin socket there, whatever its root dir (left
  # alone while another kubelet runs).
  if ! pgrep -x kubelet >/dev/null; then
    rm -f /var/lib/kubelet/device-plugins/kubelet.sock
    rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet 2>/dev/null || true
  fi
  rm -rf "${CTR_STATE:?}" "${POD_LOGS:?}"/* /var/log/pods/* "${RUN_DIR:?}"/*
}

do_stop() {
  [[ -d "$CS" ]] || { log "not started here (no $CS)"; return 0; }
  with_lock cluster stop_locked
}

do_reset() {
  do_stop
  [[ -d "$CS" ]] || return 0
  unmount_under "$CS"
  [[ -z "$(mounts_under "$CS")" ]] || die "mounts remain under $CS (see: grep $CS /proc/self/mountinfo); unmount them, then run reset again."
  rm -rf "${CS:?}"
  log "removed $CS (etcd data, certificates, images); the next start begins from scratch"
}
