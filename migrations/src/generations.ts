import { sql } from "kysely";
import { homeSchemaOf, type AnyDb } from "./control";
import type { MigrationFile } from "./migration-files";

/** Creates the next generation, empty and "building", with every file applied in its home schema. */
export async function createGeneration(db: AnyDb, files: readonly MigrationFile[]): Promise<number> {
  const generation = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ n: number }>`
      INSERT INTO public.read_model_generation (generation, status)
      SELECT coalesce(max(generation), 0) + 1, 'building' FROM public.read_model_generation
      RETURNING generation AS n
    `.execute(trx);
    const n = rows[0]?.n ?? 1;
    await sql`CREATE SCHEMA ${sql.id(homeSchemaOf(n))}`.execute(trx);
    return n;
  });
  await applyPending(db, generation, files);
  return generation;
}

/**
 * Applies the files `generation` has not seen yet, each in its own transaction
 * with search_path = its home schema, public: the files name no schema, so what
 * they create lands in the generation, while extensions resolve from public.
 * For the live generation, what a file creates is then moved into public.
 */
export async function applyPending(db: AnyDb, generation: number, files: readonly MigrationFile[]): Promise<string[]> {
  const applied: string[] = [];
  for (const file of files) {
    const done = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ status: string; migrations: string[] }>`
        SELECT status, migrations FROM public.read_model_generation WHERE generation = ${generation} FOR UPDATE
      `.execute(trx);
      const row = rows[0];
      if (row === undefined || row.migrations.includes(file.name)) {
        return false;
      }
      if (row.status === "live" && file.requiresRebuild) {
        throw new Error(
          `migration ${file.name} reshapes a read model ("-- deploy: rebuild"): it is not applied in place; ` +
            "run scripts/rebuild, which builds a new generation with it and switches to it",
        );
      }
      await sql`SELECT set_config('search_path', ${`${homeSchemaOf(generation)}, public`}, true)`.execute(trx);
      await sql.raw(file.text).execute(trx);
      await sql`SELECT set_config('search_path', 'public', true)`.execute(trx);
      const moved = row.status === "live" ? await moveRelations(trx, homeSchemaOf(generation), "public") : [];
      await sql`
        UPDATE public.read_model_generation
        SET migrations = migrations || ${file.name}::text, relations = relations || ${moved}::text[]
        WHERE generation = ${generation}
      `.execute(trx);
      return true;
    });
    if (done) {
      applied.push(file.name);
    }
  }
  return applied;
}

/**
 * Moves every relation of schema `from` to schema `to` (or only `names`);
 * indexes, constraints, triggers and owned sequences follow their table.
 * Answers the names moved.
 */
export async function moveRelations(db: AnyDb, from: string, to: string, names?: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ name: string; kind: string }>`
    SELECT c.relname AS name, c.relkind AS kind
    FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE ns.nspname = ${from} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
      )
    ORDER BY c.relname
  `.execute(db);
  const moving = names === undefined ? rows : rows.filter((r) => names.includes(r.name));
  for (const { name, kind } of moving) {
    await sql`ALTER ${sql.raw(ALTER_KEYWORD[kind] ?? "TABLE")} ${sql.id(from, name)} SET SCHEMA ${sql.id(to)}`.execute(db);
  }
  return moving.map((r) => r.name);
}

const ALTER_KEYWORD: Readonly<Record<string, string>> = {
  r: "TABLE",
  p: "TABLE",
  f: "FOREIGN TABLE",
  v: "VIEW",
  m: "MATERIALIZED VIEW",
  S: "SEQUENCE",
};

/** Drops a generation that is not live, with everything in its home schema. */
export async function dropGeneration(db: AnyDb, generation: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: string }>`
      SELECT status FROM public.read_model_generation WHERE generation = ${generation} FOR UPDATE
    `.execute(trx);
    if (rows[0]?.status === "live") {
      throw new Error(`generation ${generation} is live: switch to another one before dropping it`);
    }
    await sql`DROP SCHEMA IF EXISTS ${sql.id(homeSchemaOf(generation))} CASCADE`.execute(trx);
    await sql`DELETE FROM public.read_model_generation WHERE generation = ${generation}`.execute(trx);
  });
}
