import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { describe, expect, inject } from "vitest";
import { listGenerations, withAdvisoryLock } from "@udaconnect/migrations";
import { REBUILD_LOCK } from "../src/rebuild/run-rebuild";
import { locationRecorded, personErased, personRegistered, personUpdated } from "./events";
import { produce } from "./kafka-fixtures";
import { projectorTest } from "./projector-test";
import { readLocations, readPersons } from "./read-model";
import { rebuild } from "./rebuild-fixtures";

const brokers = inject("kafkaBrokers");
const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute));

describe("erasure", () => {
  const checkIn = (personId: string, minute: number) => {
    const eventId = randomUUID();
    return { key: personId, value: locationRecorded({ eventId, personId, latitude: minute, longitude: 1, occurredAt: at(minute), recordedAt: at(minute) }) };
  };
  const person = (personId: string, firstName: string, minute: number) => ({
    key: personId,
    value: personRegistered({ eventId: randomUUID(), personId, firstName, lastName: "L", companyName: "C", recordedAt: at(minute) }),
  });

  projectorTest(
    "removes the person and their check-ins, keeps them gone after a rebuild, and keeps a later check-in",
    { timeout: 60_000 },
    async ({ readModels, topics, projectors }) => {
      const alice = [checkIn("alice", 1), checkIn("alice", 2)];
      const bob = checkIn("bob", 3);
      // A check-in for a person registered only later is kept, and joins once they are.
      const carolEarly = checkIn("carol", 4);
      const aliceAfterErasure = checkIn("alice", 30);
      await produce(brokers, topics.persons, [person("alice", "Alice", 0), person("bob", "Bob", 0)]);
      await produce(brokers, topics.locations, [...alice, bob, carolEarly]);
      await projectors.start();
      await projectors.caughtUp();

      await produce(brokers, topics.persons, [
        { key: "alice", value: personErased({ eventId: randomUUID(), personId: "alice", recordedAt: at(20) }) },
        { key: "bob", value: personUpdated({ eventId: randomUUID(), personId: "bob", companyName: "Bob & Co", recordedAt: at(21) }) },
        person("carol", "Carol", 22),
      ]);
      // Late: recorded before the erasure, appended after it; and one recorded after it.
      const aliceLate = checkIn("alice", 5);
      await produce(brokers, topics.locations, [aliceLate, aliceAfterErasure]);
      await projectors.caughtUp();

      const expectedLocations = [bob, carolEarly, aliceAfterErasure].map((c) => c.value.eventId).sort();
      const expectReadModel = async () => {
        expect((await readPersons(readModels.db)).map((p) => [p.id, p.first_name, p.company_name])).toEqual([
          ["bob", "Bob", "Bob & Co"],
          ["carol", "Carol", "C"],
        ]);
        expect((await readLocations(readModels.db)).map((l) => l.eventId)).toEqual(expectedLocations);
        expect(await readModels.db.selectFrom("erased_person").select(["person_id", "erased_at"]).execute()).toEqual([
          { person_id: "alice", erased_at: at(20) },
        ]);
      };
      await expectReadModel();

      const progress: string[] = [];
      expect(await rebuild({ brokers, databaseUrl: readModels.url, namespace: topics.namespace }, (line) => progress.push(line))).toEqual({
        kind: "switched",
        generation: 2,
        previous: 1,
        dropped: true,
      });
      expect((await listGenerations(readModels.db)).map((g) => [g.generation, g.status])).toEqual([[2, "live"]]);
      await expectReadModel();
      expect(progress).toContain("rebuild: generation 2 is live; generation 1 retired");
    },
  );

  projectorTest("refuses a second rebuild while one holds the lock, with a clear message", async ({ readModels, topics }) => {
    await withAdvisoryLock(readModels.db, REBUILD_LOCK, false, async () => {
      await expect(rebuild({ brokers, databaseUrl: readModels.url, namespace: topics.namespace })).rejects.toThrow(
        "another rebuild is running on this database (it holds the rebuild advisory lock): wait for it to finish, or stop it (Ctrl-C) and run this again to resume it",
      );
    });
    expect((await listGenerations(readModels.db)).map((g) => [g.generation, g.status])).toEqual([[1, "live"]]);
  });
});
