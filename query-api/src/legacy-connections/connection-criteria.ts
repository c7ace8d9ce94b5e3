import type { InvalidParameter } from "../invalid-parameter";

/** Legacy clients sent distance=5; it stays the default. */
export const DEFAULT_DISTANCE_METRES = 5;
/** Larger radii stop meaning "met" and turn the lookup into a scan of the whole venue. */
export const MAX_DISTANCE_METRES = 10_000;

const DAY_MS = 24 * 60 * 60 * 1000;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A JSON number without sign (as the OpenAPI `number` allows), leading zeros allowed: "5", "2.5", "2500.644205157741", "1e-05". */
const DECIMAL = /^\d{1,10}(\.\d+)?([eE][+-]?\d{1,3})?$/;

/** What the connection lookup needs: a half-open UTC time window and a radius. */
export interface ConnectionCriteria {
  readonly start: Date;
  readonly endExclusive: Date;
  readonly distanceMetres: number;
}

export interface ConnectionQuery {
  readonly startDate: string;
  readonly endDate: string;
  readonly distance: number;
}

/**
 * Turns the wire parameters into criteria: [start_date 00:00Z, end_date + 1 day 00:00Z),
 * so end_date includes its whole day. Expected mistakes are returned, not thrown.
 */
export function parseConnectionQuery(query: ConnectionQuery): ConnectionCriteria | InvalidParameter {
  const start = parseCalendarDate(query.startDate);
  if (start === undefined) {
    return invalid("start_date", `start_date must be a calendar date YYYY-MM-DD, got "${query.startDate}"`);
  }
  const end = parseCalendarDate(query.endDate);
  if (end === undefined) {
    return invalid("end_date", `end_date must be a calendar date YYYY-MM-DD, got "${query.endDate}"`);
  }
  if (end < start) {
    return invalid("end_date", `end_date (${query.endDate}) must not be before start_date (${query.startDate})`);
  }
  const distanceProblem = checkDistance(query.distance);
  if (distanceProblem !== undefined) {
    return distanceProblem;
  }
  return { start, endExclusive: new Date(end.getTime() + DAY_MS), distanceMetres: query.distance };
}

/** Midnight UTC of a real calendar date written YYYY-MM-DD (2020-02-29 yes, 2021-02-29 no), else undefined. */
export function parseCalendarDate(text: string): Date | undefined {
  const match = CALENDAR_DATE.exec(text);
  if (match === null) {
    return undefined;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  const roundTrips = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return roundTrips ? date : undefined;
}

/**
 * Reads a radius written as a number ("5", "2.5", "1e3"), with any number of decimals: Number()
 * alone would also take " 5", "0x10" or "", which are no numbers in the OpenAPI's sense.
 */
export function parseDistance(text: string): number | InvalidParameter {
  const distance = DECIMAL.test(text) ? Number(text) : Number.NaN;
  return checkDistance(distance, JSON.stringify(text)) ?? distance;
}

/** Undefined when `distance` is a usable radius in metres: finite, above 0, at most MAX_DISTANCE_METRES. */
export function checkDistance(distance: number, given: string = String(distance)): InvalidParameter | undefined {
  if (!Number.isFinite(distance) || distance <= 0 || distance > MAX_DISTANCE_METRES) {
    return invalid("distance", `distance must be a decimal number of metres above 0 and at most ${MAX_DISTANCE_METRES} (e.g. 5 or 2.5), got ${given}`);
  }
  return undefined;
}

function invalid(parameter: string, detail: string): InvalidParameter {
  return { kind: "invalid-parameter", parameter, detail };
}
