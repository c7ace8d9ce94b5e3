import { sql, type Kysely } from "kysely";
import {
  applyPending,
  createGeneration,
  dropGeneration,
  homeSchemaOf,
  listGenerations,
  readMigrationFiles,
  type AnyDb,
  type Database,
} from "@udaconnect/migrations";

/** The building generation to resume, or a new one with every migration file. */
export async function candidateGeneration(db: AnyDb): Promise<{ generation: number; resumed: boolean }> {
  const files = await readMigrationFiles();
  const building = (await listGenerations(db)).find((g) => g.status === "building");
  if (building !== undefined) {
    await applyPending(db, building.generation, files);
    return { generation: building.generation, resumed: true };
  }
  return { generation: await createGeneration(db, files), resumed: false };
}

/** Drops retired generations whose grace period is over; answers their numbers. */
export async function dropExpiredGenerations(db: AnyDb, graceMs: number, now = Date.now()): Promise<number[]> {
  const expired = (await listGenerations(db)).filter((g) => g.status === "retired" && g.retiredAt !== null && g.retiredAt.getTime() + graceMs <= now);
  for (const g of expired) {
    await dropGeneration(db, g.generation);
  }
  return expired.map((g) => g.generation);
}

/** Sum of the checkpoints of `topics` in the generation's home schema (it is building). */
export async function consumedBy(db: Kysely<Database>, generation: number, topics: readonly string[]): Promise<bigint> {
  const { rows } = await sql<{ total: string | null }>`
    SELECT sum(next_offset)::text AS total FROM ${sql.id(homeSchemaOf(generation), "projection_checkpoint")}
    WHERE topic = ANY(${topics}::text[])
  `.execute(db);
  return BigInt(rows[0]?.total ?? "0");
}
