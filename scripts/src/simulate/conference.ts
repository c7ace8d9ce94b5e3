import { uuidV5 } from "../legacy/legacy-plan";

export interface ConferenceParameters {
  readonly seed: number;
  readonly attendees: number;
  readonly booths: number;
  /** When the first session starts. */
  readonly start: Date;
  /** Sessions (slots) of the schedule: each attendee spends each one at a booth of their choosing. */
  readonly sessions: number;
  readonly sessionSeconds: number;
  /** Seconds between two check-ins of one attendee. */
  readonly checkInEverySeconds: number;
  /** Person ids are `${idPrefix}${n}`, so runs can share a database without sharing people. */
  readonly idPrefix: string;
  /** Centre of the venue. */
  readonly origin: { readonly latitude: number; readonly longitude: number };
}

export interface SimulatedPerson {
  readonly personId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
}

export interface SimulatedCheckIn {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
}

export interface Conference {
  readonly persons: readonly SimulatedPerson[];
  /** In time order. */
  readonly checkIns: readonly SimulatedCheckIn[];
}

/**
 * Booths stand BOOTH_SPACING_M apart on a grid and attendees stand within
 * JITTER_M of theirs: two check-ins are either at most 2 × JITTER_M apart (same
 * booth) or at least BOOTH_SPACING_M − 2 × JITTER_M. A distance threshold
 * between the two (e.g. 10 m) is far from every pair, so the metre or so by
 * which a sphere and the spheroid disagree at this scale cannot change who met.
 */
export const BOOTH_SPACING_M = 40;
export const JITTER_M = 2;
const METRES_PER_DEGREE = 111_320;
const EVENT_ID_NAMESPACE = "6f2d3c1e-8a47-4b5e-9c0d-7e1f2a3b4c5d";

export function planConference(p: ConferenceParameters): Conference {
  const random = mulberry32(p.seed);
  const columns = Math.ceil(Math.sqrt(p.booths));
  const boothAt = (booth: number) => ({ north: Math.floor(booth / columns) * BOOTH_SPACING_M, east: (booth % columns) * BOOTH_SPACING_M });
  const persons = Array.from({ length: p.attendees }, (_, n) => ({
    personId: `${p.idPrefix}${n}`,
    firstName: `Attendee`,
    lastName: `${n}`,
    companyName: `Company ${n % 7}`,
  }));
  const checkIns: SimulatedCheckIn[] = [];
  for (const person of persons) {
    // Devices do not check in in step: each has its own phase within the interval.
    const phase = Math.floor(random() * p.checkInEverySeconds);
    for (let session = 0; session < p.sessions; session += 1) {
      const booth = boothAt(Math.floor(random() * p.booths));
      for (let s = phase; s < p.sessionSeconds; s += p.checkInEverySeconds) {
        const north = booth.north + (random() * 2 - 1) * (JITTER_M / Math.SQRT2);
        const east = booth.east + (random() * 2 - 1) * (JITTER_M / Math.SQRT2);
        checkIns.push({
          eventId: uuidV5(EVENT_ID_NAMESPACE, `${p.seed}:${person.personId}:${checkIns.length}`),
          personId: person.personId,
          latitude: round7(p.origin.latitude + north / METRES_PER_DEGREE),
          longitude: round7(p.origin.longitude + east / (METRES_PER_DEGREE * Math.cos((p.origin.latitude * Math.PI) / 180))),
          occurredAt: new Date(p.start.getTime() + (session * p.sessionSeconds + s) * 1000),
        });
      }
    }
  }
  checkIns.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.eventId.localeCompare(b.eventId));
  return { persons, checkIns };
}

/** About 1 cm: what a phone reports, and a value that survives a round trip through any JSON. */
function round7(degrees: number): number {
  return Math.round(degrees * 1e7) / 1e7;
}

/** A small seeded generator: the same seed gives the same conference on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
