import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "@udaconnect/migrations";

export interface DatabaseOptions {
  readonly url: string;
  readonly maxConnections: number;
  /** An idle connection died (server restart, terminated backend): the pool drops it and opens another. */
  readonly onIdleError?: (error: Error) => void;
}

export function createDatabase({ url, maxConnections, onIdleError = () => {} }: DatabaseOptions): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 5_000 });
  // Without a listener, node would crash the process on an idle connection's error.
  pool.on("error", onIdleError);
  // pg-pool drops its listener from a client while it is lent out: one whose server dies between
  // two statements of a batch (PostgreSQL killed) would crash the process too. With this, its
  // next statement fails instead and the batch is retried (found by scripts/chaos).
  pool.on("connect", (client) => client.on("error", onIdleError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** True when the server answers a trivial query; never throws. */
export async function isReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
