import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createGeneration, listGenerations, migrateToLatest, readMigrationFiles, switchGeneration, type Database } from "@udaconnect/migrations";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";

const serverUrl = inject("databaseUrl");

describe("read-model generations", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function bareDatabase(): Promise<Kysely<Database>> {
    const name = `test_${randomUUID().replaceAll("-", "")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
    // DROP DATABASE … WITH (FORCE) may reach a connection still closing: not a failure of the test.
    pool.on("error", () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    cleanups.push(async () => {
      await db.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    return db;
  }

  it("adopts a database of the pre-generation layout as generation 1 and applies the newer files in place", async () => {
    const db = await bareDatabase();
    const v1 = await readFile(fileURLToPath(new URL("../../migrations/sql/0001_read_models.sql", import.meta.url)), "utf8");
    await sql.raw(v1).execute(db);
    await sql`CREATE TABLE kysely_migration (name varchar(255) PRIMARY KEY, timestamp varchar(255) NOT NULL)`.execute(db);
    await sql`CREATE TABLE kysely_migration_lock (id varchar(255) PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0)`.execute(db);
    await sql`INSERT INTO kysely_migration VALUES ('0001_read_models', '2024-05-01')`.execute(db);
    await sql`INSERT INTO projection_checkpoint (topic, partition, next_offset) VALUES ('t', 0, 42)`.execute(db);

    const result = await migrateToLatest(db);

    const later = (await readMigrationFiles()).map((f) => f.name).filter((n) => n !== "0001_read_models");
    expect(result).toEqual({ generation: 1, applied: later });
    expect((await listGenerations(db)).map((g) => [g.generation, g.status, g.migrations])).toEqual([[1, "live", ["0001_read_models", ...later]]]);
    expect(await db.selectFrom("projection_checkpoint").select(["topic", "next_offset"]).execute()).toEqual([{ topic: "t", next_offset: "42" }]);
    expect(await db.selectFrom("erased_person").selectAll().execute()).toEqual([]);
    expect(await migrateToLatest(db)).toEqual({ generation: 1, applied: [] });
  });

  it("switches only a candidate that caught up with the live checkpoints, moving whole relations", async () => {
    const database: TestDatabase = await createTestDatabase(serverUrl);
    cleanups.push(database.drop);
    const { db } = database;
    await sql`INSERT INTO projection_checkpoint (topic, partition, next_offset) VALUES ('t', 0, 10), ('t', 1, 5)`.execute(db);
    const generation = await createGeneration(db, await readMigrationFiles());
    await sql`INSERT INTO rm_2.projection_checkpoint (topic, partition, next_offset) VALUES ('t', 0, 10), ('t', 1, 4)`.execute(db);
    await sql`INSERT INTO rm_2.person VALUES ('p1', 'New', 'Gen', 'C', now(), ${randomUUID()})`.execute(db);

    expect(await switchGeneration(db, generation, { catchUpTimeoutMs: 100 })).toEqual({
      kind: "behind",
      partitions: [{ topic: "t", partition: 1, live: "5", candidate: "4" }],
    });
    await sql`UPDATE rm_2.projection_checkpoint SET next_offset = 6 WHERE partition = 1`.execute(db);

    expect(await switchGeneration(db, generation, { catchUpTimeoutMs: 100 })).toEqual({ kind: "switched", previous: 1 });
    expect((await db.selectFrom("person").select("first_name").execute()).map((p) => p.first_name)).toEqual(["New"]);
    expect((await listGenerations(db)).map((g) => [g.generation, g.status, g.schema])).toEqual([
      [1, "retired", "rm_1"],
      [2, "live", "public"],
    ]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rm_1.projection_checkpoint`.execute(db);
    expect(rows[0]?.n).toBe(2);
  });
});
