#!/usr/bin/env bash
# PostgreSQL + Kafka together: what tests, benchmarks and `scripts/` need running locally.
set -euo pipefail

LOG_TAG=services
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=kafka-security.sh
source "$(dirname "${BASH_SOURCE[0]}")/kafka-security.sh"

usage() {
  cat <<EOF
usage: $(basename "$0") start|stop|status|env
  start   start PostgreSQL and Kafka (in parallel; both are idempotent)
  stop    stop both
  status  exit 0 when both run and answer
  env     print 'export KAFKA_BROKERS=...', 'export DATABASE_URL=...' and the secure Kafka
          listeners' addresses and credential files (KAFKA_SASL_SSL_BROKERS, ...) for eval
EOF
}

# The two scripts share nothing but the state dir (each under its own lock), so they can run
# side by side; their messages are tagged [postgres] / [kafka].
do_start() {
  local started=$SECONDS pg_pid kafka_pid failed=()
  log "starting postgres and kafka ..."
  "$LOCAL_INFRA_DIR/postgres.sh" start & pg_pid=$!
  "$LOCAL_INFRA_DIR/kafka.sh" start & kafka_pid=$!
  wait "$pg_pid" || failed+=(postgres)
  wait "$kafka_pid" || failed+=(kafka)
  if (( ${#failed[@]} > 0 )); then
    die "could not start: ${failed[*]} (see the messages above; '$LOCAL_INFRA_DIR/<name>.sh logs' shows each log)."
  fi
  log "all up in $((SECONDS - started)) s; for your shell: eval \"\$($0 env)\""
}

do_stop() {
  local failed=()
  "$LOCAL_INFRA_DIR/kafka.sh" stop || failed+=(kafka)
  "$LOCAL_INFRA_DIR/postgres.sh" stop || failed+=(postgres)
  (( ${#failed[@]} == 0 )) || die "could not stop: ${failed[*]} (see the messages above)."
}

do_status() {
  local rc=0
  "$LOCAL_INFRA_DIR/postgres.sh" status || rc=1
  "$LOCAL_INFRA_DIR/kafka.sh" status || rc=1
  return "$rc"
}

do_env() {
  check_ports KAFKA_PORT PG_PORT KAFKA_SASL_SSL_PORT KAFKA_MTLS_PORT
  printf 'export KAFKA_BROKERS=127.0.0.1:%s\n' "$KAFKA_PORT"
  printf 'export DATABASE_URL=postgres://udaconnect@127.0.0.1:%s/udaconnect\n' "$PG_PORT"
  resolve_state_dir
  KAFKA_DIR="$STATE_DIR/kafka"
  set_security_paths
  # Only once kafka.sh has generated them (a broker started before they existed has none). Not
  # named like the clients' KAFKA_SSL_* / KAFKA_SASL_* settings, so a shell that evals this
  # still runs the services over PLAINTEXT.
  [[ -s "$TLS_DIR/ca.crt" && -s "$SCRAM_PASSWORD_FILE" ]] || return 0
  printf 'export KAFKA_SASL_SSL_BROKERS=127.0.0.1:%s\n' "$KAFKA_SASL_SSL_PORT"
  printf 'export KAFKA_MTLS_BROKERS=127.0.0.1:%s\n' "$KAFKA_MTLS_PORT"
  printf "export KAFKA_LOCAL_CA_FILE='%s'\n" "$TLS_DIR/ca.crt"
  printf "export KAFKA_LOCAL_SCRAM_USERNAME='%s'\n" "$KAFKA_SCRAM_USER"
  printf "export KAFKA_LOCAL_SCRAM_PASSWORD_FILE='%s'\n" "$SCRAM_PASSWORD_FILE"
  printf "export KAFKA_LOCAL_CLIENT_CERT_FILE='%s'\n" "$TLS_DIR/user.crt"
  printf "export KAFKA_LOCAL_CLIENT_KEY_FILE='%s'\n" "$TLS_DIR/user.key"
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  env) do_env ;;
  -h|--help|help) usage ;;
  "") printf '%s: which command? start, stop, status or env (see --help)\n' "$(basename "$0")" >&2; exit 2 ;;
  *) printf "%s: unknown command '%s'; use start, stop, status or env (see --help)\n" "$(basename "$0")" "$1" >&2; exit 2 ;;
esac
