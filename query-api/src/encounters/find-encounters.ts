import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { ConnectionSummary } from "./connection-summary";
import type { EncounterCriteria } from "./encounter-criteria";
import { cellProbesServe, cellsWithin } from "./probe-cells";
import { connectionsJson } from "./merge-summaries";
import { inSharedSnapshot, type ParallelSlots } from "./parallel-parts";
import { connectionEntries, summaryRows, toSummary, type ConnectionEntry } from "./summarise-encounters";

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
  return inSnapshot(db, async (trx) => {
    const pairs = await encounterPairs(trx, lookup, force);
    return pairs === undefined ? [] : (await summaryRows(pairs).execute(trx)).rows.map(toSummary);
  });
}

/**
 * The same answer as findEncounters, as the JSON text the API sends: {"connections": [...]}
 * with the fields of connectionSummarySchema. What the route serves. On the cell path, with
 * a free slot in `parallel`, the people met are split in two shares (by a hash of their id) summarised by
 * two statements at the same time on two connections, in one snapshot: each repeats the
 * probes but does half of the summarising and writing, the larger half of the work on a
 * busy day (see docs/query-api.md). Either way the bytes are the same.
 */
export async function findEncountersJson(
  db: Kysely<Database>,
  lookup: EncounterLookup,
  options: { readonly force?: EncounterStrategy; readonly parallel?: ParallelSlots } = {},
): Promise<string> {
  return inSnapshot(db, async (trx) => {
    const own = await ownCheckIns(trx, lookup);
    if (own.length === 0) {
      return NO_CONNECTIONS;
    }
    const strategy = chooseStrategy(lookup, own, options.force);
    const entries = (t: Transaction<Database>, share?: Share) =>
      entriesOf(t, strategy === "cells" ? cellPairs(own, lookup, share) : gistPairs(lookup, share));
    // The GiST path's join is most of its work; halves would each repeat it whole.
    if (strategy === "gist" || options.parallel?.tryAcquire() !== true) {
      return connectionsJson([await entries(trx)]);
    }
    try {
      return connectionsJson(await inSharedSnapshot(db, trx, (t) => entries(t, 0), (t) => entries(t, 1)));
    } finally {
      options.parallel.release();
    }
  });
}

const NO_CONNECTIONS = '{"connections":[]}';

/** Half of the people met: those whose id hashes to this parity. */
type Share = 0 | 1;

function inShare(share: Share | undefined): RawBuilder<unknown> {
  return share === undefined ? sql`true` : sql`(hashtext(o.person_id) & 1) = ${share}`;
}

async function entriesOf(trx: Transaction<Database>, pairs: RawBuilder<unknown>): Promise<ConnectionEntry[]> {
  return (await connectionEntries(pairs).execute(trx)).rows;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the lookup's statement (undivided), for docs and benchmarks. */
export async function explainEncounters(db: Kysely<Database>, lookup: EncounterLookup, force?: EncounterStrategy): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const pairs = await encounterPairs(trx, lookup, force);
    if (pairs === undefined) {
      return ["(no own check-ins in the range)"];
    }
    const { rows } = await sql<{ "QUERY PLAN": string }>`EXPLAIN (ANALYZE, BUFFERS) ${connectionEntries(pairs)}`.execute(trx);
    return rows.map((r) => r["QUERY PLAN"]);
  });
}

function inSnapshot<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel("repeatable read").execute(work);
}

/** The pairs (own check-in, other's check-in) of the lookup, or undefined without own check-ins. */
async function encounterPairs(
  trx: Transaction<Database>,
  lookup: EncounterLookup,
  force: EncounterStrategy | undefined,
): Promise<RawBuilder<unknown> | undefined> {
  const own = await ownCheckIns(trx, lookup);
  if (own.length === 0) {
    return undefined;
  }
  return chooseStrategy(lookup, own, force) === "cells" ? cellPairs(own, lookup) : gistPairs(lookup);
}

function chooseStrategy(lookup: EncounterLookup, own: readonly OwnCheckIn[], force: EncounterStrategy | undefined): EncounterStrategy {
  return force ?? (cellProbesServe(lookup.distanceMetres, own.map((o) => o.latitude)) ? "cells" : "gist");
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
function cellPairs(own: readonly OwnCheckIn[], lookup: EncounterLookup, share?: Share): RawBuilder<unknown> {
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
        AND ${inShare(share)}
      OFFSET 0
    ) AS o
    WHERE o.distance_m <= ${lookup.distanceMetres}`;
}

/** Pairs found through the GiST on (coordinate, occurred_at): any radius, any latitude, slower. */
function gistPairs(lookup: EncounterLookup, share?: Share): RawBuilder<unknown> {
  return sql`
    SELECT o.person_id, o.event_id, o.coordinate, o.occurred_at,
           greatest(m.occurred_at, o.occurred_at) AS at, ST_Distance(m.coordinate, o.coordinate) AS distance_m
    FROM location m
    JOIN location o ON ST_DWithin(m.coordinate, o.coordinate, ${lookup.distanceMetres})
      AND o.occurred_at BETWEEN m.occurred_at - ${within(lookup)} AND m.occurred_at + ${within(lookup)}
    WHERE m.person_id = ${lookup.personId} AND m.occurred_at >= ${lookup.from} AND m.occurred_at < ${lookup.to}
      AND o.occurred_at >= ${lookup.from} AND o.occurred_at < ${lookup.to} AND o.person_id <> ${lookup.personId}
      AND ${inShare(share)}`;
}

function within(lookup: EncounterLookup): RawBuilder<unknown> {
  return sql`make_interval(secs => ${lookup.withinSeconds})`;
}
