import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";

export interface VenueSize {
  readonly people: number;
  readonly checkInsPerPerson: number;
  readonly booths: number;
  readonly days: number;
  /** 0 < seed < 1: PostgreSQL setseed(); the same seed gives the same venue. */
  readonly seed: number;
  /** Also build the legacy copy (schema legacy_bench) that the legacy algorithm reads. */
  readonly legacy: boolean;
}

export const VENUE_START = new Date("2020-03-09T00:00:00Z");

/** Check-ins inserted per statement: progress shows, and no statement runs for minutes. */
const CHECK_INS_PER_CHUNK = 1_000_000;

/**
 * Fills the read model (person, location) and a legacy copy (schema legacy_bench: integer
 * person ids, geometry points, timestamp without time zone, like the original service) with
 * a seeded venue: booths scattered over ~1 km² (0.009° × 0.011° at 35° N), every check-in
 * at a random booth (±2 m jitter) at a random time of the days. Generated in SQL: a
 * million rows take seconds instead of minutes of client round trips. Ends with VACUUM
 * ANALYZE, as autovacuum would after a bulk load: the visibility map lets probes skip the heap.
 */
export async function generateVenue(db: Kysely<Database>, size: VenueSize, progress: (line: string) => void): Promise<void> {
  await db.connection().execute(async (c) => {
    await sql`SELECT setseed(${size.seed})`.execute(c);
    await sql`CREATE TEMP TABLE booth AS
      SELECT b AS booth, 35.0 + random() * 0.009 AS lat, -106.6 + random() * 0.011 AS lon
      FROM generate_series(0, ${size.booths - 1}) AS b`.execute(c);
    await sql`INSERT INTO person (id, first_name, last_name, company_name, registered_at, last_event_id)
      SELECT 'p' || p, 'First' || p, 'Last' || p, 'Company ' || (p % 97), ${VENUE_START}, md5('person' || p)::uuid
      FROM generate_series(1, ${size.people}) AS p`.execute(c);
    const peoplePerChunk = Math.max(1, Math.floor(CHECK_INS_PER_CHUNK / size.checkInsPerPerson));
    for (let first = 1; first <= size.people; first += peoplePerChunk) {
      const last = Math.min(size.people, first + peoplePerChunk - 1);
      await insertCheckIns(c, size, first, last);
      progress(`  check-ins of people ${first}–${last} of ${size.people} inserted`);
    }
    if (size.legacy) {
      await sql`CREATE SCHEMA legacy_bench`.execute(c);
      await sql`CREATE TABLE legacy_bench.location AS
        SELECT row_number() OVER () AS id, substr(person_id, 2)::int AS person_id,
               coordinate::geometry AS coordinate, (occurred_at AT TIME ZONE 'UTC') AS creation_time
        FROM location`.execute(c);
      await sql`CREATE INDEX ON legacy_bench.location USING gist (coordinate)`.execute(c);
      progress("  legacy copy built");
    }
    await sql`VACUUM ANALYZE`.execute(c);
    progress("  vacuumed and analysed");
  });
}

async function insertCheckIns(c: Kysely<Database>, size: VenueSize, first: number, last: number): Promise<void> {
  // accuracy_m from the event id's bytes, not random(): the venue stays the one it was before it had accuracies.
  // 0.5 to 29.5 m; one check-in in five reported none.
  await sql`INSERT INTO location (event_id, person_id, coordinate, occurred_at, recorded_at, accuracy_m)
    SELECT md5(v.p || '/' || v.n)::uuid, 'p' || v.p,
           ST_SetSRID(ST_MakePoint(b.lon + v.dlon, b.lat + v.dlat), 4326)::geography, v.at, v.at,
           CASE WHEN get_byte(decode(md5(v.p || '/' || v.n), 'hex'), 15) % 5 = 0 THEN NULL
                ELSE get_byte(decode(md5(v.p || '/' || v.n), 'hex'), 14) % 30 + 0.5 END
    FROM (
      SELECT p, n, floor(random() * ${size.booths})::int AS booth,
             ${VENUE_START}::timestamptz + random() * make_interval(days => ${size.days}) AS at,
             (random() - 0.5) * 0.00004 AS dlat, (random() - 0.5) * 0.00005 AS dlon
      FROM generate_series(${first}::int, ${last}::int) AS p, generate_series(1, ${size.checkInsPerPerson}::int) AS n
      OFFSET 0
    ) AS v
    JOIN booth b USING (booth)`.execute(c);
}
