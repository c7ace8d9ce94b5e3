import type { ConnectionSummary } from "./connection-summary";
import { connectionsJson, toSummaries } from "./connections-json";
import type { EncounterLookup, EncounterStrategy } from "./encounter-lookup";
import { encounterStatement, type Part } from "./encounter-statement";
import type { ParallelSlots } from "./parallel-parts";
import { MAX_CELL_PROBE_DISTANCE_M } from "./probe-cells";
import { EncounterTally, type PersonMet } from "./tally-encounters";
import type { ReadModelClient } from "../postgres/create-database";
import { explainPrepared, queryInSharedSnapshot } from "../postgres/shared-snapshot";

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
  readModels: ReadModelClient,
  lookup: EncounterLookup,
  options: EncounterOptions = {},
): Promise<EncounterOutcome<ConnectionSummary[]>> {
  const met = await findPeopleMet(readModels, lookup, options);
  return met.kind === "found" ? { kind: "found", value: toSummaries(met.value, lookup.from) } : met;
}

/**
 * The same answer as the UTF-8 JSON the API sends, {"connections": [...]} with the fields of
 * connectionSummarySchema.
 */
export async function findEncountersJson(
  readModels: ReadModelClient,
  lookup: EncounterLookup,
  options: EncounterOptions = {},
): Promise<EncounterOutcome<Buffer>> {
  const met = await findPeopleMet(readModels, lookup, options);
  return met.kind === "found" ? { kind: "found", value: connectionsJson(met.value, lookup.from) } : met;
}

/**
 * One statement finds the pairs (see encounter-statement.ts and docs/query-api.md), and
 * this process summarises them. With a free slot in `parallel` the person's own check-ins
 * are split in two halves, probed by two statements at the same time on two connections
 * that share one snapshot: the probes, most of the work, are not repeated, two cores do
 * them, and the half that arrives first is tallied while PostgreSQL still runs the other.
 * Either way the answer is the same. The statements run prepared, with a generic plan: its
 * shape is pinned (see encounter-statement.ts), and planning was ~0.7 ms of each ~9 ms half.
 */
async function findPeopleMet({ db, pool }: ReadModelClient, lookup: EncounterLookup, options: EncounterOptions): Promise<EncounterOutcome<PersonMet[]>> {
  const strategy = strategyOf(lookup, options.force);
  const maxEncounters = options.maxEncounters ?? MAX_ENCOUNTERS;
  const statement = (part?: Part) => encounterStatement(lookup, strategy, maxEncounters, part).compile(db);
  const halves = options.parallel?.tryAcquire() === true;
  const tally = new EncounterTally();
  let known = true;
  let pairs = 0;
  try {
    const statements = halves ? [statement({ index: 0, of: 2 }), statement({ index: 1, of: 2 })] : [statement()];
    await queryInSharedSnapshot(
      pool,
      statements,
      ([part]) => {
        if (part === undefined) {
          throw new Error("the encounter statement answered no row");
        }
        known = part.known;
        pairs += Number(part.pair_count);
        // Past the cap the answer is a refusal: no need to read any further.
        if (known && pairs <= maxEncounters) {
          tally.add(part);
        }
      },
      { plan: "generic" },
    );
  } finally {
    if (halves) {
      options.parallel?.release();
    }
  }
  if (!known) {
    return { kind: "unknown-person" };
  }
  if (pairs > maxEncounters) {
    return { kind: "too-many-encounters", limit: maxEncounters };
  }
  return { kind: "found", value: tally.personsMet() };
}

function strategyOf(lookup: EncounterLookup, force: EncounterStrategy | undefined): EncounterStrategy {
  return force ?? (lookup.distanceMetres <= MAX_CELL_PROBE_DISTANCE_M ? "cells" : "gist");
}

/** EXPLAIN (ANALYZE, BUFFERS) of the lookup's statement (undivided), planned as lookups plan it, for docs and benchmarks. */
export async function explainEncounters({ db, pool }: ReadModelClient, lookup: EncounterLookup, force?: EncounterStrategy): Promise<string[]> {
  const statement = encounterStatement(lookup, strategyOf(lookup, force), MAX_ENCOUNTERS).compile(db);
  return explainPrepared(pool, statement, { plan: "generic" });
}
