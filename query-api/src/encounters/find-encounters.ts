import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { ConnectionSummary } from "./connection-summary";
import { connectionsJson, toSummaries } from "./connections-json";
import type { EncounterCriteria } from "./encounter-criteria";
import { encounterStatement, type EncounterText } from "./encounter-statement";
import { inSharedSnapshot, type ParallelSlots } from "./parallel-parts";
import { MAX_CELL_PROBE_DISTANCE_M } from "./probe-cells";
import { tallyEncounters, type PersonMet } from "./tally-encounters";

export interface EncounterLookup extends EncounterCriteria {
  readonly personId: string;
}

/**
 * "cells": equality probes on the grid of 0003_location_cells.sql (up to MAX_CELL_PROBE_DISTANCE_M);
 * "gist": the GiST on (coordinate, occurred_at), for any radius.
 */
export type EncounterStrategy = "cells" | "gist";

export interface EncounterOptions {
  /** Tests compare the two strategies; otherwise the radius chooses. */
  readonly force?: EncounterStrategy;
  /** When one is free, the lookup runs as two statements on two connections (see findPeopleMet). */
  readonly parallel?: ParallelSlots;
}

/**
 * Whom the person met, one summary per person, by first encounter then id; undefined when
 * no person has that id.
 */
export async function findEncounters(
  db: Kysely<Database>,
  lookup: EncounterLookup,
  options: EncounterOptions = {},
): Promise<ConnectionSummary[] | undefined> {
  const met = await findPeopleMet(db, lookup, options);
  return met === undefined ? undefined : toSummaries(met, lookup.from);
}

/**
 * The same answer as the UTF-8 JSON the API sends, {"connections": [...]} with the fields of
 * connectionSummarySchema; undefined when no person has that id.
 */
export async function findEncountersJson(
  db: Kysely<Database>,
  lookup: EncounterLookup,
  options: EncounterOptions = {},
): Promise<Buffer | undefined> {
  const met = await findPeopleMet(db, lookup, options);
  return met === undefined ? undefined : connectionsJson(met, lookup.from);
}

/**
 * One statement finds the pairs (see encounter-statement.ts and docs/query-api.md), and
 * this process summarises them. With a free slot in `parallel` the person's own check-ins
 * are split in two halves, probed by two statements at the same time on two connections
 * that share one exported snapshot: the probes, most of the work, are not repeated, and two
 * cores do them. Either way the answer is the same.
 */
async function findPeopleMet(db: Kysely<Database>, lookup: EncounterLookup, options: EncounterOptions): Promise<PersonMet[] | undefined> {
  const strategy = strategyOf(lookup, options.force);
  let parts: EncounterText[];
  if (options.parallel?.tryAcquire() === true) {
    try {
      parts = await inSharedSnapshot(
        db,
        (t) => one(encounterStatement(lookup, strategy, { index: 0, of: 2 }).execute(t)),
        (t) => one(encounterStatement(lookup, strategy, { index: 1, of: 2 }).execute(t)),
      );
    } finally {
      options.parallel.release();
    }
  } else {
    // One statement reads one snapshot: no transaction needed.
    parts = [await one(encounterStatement(lookup, strategy).execute(db))];
  }
  return parts[0]?.known === true ? tallyEncounters(parts) : undefined;
}

function strategyOf(lookup: EncounterLookup, force: EncounterStrategy | undefined): EncounterStrategy {
  return force ?? (lookup.distanceMetres <= MAX_CELL_PROBE_DISTANCE_M ? "cells" : "gist");
}

async function one(result: Promise<{ rows: EncounterText[] }>): Promise<EncounterText> {
  const row = (await result).rows[0];
  if (row === undefined) {
    throw new Error("the encounter statement answered no row");
  }
  return row;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the lookup's statement (undivided), for docs and benchmarks. */
export async function explainEncounters(db: Kysely<Database>, lookup: EncounterLookup, force?: EncounterStrategy): Promise<string[]> {
  const { rows } = await sql<{ "QUERY PLAN": string }>`EXPLAIN (ANALYZE, BUFFERS) ${encounterStatement(lookup, strategyOf(lookup, force))}`.execute(db);
  return rows.map((r) => r["QUERY PLAN"]);
}
