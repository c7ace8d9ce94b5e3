import { sql, type RawBuilder } from "kysely";
import type { ConnectionSummary } from "./connection-summary";

export interface SummaryRow {
  id: string;
  first_name: string;
  last_name: string;
  company_name: string;
  encounters: string;
  first_at: Date;
  last_at: Date;
  distance_m: number;
  latitude: number;
  longitude: number;
  closest_at: Date;
}

/**
 * One sort of the pairs by (person, distance, time, event id) serves both the window
 * aggregates over each person's pairs and DISTINCT ON, which keeps the closest. (Joining a
 * per-person aggregate to a per-person DISTINCT ON made the planner, blind to CTE sizes,
 * nest-loop them: 1,400 × 700 comparisons.)
 */
function metPerPerson(pairs: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    WITH pair AS MATERIALIZED (${pairs}),
    met AS (
      SELECT DISTINCT ON (person_id) person_id,
             count(*) OVER person_pairs AS encounters,
             min(at) OVER person_pairs AS first_at,
             max(at) OVER person_pairs AS last_at,
             distance_m, occurred_at AS closest_at, coordinate
      FROM pair
      WINDOW person_pairs AS (PARTITION BY person_id ORDER BY distance_m, at, event_id
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
      ORDER BY person_id, distance_m, at, event_id
    )`;
}

/** The summaries as rows, by first encounter then person id. */
export function summaryRows(pairs: RawBuilder<unknown>): RawBuilder<SummaryRow> {
  return sql<SummaryRow>`${metPerPerson(pairs)}
    SELECT person.id, person.first_name, person.last_name, person.company_name,
           met.encounters, met.first_at, met.last_at, met.distance_m, met.closest_at,
           ST_Y(met.coordinate::geometry) AS latitude, ST_X(met.coordinate::geometry) AS longitude
    FROM met
    JOIN person ON person.id = met.person_id
    ORDER BY met.first_at, person.id COLLATE "C"`;
}

/** One entry of the answer's "connections" list, with what orders the list. */
export interface ConnectionEntry {
  /** The first encounter, microseconds since 1970 (exact in a double until the year 2255). */
  readonly first_us: number;
  readonly id: string;
  /** The entry's JSON text. */
  readonly entry: string;
}

/**
 * The summaries as the JSON text of the answer's entries, in the shape of
 * connectionSummarySchema (src/http/v1-connections-routes.ts; a test holds the two equal),
 * ordered by first encounter, then person id. Written by PostgreSQL because parsing ~1,500
 * rows of timestamps into Dates and printing them back was most of the API's own time on a
 * busy day. Concatenation, not row_to_json (3× slower per row); times are RFC 3339 UTC with
 * milliseconds, cut like a JavaScript Date; numbers print as float8out does, the shortest
 * text that reads back equal. Every operand is NOT NULL in the read model (a NULL would
 * make the whole entry NULL).
 */
export function connectionEntries(pairs: RawBuilder<unknown>): RawBuilder<ConnectionEntry> {
  return sql<ConnectionEntry>`${metPerPerson(pairs)}
    SELECT (extract(epoch FROM met.first_at) * 1000000)::float8 AS first_us, person.id,
           '{"person":{"id":' || to_json(person.id) || ',"first_name":' || to_json(person.first_name) ||
           ',"last_name":' || to_json(person.last_name) || ',"company_name":' || to_json(person.company_name) ||
           '},"encounters":' || met.encounters ||
           ',"first_encounter_at":"' || ${rfc3339(sql`met.first_at`)} ||
           '","last_encounter_at":"' || ${rfc3339(sql`met.last_at`)} ||
           '","closest_distance_m":' || met.distance_m ||
           ',"closest_location":{"latitude":' || ST_Y(met.coordinate::geometry) ||
           ',"longitude":' || ST_X(met.coordinate::geometry) ||
           ',"at":"' || ${rfc3339(sql`met.closest_at`)} || '"}}' AS entry
    FROM met
    JOIN person ON person.id = met.person_id
    ORDER BY met.first_at, person.id COLLATE "C"`;
}

function rfc3339(instant: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

export function toSummary(row: SummaryRow): ConnectionSummary {
  return {
    person: { id: row.id, first_name: row.first_name, last_name: row.last_name, company_name: row.company_name },
    encounters: Number(row.encounters),
    firstEncounterAt: row.first_at,
    lastEncounterAt: row.last_at,
    closestDistanceMetres: row.distance_m,
    closestLocation: { latitude: row.latitude, longitude: row.longitude, at: row.closest_at },
  };
}
