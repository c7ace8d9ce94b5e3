import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "@udaconnect/migrations";

export interface DatabaseOptions {
  readonly maxConnections?: number;
  /** How long one statement may run; default 10 s. The API answers 503 past it. */
  readonly statementTimeoutMs?: number;
}

/**
 * A Kysely client over a pg pool. The timeouts keep a stuck or unreachable
 * database from holding requests (and /readyz) forever. JIT is off: compiling a
 * spatial plan costs hundreds of milliseconds, more than these short queries run.
 */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Kysely<Database> {
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
  return new PooledKysely(pool);
}

/**
 * The pg pool under a client of createDatabase, for what a query builder cannot say: several
 * connections in one snapshot, named prepared statements (shared-snapshot.ts).
 */
export function poolOf(db: Kysely<Database>): pg.Pool {
  if (!(db instanceof PooledKysely)) {
    throw new Error("poolOf needs a database client made by createDatabase");
  }
  return db.pool;
}

/** Kysely over a pg pool that the code may also use directly, and that destroy() always ends. */
class PooledKysely extends Kysely<Database> {
  constructor(readonly pool: pg.Pool) {
    super({ dialect: new PostgresDialect({ pool }) });
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    // Kysely ends the pool only if it ran a query itself; a client may have used only the pool.
    if (!this.pool.ending) {
      await this.pool.end();
    }
  }
}

/** Resolves when the database answers a trivial query; rejects with the driver's error otherwise. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
