import { sql, type Kysely, type Transaction } from "kysely";

/** The generation machinery names schemas at run time: no static table types apply. */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's own idiom for a database whose tables are known only at run time (unknown would refuse every table name).
export type AnyDb = Kysely<any>;

/** A transaction on such a database. */
// biome-ignore lint/suspicious/noExplicitAny: as for AnyDb.
export type AnyTransaction = Transaction<any>;

export type GenerationStatus = "building" | "live" | "retired";

export interface Generation {
  readonly generation: number;
  readonly status: GenerationStatus;
  /** The schema its relations sit in now: "public" while live, else its home schema rm_<n>. */
  readonly schema: string;
  /** Migration files applied to it, in order. */
  readonly migrations: readonly string[];
  readonly createdAt: Date;
  readonly liveAt: Date | null;
  readonly retiredAt: Date | null;
}

/** Where generation `n` is built and where it goes back to when retired. */
export function homeSchemaOf(generation: number): string {
  return `rm_${generation}`;
}

/**
 * The bookkeeping of generations lives in public, outside every generation;
 * extensions too, created once, so that a migration file's CREATE EXTENSION IF
 * NOT EXISTS never lands in a generation's schema (and dies with it).
 */
export async function ensureControlTables(db: AnyDb): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public;
    CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;
    CREATE TABLE IF NOT EXISTS public.read_model_generation (
      generation integer PRIMARY KEY CHECK (generation > 0),
      status     text NOT NULL CHECK (status IN ('building', 'live', 'retired')),
      migrations text[] NOT NULL DEFAULT '{}',
      -- Names of the relations moved into public while the generation is live.
      relations  text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      live_at    timestamptz,
      retired_at timestamptz
    );
    CREATE UNIQUE INDEX IF NOT EXISTS read_model_generation_one_live ON public.read_model_generation ((true)) WHERE status = 'live';
    -- One row: the live generation. Projector batches hold it FOR SHARE, the switch FOR UPDATE.
    CREATE TABLE IF NOT EXISTS public.read_model_live (
      singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      generation integer NOT NULL REFERENCES public.read_model_generation
    );
  `.execute(db);
}

interface GenerationRow {
  generation: number;
  status: GenerationStatus;
  migrations: string[];
  created_at: Date;
  live_at: Date | null;
  retired_at: Date | null;
}

export async function listGenerations(db: AnyDb): Promise<Generation[]> {
  const exists = await sql<{ ok: boolean }>`SELECT to_regclass('public.read_model_generation') IS NOT NULL AS ok`.execute(db);
  if (exists.rows[0]?.ok !== true) {
    return [];
  }
  const { rows } = await sql<GenerationRow>`
    SELECT generation, status, migrations, created_at, live_at, retired_at FROM public.read_model_generation ORDER BY generation
  `.execute(db);
  return rows.map((r) => ({
    generation: r.generation,
    status: r.status,
    schema: r.status === "live" ? "public" : homeSchemaOf(r.generation),
    migrations: r.migrations,
    createdAt: r.created_at,
    liveAt: r.live_at,
    retiredAt: r.retired_at,
  }));
}

/**
 * Runs `work` on one connection holding the session advisory lock `name`;
 * answers undefined, without running it, when another session holds it.
 */
export async function withAdvisoryLock<T>(db: AnyDb, name: string, wait: boolean, work: (conn: AnyDb) => Promise<T>): Promise<T | undefined> {
  return db.connection().execute(async (conn) => {
    if (wait) {
      await sql`SELECT pg_advisory_lock(hashtext(${name}))`.execute(conn);
    } else {
      const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${name})) AS ok`.execute(conn);
      if (rows[0]?.ok !== true) {
        return undefined;
      }
    }
    try {
      return await work(conn);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${name}))`.execute(conn);
    }
  });
}
