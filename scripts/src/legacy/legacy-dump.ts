import { pointOfHexEwkb } from "@udaconnect/migrations";

/**
 * Reads the SQL dump files of the original UdaConnect (`public.person` and
 * `public.location` INSERT statements, as in scripts/data/legacy/).
 */

export interface LegacyPerson {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
}

export interface LegacyLocation {
  readonly id: number;
  readonly personId: number;
  /** The stored point as it is: x and y, whatever they meant. */
  readonly x: number;
  readonly y: number;
  /** creation_time, a zone-less TIMESTAMP, read as UTC. */
  readonly creationTime: Date;
}

export interface DumpProblem {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedDump<T> {
  readonly rows: readonly T[];
  readonly problems: readonly DumpProblem[];
}

const INSERT = /^insert into public\.(\w+) \(([^)]*)\) values \((.*)\);\s*$/i;

export function parsePersonDump(text: string): ParsedDump<LegacyPerson> {
  return parseInserts(text, "person", (v) => ({
    id: toInteger(v.id, "id"),
    firstName: toText(v.first_name, "first_name"),
    lastName: toText(v.last_name, "last_name"),
    companyName: toText(v.company_name, "company_name"),
  }));
}

export function parseLocationDump(text: string): ParsedDump<LegacyLocation> {
  return parseInserts(text, "location", (v) => {
    // WKB's x is the longitude; the original stored some points swapped (see toLatLon in legacy-plan.ts).
    const { longitude: x, latitude: y } = coordinateOf(toText(v.coordinate, "coordinate"));
    return {
      id: toInteger(v.id, "id"),
      personId: toInteger(v.person_id, "person_id"),
      x,
      y,
      creationTime: toUtcTimestamp(toText(v.creation_time, "creation_time")),
    };
  });
}

function parseInserts<T>(text: string, table: string, toRow: (values: Record<string, string>) => T): ParsedDump<T> {
  const rows: T[] = [];
  const problems: DumpProblem[] = [];
  text.split(/\r?\n/).forEach((source, index) => {
    if (source.trim() === "") return;
    const line = index + 1;
    const match = INSERT.exec(source);
    if (match === null || match[1] !== table) {
      problems.push({ line, reason: `not an INSERT into public.${table}` });
      return;
    }
    try {
      const columns = (match[2] ?? "").split(",").map((c) => c.trim());
      const values = splitValues(match[3] ?? "");
      if (columns.length !== values.length) throw new Error(`${columns.length} columns but ${values.length} values`);
      rows.push(toRow(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? ""]))));
    } catch (error) {
      problems.push({ line, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  return { rows, problems };
}

/** Splits `5, 'Taco', 'O''Brien'` into its SQL literals, unquoting strings. */
function splitValues(list: string): string[] {
  const values: string[] = [];
  const literal = /\s*(?:'((?:[^']|'')*)'|([^,']+?))\s*(?:,|$)/gy;
  while (literal.lastIndex < list.length) {
    const match = literal.exec(list);
    if (match === null) break;
    values.push(match[1] !== undefined ? match[1].replaceAll("''", "'") : (match[2] ?? "").trim());
  }
  if (literal.lastIndex < list.length) throw new Error(`cannot read the values near "${list.slice(literal.lastIndex, literal.lastIndex + 20)}"`);
  return values;
}

function toText(value: string | undefined, column: string): string {
  if (value === undefined) throw new Error(`column ${column} is missing`);
  return value;
}

function toInteger(value: string | undefined, column: string): number {
  const n = Number(toText(value, column));
  if (!Number.isSafeInteger(n)) throw new Error(`${column} is not an integer: ${value}`);
  return n;
}

export function toUtcTimestamp(value: string): Date {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(value);
  const date = match === null ? new Date(Number.NaN) : new Date(`${match[1]}T${match[2]}Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`creation_time is not a timestamp: ${value}`);
  return date;
}

function coordinateOf(hex: string): { latitude: number; longitude: number } {
  try {
    return pointOfHexEwkb(hex);
  } catch (error) {
    throw new Error(`coordinate is ${(error as Error).message}`);
  }
}
