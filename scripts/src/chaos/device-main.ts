/**
 * One device of the chaos run, as a process of its own so the run can SIGKILL it. argv: the
 * path of its DeviceSettings (JSON). It queues its share of the conference on a schedule,
 * records what it queued and what the gateway acknowledged (each an ndjson file, appended only
 * after the SDK has the fact on disk), and once the schedule is over and its queue is empty
 * writes its final stats and exits 0. Started again after a kill, it resumes from its journal
 * and its progress file.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
// A relative import: @udaconnect/device-sdk is not a dependency of the scripts package yet.
import { createDeviceClient, fileStorage } from "../../../ingest/device-sdk/src/index";
import type { DeviceSettings, PlannedCheckIn, Schedule } from "./device-settings";

const settings = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as DeviceSettings;
const plan = JSON.parse(readFileSync(settings.planFile, "utf8")) as PlannedCheckIn[];
const device = await createDeviceClient({
  gatewayUrl: settings.gatewayUrl,
  storage: await fileStorage(settings.queueDir),
  backoff: { baseMs: 100, maxMs: settings.backoffMaxMs },
  onAcknowledged: (ack) => {
    appendFileSync(settings.acksFile, `${JSON.stringify({ t: Date.now(), a: ack.accepted, d: ack.duplicates, r: ack.rejected })}\n`);
  },
});

while (!existsSync(settings.scheduleFile)) await sleep(100);
const { startAtMs, endAtMs } = JSON.parse(readFileSync(settings.scheduleFile, "utf8")) as Schedule;
let next = existsSync(settings.progressFile) ? Number(readFileSync(settings.progressFile, "utf8")) : 0;
let dropped = 0;
while (next < plan.length) {
  const now = Date.now();
  const share = (now - startAtMs) / (endAtMs - startAtMs);
  const due = Math.min(plan.length, Math.max(0, Math.ceil(share * plan.length)));
  if (due > next) {
    // Progress first: a kill between here and the journal write skips these check-ins (never
    // queued, never acknowledged) instead of queueing them a second time under new ids.
    writeFileSync(`${settings.progressFile}.tmp`, String(due));
    renameSync(`${settings.progressFile}.tmp`, settings.progressFile);
    const ids: string[] = [];
    for (const c of plan.slice(next, due)) {
      const id = device.checkIn({ personId: c.personId, latitude: c.latitude, longitude: c.longitude, occurredAt: new Date(c.occurredAtMs) });
      if (id === undefined) dropped++;
      else ids.push(id);
    }
    await device.written();
    appendFileSync(settings.queuedFile, `${JSON.stringify({ t: now, q: ids })}\n`);
    next = due;
  }
  await sleep(100);
}
while (!(await device.flush(1_000))) {
  // Draining (the SDK keeps retrying in the background); the run reports this if it never ends.
  writeFileSync(`${settings.statsFile}.draining`, `${JSON.stringify(device.stats())}\n`);
}
writeFileSync(settings.statsFile, `${JSON.stringify({ ...device.stats(), droppedNow: dropped, drainedAt: Date.now() })}\n`);
await device.close(1_000);
