import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { AnyDb } from "./control";

const KEYSTORE_DIR = fileURLToPath(new URL("../keystore/", import.meta.url));

/**
 * The key store's schema (docs/erasure.md) is not a read model: it lives
 * once, in schema keystore, beside every generation, and a rebuild never
 * touches it. Its files are idempotent (IF NOT EXISTS) and applied in name
 * order on every migrate run; the caller holds the migrate lock.
 */
export async function migrateKeyStore(db: AnyDb): Promise<string[]> {
  const files = (await readdir(KEYSTORE_DIR)).filter((f) => f.endsWith(".sql")).sort();
  await sql`CREATE SCHEMA IF NOT EXISTS keystore`.execute(db);
  for (const file of files) {
    await sql.raw(await readFile(`${KEYSTORE_DIR}${file}`, "utf8")).execute(db);
  }
  return files.map((f) => f.replace(/\.sql$/, ""));
}
