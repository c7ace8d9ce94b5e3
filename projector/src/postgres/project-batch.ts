import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { planBatch } from "../projection/plan-batch";
import type { BatchResult, ProjectBatch } from "../projection/ports";
import { lockCheckpoint, saveCheckpoint } from "./checkpoints";
import { insertLocations, upsertPersons } from "./read-models";

/**
 * One PostgreSQL transaction per batch: the rows a batch produces and the
 * checkpoint that says they were produced commit together or not at all. A
 * crash before COMMIT leaves both untouched, and the redelivered records are
 * applied once; a crash after it leaves the checkpoint past them, and their
 * redelivery is dropped. Errors (connection lost, serialization failure)
 * propagate, so the consumer retries the batch instead of skipping it.
 */
export function createProjectBatch(db: Kysely<Database>): ProjectBatch {
  return (batch) =>
    db.transaction().execute(async (trx): Promise<BatchResult> => {
      const { topic, partition } = batch;
      const checkpointBefore = await lockCheckpoint(trx, topic, partition);
      const plan = planBatch(batch.records, checkpointBefore);
      const personsUpserted = await upsertPersons(trx, plan.persons);
      const locationsInserted = await insertLocations(trx, plan.locations);
      const nextOffset = maxOffset(checkpointBefore, batch.lastOffset + 1n);
      if (nextOffset !== checkpointBefore) {
        await saveCheckpoint(trx, { topic, partition, nextOffset });
      }
      return {
        nextOffset,
        personsUpserted,
        locationsInserted,
        skipped: plan.skipped,
        alreadyApplied: plan.alreadyApplied,
        checkpointBefore,
      };
    });
}

function maxOffset(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
