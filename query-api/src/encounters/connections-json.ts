import type { ConnectionSummary } from "./connection-summary";
import type { PersonMet } from "./tally-encounters";

/**
 * The API's answer, {"connections": [...]}, as UTF-8 JSON in the shape of
 * connectionSummarySchema (src/http/v1-connections-routes.ts; a test holds the two equal):
 * the person's JSON as PostgreSQL wrote it, the distance as PostgreSQL printed it,
 * coordinates as JavaScript prints numbers, times as RFC 3339 UTC with milliseconds, cut as
 * a JavaScript Date cuts them.
 *
 * Written straight into one buffer: a crowded day's answer is ~500 KB in ~1,500 entries,
 * and as a string it was a rope of ~20,000 pieces that the ETag hash, then the socket, had
 * to flatten and encode (~2.5 ms and most of the garbage per lookup).
 */
export function connectionsJson(met: readonly PersonMet[], from: Date): Buffer {
  const iso = new IsoWriter(from);
  let bound = OPEN.length + CLOSE.length;
  for (const m of met) {
    bound += Buffer.byteLength(m.personJson) + MAX_ENTRY_REST_BYTES;
  }
  const body = Buffer.allocUnsafe(bound);
  let at = body.write(OPEN, 0, "latin1");
  for (const [i, m] of met.entries()) {
    at += body.write(i === 0 ? '{"person":' : ',{"person":', at, "latin1");
    at += body.write(m.personJson, at, "utf8");
    // Only ASCII from here to the entry's end: numbers, instants, the distance's text.
    at += body.write(
      ',"encounters":' + m.encounters +
        ',"first_encounter_at":"' + iso.write(m.firstAt) + '","last_encounter_at":"' + iso.write(m.lastAt) +
        '","closest_distance_m":' + m.closest.distanceText +
        ',"closest_location":{"latitude":' + m.closest.latitude + ',"longitude":' + m.closest.longitude +
        ',"at":"' + iso.write(m.closest.occurredAt) + '"}}',
      at,
      "latin1",
    );
  }
  at += body.write(CLOSE, at, "latin1");
  return body.subarray(0, at);
}

const OPEN = '{"connections":[';
const CLOSE = "]}";
/**
 * More than an entry takes besides its person: its fixed text (~180 bytes), three instants
 * (24 each), an integer count and three numbers of at most 24 characters each.
 */
const MAX_ENTRY_REST_BYTES = 400;

export function toSummaries(met: readonly PersonMet[], from: Date): ConnectionSummary[] {
  const instant = (sinceFrom: number) => new Date(from.getTime() + Math.floor(sinceFrom / 1000));
  return met.map((m) => ({
    person: JSON.parse(m.personJson) as ConnectionSummary["person"],
    encounters: m.encounters,
    firstEncounterAt: instant(m.firstAt),
    lastEncounterAt: instant(m.lastAt),
    closestDistanceMetres: m.closest.distanceMetres,
    closestLocation: { latitude: m.closest.latitude, longitude: m.closest.longitude, at: instant(m.closest.occurredAt) },
  }));
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/**
 * Writes instants given in µs after `from` as Date.prototype.toISOString writes them (years
 * 1–9999), three to a person met: the date is computed once per day and the time from
 * tables, ~5× faster than a Date each.
 */
export class IsoWriter {
  readonly #fromMs: number;
  readonly #days = new Map<number, string>();

  constructor(from: Date) {
    this.#fromMs = from.getTime();
  }

  write(sinceFrom: number): string {
    // `from` has whole milliseconds (a Date), so this is the instant's Date cut.
    const ms = this.#fromMs + Math.floor(sinceFrom / 1000);
    const day = Math.floor(ms / DAY_MS);
    let date = this.#days.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 11);
      this.#days.set(day, date);
    }
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    return `${date}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
  }
}
