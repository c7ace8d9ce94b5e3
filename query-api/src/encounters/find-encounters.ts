import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { ConnectionSummary } from "./connection-summary";
import type { EncounterCriteria } from "./encounter-criteria";
import { cellProbesServe, cellsWithin } from "./probe-cells";

export interface EncounterLookup extends EncounterCriteria {
  readonly personId: string;
}

/** "cells": equality probes on the grid of 0003_location_cells.sql; "gist": the GiST on (coordinate, occurred_at). */
export type EncounterStrategy = "cells" | "gist";

interface OwnCheckIn {
  /** Texts, so the check-in goes back to PostgreSQL exactly (a Date would drop microseconds). */
  occurred_text: string;
  coordinate_text: string;
  latitude: number;
  longitude: number;
}

/**
 * Whom the person met, one summary per person, by first encounter then id. Reads in one
 * snapshot: the person's own check-ins first, then, for each, only the grid cells its
 * distance circle touches (see docs/query-api.md for the plan).
 */
export async function findEncounters(
  db: Kysely<Database>,
  lookup: EncounterLookup,
  force?: EncounterStrategy,
): Promise<ConnectionSummary[]> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const statement = await encounterStatement(trx, lookup, force);
      return statement === undefined ? [] : (await statement.execute(trx)).rows.map(toSummary);
    });
}

/** EXPLAIN (ANALYZE, BUFFERS) of the lookup's main statement, for docs and benchmarks. */
export async function explainEncounters(db: Kysely<Database>, lookup: EncounterLookup, force?: EncounterStrategy): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const statement = await encounterStatement(trx, lookup, force);
    if (statement === undefined) {
      return ["(no own check-ins in the range)"];
    }
    const { rows } = await sql<{ "QUERY PLAN": string }>`EXPLAIN (ANALYZE, BUFFERS) ${statement}`.execute(trx);
    return rows.map((r) => r["QUERY PLAN"]);
  });
}

async function encounterStatement(
  trx: Transaction<Database>,
  lookup: EncounterLookup,
  force: EncounterStrategy | undefined,
): Promise<RawBuilder<SummaryRow> | undefined> {
  const own = await ownCheckIns(trx, lookup);
  if (own.length === 0) {
    return undefined;
  }
  const strategy = force ?? (cellProbesServe(lookup.distanceMetres, own.map((o) => o.latitude)) ? "cells" : "gist");
  return summarise(strategy === "cells" ? cellPairs(own, lookup) : gistPairs(lookup));
}

async function ownCheckIns(trx: Transaction<Database>, lookup: EncounterLookup): Promise<OwnCheckIn[]> {
  const { rows } = await sql<OwnCheckIn>`
    SELECT occurred_at::text AS occurred_text, coordinate::text AS coordinate_text,
           ST_Y(coordinate::geometry) AS latitude, ST_X(coordinate::geometry) AS longitude
    FROM location
    WHERE person_id = ${lookup.personId} AND occurred_at >= ${lookup.from} AND occurred_at < ${lookup.to}`.execute(trx);
  return rows;
}

/**
 * Pairs found through the grid: one probe per (own check-in, touched cell), each an index
 * range on time in location_cell_occurred_at_idx. OFFSET 0 keeps the subquery from being
 * flattened, so the planner cannot trade the probes for a hash join over the whole day.
 */
function cellPairs(own: readonly OwnCheckIn[], lookup: EncounterLookup): RawBuilder<unknown> {
  const times: string[] = [];
  const points: string[] = [];
  const ys: number[] = [];
  const xs: number[] = [];
  for (const checkIn of own) {
    for (const cell of cellsWithin(checkIn.latitude, checkIn.longitude, lookup.distanceMetres)) {
      times.push(checkIn.occurred_text);
      points.push(checkIn.coordinate_text);
      ys.push(cell.y);
      xs.push(cell.x);
    }
  }
  // The spheroid distance is the costly part: computed once per candidate, then filtered.
  return sql`
    SELECT o.person_id, o.event_id, o.coordinate, o.occurred_at, greatest(probe.occurred_at, o.occurred_at) AS at, o.distance_m
    FROM (
      -- text[]: PostGIS types use ':' as array delimiter, which pg's array literals do not.
      SELECT occurred_at, coordinate::geography AS coordinate, cell_y, cell_x
      FROM unnest(${times}::timestamptz[], ${points}::text[], ${ys}::int[], ${xs}::int[]) AS u(occurred_at, coordinate, cell_y, cell_x)
    ) AS probe
    CROSS JOIN LATERAL (
      SELECT o.person_id, o.event_id, o.coordinate, o.occurred_at, ST_Distance(probe.coordinate, o.coordinate) AS distance_m
      FROM location o
      WHERE o.cell_y = probe.cell_y AND o.cell_x = probe.cell_x
        AND o.occurred_at BETWEEN probe.occurred_at - ${within(lookup)} AND probe.occurred_at + ${within(lookup)}
        AND o.occurred_at >= ${lookup.from} AND o.occurred_at < ${lookup.to} AND o.person_id <> ${lookup.personId}
      OFFSET 0
    ) AS o
    WHERE o.distance_m <= ${lookup.distanceMetres}`;
}

/** Pairs found through the GiST on (coordinate, occurred_at): any radius, any latitude, slower. */
function gistPairs(lookup: EncounterLookup): RawBuilder<unknown> {
  return sql`
    SELECT o.person_id, o.event_id, o.coordinate, o.occurred_at,
           greatest(m.occurred_at, o.occurred_at) AS at, ST_Distance(m.coordinate, o.coordinate) AS distance_m
    FROM location m
    JOIN location o ON ST_DWithin(m.coordinate, o.coordinate, ${lookup.distanceMetres})
      AND o.occurred_at BETWEEN m.occurred_at - ${within(lookup)} AND m.occurred_at + ${within(lookup)}
    WHERE m.person_id = ${lookup.personId} AND m.occurred_at >= ${lookup.from} AND m.occurred_at < ${lookup.to}
      AND o.occurred_at >= ${lookup.from} AND o.occurred_at < ${lookup.to} AND o.person_id <> ${lookup.personId}`;
}

function within(lookup: EncounterLookup): RawBuilder<unknown> {
  return sql`make_interval(secs => ${lookup.withinSeconds})`;
}

interface SummaryRow {
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
function summarise(pairs: RawBuilder<unknown>): RawBuilder<SummaryRow> {
  return sql<SummaryRow>`
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
    )
    SELECT person.id, person.first_name, person.last_name, person.company_name,
           met.encounters, met.first_at, met.last_at, met.distance_m, met.closest_at,
           ST_Y(met.coordinate::geometry) AS latitude, ST_X(met.coordinate::geometry) AS longitude
    FROM met
    JOIN person ON person.id = met.person_id
    ORDER BY met.first_at, person.id`;
}

function toSummary(row: SummaryRow): ConnectionSummary {
  return {
    person: { id: row.id, first_name: row.first_name, last_name: row.last_name, company_name: row.company_name },
    encounters: Number(row.encounters),
    firstEncounterAt: row.first_at,
    lastEncounterAt: row.last_at,
    closestDistanceMetres: row.distance_m,
    closestLocation: { latitude: row.latitude, longitude: row.longitude, at: row.closest_at },
  };
}
