import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
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

/**
 * A fresh, migrated database on the server of `serverUrl`: tests never share read models.
 * It is a copy of a template migrated once per server and version of the migrations
 * (CREATE EXTENSION postgis alone takes about a second; a copy takes a tenth of that).
 */
export async function createTestDatabase(serverUrl: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const template = await migratedTemplate(serverUrl);
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = options.client?.(url.toString()) ?? plainClient(url.toString());
  const { db, pool } = client;
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

const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url);
/** Serialises the first test workers that find the template missing (an arbitrary 64-bit key). */
const TEMPLATE_LOCK = 7_361_502_114_908_224_001n;
const templates = new Map<string, Promise<string>>();

/** The template database of the current migrations on that server, made once by whichever worker comes first. */
function migratedTemplate(serverUrl: string): Promise<string> {
  let template = templates.get(serverUrl);
  if (template === undefined) {
    template = makeTemplate(serverUrl);
    templates.set(serverUrl, template);
    template.catch(() => templates.delete(serverUrl));
  }
  return template;
}

async function makeTemplate(serverUrl: string): Promise<string> {
  const name = `test_template_${await migrationsDigest()}`;
  await withAdminClient(serverUrl, async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK.toString()]);
    try {
      const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (found.rowCount !== 0) return;
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      const url = new URL(serverUrl);
      url.pathname = `/${building}`;
      const client = plainClient(url.toString());
      try {
        await migrateToLatest(client.db as Kysely<unknown>);
      } finally {
        await client.destroy();
      }
      // A copy needs a template nobody is connected to, and the pool's connections close after pool.end() returns.
      await untilNoConnections(admin, building);
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      await dropStaleTemplates(admin, name);
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK.toString()]);
    }
  });
  return name;
}

/** A digest of everything that decides the migrated schema: the SQL files and the code applying them. */
async function migrationsDigest(): Promise<string> {
  const hash = createHash("sha256");
  for (const folder of ["sql/", "keystore/", "src/"]) {
    const dir = new URL(folder, MIGRATIONS_DIR);
    for (const file of (await readdir(dir)).sort()) {
      hash
        .update(`${folder}${file}\0`)
        .update(await readFile(new URL(file, dir)))
        .update("\0");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

async function untilNoConnections(admin: pg.Client, database: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1", [database]);
    if (rows[0]?.n === "0") return;
    await sleep(50);
  }
  throw new Error(`database ${database} still has connections 5 s after its client closed`);
}

/** Templates of earlier versions of the migrations; one in use by another run stays. */
async function dropStaleTemplates(admin: pg.Client, current: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_template\\_%' AND datname <> $1", [
    current,
  ]);
  for (const { datname } of rows) {
    await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
  }
}
