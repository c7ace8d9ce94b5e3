#!/usr/bin/env bash
# Static checks of the Kubernetes manifests, with no network once the tools are cached:
# every overlay through `kustomize build` and `kubeconform -strict` against local schemas
# (Kubernetes from the kubernetes-validate wheel, Strimzi generated from its Maven jars),
# the generated KafkaTopic resources current, and `vagrant validate` of the Vagrantfile.
# See --help.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=tools.sh
source "$here/tools.sh"

USAGE="usage: infra/k8s/check.sh [COMMAND]

Static checks of infra/k8s (no network once the tools are cached in $CACHE).

Commands:
  all (default)       every check below except self-test
  manifests [DIR]     kustomize build of every overlay under DIR/overlays (default infra/k8s)
                      piped through kubeconform -strict with the local schemas
  topics              the generated KafkaTopic YAML matches schemas/src/topics.ts
  vagrant             vagrant validate --ignore-provider of the Vagrantfile
  build OVERLAY       prints the manifests of one overlay (kustomize build; needs its secrets)
  tools               installs the tools and schemas into the cache, prints where they are
  crds-dir            prints the folder of the Strimzi CRD YAML files (installs it first)
  self-test           a copy of infra/k8s with a broken manifest must fail the check

Exit codes: 0 all good; 1 a check failed; 2 usage error."

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'check.sh: %s\n' "$*" >&2; exit 1; }


overlays_of() {
  local root="$1" overlay
  for overlay in "$root"/overlays/*/; do
    if [[ -f "$overlay/kustomization.yaml" ]]; then basename "$overlay"; fi
  done
}

build_overlay() {
  local root="$1" overlay="$2"
  [[ -f "$root/overlays/$overlay/secrets/.generated" ]] \
    || die "overlays/$overlay has no secrets yet: run infra/k8s/make-secrets.sh $overlay first."
  "$(kustomize_bin)" build "$root/overlays/$overlay"
}

# One kubeconform run over every overlay's output (a file per overlay, named in its messages):
# it compiles each schema once, which is most of its time.
check_manifests() {
  local root="${1:-$here}" kustomize kubeconform k8s strimzi failed=0 overlay overlays rendered
  root="$(cd "$root" && pwd)"
  kustomize="$(kustomize_bin)"
  kubeconform="$(kubeconform_bin)"
  k8s="$(k8s_schemas_dir)"
  strimzi="$(strimzi_dir)/schemas"
  overlays="$(overlays_of "$root")"
  [[ -n "$overlays" ]] || die "no overlays under $root/overlays"
  rendered="$(mktemp -d)"
  # A copy with placeholder secrets of the same shape: the check needs no real secrets, and
  # never leaves placeholders where kubectl apply -k could deploy them.
  cp -r "$root" "$rendered/k8s" && rm -rf "$rendered"/k8s/overlays/*/secrets
  for overlay in $overlays; do
    say "kustomize build overlays/$overlay"
    "$here/make-secrets.sh" --placeholder --k8s-dir "$rendered/k8s" "$overlay" 2>/dev/null
    if ! "$kustomize" build "$rendered/k8s/overlays/$overlay" >"$rendered/overlays-$overlay.yaml"; then
      printf 'check.sh: kustomize build overlays/%s failed (see above)\n' "$overlay" >&2
      rm -f "$rendered/overlays-$overlay.yaml"
      failed=1
    fi
  done
  say "kubeconform -strict (Kubernetes $K8S_SCHEMA_VERSION, Strimzi $STRIMZI_VERSION schemas)"
  if compgen -G "$rendered/*.yaml" >/dev/null && ! (cd "$rendered" && "$kubeconform" -strict -summary -output text \
    -schema-location "$k8s/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -schema-location "$strimzi/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" ./*.yaml >&2); then
    printf 'check.sh: the manifests do not validate (see above): fix what kubeconform names (overlays-<overlay>.yaml tells which overlay).\n' >&2
    failed=1
  fi
  rm -rf "$rendered"
  return "$failed"
}

check_topics() {
  say "KafkaTopic resources current with schemas/src/topics.ts"
  "$repo/scripts/generate-k8s-topics" --check
}

check_vagrant() {
  command -v vagrant >/dev/null 2>&1 || apt_install vagrant
  say "vagrant validate --ignore-provider"
  local dotfiles status=0
  # Its state folder (.vagrant) in a temporary place: validating leaves nothing behind.
  dotfiles="$(mktemp -d)"
  (cd "$repo" && VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_DOTFILE_PATH="$dotfiles" vagrant validate --ignore-provider >&2) || status=$?
  rm -rf "$dotfiles"
  [[ "$status" == 0 ]] || die "the Vagrantfile does not validate (see above)."
}

# A copy of infra/k8s whose base Deployment carries an unknown field must fail the check,
# and the unbroken copy must pass: the check can fail, and fails for the right reason.
self_test() {
  local tmp status=0
  tmp="$(mktemp -d)"
  cp -r "$here" "$tmp/k8s" && rm -rf "$tmp"/k8s/overlays/*/secrets
  if ! check_manifests "$tmp/k8s"; then
    printf 'check.sh: self-test: the unbroken copy failed\n' >&2
    status=1
  else
    sed -i 's/^  replicas: 1$/  replicas: 1\n  replicaz: 1/' "$tmp/k8s/base/query-api.yaml"
    if check_manifests "$tmp/k8s"; then
      printf 'check.sh: self-test: a Deployment with an unknown field passed the check\n' >&2
      status=1
    else
      say "self-test: the broken copy failed, as it must"
    fi
  fi
  rm -rf "$tmp"
  return "$status"
}

main() {
  local command="${1:-all}"
  case "$command" in
    -h | --help) printf '%s\n' "$USAGE"; return 0 ;;
    all) [[ $# -le 1 ]] || usage_error "all takes no arguments"
      local status=0
      check_manifests "$here" || status=1
      check_topics || status=1
      check_vagrant || status=1
      [[ "$status" == 0 ]] && say "all checks passed"
      return "$status" ;;
    manifests) [[ $# -le 2 ]] || usage_error "manifests takes at most one DIR"
      check_manifests "${2:-$here}" ;;
    topics) check_topics ;;
    vagrant) check_vagrant ;;
    build) [[ $# -eq 2 && -d "$here/overlays/${2:-}" ]] || usage_error "build takes one overlay: $(overlays_of "$here" | tr '\n' ' ')"
      build_overlay "$here" "$2" ;;
    tools)
      printf 'kustomize=%s\nkubeconform=%s\nkubernetes_schemas=%s\nstrimzi_schemas=%s/schemas\nstrimzi_crds=%s\n' \
        "$(kustomize_bin)" "$(kubeconform_bin)" "$(k8s_schemas_dir)" "$(strimzi_dir)" "$(crds_dir)" ;;
    crds-dir) crds_dir ;;
    self-test) self_test ;;
    *) usage_error "unknown command or flag: $command" ;;
  esac
}

usage_error() {
  printf 'check.sh: %s (see --help)\n' "$1" >&2
  exit 2
}

main "$@"
