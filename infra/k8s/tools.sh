# shellcheck shell=bash
# The static checks' tools and schemas, built or downloaded once per machine into
# ${UDACONNECT_CACHE_DIR:-~/.cache/udaconnect}/<name>-<version>/. Sourced by check.sh, which
# defines say and die; every function prints a path on stdout.

KUSTOMIZE_VERSION=v5.8.1
KUBECONFORM_VERSION=v0.7.0
K8S_SCHEMA_WHEEL_VERSION=1.37.0
# The Kubernetes version the manifests are validated against (the local cluster's minor).
K8S_SCHEMA_VERSION=v1.34.0
STRIMZI_VERSION=1.2.0
CACHE="${UDACONNECT_CACHE_DIR:-$HOME/.cache/udaconnect}"
JAVA_HOME_21="${STRIMZI_JAVA_HOME:-}"

apt_install() {
  [[ "$(id -u)" == 0 ]] || die "missing $*: install the Debian packages $* (as root: apt-get install $*), then run this again."
  say "installing $* (apt-get)"
  if ! { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; }; then
    die "apt-get install $* failed (see above)."
  fi
}

# Serialises the build of one cache entry between concurrent runs (e.g. two test projects).
# Called inside $(...), so the lock goes when that subshell ends.
cache_lock() {
  local lock_fd
  mkdir -p "$CACHE"
  exec {lock_fd}>"$CACHE/.$1.lock"
  flock "$lock_fd"
}

