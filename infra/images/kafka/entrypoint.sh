#!/usr/bin/env bash
# Single-node Kafka in KRaft mode (one process is broker and controller). Formats the data dir
# once (keeping the cluster id it finds there), writes server.properties under /tmp (the root
# filesystem may be read-only) and execs the broker, which drains on SIGTERM.
#
# Environment (defaults in brackets):
#   KAFKA_NODE_ID [1]                 node.id and the controller quorum's only voter
#   KAFKA_PORT [9092]                 client listener (PLAINTEXT)
#   KAFKA_CONTROLLER_PORT [9093]      controller listener
#   KAFKA_LISTEN_HOST [0.0.0.0]       address both listeners bind
#   KAFKA_ADVERTISED_HOST [127.0.0.1] host clients and the controller quorum are told to use
#   KAFKA_DATA_DIR [/var/lib/kafka/data]
#   KAFKA_CLUSTER_ID [random]         used when formatting an empty data dir
#   KAFKA_NUM_PARTITIONS [1], KAFKA_AUTO_CREATE_TOPICS [false]
#   KAFKA_HEAP_OPTS [-Xms256m -Xmx768m], KAFKA_JVM_OPTS [G1, 20 ms pauses], KAFKA_LOG_LEVEL [info]
#   KAFKA_CFG_<NAME>=value            any other broker property: KAFKA_CFG_LOG_RETENTION_HOURS=1
#                                     becomes log.retention.hours=1 (later lines win)
# Arguments, if any, replace the broker: `kafka-entrypoint kafka-run-class <class> ...`.
set -euo pipefail

log() { printf '[kafka-entrypoint] %s\n' "$*" >&2; }
die() { printf '[kafka-entrypoint] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ $# -gt 0 ]]; then
  case "$1" in
    --help|-h) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) printf '[kafka-entrypoint] unknown option %s; the image takes no options (configure it with KAFKA_* variables, see --help)\n' "$1" >&2; exit 2 ;;
    *) exec "$@" ;;
  esac
fi

NODE_ID="${KAFKA_NODE_ID:-1}"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
LISTEN_HOST="${KAFKA_LISTEN_HOST:-0.0.0.0}"
ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-127.0.0.1}"
DATA_DIR="${KAFKA_DATA_DIR:-/var/lib/kafka/data}"
CONF_DIR="${KAFKA_CONF_DIR:-/tmp/kafka}"
PROPS="$CONF_DIR/server.properties"

for name in NODE_ID PORT CONTROLLER_PORT; do
  [[ "${!name}" =~ ^[0-9]+$ ]] || die "KAFKA_$name='${!name}' is not a number"
done
[[ -w "$DATA_DIR" ]] || die "data dir $DATA_DIR is not writable by uid $(id -u); mount a volume there owned by (or with fsGroup) $(id -g)"
mkdir -p -- "$CONF_DIR"

# KAFKA_CFG_LOG_RETENTION_HOURS → log.retention.hours
extra_properties() {
  local name key
  while IFS= read -r name; do
    key="${name#KAFKA_CFG_}"
    key="${key,,}"
    printf '%s=%s\n' "${key//_/.}" "${!name}"
  done < <(compgen -e | grep '^KAFKA_CFG_' | sort || true)
}

cat >"$PROPS" <<PROPS
# Written by kafka-entrypoint at every start.
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$NODE_ID@$ADVERTISED_HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$LISTEN_HOST:$PORT,CONTROLLER://$LISTEN_HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$ADVERTISED_HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=${KAFKA_NUM_PARTITIONS:-1}
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS:-false}
# One node: every internal topic must fit on it, or consumers wait forever for a coordinator.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
$(extra_properties)
PROPS

quick_java() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
    -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.xml -cp '/opt/kafka/libs/*' "$@"
}

if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
  cluster_id="${KAFKA_CLUSTER_ID:-$(quick_java kafka.tools.StorageTool random-uuid)}"
  log "formatting $DATA_DIR (cluster id $cluster_id, node $NODE_ID)"
  quick_java kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" >&2 \
    || die "formatting $DATA_DIR failed (see above); an old or foreign data dir? Empty the volume to start over."
fi

read -r -a heap <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
read -r -a jvm <<<"${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true}"
log "starting Kafka $KAFKA_VERSION: node $NODE_ID, clients $LISTEN_HOST:$PORT (advertised $ADVERTISED_HOST:$PORT), controller $LISTEN_HOST:$CONTROLLER_PORT"
# -XX:-UsePerfData: no hsperfdata files. exec: the JVM gets SIGTERM and shuts the broker down cleanly.
exec java "${heap[@]}" "${jvm[@]}" -XX:-UsePerfData \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml -cp '/opt/kafka/libs/*' kafka.Kafka "$PROPS"
