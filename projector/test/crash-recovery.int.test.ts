import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import { createTestDatabase, createTopics, eventually, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { spawnProjector, type ChildProjector } from "./child-projector";
import { locationRecorded } from "./events";
import { endOffsets, produce, type PartitionOffset } from "./kafka-fixtures";
import { linesOf } from "./log-lines";
import { readCheckpointRows } from "./read-model";

const brokers = inject("kafkaBrokers");
const TOTAL = 3_000;
const PRODUCE_BATCHES = 10;
const PER_BATCH = TOTAL / PRODUCE_BATCHES;
const APP_NAME = "projector-under-test";

/** mulberry32: the kill moments differ from batch to batch but are the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("projector under SIGKILL", () => {
  let database: TestDatabase;
  let namespace: string;
  const children: ChildProjector[] = [];

  beforeEach(async () => {
    database = await createTestDatabase(inject("databaseUrl"));
    namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      for (const child of children) {
        console.error(
          `child stderr:\n${child.stderr()}\nlast lines:\n${child.lines
            .slice(-15)
            .map((l) => JSON.stringify(l))
            .join("\n")}`,
        );
      }
    }
    for (const child of children.splice(0)) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await database.drop();
  });

  function startChild(): ChildProjector {
    const child = spawnProjector({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: brokers,
      TOPIC_NAMESPACE: namespace,
      PROJECTOR_GROUP_ID: `projector-${namespace}`,
      // The broker's minimum: a killed member's partitions are reassigned after 6 s.
      PROJECTOR_SESSION_TIMEOUT_MS: "6000",
      PROJECTOR_PORT: "0",
      LOG_LEVEL: "debug",
      PGAPPNAME: APP_NAME,
    });
    children.push(child);
    return child;
  }

  async function countLocations(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM location`.execute(database.db);
    return rows[0]?.n ?? 0;
  }

  /** Once the killed child's sessions are gone, no transaction of it can still commit. */
  async function checkpointsOfDeadChild(): Promise<PartitionOffset[]> {
    await eventually(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${APP_NAME}
      `.execute(database.db);
      expect(rows[0]?.n).toBe(0);
    });
    return readCheckpointRows(database.db);
  }

  it("loses no row and doubles none when killed between and during batches, and resumes at its checkpoints", { timeout: 90_000 }, async () => {
    const random = seededRandom(20_240_501);
    const locations = topicName(locationsTopic, namespace);
    const checkIns = Array.from({ length: TOTAL }, (_, i) => {
      const personId = `person-${i % 40}`;
      const occurredAt = new Date(Date.UTC(2024, 4, 1, 9, 0, i));
      const event = locationRecorded({
        eventId: randomUUID(),
        personId,
        latitude: (i % 180) - 89.5,
        longitude: (i % 360) - 179.5,
        occurredAt,
        recordedAt: occurredAt,
      });
      return { key: personId, value: event };
    });
    // Three kills, after three distinct produce batches among the first eight: the last child always has work left.
    const killAfter = new Set<number>();
    while (killAfter.size < 3) {
      killAfter.add(Math.floor(random() * 8));
    }

    let child = startChild();
    let checkpointsAtLastKill: PartitionOffset[] = [];
    for (let b = 0; b < PRODUCE_BATCHES; b += 1) {
      await produce(brokers, locations, checkIns.slice(b * PER_BATCH, (b + 1) * PER_BATCH));
      if (killAfter.has(b)) {
        // Somewhere inside the batch just produced: the child is most likely mid-projection.
        const threshold = (b + 1) * PER_BATCH - 1 - Math.floor(random() * PER_BATCH);
        await eventually(async () => expect(await countLocations()).toBeGreaterThanOrEqual(threshold), { timeoutMs: 30_000, intervalMs: 5 });
        child.kill("SIGKILL");
        expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
        checkpointsAtLastKill = await checkpointsOfDeadChild();
        child = startChild();
      }
    }

    const end = await endOffsets(brokers, [topicName(personsTopic, namespace), locations]);
    await eventually(async () => expect(await readCheckpointRows(database.db)).toEqual(end), { timeoutMs: 40_000 });
    const { rows } = await sql<{ total: number; distinct: number }>`
      SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct FROM location
    `.execute(database.db);
    expect(rows[0]).toEqual({ total: TOTAL, distinct: TOTAL });
    const projected = await database.db.selectFrom("location").select("event_id").orderBy("event_id").execute();
    expect(projected.map((r) => r.event_id)).toEqual(checkIns.map((c) => c.value.eventId).sort());

    // The last child sought every locations partition to its checkpoint and re-applied nothing.
    const resumed = linesOf(child.lines, "resuming partition", ["topic", "partition", "offset"]).filter((l) => l.topic === locations);
    expect(resumed.sort((a, b) => Number(a.partition) - Number(b.partition))).toEqual(
      Array.from({ length: locationsTopic.partitions }, (_, partition) => ({
        topic: locations,
        partition,
        offset: String(checkpointsAtLastKill.find((c) => c.partition === partition)?.nextOffset ?? 0n),
      })),
    );
    const batches = linesOf(child.lines, "batch projected", ["partition", "fetchedOffset", "alreadyApplied"]);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.filter((b) => b.alreadyApplied !== 0)).toEqual([]);

    const url = String(linesOf(child.lines, "ops server listening", ["url"])[0]?.url);
    await eventually(async () => {
      const response = await fetch(`${url}/readyz`);
      expect([response.status, await response.json()]).toEqual([200, { status: "ready", checks: { consumer: true, database: true } }]);
    });
    child.kill("SIGTERM");
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(linesOf(child.lines, "projector stopped", ["groupId"])).toEqual([{ groupId: `projector-${namespace}` }]);
  });
});
