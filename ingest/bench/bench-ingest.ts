/**
 * scripts/bench-ingest: check-ins/s acknowledged end to end through the
 * device SDK over StreamCheckIns, next to Kafka's ProducerPerformance on the
 * same broker with the same record size, in the same run; with the CPU each
 * acknowledged check-in cost the gateway and the SDK, and their peak memory.
 * `--thread both` runs the gateway with its producers on the main thread and in a worker thread, `--gateway-build both`
 * from its image's bundle and from its sources, side by side.
 * Uses its own topic namespace and key store database (the gateway seals every check-in,
 * docs/erasure.md) and deletes both at the end.
 */
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Admin } from "@platformatic/kafka";
import { allTopics, encodeEvent, locationsTopic, topicName } from "@udaconnect/schemas";
import { createTestDatabase, createTopicsWithLeaders, testMasterKeysFile } from "@udaconnect/test-support";
import { locationRecorded } from "../src/ingest/events";
import { MAX_CHECK_INS_PER_BATCH } from "../src/ingest/stream-check-ins";
import { KAFKA_THREADS, type KafkaThreadName } from "../src/kafka/record-producer";
import { loadBenchConfig, type BenchConfig } from "./config";
import { producerPerformance } from "./kafka-perf";
import { report } from "./report";
import { runVariant, type Variant, type VariantResult } from "./run-variant";
import { prepareBuilds, SERVICE_BUILDS, type ServiceBuild, type ServiceBuilds } from "./service-builds";

