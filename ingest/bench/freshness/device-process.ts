/**
 * One device of the freshness benchmark, in its own process (forked by devices.ts): an SDK
 * client (file-backed queue, as on a phone) checking in at a steady rate, phase by phase as
 * the parent says. It tells the parent, over IPC, when each sampled check-in was
 * acknowledged (the SDK's onAcknowledged) and with which consistency token.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDeviceClient, fileStorage } from "@udaconnect/device-sdk";
import type { DeviceSettings, ParentMessage, DeviceMessage } from "./device-protocol";

const settings = JSON.parse(process.argv[2] ?? "{}") as DeviceSettings;
const send = (message: DeviceMessage) => process.send?.(message);
const wallNow = () => performance.timeOrigin + performance.now();

const dir = await mkdtemp(join(tmpdir(), "bench-freshness-device-"));
const samples = new Map<string, { personId: string; occurredAtMs: number; phase: number }>();
let acknowledgedInPhase = 0;
const client = await createDeviceClient({
  gatewayUrl: settings.gatewayUrl,
  storage: await fileStorage(dir),
  maxQueued: settings.maxQueued,
  batchSize: 500,
  lingerMs: 5,
  onAcknowledged: ({ accepted, consistencyToken }) => {
    const ackedAtMs = wallNow();
    acknowledgedInPhase += accepted.length;
    for (const eventId of accepted) {
      const sample = samples.get(eventId);
      if (sample === undefined) continue;
      samples.delete(eventId);
      send({ kind: "sample", eventId, ...sample, ackedAtMs, token: consistencyToken ?? "" });
    }
  },
});

process.on("message", (message: ParentMessage) => {
  if (message.kind === "run") void runPhase(message.phase);
  else void close();
});
send({ kind: "ready" });

async function runPhase(index: number): Promise<void> {
  const spec = settings.phases[index];
  if (spec === undefined) throw new Error(`no phase ${index}`);
  acknowledgedInPhase = 0;
  const droppedBefore = client.stats().dropped;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let issued = 0;
  for (let elapsed = 0; elapsed < spec.durationMs; elapsed = performance.now() - started) {
    const due = Math.floor((spec.ratePerDevice * Math.min(elapsed, spec.durationMs)) / 1000);
    for (; issued < due; issued++) {
      const personId = settings.personIds[(issued * settings.devices + settings.device) % settings.personIds.length] ?? "";
      const occurredAtMs = Date.now();
      const eventId = client.checkIn({
        personId,
        latitude: 37.55 + (issued % 100) / 10_000,
        longitude: -122.29,
        occurredAt: new Date(occurredAtMs),
        accuracyM: 8,
      });
      if (eventId !== undefined && issued % spec.sampleEvery === 0) samples.set(eventId, { personId, occurredAtMs, phase: index });
    }
    await sleep(5);
  }
  const windowSeconds = (performance.now() - started) / 1000;
  const acknowledged = acknowledgedInPhase;
  const backlog = client.stats().queued;
  const drained = await client.flush(180_000);
  const cpu = process.cpuUsage(cpuBefore);
  send({
    kind: "phase-done",
    phase: index,
    issued,
    acknowledged,
    windowSeconds,
    backlog,
    drained,
    drainSeconds: (performance.now() - started) / 1000 - windowSeconds,
    dropped: client.stats().dropped - droppedBefore,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  });
}

async function close(): Promise<void> {
  await client.close(0);
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}
