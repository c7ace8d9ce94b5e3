import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "@udaconnect/migrations";

export interface DatabaseOptions {
  readonly url: string;
  readonly maxConnections: number;
}

export function createDatabase({ url, maxConnections }: DatabaseOptions): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 5_000 }),
    }),
  });
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
