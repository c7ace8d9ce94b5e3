import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "@udaconnect/migrations";

export interface DatabaseOptions {
  readonly maxConnections?: number;
  /** How long one statement may run; default 10 s. The API answers 503 past it. */
  readonly statementTimeoutMs?: number;
}

/**
 * The read models as query-api reads them: Kysely for what a query builder says, and the pg
 * pool under it for what it cannot (shared-snapshot.ts: several connections in one exported
 * snapshot, named prepared statements). Code that needs the pool takes this; the rest takes `db`.
 */
export interface ReadModelClient {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
}

/** A ReadModelClient this process opened, and how to close it. */
export interface ReadModelDatabase extends ReadModelClient {
  /** Ends the Kysely client and the pool (Kysely ends the pool only if it ran a query itself). */
  destroy(): Promise<void>;
}

/**
 * A Kysely client over a pg pool. The timeouts keep a stuck or unreachable
 * database from holding requests (and /readyz) forever. JIT is off: compiling a
 * spatial plan costs hundreds of milliseconds, more than these short queries run.
 */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): ReadModelDatabase {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    // A new connection costs its first lookup ~15 ms more (backend start-up, PostGIS loading
    // its spheroid on the first ST_Distance): keep idle ones for minutes, not pg's 10 s.
    idleTimeoutMillis: 300_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    application_name: "udaconnect-query-api",
    // extra_float_digits=1 (the default, pinned): floats travel as the shortest text that reads
    // back equal, so distances and coordinates reach the API exactly.
    options: "-c jit=off -c extra_float_digits=1",
  });
  // An idle connection the server closed (restart, failover) is dropped from
  // the pool and the next query opens another; failures that matter surface
  // on queries and /readyz. Without a listener the process would crash.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    destroy: async () => {
      await db.destroy();
      if (!pool.ending) {
        await pool.end();
      }
    },
  };
}

/** Resolves when the database answers a trivial query; rejects with the driver's error otherwise. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
