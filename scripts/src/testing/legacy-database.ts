import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";

/** A database with the original UdaConnect's schema, loaded from its dump files. */
export async function createLegacyDatabase(serverUrl: string, dumpDir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `legacy_${randomUUID().replaceAll("-", "")}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await withClient(url.toString(), async (c) => {
    await c.query("CREATE EXTENSION IF NOT EXISTS postgis");
    await c.query(`CREATE TABLE person (id SERIAL PRIMARY KEY, first_name VARCHAR NOT NULL, last_name VARCHAR NOT NULL, company_name VARCHAR NOT NULL);
      CREATE TABLE location (id SERIAL PRIMARY KEY, person_id INT NOT NULL REFERENCES person(id), coordinate GEOMETRY NOT NULL, creation_time TIMESTAMP NOT NULL DEFAULT NOW());`);
    await c.query(await readFile(join(dumpDir, "udaconnect_public_person.sql"), "utf8"));
    await c.query(await readFile(join(dumpDir, "udaconnect_public_location.sql"), "utf8"));
  });
  return { url: url.toString(), drop: () => withClient(serverUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))) };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