require_go() {
  command -v go >/dev/null 2>&1 || [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.24+ (https://go.dev/dl or apt-get install golang), then run this again."
}

# go install into the cache, keyed by version; a second run finds the binary.
go_tool() {
  local name="$1" module="$2" version="$3" dir="$CACHE/$1-$3"
  [[ -x "$dir/bin/$name" ]] || cache_lock "$1-$3"
  if [[ ! -x "$dir/bin/$name" ]]; then
    require_go
    say "building $name $version (go install $module@$version; once per machine)"
    mkdir -p "$dir/bin"
    GOBIN="$dir/bin" GOFLAGS=-mod=mod go install "$module@$version" >&2 || die "go install $module@$version failed (is the Go module proxy reachable?)."
  fi
  printf '%s\n' "$dir/bin/$name"
}

kustomize_bin() { go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"; }
kubeconform_bin() { go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"; }

python_with_yaml() {
  local python
  for python in python3 /usr/bin/python3; do
    if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import yaml' 2>/dev/null; then
      printf '%s\n' "$python"
      return
    fi
  done
  apt_install python3 python3-yaml
  printf '%s\n' /usr/bin/python3
}

# The kubernetes-validate wheel ships JSON schemas per Kubernetes version whose $refs point at
# an absolute "/api/_definitions.json"; kubeconform resolves them relative to the file once
# each "$id" is dropped and the refs are made relative.
k8s_schemas_dir() {
  local dir="$CACHE/kubernetes-json-schema-$K8S_SCHEMA_WHEEL_VERSION"
  local schemas="$dir/$K8S_SCHEMA_VERSION-local-strict"
  [[ -f "$dir/.complete" ]] || cache_lock "kubernetes-json-schema-$K8S_SCHEMA_WHEEL_VERSION"
  if [[ ! -f "$dir/.complete" ]]; then
    local python
    python="$(python_with_yaml)"
    "$python" -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    say "downloading the Kubernetes JSON schemas (PyPI kubernetes-validate==$K8S_SCHEMA_WHEEL_VERSION; once per machine)"
    rm -rf "$dir" && mkdir -p "$dir/wheel"
    "$python" -m pip download --quiet --no-deps --dest "$dir/wheel" "kubernetes-validate==$K8S_SCHEMA_WHEEL_VERSION" >&2 \
      || die "pip could not download kubernetes-validate==$K8S_SCHEMA_WHEEL_VERSION: check that PyPI is reachable."
    "$python" - "$dir/wheel"/*.whl "$K8S_SCHEMA_VERSION" "$dir" <<'PY' || die "could not unpack the Kubernetes schemas from the wheel."
import json, sys, zipfile
from pathlib import Path

wheel, version, target = sys.argv[1], sys.argv[2], Path(sys.argv[3])
prefix = f"kubernetes_validate/kubernetes-json-schema/{version}-local-strict/"

def relative_refs(node):
    if isinstance(node, dict):
        node.pop("$id", None)
        return {k: (v.replace("/api/_definitions.json#", "_definitions.json#") if k == "$ref" and isinstance(v, str) else relative_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [relative_refs(v) for v in node]
    return node

out = target / f"{version}-local-strict"
out.mkdir(parents=True, exist_ok=True)
count = 0
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(prefix) and name.endswith(".json"):
            schema = relative_refs(json.loads(archive.read(name)))
            (out / name[len(prefix):]).write_text(json.dumps(schema))
            count += 1
if count == 0:
    sys.exit(f"no schemas under {prefix} in {wheel}")
PY
    rm -rf "$dir/wheel"
    touch "$dir/.complete"
  fi
  printf '%s\n' "$schemas"
}

java_21() {
  local candidate
  for candidate in "$JAVA_HOME_21" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] || continue
    local major
    major="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')"
    if [[ "${major%%.*}" =~ ^[0-9]+$ ]] && (( ${major%%.*} >= 21 )); then
      printf '%s\n' "$candidate/bin/java"
      return
    fi
  done
  # Debian 12 packages only Java 17.
  die "Strimzi's CRD generator needs Java 21 or newer (none in /usr/lib/jvm): install one (e.g. Temurin 21) and set STRIMZI_JAVA_HOME to it."
}

# Strimzi publishes its API model and CRD generator on Maven Central (not the operator):
# the CRDs are generated from them the way api-$STRIMZI_VERSION.pom does.
STRIMZI_KINDS=(
  kafka.Kafka:040-Crd-kafka
  podset.StrimziPodSet:042-Crd-strimzipodset
  topic.KafkaTopic:043-Crd-kafkatopic
  user.KafkaUser:044-Crd-kafkauser
  nodepool.KafkaNodePool:045-Crd-kafkanodepool
)

strimzi_dir() {
  local dir="$CACHE/strimzi-crds-$STRIMZI_VERSION"
  [[ -f "$dir/.complete" ]] || cache_lock "strimzi-crds-$STRIMZI_VERSION"
  if [[ ! -f "$dir/.complete" ]]; then
    command -v mvn >/dev/null 2>&1 || apt_install maven
    local java python kubeconform_src
    java="$(java_21)"
    python="$(python_with_yaml)"
    say "generating the Strimzi $STRIMZI_VERSION CRDs (Maven Central io.strimzi:api + crd-generator; once per machine)"
    rm -rf "$dir" && mkdir -p "$dir/lib" "$dir/crds" "$dir/schemas"
    cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>udaconnect</groupId>
  <artifactId>strimzi-crds</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.strimzi</groupId>
      <artifactId>api</artifactId>
      <version>$STRIMZI_VERSION</version>
      <exclusions><exclusion><groupId>io.strimzi</groupId><artifactId>test</artifactId></exclusion></exclusions>
    </dependency>
    <dependency>
      <groupId>io.strimzi</groupId>
      <artifactId>crd-generator</artifactId>
      <version>$STRIMZI_VERSION</version>
      <exclusions><exclusion><groupId>io.strimzi</groupId><artifactId>test</artifactId></exclusion></exclusions>
    </dependency>
  </dependencies>
</project>
EOF
    mvn -q -f "$dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime >&2 \
      || die "Maven could not fetch io.strimzi:api:$STRIMZI_VERSION (is Maven Central reachable?)."
    local args=() kind
    for kind in "${STRIMZI_KINDS[@]}"; do
      args+=("io.strimzi.api.kafka.model.${kind%%:*}=$dir/crds/${kind##*:}.yaml")
    done
    "$java" -cp "$dir/lib/*" io.strimzi.crdgenerator.CrdGenerator \
      --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
      --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml "${args[@]}" >&2 \
      || die "Strimzi's CrdGenerator failed (see above)."
    require_go
    kubeconform_src="$(GOFLAGS=-mod=mod go mod download -json "github.com/yannh/kubeconform@$KUBECONFORM_VERSION" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')" \
      || die "could not download the kubeconform module (for openapi2jsonschema.py)."
    (cd "$dir/schemas" && FILENAME_FORMAT='{kind}_{version}' "$python" "$kubeconform_src/scripts/openapi2jsonschema.py" "$dir"/crds/*.yaml >&2) \
      || die "openapi2jsonschema.py could not convert the Strimzi CRDs."
    rm -rf "${dir:?}/lib"
    touch "$dir/.complete"
  fi
  printf '%s\n' "$dir"
}

crds_dir() { printf '%s\n' "$(strimzi_dir)/crds"; }
