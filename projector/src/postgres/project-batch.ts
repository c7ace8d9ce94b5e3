import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { planBatch } from "../projection/plan-batch";
import { noKeyStore, type ProjectionKeys } from "../keystore/cached-key-ring";
import type { BatchResult, DeadLetter, GenerationTarget, PartitionBatch, ProjectBatch } from "../projection/ports";
import { lockCheckpoint, saveCheckpoint } from "./checkpoints";
import { enterGeneration } from "./generation-schema";
import { erasePersons, insertLocations, patchPersons, upsertPersons } from "./read-models";

export interface ProjectBatchOptions {
  readonly target: GenerationTarget;
  /** Omitted: records that cannot be projected are only reported (a rebuild re-reads them). */
  readonly deadLetter?: DeadLetter;
  /** The oldest occurred_at projected, asked per batch (now minus LOCATION_RETENTION); omitted or undefined keeps all. */
  readonly oldestKept?: () => Date | undefined;
  /** The data keys sealed fields are opened with (docs/erasure.md); omitted: a sealed record fails its batch. */
  readonly keys?: ProjectionKeys;
}

/**
 * One PostgreSQL transaction per batch: the rows a batch produces and the
 * checkpoint that says they were produced commit together or not at all. A
 * crash before COMMIT leaves both untouched, and the redelivered records are
 * applied once; a crash after it leaves the checkpoint past them, and their
 * redelivery is dropped. Errors (connection lost, serialization failure)
 * propagate, so the consumer retries the batch instead of skipping it.
 * Poison records are dead-lettered before the commit: a crash in between
 * dead-letters them again (at least once), never loses them.
 */
export function createProjectBatch(db: Kysely<Database>, options: ProjectBatchOptions): ProjectBatch {
  return (batch) =>
    db.transaction().execute(async (trx): Promise<BatchResult> => {
      const { topic, partition } = batch;
      await enterGeneration(trx, options.target);
      const checkpointBefore = await lockCheckpoint(trx, topic, partition);
      const plan = await planWithKeys(batch, checkpointBefore, options);
      if (plan.skipped.length > 0 && options.deadLetter !== undefined) {
        await options.deadLetter(deadLetters(batch, plan.skipped));
      }
      const locationsErased = await erasePersons(trx, plan.erasures);
      const personsUpserted = await upsertPersons(trx, plan.persons);
      const personsPatched = await patchPersons(trx, plan.patches);
      const locationsInserted = await insertLocations(trx, plan.locations);
      const nextOffset = maxOffset(checkpointBefore, batch.lastOffset + 1n);
      if (nextOffset !== checkpointBefore) {
        await saveCheckpoint(trx, { topic, partition, nextOffset });
      }
      return {
        nextOffset,
        personsUpserted,
        personsPatched,
        locationsErased,
        locationsInserted,
        locationsExpired: plan.expired,
        skipped: plan.skipped,
        alreadyApplied: plan.alreadyApplied,
        checkpointBefore,
      };
    });
}

/** Plans once; when sealed fields name keys not loaded yet, loads them (one query) and plans again. */
async function planWithKeys(batch: PartitionBatch, checkpointBefore: bigint, options: ProjectBatchOptions) {
  const keys = options.keys ?? noKeyStore;
  const oldestKept = options.oldestKept?.();
  let plan = planBatch(batch.records, checkpointBefore, oldestKept, keys);
  if (plan.missingKeys.length > 0) {
    await keys.load(plan.missingKeys);
    plan = planBatch(batch.records, checkpointBefore, oldestKept, keys);
  }
  if (plan.missingKeys.length > 0) {
    throw new Error(`data keys ${plan.missingKeys.join(", ")} are still missing after loading them`);
  }
  keys.forgetPersons(new Set(plan.erasures.map((e) => e.id)));
  return plan;
}

function deadLetters(batch: PartitionBatch, skipped: BatchResult["skipped"]) {
  const byOffset = new Map(batch.records.map((r) => [r.offset, r]));
  return skipped.map(({ offset, reason }) => ({
    topic: batch.topic,
    partition: batch.partition,
    offset,
    key: byOffset.get(offset)?.key ?? null,
    value: byOffset.get(offset)?.value ?? null,
    reason,
  }));
}

function maxOffset(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
