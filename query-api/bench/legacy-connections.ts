import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";

/**
 * The original service's algorithm: the person's check-ins of the date range, then one
 * ST_DWithin query per check-in (over geography casts, so no index helps), no time
 * proximity. Timed per check-in so a few of them can stand for a whole lookup.
 */
export async function timeLegacyLookup(
  db: Kysely<Database>,
  personNumber: number,
  range: { from: Date; to: Date },
  distanceMetres: number,
  maxCheckIns: number,
): Promise<{ ownCheckIns: number; timed: number; msPerCheckIn: number }> {
  const { rows: own } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(coordinate) AS lon, ST_Y(coordinate) AS lat FROM legacy_bench.location
    WHERE person_id = ${personNumber}
      AND creation_time >= (${range.from}::timestamptz AT TIME ZONE 'UTC') AND creation_time < (${range.to}::timestamptz AT TIME ZONE 'UTC')`.execute(db);
  const sample = own.slice(0, maxCheckIns);
  const started = performance.now();
  for (const { lon, lat } of sample) {
    await sql`
      SELECT person_id, id, ST_X(coordinate), ST_Y(coordinate), creation_time FROM legacy_bench.location
      WHERE ST_DWithin(coordinate::geography, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)::geography, ${distanceMetres})
        AND person_id <> ${personNumber}
        AND (${range.from}::timestamptz AT TIME ZONE 'UTC') <= creation_time AND (${range.to}::timestamptz AT TIME ZONE 'UTC') > creation_time`.execute(db);
  }
  const elapsed = performance.now() - started;
  return { ownCheckIns: own.length, timed: sample.length, msPerCheckIn: sample.length === 0 ? 0 : elapsed / sample.length };
}
