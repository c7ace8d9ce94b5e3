import { findEncountersJson } from "../src/encounters/find-encounters";
import type { ReadModelClient } from "../src/postgres/create-database";
import { ParallelSlots } from "../src/encounters/parallel-parts";

export interface Lookup {
  readonly personNumber: number;
  readonly from: Date;
  readonly to: Date;
  readonly maxAccuracyMetres?: number;
}

export interface HttpTimings {
  /** Request sent → last byte of the body received, sorted (ms). */
  readonly response: number[];
  /** The same plus the client's JSON.parse of the body, sorted (ms). */
  readonly parsed: number[];
  readonly personsMet: number;
}

const DISTANCE_M = 5;
const WITHIN_S = 600;

/**
 * GET /v1/persons/{id}/connections for each lookup, one at a time, after `warmUp` untimed
 * calls; `measured` is called around the timed ones (e.g. to read CPU counters).
 */
export async function timeHttpLookups(
  apiUrl: string,
  lookups: readonly Lookup[],
  warmUp: number,
  measured: () => Promise<void> = async () => {},
): Promise<HttpTimings> {
  const url = (l: Lookup) =>
    `${apiUrl}/v1/persons/p${l.personNumber}/connections?from=${l.from.toISOString()}&to=${l.to.toISOString()}` +
    `&distance_m=${DISTANCE_M}&within_s=${WITHIN_S}${l.maxAccuracyMetres === undefined ? "" : `&max_accuracy_m=${l.maxAccuracyMetres}`}`;
  for (const lookup of lookups.slice(0, warmUp)) {
    await fetch(url(lookup)).then((r) => r.text());
  }
  const response: number[] = [];
  const parsed: number[] = [];
  let personsMet = 0;
  await measured();
  for (const lookup of lookups) {
    const t0 = performance.now();
    const reply = await fetch(url(lookup));
    const text = await reply.text();
    const t1 = performance.now();
    const body = JSON.parse(text) as { connections: unknown[] };
    parsed.push(performance.now() - t0);
    response.push(t1 - t0);
    if (reply.status !== 200) {
      throw new Error(`p${lookup.personNumber}: HTTP ${reply.status} ${text}`);
    }
    personsMet += body.connections.length;
  }
  await measured();
  return { response: response.sort(byValue), parsed: parsed.sort(byValue), personsMet };
}

/** The same lookups without HTTP: what the route runs (findEncountersJson), in this process. */
export async function timeDirectLookups(readModels: ReadModelClient, lookups: readonly Lookup[]): Promise<number[]> {
  const timings: number[] = [];
  const parallel = new ParallelSlots(1);
  for (const { personNumber, ...lookup } of lookups) {
    const t0 = performance.now();
    await findEncountersJson(readModels, { personId: `p${personNumber}`, ...lookup, distanceMetres: DISTANCE_M, withinSeconds: WITHIN_S }, { parallel });
    timings.push(performance.now() - t0);
  }
  return timings.sort(byValue);
}

export function percentile(sorted: readonly number[], p: number): string {
  return fixed(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

export function fixed(ms: number): string {
  return ms.toFixed(1);
}

function byValue(a: number, b: number): number {
  return a - b;
}
