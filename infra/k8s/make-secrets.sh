#!/usr/bin/env bash
# Writes the secret inputs of one overlay into infra/k8s/overlays/<overlay>/secrets/ (ignored
# by git), which the overlay's secretGenerator reads; see --help.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

USAGE="usage: infra/k8s/make-secrets.sh [--force] [--placeholder] [--k8s-dir DIR] OVERLAY

Writes the secrets of an overlay (k3s, production, local) into
infra/k8s/overlays/OVERLAY/secrets/, which git ignores and 'kubectl apply -k' reads:

  postgres.env      POSTGRES_USER/PASSWORD/DB (the owner of the read models),
                    READER_USER/PASSWORD (query-api's read-only role) and
                    KEYSTORE_USER/PASSWORD (ingest's role on schema keystore only); random passwords
  jwks.json         the public key set that ingest and query-api verify tokens with
  seed-token        an operator token for the seed-data Job (re-minted at every run, 7 days)
  master-keys.json  the crypto-shredding master keys (docs/erasure.md), a copy of
                    .local/k8s/OVERLAY/master-keys.json, made there once with
                    scripts/rotate-master-key new-file when it is missing

The signing key stays outside the cluster, in .local/k8s/OVERLAY/signing-key.jwk.json:
mint tokens for this deployment with
  scripts/mint-token --key-file .local/k8s/OVERLAY/signing-key.jwk.json --role analyst --subject NAME

Existing passwords and keys are kept (a running PostGIS keeps the password it was created
with); --force makes new ones. The master keys are never replaced, not even by --force: every
person's data key is wrapped with them, so a new file would erase everyone. Rotate them with
scripts/rotate-master-key add-key --file .local/k8s/OVERLAY/master-keys.json, then run this
script again and apply (docs/erasure.md, Rotation).

  --force         new passwords and a new signing key (the master keys stay)
  --placeholder   fixed placeholder values, no key (for static checks of a clean clone only)
  --k8s-dir DIR   the manifests' folder (default: infra/k8s beside this script)

Exit codes: 0 written; 1 failed; 2 usage error."

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'make-secrets: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'make-secrets: %s (see --help)\n' "$1" >&2; exit 2; }

force=0 placeholder=0 k8s_dir="$here" overlay=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) printf '%s\n' "$USAGE"; exit 0 ;;
    --force) force=1 ;;
    --placeholder) placeholder=1 ;;
    --k8s-dir) [[ $# -ge 2 ]] || usage_error "--k8s-dir needs a folder"; k8s_dir="$2"; shift ;;
    -*) usage_error "unknown flag $1" ;;
    *) [[ -z "$overlay" ]] || usage_error "one overlay only, got $overlay and $1"; overlay="$1" ;;
  esac
  shift
done
[[ -n "$overlay" ]] || usage_error "which overlay? one of: $(cd "$k8s_dir/overlays" && printf '%s ' */ | tr -d /)"
[[ -f "$k8s_dir/overlays/$overlay/kustomization.yaml" ]] || usage_error "no overlay '$overlay' in $k8s_dir/overlays"

secrets="$k8s_dir/overlays/$overlay/secrets"
mkdir -p "$secrets"
chmod 0700 "$secrets"
umask 077

if [[ "$placeholder" == 1 ]]; then
  [[ -f "$secrets/.generated" ]] && die "$secrets holds real secrets; --placeholder would overwrite them."
  printf 'POSTGRES_USER=udaconnect\nPOSTGRES_PASSWORD=placeholder\nPOSTGRES_DB=udaconnect\nREADER_USER=udaconnect_reader\nREADER_PASSWORD=placeholder\nKEYSTORE_USER=udaconnect_keystore\nKEYSTORE_PASSWORD=placeholder\n' >"$secrets/postgres.env"
  printf '{"keys":[]}\n' >"$secrets/jwks.json"
  # No key at all: ingest and the projector refuse to start with it.
  printf '{"active":"placeholder","keys":{}}\n' >"$secrets/master-keys.json"
  printf 'placeholder' >"$secrets/seed-token"
  touch "$secrets/.placeholder"
  say "wrote placeholder secrets to $secrets (never deploy them: run make-secrets.sh $overlay)"
  exit 0
fi

random_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

keys="$repo/.local/k8s/$overlay"
if [[ "$force" == 1 || ! -f "$secrets/.generated" ]]; then
  say "new database passwords for overlay $overlay"
  # Hex only: the services build DATABASE_URL from these without URL-encoding.
  printf 'POSTGRES_USER=udaconnect\nPOSTGRES_PASSWORD=%s\nPOSTGRES_DB=udaconnect\nREADER_USER=udaconnect_reader\nREADER_PASSWORD=%s\nKEYSTORE_USER=udaconnect_keystore\nKEYSTORE_PASSWORD=%s\n' \
    "$(random_password)" "$(random_password)" "$(random_password)" >"$secrets/postgres.env"
  [[ "$force" == 1 ]] && rm -f "$keys/signing-key.jwk.json" "$keys/jwks.json"
elif ! grep -q '^KEYSTORE_PASSWORD=' "$secrets/postgres.env"; then
  # Secrets made before crypto-shredding: add ingest's key store role, keep the rest.
  say "a password for the key store role (udaconnect_keystore) of overlay $overlay"
  printf 'KEYSTORE_USER=udaconnect_keystore\nKEYSTORE_PASSWORD=%s\n' "$(random_password)" >>"$secrets/postgres.env"
fi

# mint-token --dev makes the key pair (signing-key.jwk.json + jwks.json) when it is missing.
mkdir -p "$keys"
token="$("$repo/scripts/mint-token" --dev --key-file "$keys/signing-key.jwk.json" \
  --role operator --subject seed-data --expires-in 604800)" \
  || die "scripts/mint-token failed (see above); run 'pnpm install' first if its packages are missing."
cp "$keys/jwks.json" "$secrets/jwks.json"

# The master keys: made once, kept outside the repository (.local is ignored), never replaced here.
if [[ ! -s "$keys/master-keys.json" ]]; then
  say "new master keys file $keys/master-keys.json (crypto-shredding, docs/erasure.md)"
  rm -f "$keys/master-keys.json"
  "$repo/scripts/rotate-master-key" new-file --file "$keys/master-keys.json" \
    || die "scripts/rotate-master-key new-file failed (see above); run 'pnpm install' first if its packages are missing."
fi
cp "$keys/master-keys.json" "$secrets/master-keys.json"
printf '%s' "$token" >"$secrets/seed-token"
rm -f "$secrets/.placeholder"
touch "$secrets/.generated"
say "secrets of overlay $overlay in $secrets; signing key and master keys in $keys (back up master-keys.json: without it no sealed event opens)"
