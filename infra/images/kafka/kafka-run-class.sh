#!/usr/bin/env bash
# Runs a class from the Kafka classpath, e.g.
#   kafka-run-class org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
set -euo pipefail
if [[ $# -eq 0 || "$1" == "--help" || "$1" == "-h" ]]; then
  echo "usage: kafka-run-class <main-class> [args...]   (e.g. org.apache.kafka.tools.TopicCommand --help)"
  [[ $# -eq 0 ]] && exit 2 || exit 0
fi
read -r -a heap <<<"${KAFKA_TOOL_HEAP_OPTS:--Xmx256m}"
exec java "${heap[@]}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.xml -cp '/opt/kafka/libs/*' "$@"
