import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Conference } from "../simulate/conference";

/** What a device process is told (device-main.ts), written as JSON beside its files. */
export interface DeviceSettings {
  readonly gatewayUrl: string;
  readonly queueDir: string;
  readonly planFile: string;
  /** How many of the plan's check-ins are queued: survives the device's restarts. */
  readonly progressFile: string;
  /** ndjson {t, q: event ids}: when check-ins were queued (on disk). */
  readonly queuedFile: string;
  /** ndjson {t, a: accepted ids, d: duplicate ids, r: rejected ids}: each acknowledgement, once on disk. */
  readonly acksFile: string;
  /** Written once the schedule is over and the queue is empty. */
  readonly statsFile: string;
  /** Written by the run once every service is ready: {startAtMs, endAtMs}, between which the plan's check-ins are queued evenly. */
  readonly scheduleFile: string;
  readonly backoffMaxMs: number;
}

export interface Schedule {
  readonly startAtMs: number;
  readonly endAtMs: number;
}

export interface PlannedCheckIn {
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAtMs: number;
}

/** Splits the conference's check-ins by attendee over `devices` devices and writes each one's settings; returns their paths. */
export function writeDeviceSettings(
  conference: Conference,
  devices: number,
  runDir: string,
  common: Pick<DeviceSettings, "gatewayUrl" | "scheduleFile" | "backoffMaxMs">,
): string[] {
  const owner = new Map(conference.persons.map((p, i) => [p.personId, i % devices]));
  return Array.from({ length: devices }, (_, d) => {
    const dir = join(runDir, "devices", String(d));
    mkdirSync(join(dir, "queue"), { recursive: true });
    const plan: PlannedCheckIn[] = conference.checkIns
      .filter((c) => owner.get(c.personId) === d)
      .map((c) => ({ personId: c.personId, latitude: c.latitude, longitude: c.longitude, occurredAtMs: c.occurredAt.getTime() }));
    const settings: DeviceSettings = {
      ...common,
      queueDir: join(dir, "queue"),
      planFile: join(dir, "plan.json"),
      progressFile: join(dir, "progress"),
      queuedFile: join(dir, "queued.ndjson"),
      acksFile: join(dir, "acks.ndjson"),
      statsFile: join(dir, "stats.json"),
    };
    writeFileSync(settings.planFile, JSON.stringify(plan));
    const file = join(dir, "settings.json");
    writeFileSync(file, JSON.stringify(settings, null, 1));
    return file;
  });
}
