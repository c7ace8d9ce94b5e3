import type {} from "@udaconnect/test-support/global-setup";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Admin, ConfigResourceTypes } from "@platformatic/kafka";
import { describe, expect, inject } from "vitest";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { parseRetention, RETAIN_FOREVER, type Retention } from "@udaconnect/schemas";
import { eventually, inheritedEnv } from "@udaconnect/test-support";
import { silentLogger } from "@udaconnect/observability";
import { loadConfig, loadPruneConfig } from "../src/config";
import { pruneLocations } from "../src/postgres/prune-locations";
import { runRebuild } from "../src/rebuild/run-rebuild";
import { locationRecorded } from "./events";
import { produce } from "./kafka-fixtures";
import { linesOf } from "./log-lines";
import { projectorTest, type Projectors, type ProjectorTopics } from "./projector-test";
import { projectorOptions } from "./projector-options";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const brokers = inject("kafkaBrokers");
const NOW = new Date("2026-06-01T12:00:00Z");
const ONE_DAY: Retention = parseRetention("1d") ?? RETAIN_FOREVER;
/** now minus the retention: a check-in that occurred at it is kept, one a millisecond before is not. */
const BOUND = new Date("2026-05-31T12:00:00Z");
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** Check-ins 1..4: a week old, a millisecond before the bound, at the bound, an hour old. */
const CHECK_INS = [new Date("2026-05-25T12:00:00Z"), new Date(BOUND.getTime() - 1), BOUND, new Date("2026-06-01T11:00:00Z")];

