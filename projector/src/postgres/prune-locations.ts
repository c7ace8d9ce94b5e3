import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { enterGeneration } from "./generation-schema";

export interface PruneOptions {
  /** Check-ins that occurred before this instant go (now minus LOCATION_RETENTION, fixed for the run). */
  readonly before: Date;
  /** Rows per DELETE, each its own short transaction. */
  readonly batchSize: number;
  /** Hears the running total after each batch. */
  readonly onBatch?: (deleted: number, total: number) => void;
  /** Aborting stops between batches; what was deleted stays deleted. */
  readonly signal?: AbortSignal;
}

export interface PruneOutcome {
  readonly deleted: number;
  readonly batches: number;
  /** False when stopped by the signal before the last batch. */
  readonly complete: boolean;
}

/**
 * Deletes the live generation's check-ins that occurred before `before`, oldest
 * first, `batchSize` rows per transaction: each batch locks only the rows it
 * deletes, for milliseconds, so the projector and the query API go on meanwhile.
 * Idempotent: a second run (or one after an interruption) deletes what is left.
 * The encounter lookup's grid cells are generated columns of the same rows
 * (migrations/sql/0003), so they go with them; no other table holds check-ins.
 */
export async function pruneLocations(db: Kysely<Database>, options: PruneOptions): Promise<PruneOutcome> {
  let deleted = 0;
  let batches = 0;
  while (options.signal?.aborted !== true) {
    const count = await db.transaction().execute(async (trx) => {
      // As a projector batch: a generation switch waits for the batch, and the next batch sees the new live one.
      await enterGeneration(trx, { kind: "live" });
      const result = await sql`
        DELETE FROM location WHERE event_id IN (
          SELECT event_id FROM location WHERE occurred_at < ${options.before} ORDER BY occurred_at LIMIT ${options.batchSize}
        )
      `.execute(trx);
      return Number(result.numAffectedRows ?? 0n);
    });
    if (count === 0) {
      return { deleted, batches, complete: true };
    }
    deleted += count;
    batches += 1;
    options.onBatch?.(count, deleted);
  }
  return { deleted, batches, complete: false };
}

/** How many live check-ins occurred before `before` (what a prune would delete). */
export async function countPrunable(db: Kysely<Database>, before: Date): Promise<number> {
  const { rows } = await sql<{ count: string }>`SELECT count(*) AS count FROM public.location WHERE occurred_at < ${before}`.execute(db);
  return Number(rows[0]?.count ?? 0);
}
