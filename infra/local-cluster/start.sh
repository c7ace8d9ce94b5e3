# shellcheck shell=bash
# Sourced by cluster.sh: `start` — etcd, containerd, the control plane and the kubelet, each
# started only when it is not already running from this state dir.

START_TIMEOUT="${CLUSTER_START_TIMEOUT:-180}"

start_etcd() {
  component_running etcd && return 0
  mkdir -p "$ETCD_DATA"
  chmod 0700 "$ETCD_DATA"
  launch etcd etcd --name udaconnect --data-dir "$ETCD_DATA" --logger zap --log-level warn \
    --listen-client-urls "http://127.0.0.1:$CLUSTER_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$CLUSTER_ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$CLUSTER_ETCD_PEER_PORT" \
    --initial-cluster "udaconnect=http://127.0.0.1:$CLUSTER_ETCD_PEER_PORT"
}

start_containerd() {
  component_running containerd && return 0
  mkdir -p "$CTR_ROOT" "$CTR_STATE"
  launch containerd containerd --config "$CONF_DIR/containerd.toml"
}

# Endpoint reconciling is off: the only address is loopback, which an Endpoints object
# refuses. Pods reach the API at 127.0.0.1:$CLUSTER_API_PORT (hostNetwork), not through 10.96.0.1.
start_apiserver() {
  component_running kube-apiserver && return 0
  launch kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$CLUSTER_API_PORT" \
    --endpoint-reconciler-type none \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --requestheader-client-ca-file "$PKI/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --profiling=false
}

start_controller_manager() {
  component_running kube-controller-manager && return 0
  local kc="$CONF_DIR/controller-manager.kubeconfig"
  launch kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address 127.0.0.1 --secure-port "$CLUSTER_CONTROLLER_MANAGER_PORT" --cert-dir "$CS/controller-manager" \
    --controllers '*,-nodeipam' --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --profiling=false
}

start_scheduler() {
  component_running kube-scheduler && return 0
  local kc="$CONF_DIR/scheduler.kubeconfig"
  launch kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address 127.0.0.1 --secure-port "$CLUSTER_SCHEDULER_PORT" --leader-elect=false --profiling=false
}

# The kubelet refuses a loopback --node-ip for the node's addresses; the address is patched
# in after registration (then `kubectl logs` and `exec` reach it on 127.0.0.1).
# The kubelet refuses a cgroupRoot that does not exist. A v1 cpuset cgroup starts with no CPUs
# and no memory nodes; it gets its parent's.
ensure_cgroup_root() {
  local hierarchy dir file
  while IFS= read -r hierarchy; do
    dir="$hierarchy$CGROUP_ROOT"
    mkdir -p "$dir" || die "cannot create the cgroup $dir; run as root, or set CLUSTER_CGROUP_ROOT to a cgroup you may create."
    for file in cpuset.cpus cpuset.mems; do
      [[ -f "$dir/$file" && -z "$(<"$dir/$file")" ]] && cat "$(dirname "$dir")/$file" >"$dir/$file"
    done
  done < <(cgroup_hierarchies)
  return 0
}

start_kubelet() {
  component_running kubelet && return 0
  ensure_cgroup_root
  launch kubelet "$K8S_BIN/kubelet" \
    --config "$CONF_DIR/kubelet.yaml" --kubeconfig "$CONF_DIR/kubelet.kubeconfig" \
    --root-dir "$KUBELET_ROOT" --cert-dir "$KUBELET_ROOT/pki" \
    --hostname-override "$NODE_NAME" --node-ip 127.0.0.1 --v 1
}

etcd_healthy() { http_ok "http://127.0.0.1:$CLUSTER_ETCD_PORT/health"; }
containerd_up() { [[ -S "$CTR_SOCK" ]] && ctr --address "$CTR_SOCK" --connect-timeout 2s --timeout 5s version; }
api_ready() { http_ok --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "https://127.0.0.1:$CLUSTER_API_PORT/readyz"; }
kubelet_healthy() { http_ok "http://127.0.0.1:$CLUSTER_KUBELET_HEALTHZ_PORT/healthz"; }
node_registered() { kubectl_admin get node "$NODE_NAME"; }
default_service_account() { kubectl_admin -n default get serviceaccount default; }

node_address_patched() {
  [[ "$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')" == 127.0.0.1 ]]
}

