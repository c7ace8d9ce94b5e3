import type { ConnectionSummary } from "./connection-summary";
import type { PersonMet } from "./tally-encounters";

/**
 * The API's answer, {"connections": [...]}, as UTF-8 JSON in the shape of
 * connectionSummarySchema (src/http/v1-connections-routes.ts; a test holds the two equal):
 * the person's JSON as PostgreSQL wrote it, the distance as PostgreSQL printed it,
 * coordinates as JavaScript prints numbers, times as RFC 3339 UTC with milliseconds, cut as
 * a JavaScript Date cuts them.
 *
 * Written straight into one buffer: a crowded day's answer is ~400 KB in ~1,500 entries. As one
 * string it was a rope of ~20,000 pieces that the ETag hash, then the socket, had to flatten and
 * encode; built as a string per entry it still made ~2.5 MB of garbage per answer. Now only the
 * person's JSON (any Unicode) goes through Buffer.write; JSON's punctuation is copied from
 * bytes encoded once, and numbers and instants are written a character per byte.
 *
 * Kept after a side-by-side measurement against Fastify's own serializer (fast-json-stringify
 * compiled from the route's response schema; `scripts/bench-query --serializer both`, 1M venue,
 * 40 lookups × 4 rounds, the two and a second hand-written server as an A/A control asked in
 * turn, identical bytes): with the schema serializer the p95 was 191–775 ms (+22–47 %) higher
 * in every round, more than the two hand-written servers differed in the same round (5–405 ms),
 * and the API spent 5–16 ms more CPU per lookup (+25–50 %). Figures in docs/query-api.md.
 */
export function connectionsJson(met: readonly PersonMet[], from: Date): Buffer {
  let bound = OPEN.length + CLOSE.length;
  for (const m of met) {
    bound += Buffer.byteLength(m.personJson) + MAX_ENTRY_REST_BYTES;
  }
  const out = new JsonBuffer(Buffer.allocUnsafe(bound));
  const iso = new IsoWriter(from);
  out.bytes(OPEN);
  for (const [i, m] of met.entries()) {
    out.bytes(i === 0 ? FIRST_PERSON : NEXT_PERSON);
    out.utf8(m.personJson);
    out.bytes(ENCOUNTERS);
    out.ascii(String(m.encounters));
    out.bytes(FIRST_ENCOUNTER_AT);
    iso.write(out, m.firstAt);
    out.bytes(LAST_ENCOUNTER_AT);
    iso.write(out, m.lastAt);
    out.bytes(CLOSEST_DISTANCE);
    out.ascii(m.closest.distanceText);
    out.bytes(LATITUDE);
    out.ascii(String(m.closest.latitude));
    out.bytes(LONGITUDE);
    out.ascii(String(m.closest.longitude));
    out.bytes(AT);
    iso.write(out, m.closest.occurredAt);
    out.bytes(END_ENTRY);
  }
  out.bytes(CLOSE);
  return out.written();
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPEN = ascii('{"connections":[');
const CLOSE = ascii("]}");
const FIRST_PERSON = ascii('{"person":');
const NEXT_PERSON = ascii(',{"person":');
const ENCOUNTERS = ascii(',"encounters":');
const FIRST_ENCOUNTER_AT = ascii(',"first_encounter_at":"');
const LAST_ENCOUNTER_AT = ascii('","last_encounter_at":"');
const CLOSEST_DISTANCE = ascii('","closest_distance_m":');
const LATITUDE = ascii(',"closest_location":{"latitude":');
const LONGITUDE = ascii(',"longitude":');
const AT = ascii(',"at":"');
const END_ENTRY = ascii('"}}');
/**
 * More than an entry takes besides its person: its fixed text (~180 bytes), three instants
 * (24 each), an integer count and three numbers of at most 24 characters each.
 */
const MAX_ENTRY_REST_BYTES = 400;

/** Writes into a buffer from its start on; the caller sizes the buffer. */
export class JsonBuffer {
  readonly #buffer: Buffer;
  #at = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  /** Bytes encoded beforehand (JSON's punctuation and names). */
  bytes(bytes: Uint8Array): void {
    this.#buffer.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  /** Text the caller knows to be ASCII (numbers, a printed distance): a byte per character. */
  ascii(text: string): void {
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < text.length; i += 1) {
      buffer[at] = text.charCodeAt(i);
      at += 1;
    }
    this.#at = at;
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.#at += this.#buffer.write(text, this.#at, "utf8");
  }

  /** `value` (0 ≤ value < 10^width) as `width` decimal digits, with leading zeros. */
  digits(value: number, width: number): void {
    const buffer = this.#buffer;
    let rest = value;
    for (let i = this.#at + width - 1; i >= this.#at; i -= 1) {
      const tenth = (rest / 10) | 0;
      buffer[i] = ZERO + rest - tenth * 10;
      rest = tenth;
    }
    this.#at += width;
  }

  /** One byte, given as its code. */
  byte(code: number): void {
    this.#buffer[this.#at] = code;
    this.#at += 1;
  }

  /** What has been written: a view of the buffer, not a copy. */
  written(): Buffer {
    return this.#buffer.subarray(0, this.#at);
  }
}

const ZERO = 0x30;
const COLON = 0x3a;
const DOT = 0x2e;
const Z = 0x5a;

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

/**
 * Writes instants given in µs after `from` as Date.prototype.toISOString writes them (years
 * 1–9999), three to a person met: the date is encoded once per day, the time digit by digit.
 */
export class IsoWriter {
  readonly #fromMs: number;
  readonly #days = new Map<number, Uint8Array>();

  constructor(from: Date) {
    this.#fromMs = from.getTime();
  }

  write(out: JsonBuffer, sinceFrom: number): void {
    // `from` has whole milliseconds (a Date), so this is the instant's Date cut.
    const ms = this.#fromMs + Math.floor(sinceFrom / 1000);
    const day = Math.floor(ms / DAY_MS);
    let date = this.#days.get(day);
    if (date === undefined) {
      date = ascii(new Date(day * DAY_MS).toISOString().slice(0, 11));
      this.#days.set(day, date);
    }
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    out.bytes(date);
    out.digits(hours, 2);
    out.byte(COLON);
    out.digits(minutes, 2);
    out.byte(COLON);
    out.digits(seconds, 2);
    out.byte(DOT);
    out.digits(rest - seconds * 1000, 3);
    out.byte(Z);
  }
}
