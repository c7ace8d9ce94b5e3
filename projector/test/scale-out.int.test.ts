import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { describe, expect, inject } from "vitest";
import { eventually } from "@udaconnect/test-support";
import { locationRecorded } from "./events";
import { produce } from "./kafka-fixtures";
import { linesOf, type LogLine } from "./log-lines";
import { projectorTest } from "./projector-test";

const brokers = inject("kafkaBrokers");
const PER_WAVE = 1_200;

describe("two projector instances in one group", () => {
  const wave = (n: number) =>
    Array.from({ length: PER_WAVE }, (_, i) => {
      const personId = `person-${i % 30}`;
      const at = new Date(Date.UTC(2024, 4, 1, 9, n, i % 60, i));
      return {
        key: personId,
        value: locationRecorded({ eventId: randomUUID(), personId, latitude: (i % 170) - 85, longitude: (i % 350) - 175, occurredAt: at, recordedAt: at }),
      };
    });

  async function countLocations(db: Kysely<Database>): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM location`.execute(db);
    return rows[0]?.n ?? 0;
  }

  projectorTest(
    "apply every record exactly once through a join and a leave in the middle of the stream",
    { timeout: 60_000 },
    async ({ readModels, topics, projectors }) => {
      const groupId = `projector-${topics.namespace}`;
      const locations = topics.locations;
      const waves = [wave(0), wave(1), wave(2)];
      await produce(brokers, locations, waves[0] ?? []);
      const a = await projectors.start({ groupId });
      await eventually(async () => expect(await countLocations(readModels.db)).toBeGreaterThan(0), { intervalMs: 5 });

      // B joins while A is projecting: the group rebalances mid-stream.
      const b = await projectors.start({ groupId });
      await produce(brokers, locations, waves[1] ?? []);
      await eventually(() => expect(linesOf(b.lines, "batch projected", ["locationsInserted"]).some((l) => Number(l.locationsInserted) > 0)).toBe(true));
      // A leaves while records keep coming: B takes its partitions over from their checkpoints.
      const produced = produce(brokers, locations, waves[2] ?? []);
      await projectors.stop(a.projector);
      await produced;

      await projectors.caughtUp(30_000);
      const expected = waves
        .flat()
        .map((r) => r.value.eventId)
        .sort();
      const projected = await readModels.db.selectFrom("location").select("event_id").orderBy("event_id").execute();
      expect(projected.map((r) => r.event_id)).toEqual(expected);
      // Not one insert was attempted twice: the checkpoint filter, not ON CONFLICT, kept them apart.
      const inserted = (lines: LogLine[]) => linesOf(lines, "batch projected", ["locationsInserted"]).reduce((n, l) => n + Number(l.locationsInserted), 0);
      expect(inserted(a.lines) + inserted(b.lines)).toBe(3 * PER_WAVE);
      expect(inserted(a.lines)).toBeGreaterThan(0);
    },
  );
});