patch_node_address() {
  kubectl_admin patch node "$NODE_NAME" --subresource=status --type=merge -p \
    "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"},{\"type\":\"Hostname\",\"address\":\"$NODE_NAME\"}]}}" >/dev/null
}

# Ready with a heartbeat from this kubelet: after a restart the node object still says Ready
# from before until the old heartbeat expires.
node_ready_since() {
  local out heartbeat
  out="$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{range .status.conditions[?(@.type=="Ready")]}{.status} {.lastHeartbeatTime}{end}' 2>/dev/null)" || return 1
  heartbeat="${out#True }"
  [[ "$out" == "True "* && ! "$heartbeat" < "${1:-}" ]]
}

import_image() {
  local ref="$1" archive="$2"
  ctr_k8s images ls -q | grep -qxF "$ref" && return 0
  ctr_k8s images import "$archive" >/dev/null || die "could not import $archive into containerd; see $LOG_DIR/containerd.log."
  log "imported $ref"
}

# A port is usable when free or held by our own component.
check_port_free() {
  local var="$1" port="${!1}" owner cmd
  owner="$(port_owner "$port")"
  [[ -z "$owner" ]] && return 0
  local name
  for name in "${COMPONENTS[@]}"; do
    [[ "$(component_pid "$name" || true)" == "$owner" ]] && return 0
  done
  cmd="$(tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | cut -c1-120)"
  die "port $port ($var) is taken by pid $owner ($cmd); stop that process, or move the cluster with $var=<port> (see infra/local-cluster/README.md)."
}

no_component_running() {
  local name
  for name in "${COMPONENTS[@]}"; do component_running "$name" && return 1; done
  return 0
}

all_components_running() {
  local name
  for name in "${COMPONENTS[@]}"; do component_running "$name" || return 1; done
}

cluster_memory_mb() {
  local pids=() name pid kb total=0
  for name in "${COMPONENTS[@]}"; do pid="$(component_pid "$name")" && pids+=("$pid"); done
  mapfile -t -O "${#pids[@]}" pids < <(pgrep -f "containerd-shim-runc-v2 .*-address $CTR_SOCK" || true)
  for pid in "${pids[@]}"; do
    kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    total=$((total + ${kb:-0}))
  done
  printf '%s' $((total / 1024))
}

start_locked() {
  local started=$SECONDS since var
  write_configs
  if all_components_running && node_ready_since ""; then
    log "already running (node $NODE_NAME Ready); for your shell: eval \"\$($0 env)\""
    return 0
  fi
  for var in "${PORT_VARS[@]}"; do check_port_free "$var"; done
  no_component_running && remove_node_leftovers
  log "starting etcd and containerd ..."
  start_etcd
  start_containerd
  wait_until "etcd on 127.0.0.1:$CLUSTER_ETCD_PORT" 60 etcd etcd_healthy
  log "starting kube-apiserver on https://127.0.0.1:$CLUSTER_API_PORT ..."
  start_apiserver
  wait_until "containerd on $CTR_SOCK" 60 containerd containerd_up
  import_image "$PAUSE_IMAGE" "$K8S_IMAGES/pause.tar"
  import_image "$PROBE_IMAGE" "$(probe_archive)"
  wait_until "kube-apiserver /readyz" 120 kube-apiserver api_ready
  log "starting kube-controller-manager, kube-scheduler and kubelet ..."
  start_controller_manager
  start_scheduler
  since="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  start_kubelet
  wait_until "node $NODE_NAME to register" "$START_TIMEOUT" kubelet node_registered
  node_address_patched || patch_node_address
  wait_until "node $NODE_NAME Ready" "$START_TIMEOUT" kubelet node_ready_since "$since"
  node_address_patched || patch_node_address
  wait_until "the default ServiceAccount" 60 kube-controller-manager default_service_account
  log "cluster up in $((SECONDS - started)) s (about $(cluster_memory_mb) MB resident); kubeconfig: $KUBECONFIG_FILE"
  log "for your shell: eval \"\$($0 env)\""
}

do_start() {
  check_ports "${PORT_VARS[@]}"
  if ! binaries_cached || [[ ! -s "$K8S_IMAGES/pause.tar" || ! -s "$(probe_archive)" ]]; then
    log "the cluster is not installed yet: running install first"
    do_install
  fi
  ensure_debian_packages "${DEBIAN_PACKAGES[@]}"
  with_lock cluster start_locked
}
