#!/usr/bin/env bash
# Builds the fake projector image (fake-projector.c as /bin/node, FROM scratch) as a docker
# archive, cached by the source's hash, and imports it into the local cluster's containerd.
# Prints the image reference. usage: ops/test/fake-projector/image.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
hash="$(sha256sum "$here/fake-projector.c" "$here/image.sh" | sha256sum | cut -c1-12)"
ref="localhost/udaconnect/fake-projector:$hash"
cache="${UDACONNECT_CACHE_DIR:-$HOME/.cache/udaconnect}/ops-fake-projector-$hash"
archive="$cache/image.tar"

if [[ ! -s "$archive" ]]; then
  command -v gcc >/dev/null || { echo "image.sh: gcc is missing: apt-get install gcc libc6-dev" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/rootfs/bin" "$tmp/archive"
  gcc -Os -static -Wall -o "$tmp/rootfs/bin/node" "$here/fake-projector.c"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/rootfs" -cf "$tmp/layer.tar" bin
  layer="$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
  mkdir "$tmp/archive/$layer"
  mv "$tmp/layer.tar" "$tmp/archive/$layer/layer.tar"
  config="$(printf '{"architecture":"%s","os":"linux","config":{"User":"10001:10001","Env":["PATH=/bin"],"Entrypoint":["/bin/node"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$(dpkg --print-architecture)" "$layer")"
  config_sha="$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  printf '%s' "$config" >"$tmp/archive/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_sha" "$ref" "$layer" >"$tmp/archive/manifest.json"
  mkdir -p "$cache"
  # Entries without a leading ./, as docker and podman write them (ctr import wants that).
  mapfile -t entries < <(cd "$tmp/archive" && ls -A)
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/archive" -cf "$archive.tmp" -- "${entries[@]}"
  mv "$archive.tmp" "$archive"
fi
bash "$repo/infra/local-cluster/cluster.sh" load-image "$archive" >&2
echo "$ref"
