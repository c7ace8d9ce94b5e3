import { randomUUID } from "node:crypto";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrateToLatest, type Database } from "@udaconnect/migrations";

export interface TestDatabase {
  /** Connection URL of the new database, for a service under test. */
  readonly url: string;
  /** A Kysely client on it, for given/then steps. */
  readonly db: Kysely<Database>;
  /** The pg pool under `db`, for code that runs raw statements beside Kysely. */
  readonly pool: pg.Pool;
  /** Closes the client and drops the database. */
  readonly drop: () => Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * Makes the client `db` from the database's URL; default: a plain pool of four connections.
   * A service's own factory, when the code under test needs what only its client has.
   */
  readonly client?: (url: string) => DatabaseClient;
}

/** A Kysely client, the pool under it, and how to close both. */
export interface DatabaseClient {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  destroy(): Promise<void>;
}

/** A fresh, migrated database on the server of `serverUrl`: tests never share read models. */
export async function createTestDatabase(serverUrl: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = options.client?.(url.toString()) ?? plainClient(url.toString());
  const { db, pool } = client;
  await migrateToLatest(db as Kysely<unknown>);
  return {
    url: url.toString(),
    db,
    pool,
    drop: async () => {
      await client.destroy();
      await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

function plainClient(url: string): DatabaseClient {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // pool.end() does not wait for the server to close its connections: DROP DATABASE … WITH (FORCE)
  // may terminate one still closing, and an idle client's error without a listener crashes the run.
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

async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
