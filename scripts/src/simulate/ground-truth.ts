import type { SimulatedCheckIn } from "./conference";

export interface MeetingCriteria {
  readonly distanceM: number;
  /** Undefined: any time in the range (the legacy API's meaning). */
  readonly withinS?: number;
  /** Both check-ins in [from, to). */
  readonly from: Date;
  readonly to: Date;
}

/** Who met whom: person id → the ids of everyone they met, both directions listed. */
export type WhoMetWhom = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Every pair of check-ins of two different people, both in [from, to), at most
 * distanceM apart and (when withinS is given) at most withinS seconds apart:
 * the query API's definition, computed from the check-ins themselves.
 */
export function whoMetWhom(checkIns: readonly SimulatedCheckIn[], criteria: MeetingCriteria): WhoMetWhom {
  const inRange = checkIns.filter((c) => c.occurredAt >= criteria.from && c.occurredAt < criteria.to);
  const met = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    if (!met.has(a)) met.set(a, new Set());
    met.get(a)?.add(b);
  };
  for (const [a, b] of candidatePairs(inRange, criteria)) {
    if (a.personId !== b.personId && distanceMetres(a, b) <= criteria.distanceM) {
      add(a.personId, b.personId);
      add(b.personId, a.personId);
    }
  }
  return met;
}

/** Pairs close enough in time (a sweep over time-sorted check-ins) or, with no time bound, in the same or a neighbouring cell. */
function* candidatePairs(checkIns: readonly SimulatedCheckIn[], criteria: MeetingCriteria): Generator<[SimulatedCheckIn, SimulatedCheckIn]> {
  if (criteria.withinS !== undefined) {
    const sorted = [...checkIns].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const windowMs = criteria.withinS * 1000;
    for (let i = 0; i < sorted.length; i += 1) {
      const a = sorted[i] as SimulatedCheckIn;
      for (let j = i + 1; j < sorted.length && (sorted[j] as SimulatedCheckIn).occurredAt.getTime() - a.occurredAt.getTime() <= windowMs; j += 1) {
        yield [a, sorted[j] as SimulatedCheckIn];
      }
    }
    return;
  }
  const cellDegrees = criteria.distanceM / 111_320 / 0.5;
  const cells = new Map<string, SimulatedCheckIn[]>();
  const cellOf = (c: SimulatedCheckIn) => [Math.floor(c.latitude / cellDegrees), Math.floor(c.longitude / cellDegrees)] as const;
  for (const c of checkIns) {
    const key = cellOf(c).join(":");
    cells.set(key, [...(cells.get(key) ?? []), c]);
  }
  for (const a of checkIns) {
    const [row, column] = cellOf(a);
    for (let dr = -2; dr <= 2; dr += 1) {
      for (let dc = -2; dc <= 2; dc += 1) {
        for (const b of cells.get(`${row + dr}:${column + dc}`) ?? []) if (a.eventId < b.eventId) yield [a, b];
      }
    }
  }
}

/** Haversine on the mean Earth radius; see BOOTH_SPACING_M for why that is exact enough here. */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}
