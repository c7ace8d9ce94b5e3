# shellcheck shell=bash
# Sourced by cluster.sh: certificates, kubeconfigs and the configuration files of containerd,
# the CNI network and the kubelet. Certificates are made once per state dir; the config files
# are written on every start (they hold paths and ports).

# A CA and the certificates signed by it, all ECDSA P-256 (RSA keys take seconds each on a
# busy machine); the cluster is throwaway, so the CA key sits beside
# them (the controller-manager signs CSRs with it).
openssl_quiet() { openssl "$@" 2>/dev/null; }

sign_cert() {
  local name="$1" subject="$2" usage="$3" sans="${4:-}" ext
  ext="$PKI/$name.ext"
  {
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n'
    printf 'extendedKeyUsage=%s\n' "$usage"
    [[ -n "$sans" ]] && printf 'subjectAltName=%s\n' "$sans"
  } >"$ext"
  openssl_quiet req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr"
  openssl_quiet x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt"
  rm -f "$PKI/$name.csr" "$ext"
}

b64() { base64 -w0 <"$1"; }

write_kubeconfig() {
  local file="$1" user="$2"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: udaconnect-local
  cluster:
    server: https://127.0.0.1:$CLUSTER_API_PORT
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(b64 "$PKI/$user.crt")
    client-key-data: $(b64 "$PKI/$user.key")
contexts:
- name: udaconnect-local
  context:
    cluster: udaconnect-local
    user: $user
current-context: udaconnect-local
EOF
  chmod 0600 "$file"
}

cert_once() { [[ -s "$PKI/$1.crt" ]] || sign_cert "$@"; }

# Made once per state dir; a certificate added by a later version of this script is made on
# the next start.
ensure_pki() {
  if [[ ! -s "$PKI/ca.crt" || ! -s "$PKI/ca.key" ]]; then
    log "creating the cluster's certificates in $PKI"
    rm -rf "$PKI"
    mkdir -p "$PKI"
    chmod 0700 "$PKI"
    openssl_quiet req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -sha256 -subj "/CN=udaconnect-local-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -keyout "$PKI/ca.key" -out "$PKI/ca.crt" || die "openssl could not create the CA in $PKI; is openssl installed?"
  fi
  cert_once apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1,IP:$SERVICE_API_IP,DNS:localhost,DNS:$NODE_NAME,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert_once apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  cert_once front-proxy-client "/CN=front-proxy-client" clientAuth
  cert_once admin "/O=system:masters/CN=kubernetes-admin" clientAuth
  cert_once controller-manager "/CN=system:kube-controller-manager" clientAuth
  cert_once scheduler "/CN=system:kube-scheduler" clientAuth
  cert_once kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
  if [[ ! -s "$PKI/sa.pub" ]]; then
    openssl_quiet ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key"
    openssl_quiet ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
  fi
}

write_kubeconfigs() {
  write_kubeconfig "$CONF_DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$CONF_DIR/scheduler.kubeconfig" scheduler
  write_kubeconfig "$CONF_DIR/kubelet.kubeconfig" kubelet
  write_kubeconfig "$KUBECONFIG_FILE" admin
}

# restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, and without it every sandbox fails
# with "can't get final child's PID from pipe: EOF". SystemdCgroup=false: there is no systemd.
write_containerd_config() {
  cat >"$CONF_DIR/containerd.toml" <<EOF
version = 2
root = "$CTR_ROOT"
state = "$CTR_STATE"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "$CTR_SOCK"

[ttrpc]
  address = "$CTR_SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$CS/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$CNI_CONF_DIR"
EOF
}

# Only so that the node reports NetworkReady: pods are meant to use hostNetwork. A pod without
# it still gets an address on the bridge (no masquerading, no kube-proxy).
write_cni_config() {
  cat >"$CNI_CONF_DIR/10-$CNI_NETWORK.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$CNI_DATA_DIR",
        "ranges": [[{ "subnet": "$POD_SUBNET" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    }
  ]
}
EOF
}

# Thresholds are relaxed so that a busy shared disk neither evicts pods nor deletes the
# images imported by hand (there is no registry to pull them again from).
write_kubelet_config() {
  cat >"$CONF_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $CLUSTER_KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $CLUSTER_KUBELET_HEALTHZ_PORT
containerRuntimeEndpoint: unix://$CTR_SOCK
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
failSwapOn: false
failCgroupV1: false
podLogsDir: $POD_LOGS
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
EOF
}

write_configs() {
  mkdir -p "$CONF_DIR" "$RUN_DIR" "$LOG_DIR" "$CNI_CONF_DIR" "$CNI_DATA_DIR" "$POD_LOGS" "$KUBELET_ROOT"
  ensure_pki
  write_kubeconfigs
  write_containerd_config
  write_cni_config
  write_kubelet_config
}
