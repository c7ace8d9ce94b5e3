#!/usr/bin/env bash
# Exit 0 when the broker answers a Kafka ApiVersions request on 127.0.0.1:$KAFKA_PORT (or $1):
# a cheap readiness probe (no JVM). The broker only answers once it processes requests.
set -euo pipefail
port="${1:-${KAFKA_PORT:-9092}}"
host="${KAFKA_READY_HOST:-127.0.0.1}"
# ApiVersions v0: size 10, api key 18, version 0, correlation id 42, empty client id.
# shellcheck disable=SC2016 # expanded by the inner shell
reply="$(timeout 3 bash -c '
  exec 3<>"/dev/tcp/$1/$2" || exit 1
  printf "\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x2a\x00\x00" >&3
  head -c 10 <&3 | od -An -tx1' kafka-ready "$host" "$port" 2>/dev/null)" || exit 1
reply="${reply//[[:space:]]/}"
[[ "${reply:8:8}" == "0000002a" ]]
