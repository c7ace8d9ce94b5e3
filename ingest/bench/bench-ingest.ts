/**
 * scripts/bench-ingest: check-ins/s acknowledged end to end through the
 * device SDK over StreamCheckIns, next to Kafka's ProducerPerformance on the
 * same broker with the same record size, in the same run. Uses its own topic
 * namespace and deletes it at the end.
 */
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Kafka, logLevel } from "kafkajs";
import { allTopics, encodeEvent, locationsTopic, topicName } from "@udaconnect/schemas";
import { locationRecorded } from "../src/ingest/events";
import { loadBenchConfig, type BenchConfig } from "./config";
import { startGatewayProcess } from "./gateway-process";
import { producerPerformance } from "./kafka-perf";
import { sdkAckLatency, sdkThroughput } from "./sdk-phases";

const USAGE = "usage: scripts/bench-ingest [--check-ins 100000] [--devices 4] [--latency-samples 300] [--gateway-cpu-prof DIR] [--gateways 1]   (Kafka: $KAFKA_BROKERS, else the local broker)";
let parsed;
try {
  parsed = parseArgs({
    options: {
      "check-ins": { type: "string", default: "100000" },
      devices: { type: "string", default: "4" },
      "latency-samples": { type: "string", default: "300" },
      "gateway-cpu-prof": { type: "string" },
      gateways: { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (error) {
  console.error(`bench-ingest: ${(error as Error).message} (see --help)`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
let config: BenchConfig;
try {
  config = loadBenchConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const brokers = config.kafkaBrokers;
const checkIns = Number(values["check-ins"]);
const namespace = `bench-${randomUUID().slice(0, 8)}`;
const perfTopic = `${namespace}.producer-performance`;
const admin = new Kafka({ clientId: "bench-ingest", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
await admin.connect();

try {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      ...allTopics.map((t) => ({ topic: topicName(t, namespace), numPartitions: t.partitions })),
      { topic: perfTopic, numPartitions: locationsTopic.partitions },
    ],
  });
  const recordSize = sampleRecordSize();
  // More than one gateway (instances behind a load balancer, devices spread over them) shows scaling out; the default is one.
  const gateways = await Promise.all(
    Array.from({ length: Number(values.gateways) }, () => startGatewayProcess(brokers, namespace, config.gatewayEnv, values["gateway-cpu-prof"])),
  );
  let sdk, latency, rss, sends;
  try {
    const urls = gateways.map((g) => g.url);
    sdk = await sdkThroughput(urls, checkIns, Number(values.devices));
    const perGateway = await Promise.all(urls.map(kafkaSends));
    sends = { count: perGateway.reduce((n, g) => n + g.count, 0), seconds: perGateway.reduce((n, g) => n + g.seconds, 0) };
    latency = await sdkAckLatency(urls[0] ?? "", Number(values["latency-samples"]));
    rss = Math.max(...gateways.map((g) => g.peakRssMiB()));
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
  }
  const kafka = await producerPerformance(brokers, perfTopic, checkIns, recordSize);
  const rows = [
    ["", "SDK -> StreamCheckIns -> gateway -> Kafka", "Kafka ProducerPerformance"],
    ["records", String(sdk.checkIns), String(checkIns)],
    ["record size (bytes)", `${recordSize} (LocationRecorded value)`, String(recordSize)],
    ["records/s acknowledged", sdk.perSecond.toFixed(0), kafka.recordsPerSecond.toFixed(0)],
    ["ack latency p50 / p99 (ms)", `${latency.p50Ms.toFixed(1)} / ${latency.p99Ms.toFixed(1)} (one at a time)`, `${kafka.p50Ms} / ${kafka.p99Ms} (under full load)`],
    [gateways.length === 1 ? "gateway peak RSS (MiB)" : `gateway peak RSS (MiB, largest of ${gateways.length})`, rss.toFixed(0), "-"],
  ];
  const width = rows.map((r) => r.map((c) => c.length)).reduce((a, b) => a.map((w, i) => Math.max(w, b[i] ?? 0)));
  console.log(rows.map((r) => r.map((c, i) => c.padEnd(width[i] ?? 0)).join("  |  ")).join("\n"));
  console.log(`\nratio SDK / Kafka: ${(sdk.perSecond / kafka.recordsPerSecond).toFixed(2)} (target >= 0.5)`);
  console.log(`${gateways.length === 1 ? "gateway" : `${gateways.length} gateways`} during the throughput phase: ${sends.count} Kafka sends, ${(checkIns / sends.count).toFixed(0)} records and ${((sends.seconds / sends.count) * 1000).toFixed(1)} ms each on average`);
  console.log(`Kafka: ${kafka.summary}`);
} finally {
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
  await admin.deleteTopics({ topics: mine }).catch((error: unknown) => console.error("could not delete the bench topics", mine, error));
  await admin.disconnect();
}

/** The gateway's own count of produce requests and their total time, from /metrics. */
async function kafkaSends(url: string): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return { count: value("udaconnect_ingest_kafka_send_seconds_count"), seconds: value("udaconnect_ingest_kafka_send_seconds_sum") };
}

/** The bytes of a typical LocationRecorded record value, as the gateway encodes it. */
function sampleRecordSize(): number {
  const now = timestampFromDate(new Date());
  const event = locationRecorded(
    { eventId: randomUUID(), personId: "bench-123", latitude: 37.5534, longitude: -122.29, occurredAt: now, accuracyM: 8 },
    now,
  );
  return encodeEvent(event.event).length;
}
