import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { LogPosition } from "@udaconnect/schemas";

export interface ProjectedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

/** True when, for every position, projection_checkpoint.next_offset >= its nextOffset. */
export async function checkpointsCover(db: Kysely<Database>, positions: readonly LogPosition[]): Promise<boolean> {
  if (positions.length === 0) {
    return true;
  }
  const projected = await projectedPartitions(db, [...new Set(positions.map((p) => p.topic))]);
  const offsets = new Map(projected.map((p) => [`${p.topic}\u0000${p.partition}`, p.nextOffset]));
  return positions.every((p) => (offsets.get(`${p.topic}\u0000${p.partition}`) ?? -1n) >= p.nextOffset);
}

/** Every checkpoint (of these topics, when given), by topic then partition. */
export async function projectedPartitions(db: Kysely<Database>, topics?: readonly string[]): Promise<ProjectedPartition[]> {
  let query = db.selectFrom("projection_checkpoint").select(["topic", "partition", "next_offset"]).orderBy("topic").orderBy("partition");
  if (topics !== undefined) {
    query = query.where("topic", "in", topics);
  }
  const rows = await query.execute();
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) }));
}

/** Event time of the newest projected check-in (index location_occurred_at_idx), or undefined when none. */
export async function newestCheckInAt(db: Kysely<Database>): Promise<Date | undefined> {
  const { rows } = await sql<{ at: Date | null }>`SELECT max(occurred_at) AS at FROM location`.execute(db);
  return rows[0]?.at ?? undefined;
}
