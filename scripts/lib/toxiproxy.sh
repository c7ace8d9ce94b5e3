# shellcheck shell=bash
# Sourced by scripts/chaos: Toxiproxy (a TCP fault proxy) built once per version from the Go
# module proxy with `go install`, and kept in the user's cache.

TOXIPROXY_VERSION="${TOXIPROXY_VERSION:-v2.12.0}"

toxiproxy_cache_dir() {
  printf '%s/toxiproxy-%s\n' "${UDACONNECT_CACHE_DIR:-$HOME/.cache/udaconnect}" "$TOXIPROXY_VERSION"
}

# Prints the path of toxiproxy-server, building it first when the cache has none.
ensure_toxiproxy() {
  local dir bin build
  dir="$(toxiproxy_cache_dir)"
  bin="$dir/bin/toxiproxy-server"
  if [[ -x "$bin" ]]; then
    printf '%s\n' "$bin"
    return 0
  fi
  command -v go >/dev/null 2>&1 \
    || die "Toxiproxy is built with Go, which is not installed: install Go 1.23 or newer (https://go.dev/dl), then run this again."
  say "building Toxiproxy $TOXIPROXY_VERSION from the Go module proxy (once; cached in $dir)"
  mkdir -p -- "$dir"
  build="$(mktemp -d "$dir/build.XXXXXX")"
  # A folder swapped in whole: an interrupted build never looks complete.
  if ! GOBIN="$build/bin" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install -trimpath -ldflags "-s -w" \
      "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" >"$build/go.log" 2>&1; then
    tail -n 20 "$build/go.log" >&2
    rm -rf -- "$build"
    die "go install of Toxiproxy $TOXIPROXY_VERSION failed (see above): check that the Go module proxy ($(go env GOPROXY)) is reachable, then run this again."
  fi
  mv -- "$build/bin/server" "$build/bin/toxiproxy-server"
  rm -rf -- "$dir/bin"
  mv -- "$build/bin" "$dir/bin"
  rm -rf -- "$build"
  printf '%s\n' "$bin"
}