const USAGE = `usage: scripts/bench-ingest [--thread main|worker|both] [--gateway-build bundle|source|both]
                           [--rounds 1] [--check-ins 100000] [--devices 4] [--batch-size 500] [--latency-samples 300]
                           [--gateway-cpu-prof DIR] [--gateways 1] [--gateway-node-options=OPTS]...
  --thread   where the gateway's producers run (INGEST_KAFKA_THREAD); both: one gateway run with each, side by side (default main)
  --gateway-build  what runs: bundle (default), node dist/main.js as the ingest image runs it (NODE_ENV=production,
             --enable-source-maps), bundled by infra/images/bundle.mjs once per run into a temporary folder; source,
             src/main.ts through tsx; both: one gateway run with each, side by side
  --rounds   runs of each variant; the order of the variants alternates from round to round
  --batch-size  check-ins per StreamCheckIns batch each device sends at most (1-${MAX_CHECK_INS_PER_BATCH}); phones sending as
             they go send batches of one or a few, a device catching up sends full ones (default ${MAX_CHECK_INS_PER_BATCH})
  --gateway-node-options=OPTS  Node.js options of the gateway process, e.g. --gateway-node-options=--max-semi-space-size=32
             (with "=", as the value starts with a dash); each one given is one more variant, run beside the
             gateway without options
Kafka: $KAFKA_BROKERS, else the local broker; the gateway's key store: a database of its own on
$DATABASE_URL's server, else the local PostGIS. INGEST_* variables reach the gateway.`;
let parsed;
try {
  parsed = parseArgs({
    options: {
      thread: { type: "string", default: "main" },
      "gateway-build": { type: "string", default: "bundle" },
      rounds: { type: "string", default: "1" },
      "check-ins": { type: "string", default: "100000" },
      devices: { type: "string", default: "4" },
      "batch-size": { type: "string", default: String(MAX_CHECK_INS_PER_BATCH) },
      "latency-samples": { type: "string", default: "300" },
      "gateway-cpu-prof": { type: "string" },
      gateways: { type: "string", default: "1" },
      "gateway-node-options": { type: "string", multiple: true, default: [] },
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
const threads = values.thread === "both" ? [...KAFKA_THREADS] : KAFKA_THREADS.filter((t) => t === values.thread);
const builds = values["gateway-build"] === "both" ? [...SERVICE_BUILDS] : SERVICE_BUILDS.filter((b) => b === values["gateway-build"]);
const numbers = ["rounds", "check-ins", "devices", "batch-size", "latency-samples", "gateways"] as const;
const badNumber = numbers.find((name) => !/^[1-9]\d*$/.test(values[name]));
const batchTooLarge = Number(values["batch-size"]) > MAX_CHECK_INS_PER_BATCH;
const nodeOptions = ["", ...values["gateway-node-options"].map((o) => o.trim().split(/\s+/).join(" "))];
const badOptions = nodeOptions.find((o) => o !== "" && !o.split(" ").every((option) => option.startsWith("--")));
if (threads.length === 0 || builds.length === 0 || badNumber !== undefined || badOptions !== undefined || batchTooLarge) {
  const problem = batchTooLarge
    ? `--batch-size may be at most ${MAX_CHECK_INS_PER_BATCH}, the gateway's limit per batch, got ${values["batch-size"]}`
    : badOptions !== undefined
      ? `--gateway-node-options takes Node.js options (each starting with --), got "${badOptions}"`
      : badNumber !== undefined
        ? `--${badNumber} must be a positive integer`
        : threads.length === 0
          ? `--thread must be main, worker or both, got "${values.thread}"`
          : `--gateway-build must be bundle, source or both, got "${values["gateway-build"]}"`;
  console.error(`bench-ingest: ${problem} (see --help)`);
  process.exit(2);
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
let serviceBuilds: ServiceBuilds | undefined;
const keyStore = await createTestDatabase(config.databaseUrl);

try {
  serviceBuilds = await prepareBuilds(["ingest"], builds, (line) => console.error(`bench-ingest: ${line}`));
  await createTopicsWithLeaders(brokers, [
    ...allTopics.map((t) => ({ topic: topicName(t, namespace), numPartitions: t.partitions })),
    { topic: perfTopic, numPartitions: locationsTopic.partitions },
  ]);
  const recordSize = sampleRecordSize();
  const settings = {
    brokers,
    namespace,
    gatewayEnv: { ...config.gatewayEnv, KEYSTORE_DATABASE_URL: keyStore.url, UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile() },
    checkIns,
    devices: Number(values.devices),
    batchSize: Number(values["batch-size"]),
    latencySamples: Number(values["latency-samples"]),
    gateways: Number(values.gateways),
    builds: serviceBuilds,
    cpuProfileDir: values["gateway-cpu-prof"],
  };
  const results: VariantResult[] = [];
  for (const variant of schedule(threads, builds, nodeOptions, Number(values.rounds))) {
    const tuning = [`${variant.thread} thread`, variant.build, ...(variant.nodeOptions === "" ? [] : [`node ${variant.nodeOptions}`])].join(", ");
    console.error(`bench-ingest: ${checkIns} check-ins through the gateway (${tuning}) at load average ${loadavg()[0]?.toFixed(1)} …`);
    results.push(await runVariant(variant, settings));
  }
  console.error(`bench-ingest: Kafka's ProducerPerformance, ${checkIns} records of ${recordSize} bytes …`);
  const kafka = await producerPerformance(brokers, perfTopic, checkIns, recordSize);
  console.log(report(results, kafka, recordSize, settings.gateways));
} finally {
  const admin = new Admin({ clientId: "bench-ingest", bootstrapBrokers: brokers.split(",") });
  const mine = [...allTopics.map((t) => topicName(t, namespace)), perfTopic];
  await admin.deleteTopics({ topics: mine }).catch((error: unknown) => console.error("could not delete the bench topics", mine, error));
  await admin.close();
  await keyStore.drop();
  await serviceBuilds?.remove();
}

/** Every variant once per round; the order alternates so that none always runs on the warmer broker. */
function schedule(threads: readonly KafkaThreadName[], builds: readonly ServiceBuild[], nodeOptions: readonly string[], rounds: number): Variant[] {
  const variants = threads.flatMap((thread) => builds.flatMap((build) => nodeOptions.map((options) => ({ thread, build, nodeOptions: options }))));
  return Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? variants : [...variants].reverse())).flat();
}

/** The bytes of a typical LocationRecorded record value, as the gateway encodes it. */
function sampleRecordSize(): number {
  const now = timestampFromDate(new Date());
  const event = locationRecorded({ eventId: randomUUID(), personId: "bench-123", latitude: 37.5534, longitude: -122.29, occurredAt: now, accuracyM: 8 }, now);
  return encodeEvent(event.event).length;
}
