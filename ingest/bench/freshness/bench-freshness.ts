/**
 * scripts/bench-freshness: how soon a check-in the gateway acknowledged can be read.
 * SDK device processes stream check-ins at a steady total rate through the gateway, the
 * projector and the query API (each its own process, as deployed: from the images' bundles by
 * default, --build source for the sources through tsx); for a sample of the
 * acknowledged check-ins it measures the time from the SDK's onAcknowledged until
 * GET /v1/persons/{id}/locations shows it (polled), and until one read with the batch's
 * consistency token (consistent_with) answers. A low-rate phase first is the baseline of
 * the same run. Own database and topic namespace, both dropped at the end.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { createTestDatabase, createTopics, testMasterKeysFile } from "@udaconnect/test-support";
import { allTopics, topicName } from "@udaconnect/schemas";
import { Admin } from "@platformatic/kafka";
import { loadFreshnessConfig } from "./config";
import { parseFreshnessArgs } from "./freshness-args";
import { startDevices } from "./devices";
import type { SampleMessage } from "./device-protocol";
import { busyShare, machineCpu } from "./machine-cpu";
import { registerPersons } from "./register-persons";
import { printReport, type PhaseFigures } from "./report";
import { prepareBuilds, type ServiceBuilds } from "../service-builds";
import { SERVICES, startService, type ServiceName, type ServiceProcess } from "./service-process";
import { pollUntilVisible, readConsistentWith, type Visibility } from "./visibility";

const args = parseFreshnessArgs(process.argv.slice(2));
const config = loadFreshnessConfig();
const say = (line: string) => process.stderr.write(`bench-freshness: ${line}\n`);

const namespace = `bench-${randomUUID().slice(0, 8)}`;
const logDir = await mkdtemp(join(tmpdir(), "bench-freshness-"));
const database = await createTestDatabase(config.databaseUrl);
const services: ServiceProcess[] = [];
let builds: ServiceBuilds | undefined;
let devices: Awaited<ReturnType<typeof startDevices>> | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  const prepared = await prepareBuilds(
    Object.values(SERVICES).map((s) => s.image),
    [args.build],
    (line) => say(line),
  );
  builds = prepared;
  const commandOf = (name: ServiceName) => prepared.command(SERVICES[name].image, args.build);
  await createTopics(config.kafkaBrokers, namespace);
  say(`services' logs in ${logDir}; they run from their ${args.build === "bundle" ? "images' bundles" : "sources through tsx"}`);
  const common = { ...config.serviceEnv, LOG_LEVEL: "warn" };
  const kafka = { KAFKA_BROKERS: config.kafkaBrokers, TOPIC_NAMESPACE: namespace };
  // Crypto-shredding (docs/erasure.md): the gateway seals with keys in the run's database, the projector opens them.
  const masterKeys = { UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile() };
  // Each one joins `services` as soon as it runs, so a failure of another still stops it.
  const started = (service: ServiceProcess) => {
    services.push(service);
    return service;
  };
  const [gateway, projector, api] = await Promise.all([
    startService(
      "gateway",
      commandOf("gateway"),
      { ...common, ...kafka, ...masterKeys, KEYSTORE_DATABASE_URL: database.url, AUTH_DISABLED: "true" },
      logDir,
    ).then(started),
    startService(
      "projector",
      commandOf("projector"),
      { ...common, ...kafka, ...masterKeys, DATABASE_URL: database.url, PROJECTOR_GROUP_ID: `${namespace}-projector` },
      logDir,
    ).then(started),
    startService(
      "query-api",
      commandOf("query-api"),
      { ...common, DATABASE_URL: database.url, AUTH_DISABLED: "true", QUERY_RATE_LIMIT_PER_MINUTE: "0", QUERY_CONSISTENCY_WAIT_MS: "30000" },
      logDir,
    ).then(started),
  ]);
  const personIds = Array.from({ length: args.persons }, (_, i) => `fresh-${namespace.slice(6)}-${i}`);
  say(`registering ${args.persons} people (not timed)`);
  await registerPersons(config.kafkaBrokers, namespace, api.url, personIds);

  const phases = args.phases.map((p) => ({
    ratePerDevice: p.rate / args.devices,
    durationMs: p.durationMs,
    sampleEvery: Math.max(1, Math.round(p.rate / args.samplesPerSecond)),
  }));
  say(`starting ${args.devices} device processes`);
  devices = await startDevices({ gatewayUrl: gateway.url, devices: args.devices, personIds, maxQueued: 1_000_000, phases });
  const figures: PhaseFigures[] = [];
  for (const [index, phase] of args.phases.entries()) {
    say(`phase ${index + 1} of ${args.phases.length}: ${phase.rate} check-ins/s for ${phase.durationMs / 1000} s`);
    const measured = [gateway, projector, api];
    const cpuBefore = measured.map((s) => s.cpuSeconds());
    const machineBefore = machineCpu();
    const polled: Promise<Visibility>[] = [];
    const consistent: Promise<Visibility>[] = [];
    let sampled = 0;
    // Alternate samples: half polled, half read once with their token; neither load doubles on one check-in.
    const onSample = (sample: SampleMessage) => {
      if (sampled++ % 2 === 0) polled.push(pollUntilVisible(api.url, sample, args.pollMs));
      else consistent.push(readConsistentWith(api.url, sample));
    };
    const phaseStart = performance.now();
    const done = await devices.runPhase(index, onSample);
    const seconds = (performance.now() - phaseStart) / 1000;
    const machine = busyShare(machineBefore, machineCpu());
    const cpuAfter = measured.map((s) => s.cpuSeconds());
    figures.push({
      targetRate: phase.rate,
      devices: done,
      polled: await Promise.all(polled),
      consistent: await Promise.all(consistent),
      services: measured.map((s, i) => ({
        name: s.name,
        cpuSeconds: (cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0),
        peakRssMiB: s.peakRssMiB(),
        memory: s.memoryPeaks(),
      })),
      seconds,
      machine,
    });
  }
  printReport(figures, { devices: args.devices, pollMs: args.pollMs, persons: args.persons, build: args.build });
} finally {
  if (!interrupted) await cleanUp();
}

async function cleanUp(): Promise<void> {
  await devices?.close().catch(() => {});
  await Promise.all(services.map((s) => s.stop().catch(() => {})));
  const admin = new Admin({ clientId: "bench-freshness", bootstrapBrokers: config.kafkaBrokers.split(",") });
  await admin.deleteTopics({ topics: allTopics.map((t) => topicName(t, namespace)) }).catch(() => {});
  await admin.close();
  await database.drop();
  await builds?.remove();
}
