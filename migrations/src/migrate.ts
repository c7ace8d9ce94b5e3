import { sql } from "kysely";
import { ensureControlTables, listGenerations, withAdvisoryLock, type AnyDb } from "./control";
import { applyPending, createGeneration } from "./generations";
import { migrateKeyStore } from "./key-store-schema";
import { readMigrationFiles } from "./migration-files";
import { switchGeneration } from "./switch-generation";

export interface MigrateResult {
  /** The live generation after the run. */
  readonly generation: number;
  /** Files applied by this run (to a new generation, or to the live one in place). */
  readonly applied: readonly string[];
}

/** Serialises migrate runs (several services may start at once). */
export const MIGRATE_LOCK = "udaconnect.read-model.migrate";

/**
 * Makes the database hold a live generation with every migration file:
 * creates generation 1 (and switches it in) on an empty database, adopts the
 * tables of the pre-generation layout, or applies pending additive files to
 * the live generation in place. A file marked "-- deploy: rebuild" is refused
 * in place: it reaches the live generation only through a rebuild.
 */
export async function migrateToLatest(db: AnyDb): Promise<MigrateResult> {
  const files = await readMigrationFiles();
  const result = await withAdvisoryLock(db, MIGRATE_LOCK, true, async (conn) => {
    await ensureControlTables(conn);
    await migrateKeyStore(conn);
    let live = (await listGenerations(conn)).find((g) => g.status === "live");
    if (live === undefined && (await adoptLegacyLayout(conn))) {
      live = (await listGenerations(conn)).find((g) => g.status === "live");
    }
    if (live === undefined) {
      const generation = await createGeneration(conn, files);
      const outcome = await switchGeneration(conn, generation);
      if (outcome.kind !== "switched") {
        throw new Error(`could not switch to the first generation: ${outcome.kind}`);
      }
      return { generation, applied: files.map((f) => f.name) };
    }
    return { generation: live.generation, applied: await applyPending(conn, live.generation, files) };
  });
  if (result === undefined) {
    throw new Error("unreachable: the migrate lock is awaited");
  }
  return result;
}

/**
 * A database migrated before generations existed has its tables in public and
 * Kysely's kysely_migration table: they become generation 1, live, as they are.
 */
async function adoptLegacyLayout(db: AnyDb): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM public.kysely_migration ORDER BY name`
    .execute(db)
    .catch(() => ({ rows: [] as { name: string }[] }));
  if (rows.length === 0) {
    return false;
  }
  await db.transaction().execute(async (trx) => {
    await sql`CREATE SCHEMA IF NOT EXISTS rm_1`.execute(trx);
    const relations = ["person", "location", "projection_checkpoint"];
    await sql`
      INSERT INTO public.read_model_generation (generation, status, migrations, relations, live_at)
      VALUES (1, 'live', ${rows.map((r) => r.name)}::text[], ${relations}::text[], now())
    `.execute(trx);
    await sql`INSERT INTO public.read_model_live (generation) VALUES (1)`.execute(trx);
    await sql`DROP TABLE public.kysely_migration, public.kysely_migration_lock`.execute(trx);
  });
  return true;
}
