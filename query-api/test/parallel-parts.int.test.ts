import type {} from "@udaconnect/test-support/global-setup";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { inSharedSnapshot, ParallelSlots } from "../src/encounters/parallel-parts";
import { givenLocation } from "./given";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  await givenLocation(t.db, { personId: "a", latitude: 35, longitude: -106, at: "2020-03-10T10:00:00.000Z" });
});

afterAll(async () => {
  await t.drop();
});

const countLocations = async (db: typeof t.db) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM location`.execute(db)).rows[0]?.n);

describe("inSharedSnapshot", () => {
  it("runs both parts on two connections in the snapshot the first exported, not seeing a row committed in between", async () => {
    let committed: () => void = () => {};
    const rowCommitted = new Promise<void>((resolve) => (committed = resolve));

    const [first, second] = await inSharedSnapshot(
      t.db,
      async (trx) => {
        const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]?.pid;
        // Committed by a third connection after the export, before either part reads.
        await givenLocation(t.db, { personId: "b", latitude: 35, longitude: -106, at: "2020-03-10T10:01:00.000Z" });
        committed();
        return { pid, locations: await countLocations(trx) };
      },
      async (trx) => {
        await rowCommitted;
        const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]?.pid;
        return { pid, locations: await countLocations(trx) };
      },
    );

    expect(first.locations).toBe(1);
    expect(second.locations).toBe(1);
    expect(first.pid).not.toBe(second.pid);
    expect(await countLocations(t.db)).toBe(2);
  });

  it("answers the failure of either part", async () => {
    const failing = async () => {
      throw new Error("part failed");
    };

    await expect(inSharedSnapshot(t.db, failing, async (trx) => countLocations(trx))).rejects.toThrow("part failed");
    await expect(inSharedSnapshot(t.db, async (trx) => countLocations(trx), failing)).rejects.toThrow("part failed");
    expect(await countLocations(t.db)).toBe(2);
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
