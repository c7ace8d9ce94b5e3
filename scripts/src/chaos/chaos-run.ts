import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosConfig } from "../config";
import { createIngestClient } from "../ingest-client";
import { planConference, type Conference } from "../simulate/conference";
import type { ChaosArgs } from "./chaos-args";
import { writeDeviceSettings } from "./device-settings";
import { ProjectionWatch, projectionLag, readDeviceRecord, readLog, readReadModel } from "./evidence";
import { faultPlan } from "./fault-plan";
import { injectFaults } from "./inject";
import type { CleanupStack } from "./cleanup-stack";
import { REPO_ROOT, directBrokers, gatewayUrl, startPipeline } from "./pipeline";
import { SupervisedProcess } from "./supervised-process";
import { judge, type Summary } from "./verdict";

/** Where the venue stands; the same as scripts/simulate's. */
const ORIGIN = { latitude: 37.784, longitude: -122.4014 };
const WARM_UP_MS = 3_000;
/** The SDK's default is 30 s; shorter so that a device is back soon after a fault ends. */
const DEVICE_BACKOFF_MAX_MS = 2_000;

export interface RunOutcome {
  readonly summary: Summary;
  readonly figures: {
    readonly seed: number;
    readonly durationS: number;
    readonly devices: number;
    readonly ratePerSecond: number;
    readonly startUpS: number;
    readonly drainS: number;
    readonly catchUpS: number;
  };
}

/** The whole run: start, stream under faults, drain, catch up, compare. Stops everything it started, whatever happens. */
export async function runChaos(config: ChaosConfig, args: ChaosArgs, runDir: string, cleanup: CleanupStack, say: (line: string) => void): Promise<RunOutcome> {
  const began = Date.now();
  try {
    const p = await startPipeline(config, runDir, cleanup, say);
    const conference = plannedConference(args);
    await registerPersons(gatewayUrl(p), conference);
    const scheduleFile = join(runDir, "devices", "schedule.json");
    const settings = writeDeviceSettings(conference, args.devices, runDir, { gatewayUrl: gatewayUrl(p), scheduleFile, backoffMaxMs: DEVICE_BACKOFF_MAX_MS });
    p.devices = settings.map(
      (file, i) =>
        new SupervisedProcess({
          name: `device-${i}`,
          command: process.execPath,
          args: ["--import", "tsx", "src/chaos/device-main.ts", file],
          cwd: join(REPO_ROOT, "scripts"),
          env: p.env,
          logFile: join(p.logDir, `device-${i}.log`),
        }),
    );
    cleanup.push(() => Promise.all(p.devices.map((d) => d.stop("SIGKILL"))).then(() => {}));
    // The devices start up while the projectors do; they queue nothing before the schedule exists.
    for (const device of p.devices) device.start();
    await p.projectorsReady;
    const watch = new ProjectionWatch(p.postgres.url);
    watch.start();
    const startAtMs = Date.now() + 1_000;
    const endAtMs = startAtMs + args.durationMs;
    writeFileSync(`${scheduleFile}.tmp`, JSON.stringify({ startAtMs, endAtMs }));
    renameSync(`${scheduleFile}.tmp`, scheduleFile);
    const startUpS = (startAtMs - began) / 1000;
    say(
      `streaming ${conference.checkIns.length} check-ins of ${conference.persons.length} attendees from ${args.devices} devices for ${args.durationMs / 1000} s, with faults (seed ${args.seed}); start-up took ${startUpS.toFixed(0)} s`,
    );

    await sleep(WARM_UP_MS + Math.max(0, startAtMs - Date.now()));
    const faults = await injectFaults(p, faultPlan(args.seed), endAtMs, say);
    await sleep(Math.max(0, endAtMs - Date.now()));
    await p.toxiproxy.reset();

    say("faults over: letting the devices drain their queues");
    const drainStarted = Date.now();
    await until(() => p.devices.every((d) => d.finished), 150_000);
    const drainS = (Date.now() - drainStarted) / 1000;
    const undrained = p.devices.filter((d) => !d.finished).map((d) => d.spec.name);
    say(
      undrained.length === 0
        ? `devices drained in ${drainS.toFixed(1)} s; waiting for the projection to catch up`
        : `NOT drained after ${drainS.toFixed(0)} s: ${undrained.join(", ")}; waiting for the projection anyway`,
    );
    const catchUpStarted = Date.now();
    let lag: Record<string, number> = {};
    await until(async () => {
      lag = await projectionLag(directBrokers(p), p.postgres.url).catch(() => ({}));
      return Object.keys(lag).length > 0 && Object.values(lag).every((n) => n === 0);
    }, 120_000);
    const catchUpS = (Date.now() - catchUpStarted) / 1000;
    await watch.stop();

    say("comparing, check-in by check-in, the devices' acknowledgements with the topic and the read model");
    const summary = judge({
      devices: p.devices.map((d, i) => readDeviceRecord(d.spec.name, settings[i] ?? "")),
      log: await readLog(directBrokers(p)),
      readModel: await readReadModel(p.postgres.url),
      faults,
      projection: watch.samples,
      lag,
      unplannedExits: Object.fromEntries([p.broker, p.gateway, ...p.projectors, ...p.devices].map((x) => [x.spec.name, x.unplannedExits])),
    });
    return {
      summary,
      figures: { seed: args.seed, durationS: args.durationMs / 1000, devices: args.devices, ratePerSecond: args.ratePerSecond, startUpS, drainS, catchUpS },
    };
  } finally {
    say("stopping what the run started");
    await cleanup.run();
  }
}

/** scripts/simulate's conference, sized so the devices queue `rate` check-ins a second over the run. */
function plannedConference(args: ChaosArgs): Conference {
  const attendees = Math.max(20, args.devices * 5);
  const sessions = 4;
  const sessionSeconds = 900;
  const total = (args.ratePerSecond * args.durationMs) / 1000;
  const checkInEverySeconds = Math.max(1, Math.round((attendees * sessions * sessionSeconds) / total));
  const lengthMs = sessions * sessionSeconds * 1000;
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000 - lengthMs);
  return planConference({
    seed: args.seed,
    attendees,
    booths: 10,
    start,
    sessions,
    sessionSeconds,
    checkInEverySeconds,
    idPrefix: `chaos${args.seed}-`,
    origin: ORIGIN,
  });
}

async function registerPersons(url: string, conference: Conference): Promise<void> {
  const client = createIngestClient(url);
  for (const person of conference.persons) {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.registerPerson(person);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(500);
      }
    }
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
  return true;
}
