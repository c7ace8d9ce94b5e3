import { createTestDatabase, eventually, type TestDatabase } from "@udaconnect/test-support";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../src/postgres/database";

describe("the read models' connection pool", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(inject("databaseUrl"));
  });

  afterAll(async () => {
    await database.drop();
  });

  it("survives the server ending a connection that is lent out between two statements: the next statement fails instead", async () => {
    const errors: Error[] = [];
    const db = createDatabase({ url: database.url, maxConnections: 2, onIdleError: (error) => errors.push(error) });
    let next: Promise<unknown> | undefined;

    const transaction = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      // As when PostgreSQL is killed: the server ends the session while no statement runs.
      await database.pool.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
      await eventually(() => expect(errors.map((e) => (e as Error & { code?: string }).code)).toEqual(["57P01"]), { timeoutMs: 10_000 });
      next = sql`SELECT 1`.execute(trx);
      await next;
    });

    await expect(transaction).rejects.toThrow();
    await expect(next).rejects.toThrow();
    expect(await sql<{ one: number }>`SELECT 1 AS one`.execute(db).then((r) => r.rows)).toEqual([{ one: 1 }]);
    await db.destroy();
  });
});
