import type { Database } from "@udaconnect/migrations";
import { eventually } from "@udaconnect/test-support";
import { testWithReadModels } from "@udaconnect/test-support/fixtures";
import { sql, type Kysely } from "kysely";
import { describe, expect } from "vitest";
import { createDatabase } from "../src/postgres/database";

/**
 * A test with `readModels` (a fresh database), `idleErrors` (what the projector's pool reported
 * about idle clients) and `db` (the projector's own client on that database, two connections),
 * closed after the test whether it passed or not.
 */
const poolTest = testWithReadModels().extend<{ idleErrors: Error[]; db: Kysely<Database> }>({
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  idleErrors: async ({}, use) => {
    await use([]);
  },
  db: async ({ readModels, idleErrors }, use) => {
    const db = createDatabase({ url: readModels.url, maxConnections: 2, onIdleError: (error) => idleErrors.push(error) });
    try {
      await use(db);
    } finally {
      await db.destroy();
    }
  },
});

describe("the read models' connection pool", () => {
  poolTest(
    "survives the server ending a connection that is lent out between two statements: the next statement fails instead",
    async ({ readModels, idleErrors, db }) => {
      let next: Promise<unknown> | undefined;

      const transaction = db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        // As when PostgreSQL is killed: the server ends the session while no statement runs.
        await readModels.pool.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
        // pg reports the termination (57P01) and then, as the socket closes, "Connection terminated
        // unexpectedly" (the second only sometimes): both to the listener, neither thrown.
        await eventually(() => expect(idleErrors.length).toBeGreaterThan(0), { timeoutMs: 10_000 });
        next = sql`SELECT 1`.execute(trx);
        await next;
      });

      await expect(transaction).rejects.toThrow();
      expect(next, "the transaction failed before its second statement").toBeDefined();
      await expect(next).rejects.toThrow();
      expect(await sql<{ one: number }>`SELECT 1 AS one`.execute(db).then((r) => r.rows)).toEqual([{ one: 1 }]);
    },
  );
});
