import type { InvalidParameter } from "../invalid-parameter";

export const DEFAULT_ENCOUNTER_DISTANCE_M = 5;
/** Beyond a kilometre "met" means nothing, and the lookup turns into a scan of the venue. */
export const MAX_ENCOUNTER_DISTANCE_M = 1000;
export const DEFAULT_WITHIN_S = 600;
export const MAX_WITHIN_S = 86_400;
export const MAX_RANGE_DAYS = 31;
/** A phone's fix worse than a kilometre places it nowhere in a venue: no bound above this is useful. */
export const MAX_ACCURACY_BOUND_M = 1000;

const DAY_MS = 86_400_000;

/** Who was within distanceMetres and withinSeconds of the person, both check-ins in [from, to). */
export interface EncounterCriteria {
  readonly from: Date;
  readonly to: Date;
  readonly distanceMetres: number;
  readonly withinSeconds: number;
  /**
   * Only check-ins (on both sides of a pair) whose reported accuracy is at most this many
   * metres; check-ins without one are left out too. Absent: no filter.
   */
  readonly maxAccuracyMetres?: number;
}

export interface EncounterQuery {
  readonly from: string;
  readonly to: string;
  readonly distanceMetres: number;
  readonly withinSeconds: number;
  readonly maxAccuracyMetres?: number | undefined;
}

/**
 * Checks what a JSON schema cannot: that the instants exist, that `to` follows `from`,
 * and the range limit. Expected mistakes are returned, not thrown.
 */
export function parseEncounterQuery(query: EncounterQuery): EncounterCriteria | InvalidParameter {
  const range = parseTimeRange(query.from, query.to, MAX_RANGE_DAYS);
  if ("kind" in range) {
    return range;
  }
  const { distanceMetres, withinSeconds, maxAccuracyMetres } = query;
  if (!Number.isFinite(distanceMetres) || distanceMetres <= 0 || distanceMetres > MAX_ENCOUNTER_DISTANCE_M) {
    return invalid("distance_m", `distance_m must be above 0 and at most ${MAX_ENCOUNTER_DISTANCE_M}, got ${distanceMetres}`);
  }
  if (!Number.isInteger(withinSeconds) || withinSeconds < 0 || withinSeconds > MAX_WITHIN_S) {
    return invalid("within_s", `within_s must be an integer from 0 to ${MAX_WITHIN_S}, got ${withinSeconds}`);
  }
  if (maxAccuracyMetres === undefined) {
    return { ...range, distanceMetres, withinSeconds };
  }
  if (!Number.isFinite(maxAccuracyMetres) || maxAccuracyMetres <= 0 || maxAccuracyMetres > MAX_ACCURACY_BOUND_M) {
    return invalid("max_accuracy_m", `max_accuracy_m must be above 0 and at most ${MAX_ACCURACY_BOUND_M}, got ${maxAccuracyMetres}`);
  }
  return { ...range, distanceMetres, withinSeconds, maxAccuracyMetres };
}

/** A half-open range [from, to) of RFC 3339 instants, at most maxDays long. */
export function parseTimeRange(fromText: string, toText: string, maxDays: number): { from: Date; to: Date } | InvalidParameter {
  const from = parseInstant(fromText);
  if (from === undefined) {
    return invalid("from", `from must be an RFC 3339 date-time such as 2020-03-10T00:00:00Z, got "${fromText}"`);
  }
  const to = parseInstant(toText);
  if (to === undefined) {
    return invalid("to", `to must be an RFC 3339 date-time such as 2020-03-11T00:00:00Z, got "${toText}"`);
  }
  if (to <= from) {
    return invalid("to", `to (${toText}) must be after from (${fromText})`);
  }
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    return invalid("to", `the range from ${fromText} to ${toText} is longer than ${maxDays} days`);
  }
  return { from, to };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 date-time that names a real instant (no 2021-02-29, no leap second 23:59:60), else undefined. */
export function parseInstant(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (match === null) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(0);
  calendar.setUTCFullYear(year, month - 1, day);
  const realDay = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
  if (!realDay || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const instant = new Date(text.toUpperCase());
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

function invalid(parameter: string, detail: string): InvalidParameter {
  return { kind: "invalid-parameter", parameter, detail };
}
