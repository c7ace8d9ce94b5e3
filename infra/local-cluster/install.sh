# shellcheck shell=bash
# Sourced by cluster.sh: `install` — Debian packages, the Kubernetes binaries built from the Go
# module proxy, and the pause and probe images as docker archives. All cached per version.

# Kubernetes 1.34 needs Go >= 1.24. A machine without Go gets the toolchain from the Go module
# proxy (golang.org/toolchain), cached like the rest.
GO_FALLBACK_VERSION=1.25.14

# Go >= 1.21 fetches the toolchain a module asks for by itself (GOTOOLCHAIN=auto); an older
# one (Debian 12's golang is 1.19) is passed over.
find_go() {
  local go version
  for go in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go "$CACHE_ROOT/go-$GO_FALLBACK_VERSION/bin/go"; do
    [[ -n "$go" && -x "$go" ]] || continue
    version="$("$go" env GOVERSION 2>/dev/null)" || continue
    version="${version#go1.}"
    (( ${version%%.*} >= 21 )) 2>/dev/null && { printf '%s' "$go"; return 0; }
  done
  return 1
}

ensure_go() {
  GO="$(find_go)" && return 0
  local dir="$CACHE_ROOT/go-$GO_FALLBACK_VERSION" zip tmp mod
  mod="golang.org/toolchain/@v/v0.0.1-go$GO_FALLBACK_VERSION.linux-$(dpkg --print-architecture)"
  log "no Go found: fetching go$GO_FALLBACK_VERSION from the Go module proxy into $dir"
  tmp="$(mktemp -d "$CACHE_ROOT/.go-XXXXXX")"
  zip="$tmp/go.zip"
  curl -fsSL --retry 3 -o "$zip" "${GOPROXY_URL:-https://proxy.golang.org}/$mod.zip" \
    || die "could not download $mod.zip; check access to proxy.golang.org (or install Go >= 1.24) and run '$0 install' again."
  unzip -q "$zip" -d "$tmp/x"
  mv "$tmp/x/golang.org/toolchain@v0.0.1-go$GO_FALLBACK_VERSION.linux-$(dpkg --print-architecture)" "$dir"
  rm -rf "$tmp"
  GO="$dir/bin/go"
}

binaries_cached() {
  local bin
  for bin in "${K8S_BINARIES[@]}"; do [[ -x "$K8S_BIN/$bin" ]] || return 1; done
  [[ -f "$K8S_BIN/.complete" ]]
}

# The wrapper module: `go install k8s.io/kubernetes/...` is refused because of its ./staging
# replaces, so a module of our own requires it and pins every staging module to v0.X.Y.
write_wrapper_module() {
  local dir="$1" modfile
  printf 'module kbuild\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes v%s\n' "$K8S_VERSION" >"$dir/go.mod"
  modfile="$("$GO" env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.mod"
  grep -E '=> ./staging' "$modfile" \
    | awk -v v="0.${K8S_VERSION#1.}" '{print "replace " $1 " => " $1 " v" v}' >>"$dir/go.mod"
  {
    printf '//go:build tools\n\npackage kbuild\n\nimport (\n'
    local bin
    for bin in "${K8S_BINARIES[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$bin"; done
    printf ')\n'
  } >"$dir/tools.go"
}

# Runs a Go step in the wrapper module, its output in build.log; shows the log's end on failure.
go_step() {
  local what="$1"; shift
  (cd "$K8S_CACHE/build" && GOFLAGS=-mod=mod "$@") >>"$K8S_CACHE/build.log" 2>&1 && return 0
  show_log_tail 40 "$K8S_CACHE/build.log"
  die "$what failed (log: $K8S_CACHE/build.log); check access to the Go module proxy ($("$GO" env GOPROXY)) and run '$0 install' again: it resumes from the Go caches."
}

build_kubernetes() {
  local started=$SECONDS minor pkgs=() bin
  ensure_go
  log "building Kubernetes v$K8S_VERSION (${K8S_BINARIES[*]}) with $("$GO" version | cut -d' ' -f3) from the Go module proxy: about 8 min on 2 idle cores from cold Go caches; log: $K8S_CACHE/build.log"
  mkdir -p "$K8S_CACHE/build"
  : >"$K8S_CACHE/build.log"
  go_step "go mod download k8s.io/kubernetes@v$K8S_VERSION" "$GO" mod download "k8s.io/kubernetes@v$K8S_VERSION"
  write_wrapper_module "$K8S_CACHE/build"
  go_step "go mod tidy of the wrapper module" "$GO" mod tidy
  minor="${K8S_VERSION#1.}"; minor="${minor%%.*}"
  for bin in "${K8S_BINARIES[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$bin"); done
  rm -rf "$K8S_CACHE/build/bin"
  go_step "go build of the Kubernetes binaries" "$GO" build -trimpath -o bin/ -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
      -X k8s.io/component-base/version.gitTreeState=clean \
      -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION" "${pkgs[@]}"
  rm -rf "$K8S_BIN"
  mv "$K8S_CACHE/build/bin" "$K8S_BIN"
  touch "$K8S_BIN/.complete"
  log "built Kubernetes v$K8S_VERSION in $((SECONDS - started)) s into $K8S_BIN"
}

