import type { EncounterText } from "./encounter-statement";

/** The closest encounter with one person: the other's check-in there. */
export interface ClosestCheckIn {
  /** Spheroid metres, and the text PostgreSQL printed for them (the same double). */
  readonly distanceMetres: number;
  readonly distanceText: string;
  readonly latitude: number;
  readonly longitude: number;
  /** When the other checked in there, µs after the lookup's from. */
  readonly occurredAt: number;
}

/** Everything the answer says about one person met. */
export interface PersonMet {
  readonly id: string;
  /** The person's JSON text, in the API's Person shape. */
  readonly personJson: string;
  readonly encounters: number;
  /** When encounters happened, µs after the lookup's from: the later of the two check-ins of each pair. */
  readonly firstAt: number;
  readonly lastAt: number;
  readonly closest: ClosestCheckIn;
}

/** A person's tally while the pairs are read. */
interface Tally {
  encounters: number;
  firstAt: number;
  lastAt: number;
  /** The closest pair so far: where its line starts in `text`, and what orders it. */
  text: string;
  line: number;
  distanceMetres: number;
  at: number;
}

/**
 * Summarises the pairs of the statements of one lookup (one, or parts that split the
 * person's own check-ins between them, so every pair is in exactly one part) per registered
 * person met, ordered by first encounter, then person id in byte order (ids are ASCII, so
 * JavaScript's string order is byte order). Pairs of a person not registered are left out.
 * A crowded day has ~2,500 pairs with ~1,500 people: each line is read in place for what
 * every pair needs (integers without a substring); the rest of the closest pair of each
 * person is read once at the end.
 */
export function tallyEncounters(parts: readonly EncounterText[]): PersonMet[] {
  const personJson = new Map<string, string>();
  for (const part of parts) {
    forEachLine(part.persons, (text, start, end) => {
      const tab = text.indexOf("\t", start);
      personJson.set(text.slice(start, tab), text.slice(tab + 1, end));
    });
  }
  const own = ownTimes(parts);
  const tallies = new Map<string, Tally>();
  for (const part of parts) {
    forEachLine(part.pairs, (text, line, end) => {
      const f = fieldsOf(text, line, end);
      const ownAt = own[integerAt(text, f.n, f.occurred - 1) - 1];
      if (ownAt === undefined) {
        throw new Error(`an encounter line names an own check-in that is not listed: ${text.slice(line, end)}`);
      }
      const at = Math.max(ownAt, integerAt(text, f.occurred, f.distance - 1));
      const distanceMetres = Number(text.slice(f.distance, f.coordinate - 1));
      const id = text.slice(line, f.eventId - 1);
      const tally = tallies.get(id);
      if (tally === undefined) {
        tallies.set(id, { encounters: 1, firstAt: at, lastAt: at, text, line, distanceMetres, at });
        return;
      }
      tally.encounters += 1;
      tally.firstAt = Math.min(tally.firstAt, at);
      tally.lastAt = Math.max(tally.lastAt, at);
      if (closer(distanceMetres, at, text, f.eventId, tally)) {
        tally.text = text;
        tally.line = line;
        tally.distanceMetres = distanceMetres;
        tally.at = at;
      }
    });
  }
  const met: PersonMet[] = [];
  for (const [id, tally] of tallies) {
    const json = personJson.get(id);
    if (json !== undefined) {
      const { encounters, firstAt, lastAt } = tally;
      met.push({ id, personJson: json, encounters, firstAt, lastAt, closest: closestCheckIn(tally) });
    }
  }
  return met.sort((a, b) => a.firstAt - b.firstAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Where the fields after the person id start, in `person_id,event_id,n,occurred_us,distance_m,coordinate`. */
interface PairFields {
  readonly eventId: number;
  readonly n: number;
  readonly occurred: number;
  readonly distance: number;
  readonly coordinate: number;
}

function fieldsOf(text: string, line: number, end: number): PairFields {
  const eventId = text.indexOf(",", line) + 1;
  const n = text.indexOf(",", eventId) + 1;
  const occurred = text.indexOf(",", n) + 1;
  const distance = text.indexOf(",", occurred) + 1;
  const coordinate = text.indexOf(",", distance) + 1;
  if (eventId === 0 || n === 0 || occurred === 0 || distance === 0 || coordinate === 0 || coordinate > end) {
    throw new Error(`an encounter line has fewer than 6 fields: ${text.slice(line, end)}`);
  }
  return { eventId, n, occurred, distance, coordinate };
}

/** The decimal integer text[start, end), a leading minus allowed. */
function integerAt(text: string, start: number, end: number): number {
  const negative = text.charCodeAt(start) === 45;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      throw new Error(`not an integer: ${text.slice(start, end)}`);
    }
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/** Ties on distance go to the earlier encounter, then to the lower event id (uuid order is its text's order). */
function closer(distanceMetres: number, at: number, text: string, eventId: number, than: Tally): boolean {
  if (distanceMetres !== than.distanceMetres) {
    return distanceMetres < than.distanceMetres;
  }
  if (at !== than.at) {
    return at < than.at;
  }
  const theirs = fieldsOf(than.text, than.line, than.text.length).eventId;
  return text.slice(eventId, eventId + UUID_LENGTH) < than.text.slice(theirs, theirs + UUID_LENGTH);
}

const UUID_LENGTH = 36;

function closestCheckIn(tally: Tally): ClosestCheckIn {
  const { text, line } = tally;
  const newline = text.indexOf("\n", line);
  const end = newline === -1 ? text.length : newline;
  const f = fieldsOf(text, line, end);
  const { latitude, longitude } = pointOfHexEwkb(text.slice(f.coordinate, end));
  return {
    distanceMetres: tally.distanceMetres,
    distanceText: text.slice(f.distance, f.coordinate - 1),
    latitude,
    longitude,
    occurredAt: integerAt(text, f.occurred, f.distance - 1),
  };
}

/** A point as PostGIS prints a geography: hex (E)WKB, either byte order, with or without an SRID. */
export function pointOfHexEwkb(hex: string): { latitude: number; longitude: number } {
  const wkb = Buffer.from(hex, "hex");
  const little = wkb[0] === 1;
  const type = wkb.length >= 5 ? (little ? wkb.readUInt32LE(1) : wkb.readUInt32BE(1)) : 0;
  const at = (type & 0x20000000) !== 0 ? 9 : 5;
  if ((type & 0x0fffffff) !== 1 || wkb.length < at + 16) {
    throw new Error(`not a 2-D point in hex EWKB: ${hex}`);
  }
  const x = little ? wkb.readDoubleLE(at) : wkb.readDoubleBE(at);
  const y = little ? wkb.readDoubleLE(at + 8) : wkb.readDoubleBE(at + 8);
  return { latitude: y, longitude: x };
}

/** Every part lists all the person's own check-in times (the parts only split the probing). */
function ownTimes(parts: readonly EncounterText[]): number[] {
  const text = parts.find((p) => p.own !== null)?.own ?? "";
  return text === "" ? [] : text.split(",").map(Number);
}

function forEachLine(text: string | null, each: (text: string, start: number, end: number) => void): void {
  if (text === null) {
    return;
  }
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    each(text, start, end);
    start = end + 1;
  }
}
