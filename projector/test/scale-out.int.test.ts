import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import { createTestDatabase, createTopics, eventually, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { startProjector, type Projector } from "../src/index";
import { locationRecorded } from "./events";
import { endOffsets, produce } from "./kafka-fixtures";
import { collectingLogger, linesOf, type LogLine } from "./log-lines";
import { readCheckpointRows } from "./read-model";

const brokers = inject("kafkaBrokers");
const PER_WAVE = 1_200;

describe("two projector instances in one group", () => {
  let database: TestDatabase;
  let namespace: string;
  const running: Projector[] = [];

  beforeEach(async () => {
    database = await createTestDatabase(inject("databaseUrl"));
    namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    await database.drop();
  });

  async function start(groupId: string): Promise<{ projector: Projector; lines: LogLine[] }> {
    const { logger, lines } = collectingLogger();
    const projector = await startProjector({ kafkaBrokers: brokers, databaseUrl: database.url, topicNamespace: namespace, groupId, logger });
    running.push(projector);
    return { projector, lines };
  }

  const wave = (n: number) =>
    Array.from({ length: PER_WAVE }, (_, i) => {
      const personId = `person-${i % 30}`;
      const at = new Date(Date.UTC(2024, 4, 1, 9, n, i % 60, i));
      return { key: personId, value: locationRecorded({ eventId: randomUUID(), personId, latitude: (i % 170) - 85, longitude: (i % 350) - 175, occurredAt: at, recordedAt: at }) };
    });

  async function countLocations(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM location`.execute(database.db);
    return rows[0]?.n ?? 0;
  }

  it("apply every record exactly once through a join and a leave in the middle of the stream", { timeout: 60_000 }, async () => {
    const groupId = `projector-${namespace}`;
    const locations = topicName(locationsTopic, namespace);
    const waves = [wave(0), wave(1), wave(2)];
    await produce(brokers, locations, waves[0] ?? []);
    const a = await start(groupId);
    await eventually(async () => expect(await countLocations()).toBeGreaterThan(0), { intervalMs: 5 });

    // B joins while A is projecting: the group rebalances mid-stream.
    const b = await start(groupId);
    await produce(brokers, locations, waves[1] ?? []);
    await eventually(() => expect(linesOf(b.lines, "batch projected", ["locationsInserted"]).some((l) => Number(l.locationsInserted) > 0)).toBe(true));
    // A leaves while records keep coming: B takes its partitions over from their checkpoints.
    const produced = produce(brokers, locations, waves[2] ?? []);
    running.splice(running.indexOf(a.projector), 1);
    await a.projector.stop();
    await produced;

    const end = await endOffsets(brokers, [topicName(personsTopic, namespace), locations]);
    await eventually(async () => expect(await readCheckpointRows(database.db)).toEqual(end), { timeoutMs: 30_000 });
    const expected = waves.flat().map((r) => r.value.eventId).sort();
    const projected = await database.db.selectFrom("location").select("event_id").orderBy("event_id").execute();
    expect(projected.map((r) => r.event_id)).toEqual(expected);
    // Not one insert was attempted twice: the checkpoint filter, not ON CONFLICT, kept them apart.
    const inserted = (lines: LogLine[]) => linesOf(lines, "batch projected", ["locationsInserted"]).reduce((n, l) => n + Number(l.locationsInserted), 0);
    expect(inserted(a.lines) + inserted(b.lines)).toBe(3 * PER_WAVE);
    expect(inserted(a.lines)).toBeGreaterThan(0);
  });
});
