import type {} from "@udaconnect/test-support/global-setup";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { ParallelSlots } from "../src/encounters/parallel-parts";
import { createDatabase } from "../src/postgres/create-database";
import { explainPrepared, queryInSharedSnapshot } from "../src/postgres/shared-snapshot";
import { givenLocation } from "./given";

let t: TestDatabase;
let db: Kysely<Database>;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  db = t.db;
  await givenLocation(db, { personId: "a", latitude: 35, longitude: -106, at: "2020-03-10T10:00:00.000Z" });
});

afterAll(async () => {
  await t.drop();
});

interface Seen {
  pid: number;
  snapshot: string;
  locations: string;
}

const seen = sql<Seen>`SELECT pg_backend_pid() AS pid, pg_current_snapshot()::text AS snapshot, (SELECT count(*) FROM location)::text AS locations`;

async function inOneSnapshot(statements: number): Promise<Seen[]> {
  const rows: Seen[] = [];
  await queryInSharedSnapshot(
    t.pool,
    Array.from({ length: statements }, () => seen.compile(db)),
    ([row], index) => {
      rows[index] = row as Seen;
    },
  );
  return rows;
}

describe("queryInSharedSnapshot", () => {
  it("runs each statement on its own connection, all in the snapshot the first exported, while another connection commits rows", async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; writing; i += 1) {
        await givenLocation(db, { personId: "b", latitude: 35, longitude: -106, at: new Date(Date.UTC(2020, 2, 10, 11, 0, i)).toISOString() });
        written += 1;
      }
    })();
    const counts = new Set<string>();
    try {
      for (let i = 0; i < 40; i += 1) {
        const [first, second, third] = await inOneSnapshot(3);
        expect(new Set([first?.pid, second?.pid, third?.pid]).size).toBe(3);
        // The same snapshot: the same committed transactions, hence the same rows.
        expect(second?.snapshot).toBe(first?.snapshot);
        expect(third?.snapshot).toBe(first?.snapshot);
        expect([second?.locations, third?.locations]).toEqual([first?.locations, first?.locations]);
        counts.add(first?.locations ?? "");
      }
    } finally {
      writing = false;
      await writer;
    }
    // The writer committed throughout: independent snapshots would have differed.
    expect(written).toBeGreaterThan(10);
    expect(counts.size).toBeGreaterThan(5);
  });

  it("runs a single statement in a transaction of its own, and no statement without taking a connection", async () => {
    const [only] = await inOneSnapshot(1);
    expect(Number(only?.locations)).toBeGreaterThan(0);
    expect(await inOneSnapshot(0)).toEqual([]);
  });

  it("answers the failure of any statement, after ending every transaction", async () => {
    const failing = sql`SELECT 1 / (SELECT count(*) FROM person)::int AS x`.compile(db);
    const fine = seen.compile(db);
    for (const statements of [
      [failing, fine],
      [fine, failing],
    ]) {
      await expect(queryInSharedSnapshot(t.pool, statements, () => {})).rejects.toThrow(/division by zero/);
    }
    const { pool } = t;
    await expect.poll(() => pool.totalCount - pool.idleCount).toBe(0);
    // The connections came back usable: no transaction left open or aborted on them.
    expect((await inOneSnapshot(3)).map((s) => s.snapshot)).toHaveLength(3);
  });

  it("fails as a whole when the caller's handling of rows fails", async () => {
    await expect(
      queryInSharedSnapshot(t.pool, [seen.compile(db), seen.compile(db)], () => {
        throw new Error("cannot use these rows");
      }),
    ).rejects.toThrow("cannot use these rows");
  });
});

describe("explainPrepared", () => {
  it("shows the generic plan, its parameters unresolved, or the custom plan for the given values", async () => {
    const query = sql`SELECT count(*) FROM location WHERE person_id = ${"a"} AND occurred_at >= ${new Date("2020-03-10T00:00:00Z")}`.compile(db);

    const generic = (await explainPrepared(t.pool, query, { plan: "generic" })).join("\n");
    const custom = (await explainPrepared(t.pool, query, { plan: "custom" })).join("\n");

    expect(generic).toMatch(/person_id = \$1/);
    expect(custom).toMatch(/person_id = 'a'::text/);
    expect(generic).toMatch(/Execution Time/);
  });
});

describe("ParallelSlots", () => {
  it("hands out at most its number of slots until they are released", () => {
    const slots = new ParallelSlots(2);

    expect([slots.tryAcquire(), slots.tryAcquire(), slots.tryAcquire()]).toEqual([true, true, false]);
    slots.release();
    expect(slots.tryAcquire()).toBe(true);
  });
});
