import { createHash } from "node:crypto";
import type { LegacyLocation, LegacyPerson } from "./legacy-dump";

/** What the import will send: registrations and check-ins, plus what it fixed or rejected and why. */
export interface LegacyImportPlan {
  readonly persons: readonly PlannedPerson[];
  readonly checkIns: readonly PlannedCheckIn[];
  readonly fixed: readonly PlanNote[];
  readonly rejected: readonly PlanNote[];
}

export interface PlannedPerson {
  readonly personId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
}

export interface PlannedCheckIn {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
}

export interface PlanNote {
  readonly locationId: number;
  readonly reason: string;
}

/**
 * Fixed namespace of the import's UUIDv5 event ids: the same legacy row always
 * becomes the same event id, so importing twice appends nothing the read model
 * does not already hold.
 */
const LEGACY_NAMESPACE = "3f1c9a52-6f0e-4b8e-9d6a-2b7f0c4e8a11";

export function planLegacyImport(persons: readonly LegacyPerson[], locations: readonly LegacyLocation[]): LegacyImportPlan {
  const fixed: PlanNote[] = [];
  const rejected: PlanNote[] = [];
  const checkIns: PlannedCheckIn[] = [];
  for (const location of locations) {
    const position = toLatLon(location);
    if (position.kind === "rejected") {
      rejected.push({ locationId: location.id, reason: position.reason });
      continue;
    }
    if (position.kind === "swapped") {
      fixed.push({ locationId: location.id, reason: `x=${location.x}, y=${location.y} is not (longitude, latitude); read as (latitude, longitude)` });
    }
    checkIns.push({
      eventId: uuidV5(LEGACY_NAMESPACE, `location:${location.id}`),
      personId: String(location.personId),
      latitude: position.latitude,
      longitude: position.longitude,
      occurredAt: location.creationTime,
    });
  }
  return {
    persons: persons.map((p) => ({ personId: String(p.id), firstName: p.firstName, lastName: p.lastName, companyName: p.companyName })),
    checkIns,
    fixed,
    rejected,
  };
}

type Position = { kind: "as-stored" | "swapped"; latitude: number; longitude: number } | { kind: "rejected"; reason: string };

/** Reads (x, y) as (longitude, latitude), and swaps only where that is impossible. */
export function toLatLon({ x, y }: { x: number; y: number }): Position {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return { kind: "rejected", reason: "coordinate is not finite" };
  if (Math.abs(y) <= 90 && Math.abs(x) <= 180) return { kind: "as-stored", latitude: y, longitude: x };
  if (Math.abs(x) <= 90 && Math.abs(y) <= 180) return { kind: "swapped", latitude: x, longitude: y };
  return { kind: "rejected", reason: `x=${x}, y=${y} is no position on Earth in either order` };
}

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
