import type { Kysely, Transaction } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { GenerationTarget, PartitionCheckpoint } from "../projection/ports";
import { enterGeneration } from "./generation-schema";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The partition's next offset, row-locked until the transaction ends: two
 * consumers briefly owning the same partition (during a rebalance) apply its
 * records one after the other, and the second sees the first one's checkpoint.
 */
export async function lockCheckpoint(trx: Transaction<Database>, topic: string, partition: number): Promise<bigint> {
  await trx
    .insertInto("projection_checkpoint")
    .values({ topic, partition, next_offset: 0 })
    .onConflict((oc) => oc.columns(["topic", "partition"]).doNothing())
    .execute();
  const row = await trx
    .selectFrom("projection_checkpoint")
    .select("next_offset")
    .where("topic", "=", topic)
    .where("partition", "=", partition)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return BigInt(row.next_offset);
}

export async function saveCheckpoint(trx: Transaction<Database>, { topic, partition, nextOffset }: PartitionCheckpoint): Promise<void> {
  await trx
    .updateTable("projection_checkpoint")
    .set((eb) => ({ next_offset: nextOffset.toString(), updated_at: eb.fn("now") }))
    .where("topic", "=", topic)
    .where("partition", "=", partition)
    .execute();
}

export async function readCheckpoints(db: Db, topics: readonly string[]): Promise<PartitionCheckpoint[]> {
  if (topics.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom("projection_checkpoint")
    .select(["topic", "partition", "next_offset"])
    .where("topic", "in", topics)
    .orderBy("topic")
    .orderBy("partition")
    .execute();
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) }));
}

/** The checkpoints of the target generation, wherever its relations sit now. */
export async function readGenerationCheckpoints(db: Kysely<Database>, target: GenerationTarget, topics: readonly string[]): Promise<PartitionCheckpoint[]> {
  return db.transaction().execute(async (trx) => {
    await enterGeneration(trx, target);
    return readCheckpoints(trx, topics);
  });
}
