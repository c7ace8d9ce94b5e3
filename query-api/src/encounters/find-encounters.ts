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

/**
 * At most this many encounters (pairs of check-ins) per lookup. A crowded day has a few
 * thousand (the benchmark's 10M crowded venue ~25,000); far more means a radius, time window
 * and range so wide that "met" says little, and the pairs alone would take hundreds of MB
 * in PostgreSQL and in the API. Such a lookup is refused (422) before its answer is built.
 */
export const MAX_ENCOUNTERS = 250_000;

/** What a lookup answers: the value, or why there is none. */
export type EncounterOutcome<T> =
  | { readonly kind: "found"; readonly value: T }
  | { readonly kind: "unknown-person" }
  | { readonly kind: "too-many-encounters"; readonly limit: number };

export interface EncounterOptions {
  /** Tests compare the two strategies; otherwise the radius chooses. */
  readonly force?: EncounterStrategy;
  /** When one is free, the lookup runs as two statements on two connections (see findPeopleMet). */
  readonly parallel?: ParallelSlots;
  /** MAX_ENCOUNTERS unless a test needs a smaller one. */
  readonly maxEncounters?: number;
}

/** Whom the person met, one summary per person, by first encounter then id. */
export async function findEncounters(
  db: Kysely<Database>,
  lookup: EncounterLookup,
  options: EncounterOptions = {},
): Promise<EncounterOutcome<ConnectionSummary[]>> {
  const met = await findPeopleMet(db, lookup, options);
  return met.kind === "found" ? { kind: "found", value: toSummaries(met.value, lookup.from) } : met;
}

/**
 * The same answer as the UTF-8 JSON the API sends, {"connections": [...]} with the fields of
 * connectionSummarySchema.
 */
export async function findEncountersJson(
  db: Kysely<Database>,
  lookup: EncounterLookup,
  options: EncounterOptions = {},
): Promise<EncounterOutcome<Buffer>> {
  const met = await findPeopleMet(db, lookup, options);
  return met.kind === "found" ? { kind: "found", value: connectionsJson(met.value, lookup.from) } : met;
}

/**
 * One statement finds the pairs (see encounter-statement.ts and docs/query-api.md), and
 * this process summarises them. With a free slot in `parallel` the person's own check-ins
 * are split in two halves, probed by two statements at the same time on two connections
 * that share one exported snapshot: the probes, most of the work, are not repeated, and two
 * cores do them. Either way the answer is the same.
 */
async function findPeopleMet(db: Kysely<Database>, lookup: EncounterLookup, options: EncounterOptions): Promise<EncounterOutcome<PersonMet[]>> {
  const strategy = strategyOf(lookup, options.force);
  const maxEncounters = options.maxEncounters ?? MAX_ENCOUNTERS;
  let parts: EncounterText[];
  if (options.parallel?.tryAcquire() === true) {
    try {
      parts = await inSharedSnapshot(
        db,
        (t) => one(encounterStatement(lookup, strategy, maxEncounters, { index: 0, of: 2 }).execute(t)),
        (t) => one(encounterStatement(lookup, strategy, maxEncounters, { index: 1, of: 2 }).execute(t)),
      );
    } finally {
      options.parallel.release();
    }
  } else {
    // One statement reads one snapshot: no transaction needed.
    parts = [await one(encounterStatement(lookup, strategy, maxEncounters).execute(db))];
  }
  if (parts[0]?.known !== true) {
    return { kind: "unknown-person" };
  }
  if (parts.reduce((pairs, part) => pairs + Number(part.pair_count), 0) > maxEncounters) {
    return { kind: "too-many-encounters", limit: maxEncounters };
  }
  return { kind: "found", value: tallyEncounters(parts) };
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
  const { rows } = await sql<{ "QUERY PLAN": string }>`EXPLAIN (ANALYZE, BUFFERS) ${encounterStatement(lookup, strategyOf(lookup, force), MAX_ENCOUNTERS)}`.execute(db);
  return rows.map((r) => r["QUERY PLAN"]);
}
