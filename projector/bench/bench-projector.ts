/**
 * scripts/bench-projector: events/s the projector applies from Kafka into the
 * indexed location read model, next to a raw COPY of the same rows into a
 * table indexed the same (the ratio is the figure to watch, target >= 0.7);
 * the projector process's peak RSS; the time a rebuild of those events takes;
 * and the connection lookup under each index choice. Uses its own database
 * and topic namespace, drops both.
 */
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { Admin } from "@platformatic/kafka";
import pg from "pg";
import { Kysely, PostgresDialect, sql } from "kysely";
import { migrateToLatest, type AnyDb } from "@udaconnect/migrations";
import { createTopics, describeMemoryPeaks } from "@udaconnect/test-support";
import { allTopics, locationsTopic, topicName } from "@udaconnect/schemas";
import { silentLogger } from "@udaconnect/observability";
import { runRebuild } from "../src/rebuild/run-rebuild";
import { produceCheckIns, venueCheckIns } from "./bench-data";
import { loadBenchConfig } from "./config";
import { copyIntoLikeLocation, measureIndexVariants } from "./bench-sql";
import { startProjectorProcess } from "./projector-process";
import { projectorOptions } from "../test/projector-options";

const USAGE = "usage: scripts/bench-projector [--events 200000] [--probes 200]   (DATABASE_URL and KAFKA_BROKERS, else the local PostGIS and Kafka)";
let parsed;
try {
  parsed = parseArgs({
    options: {
      events: { type: "string", default: "200000" },
      probes: { type: "string", default: "200" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (error) {
  console.error(`bench-projector: ${(error as Error).message} (see --help)`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const events = Number(values.events);
const config = loadBenchConfig();
if (config === undefined || !Number.isInteger(events) || events < 1) {
  console.error(
    `bench-projector: ${config === undefined ? "DATABASE_URL and KAFKA_BROKERS must be set" : `--events must be a positive whole number, got '${values.events}'`} (see --help)`,
  );
  process.exit(2);
}
const { databaseUrl: serverUrl, kafkaBrokers: brokers } = config;
const say = (line: string) => process.stderr.write(`bench-projector: ${line}\n`);

const name = `bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const namespace = `bench-${name.slice(6)}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const db: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) }) });
const kafkaAdmin = new Admin({ clientId: "bench", bootstrapBrokers: brokers.split(",") });
try {
  await migrateToLatest(db);
  await createTopics(brokers, namespace);
  say(`generating and producing ${events} check-ins (not timed)`);
  const checkIns = venueCheckIns(events);
  await produceCheckIns(brokers, topicName(locationsTopic, namespace), checkIns);

  say("projecting from Kafka");
  const consumed = async () =>
    BigInt((await sql<{ n: string | null }>`SELECT sum(next_offset)::text AS n FROM projection_checkpoint`.execute(db)).rows[0]?.n ?? "0");
  // Its own process (src/main.ts, as deployed): its peak RSS is the projector's alone.
  const projector = await startProjectorProcess({
    databaseUrl: url.toString(),
    kafkaBrokers: brokers,
    topicNamespace: namespace,
    groupId: `${namespace}-projector`,
    path: config.path,
  });
  // Timed from the first committed batch: group join and first fetch are not the write path.
  while ((await consumed()) === 0n) await delay(20).then(projector.assertRunning);
  const projectStart = performance.now();
  while ((await consumed()) < BigInt(events)) await delay(20).then(projector.assertRunning);
  const projectSeconds = (performance.now() - projectStart) / 1000;
  const projectorMemory = { peakRssMiB: projector.peakRssMiB(), peaks: projector.memoryPeaks() };
  await projector.stop();

  say("COPY of the same rows into a table indexed like location");
  const copySeconds = await copyIntoLikeLocation(url.toString(), "bench_copy", checkIns);

  say("rebuilding from offset 0");
  const rebuildStart = performance.now();
  await runRebuild(
    projectorOptions({
      kafkaBrokers: brokers,
      databaseUrl: url.toString(),
      topicNamespace: namespace,
      groupId: `${namespace}-projector`,
      graceMs: 0,
      progressIntervalMs: 1_000,
      progress: (line: string) => say(line),
      logger: silentLogger,
    }),
  );
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;

  say(`connection lookup under each index choice (${values.probes} probes)`);
  const probes = checkIns.filter((_, i) => i % Math.max(1, Math.floor(events / Number(values.probes))) === 0).slice(0, Number(values.probes));
  const variants = await measureIndexVariants(url.toString(), "bench_copy", probes);

  const projectRate = events / projectSeconds;
  const copyRate = events / copySeconds;
  console.log(`events: ${events} check-ins, ${locationsTopic.partitions} partitions`);
  console.log(`projector (Kafka -> indexed location): ${projectSeconds.toFixed(1)} s, ${Math.round(projectRate)} events/s`);
  console.log(`raw COPY (same rows, same indexes):    ${copySeconds.toFixed(1)} s, ${Math.round(copyRate)} rows/s`);
  console.log(`ratio projector / COPY: ${(projectRate / copyRate).toFixed(2)} (target >= 0.70)`);
  console.log(`projector process: peak RSS ${projectorMemory.peakRssMiB.toFixed(0)} MiB (target <= 200); peak ${describeMemoryPeaks(projectorMemory.peaks)}`);
  console.log(`rebuild (new generation from offset 0, switch): ${rebuildSeconds.toFixed(1)} s for ${events} events`);
  console.log("index choice: connection lookup (others within 5 m and 5 min of one check-in)");
  for (const v of variants) {
    console.log(
      `  ${v.name.padEnd(44)} build ${v.buildSeconds.toFixed(2)} s, median ${v.medianMs.toFixed(2)} ms, p95 ${v.p95Ms.toFixed(2)} ms, matches ${v.matches}`,
    );
  }
} finally {
  await kafkaAdmin.deleteTopics({ topics: allTopics.map((t) => topicName(t, namespace)) }).catch(() => {});
  await kafkaAdmin.close();
  await db.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