# Entries named without a leading ./, as docker and podman write them.
reproducible_tar() {
  local dir="$1" out="$2" entries=()
  mapfile -t entries < <(cd "$dir" && ls -A)
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir" -cf "$out" -- "${entries[@]}"
}

# A docker-archive (what `ctr images import` and `podman load` read) holding one static binary:
# a single layer, no registry, no podman.
image_archive_from_binary() {
  local binary="$1" entry="$2" ref="$3" user="$4" out="$5"
  local tmp layer_sha config config_sha arch
  tmp="$(mktemp -d)"
  mkdir -p "$tmp/rootfs" "$tmp/archive"
  install -m 0755 "$binary" "$tmp/rootfs/$entry"
  reproducible_tar "$tmp/rootfs" "$tmp/layer.tar"
  layer_sha="$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
  mkdir "$tmp/archive/$layer_sha"
  mv "$tmp/layer.tar" "$tmp/archive/$layer_sha/layer.tar"
  arch="$(dpkg --print-architecture)"
  config="$(printf '{"architecture":"%s","os":"linux","config":{"User":"%s","Entrypoint":["/%s"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"infra/local-cluster/cluster.sh install"}]}' \
    "$arch" "$user" "$entry" "$layer_sha")"
  config_sha="$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  printf '%s' "$config" >"$tmp/archive/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_sha" "$ref" "$layer_sha" \
    >"$tmp/archive/manifest.json"
  reproducible_tar "$tmp/archive" "$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$tmp"
}

# pause.c of this very Kubernetes version, from its module zip (the official pause image is
# built from it the same way).
build_pause_image() {
  local out="$K8S_IMAGES/pause.tar" src tmp
  [[ -s "$out" ]] && return 0
  ensure_go
  src="$("$GO" env GOMODCACHE)/k8s.io/kubernetes@v$K8S_VERSION/build/pause/linux/pause.c"
  [[ -f "$src" ]] || (cd "$K8S_CACHE" && "$GO" mod download "k8s.io/kubernetes@v$K8S_VERSION") \
    || die "could not fetch k8s.io/kubernetes@v$K8S_VERSION for pause.c; check access to the Go module proxy."
  tmp="$(mktemp -d)"
  gcc -Os -static -Wall -DVERSION="v$PAUSE_TAG" -o "$tmp/pause" "$src" \
    || die "gcc could not build $src statically; is libc6-dev installed?"
  mkdir -p "$K8S_IMAGES"
  image_archive_from_binary "$tmp/pause" pause "$PAUSE_IMAGE" 65535:65535 "$out"
  rm -rf "$tmp"
  log "built the pause image $PAUSE_IMAGE ($out)"
}

probe_archive() {
  printf '%s/probe-%s.tar' "$K8S_IMAGES" "$(sha256sum "$CLUSTER_SRC_DIR/probe.c" | cut -c1-12)"
}

build_probe_image() {
  local out tmp
  out="$(probe_archive)"
  [[ -s "$out" ]] && return 0
  tmp="$(mktemp -d)"
  gcc -Os -static -Wall -o "$tmp/probe" "$CLUSTER_SRC_DIR/probe.c" \
    || die "gcc could not build probe.c statically; is libc6-dev installed?"
  mkdir -p "$K8S_IMAGES"
  image_archive_from_binary "$tmp/probe" probe "$PROBE_IMAGE" 65534:65534 "$out"
  rm -rf "$tmp"
  log "built the probe image $PROBE_IMAGE ($out)"
}

do_install() {
  local started=$SECONDS
  ensure_debian_packages "${DEBIAN_PACKAGES[@]}"
  mkdir -p "$K8S_CACHE"
  exec {CACHE_LOCK}>"$K8S_CACHE/.lock"
  if ! flock -n "$CACHE_LOCK"; then
    log "another install holds $K8S_CACHE/.lock; waiting for it (up to 30 min)"
    flock -w 1800 "$CACHE_LOCK" || die "timed out waiting for $K8S_CACHE/.lock; check for a hung install (ps -ef | grep 'go build')."
  fi
  if binaries_cached; then
    log "Kubernetes v$K8S_VERSION binaries cached in $K8S_BIN"
  else
    build_kubernetes
  fi
  build_pause_image
  build_probe_image
  exec {CACHE_LOCK}>&-
  log "installed in $((SECONDS - started)) s"
}