async function eventIds(db: Kysely<Database>, schema = "public"): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT event_id::text AS id FROM ${sql.table(`${schema}.location`)} ORDER BY event_id`.execute(db);
  return rows.map((r) => r.id);
}

describe("LOCATION_RETENTION", () => {
  async function givenCheckIns(topics: ProjectorTopics): Promise<void> {
    await produce(
      brokers,
      topics.locations,
      CHECK_INS.map((at, i) => ({
        key: "p1",
        value: locationRecorded({ eventId: uuid(i + 1), personId: "p1", latitude: 1, longitude: 2, occurredAt: at, recordedAt: at }),
      })),
    );
  }

  /** Projects both topics to their end with the retention, then stops, leaving the read model to the test. */
  async function project(projectors: Projectors, retention: Retention): Promise<void> {
    const { projector } = await projectors.start({ locationRetention: retention, now: () => NOW });
    await projectors.caughtUp();
    await projectors.stop(projector);
  }

  projectorTest(
    "the projector leaves out check-ins that occurred before now minus the retention, keeping one at the bound",
    async ({ readModels, topics, projectors }) => {
      await givenCheckIns(topics);
      const { projector, lines } = await projectors.start({ locationRetention: ONE_DAY, now: () => NOW });
      await projectors.caughtUp();
      await projectors.stop(projector);

      expect(await eventIds(readModels.db)).toEqual([uuid(3), uuid(4)]);
      const batches = linesOf(lines, "batch projected", ["locationsInserted", "locationsExpired"]);
      expect([sum(batches, "locationsInserted"), sum(batches, "locationsExpired")]).toEqual([2, 2]);
    },
  );

  projectorTest("sets the locations topic's retention.ms to the setting, and says so, keeping the persons topic's", async ({ topics, projectors }) => {
    const { projector, lines } = await projectors.start({ locationRetention: ONE_DAY });
    await projectors.stop(projector);

    // The broker answers the change once the KRaft controller committed it; its DescribeConfigs may show the old value for a moment.
    await eventually(async () => expect(await retentionMs([topics.locations, topics.persons])).toEqual(["86400000", "-1"]));
    expect(linesOf(lines, "topic retention.ms set to the declared value", ["topic", "from", "to"])).toEqual([
      { topic: topics.locations, from: "-1", to: "86400000" },
    ]);
  });

  projectorTest(
    "a rebuild yields what the retention keeps, although Kafka still holds every check-in",
    { timeout: 90_000 },
    async ({ readModels, topics, projectors }) => {
      await givenCheckIns(topics);
      await project(projectors, RETAIN_FOREVER);
      expect(await eventIds(readModels.db)).toEqual([uuid(1), uuid(2), uuid(3), uuid(4)]);

      const outcome = await runRebuild(
        projectorOptions({
          kafkaBrokers: brokers,
          databaseUrl: readModels.url,
          topicNamespace: topics.namespace,
          groupId: `projector-${topics.namespace}`,
          locationRetention: ONE_DAY,
          now: () => NOW,
          graceMs: 0,
          progressIntervalMs: 100,
          progress: () => {},
          logger: silentLogger,
        }),
      );

      expect(outcome).toMatchObject({ kind: "switched", generation: 2 });
      expect(await eventIds(readModels.db)).toEqual([uuid(3), uuid(4)]);
    },
  );

  projectorTest(
    "pruning deletes exactly the rows that occurred before the bound, in batches, and a second run deletes nothing",
    async ({ readModels, topics, projectors }) => {
      await givenCheckIns(topics);
      await project(projectors, RETAIN_FOREVER);
      const batches: number[] = [];

      const first = await pruneLocations(readModels.db, { before: BOUND, batchSize: 1, onBatch: (deleted) => batches.push(deleted) });
      const second = await pruneLocations(readModels.db, { before: BOUND, batchSize: 1 });

      expect(first).toEqual({ deleted: 2, batches: 2, complete: true });
      expect(batches).toEqual([1, 1]);
      expect(second).toEqual({ deleted: 0, batches: 0, complete: true });
      expect(await eventIds(readModels.db)).toEqual([uuid(3), uuid(4)]);
    },
  );

  projectorTest(
    "scripts/prune-locations prunes with LOCATION_RETENTION, reporting progress on stderr",
    { timeout: 60_000 },
    async ({ readModels, topics, projectors }) => {
      const now = Date.now();
      await produce(
        brokers,
        topics.locations,
        [now - 3 * 86_400_000, now - 2 * 86_400_000, now - 3_600_000].map((at, i) => ({
          key: "p1",
          value: locationRecorded({ eventId: uuid(10 + i), personId: "p1", latitude: 1, longitude: 2, occurredAt: new Date(at), recordedAt: new Date(at) }),
        })),
      );
      await project(projectors, RETAIN_FOREVER);

      const dry = await run(readModels.url, ["--dry-run"], { LOCATION_RETENTION: "1d" });
      const pruned = await run(readModels.url, ["--batch-size", "1"], { LOCATION_RETENTION: "1d" });
      const again = await run(readModels.url, [], { LOCATION_RETENTION: "1d" });

      expect(dry).toMatchObject({ code: 0, stdout: "" });
      expect(dry.stderr).toMatch(/^prune-locations: 2 check-ins occurred before \S+ \(retention 1d\); --dry-run deletes nothing\n$/);
      expect(pruned.code).toBe(0);
      expect(pruned.stderr.split("\n").filter((l) => l.includes("so far"))).toHaveLength(2);
      expect(pruned.stderr).toMatch(/done: 2 check-ins deleted in 2 batches/);
      expect(again.stderr).toMatch(/done: 0 check-ins deleted in 0 batches/);
      expect(await eventIds(readModels.db)).toEqual([uuid(12)]);
    },
  );

  projectorTest("refuses a malformed LOCATION_RETENTION, naming it", async ({ readModels }) => {
    const env = { DATABASE_URL: readModels.url, KAFKA_BROKERS: brokers, LOCATION_RETENTION: "90 days" };

    expect(() => loadConfig(env)).toThrow(/LOCATION_RETENTION must be "forever" or a positive duration .*got "90 days"/);
    expect(() => loadPruneConfig(env)).toThrow(/LOCATION_RETENTION must be "forever" or a positive duration .*got "90 days"/);
    const outcome = await run(readModels.url, [], { LOCATION_RETENTION: "90 days" });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/^prune-locations: configuration is invalid: LOCATION_RETENTION must be [^\n]*got "90 days"\n$/);
  });

  function run(databaseUrl: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        "scripts/prune-locations",
        [...args],
        { cwd: REPO, env: inheritedEnv({ DATABASE_URL: databaseUrl, ...env }), timeout: 50_000 },
        (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
        },
      );
    });
  }
});

async function retentionMs(topics: readonly string[]): Promise<string[]> {
  const admin = new Admin({ clientId: "projector-test", bootstrapBrokers: brokers.split(",") });
  try {
    const resources = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: ["retention.ms"] })),
    });
    return topics.map((t) => resources.find((r) => r.resourceName === t)?.configs.find((e) => e.name === "retention.ms")?.value ?? "");
  } finally {
    await admin.close();
  }
}

function sum(lines: readonly Record<string, unknown>[], field: string): number {
  return lines.reduce((n, l) => n + Number(l[field]), 0);
}
