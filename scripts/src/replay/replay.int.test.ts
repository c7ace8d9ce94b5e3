import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventSchema, LocationRecordedSchema, encodeEvent, locationsTopic, topicName } from "@udaconnect/schemas";
import { createTopics, uniqueNamespace, inheritedEnv } from "@udaconnect/test-support";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openTopicLog } from "./kafka/platformatic-topic-log";
import { createFormat } from "./output-format";
import { replay, type ReplayOptions } from "./replay";
import type { TopicLog } from "./topic-log";

const BASE = Date.parse("2026-03-01T09:00:00Z");
const minute = (n: number) => new Date(BASE + n * 60_000);
const REPLAY_COMMAND = fileURLToPath(new URL("../../replay", import.meta.url));

function checkIn(n: number): Buffer {
  const occurredAt = timestampFromDate(minute(n));
  const value = create(LocationRecordedSchema, {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    personId: `p${n % 3}`,
    latitude: 40 + n / 100,
    longitude: -3 - n / 100,
    occurredAt,
    recordedAt: occurredAt,
  });
  return Buffer.from(
    encodeEvent(
      create(EventSchema, {
        eventId: value.eventId,
        type: "udaconnect.v1.LocationRecorded",
        recordedAt: occurredAt,
        payload: { case: "locationRecorded", value },
      }),
    ),
  );
}

describe("replaying a topic", () => {
  const brokers = inject("kafkaBrokers");
  const namespace = uniqueNamespace();
  const topic = topicName(locationsTopic, namespace);
  const groupId = `${namespace}-reader`;
  let kafka: Kafka;
  let admin: Admin;
  let log: TopicLog;
  let poisonOffset: string;

  beforeAll(async () => {
    await createTopics(brokers, namespace);
    kafka = new Kafka({ clientId: "replay-test", brokers: brokers.split(","), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    // Ten check-ins a minute apart, spread over the partitions by person key, and one poison record.
    const send = (from: number, to: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: to - from }, (_, i) => from + i).map((n) => ({
          key: `p${n % 3}`,
          value: checkIn(n),
          timestamp: String(minute(n).getTime()),
        })),
      });
    await send(0, 5);
    const [poison] = await producer.send({
      topic,
      messages: [{ partition: 2, value: Buffer.from([0xff, 0xff, 0xff, 0x0f]), timestamp: String(minute(4).getTime() + 30_000) }],
    });
    poisonOffset = poison?.baseOffset ?? "";
    await send(5, 10);
    await producer.disconnect();
    await consumeAllWithGroup(kafka, groupId, topic, 11);
    log = openTopicLog(brokers);
  });

  afterAll(async () => {
    await log?.close();
    await admin?.disconnect();
  });

  const options = (overrides: Partial<ReplayOptions>): ReplayOptions => ({
    topic,
    from: { kind: "edge" },
    to: { kind: "edge" },
    strict: false,
    format: createFormat("ndjson"),
    filter: { personIds: [], types: [] },
    ...overrides,
  });

  async function run(overrides: Partial<ReplayOptions>) {
    const lines: string[] = [];
    const report = await replay(log, options(overrides), async (text) => void lines.push(text));
    return {
      report,
      rows: lines
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as { event_id: string; offset: string; partition: number }),
    };
  }

  /** Every group's committed offsets on the topic, for every group on the broker that has any. */
  async function committedOffsets(): Promise<Record<string, string[]>> {
    const { groups } = await admin.listGroups();
    const offsets = await Promise.all(groups.map(async (g) => [g.groupId, await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] })] as const));
    return Object.fromEntries(
      offsets
        .map(([id, topics]) => [id, (topics[0]?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset)] as const)
        .filter(([, partitions]) => partitions.some((o) => o !== "-1")),
    );
  }

  it("returns exactly the events in a time range and moves no consumer group", async () => {
    const before = await admin.fetchOffsets({ groupId, topics: [topic] });
    const allBefore = await committedOffsets();

    const { report, rows } = await run({ from: { kind: "time", at: minute(3) }, to: { kind: "time", at: minute(7) } });

    expect(rows.map((r) => r.event_id).sort()).toEqual([3, 4, 5, 6].map((n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`));
    expect(report.undecodable).toEqual([{ partition: 2, offset: BigInt(poisonOffset), reason: expect.stringContaining("not a udaconnect.v1.Event") }]);
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual(before);
    expect(Object.keys(allBefore)).toEqual([groupId]);
    expect(await committedOffsets()).toEqual(allBefore);
    // The group has really consumed everything: its committed offsets are the partitions' ends.
    const ends = await admin.fetchTopicOffsets(topic);
    expect(before[0]?.partitions.map((p) => [p.partition, p.offset === "-1" ? "0" : p.offset]).sort()).toEqual(ends.map((p) => [p.partition, p.high]).sort());
    const replayGroup = (await admin.describeGroups(["udaconnect-replay-never-joined"])).groups[0];
    expect(replayGroup?.state).toBe("Dead");
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain("udaconnect-replay-never-joined");
  });

  it("filters by person and reads offsets per partition", async () => {
    const all = await run({});
    const first = all.rows.find((r) => r.partition === 2);

    const { rows } = await run({
      from: { kind: "offsets", offsets: new Map([[2, BigInt(first?.offset ?? 0) + 1n]]) },
      filter: { personIds: ["p1"], types: ["LocationRecorded"] },
    });

    expect(all.rows).toHaveLength(10);
    expect(rows.every((r) => (r as unknown as { person_id: string }).person_id === "p1")).toBe(true);
    expect(rows.map((r) => r.event_id).sort()).toEqual(
      all.rows
        .filter((r) => (r as unknown as { person_id: string }).person_id === "p1" && !(r.partition === 2 && r.offset === first?.offset))
        .map((r) => r.event_id)
        .sort(),
    );
  });

  it("reports the poison record with its offset (exit 3), or stops at it with --strict (exit 4)", async () => {
    const env = inheritedEnv({ KAFKA_BROKERS: brokers });
    const lenient = await runCommand(["--topic", topic], env);
    const strict = await runCommand(["--topic", topic, "--strict", "--format", "csv"], env);

    expect(lenient.code).toBe(3);
    expect(lenient.stderr).toContain(`undecodable record at partition 2 offset ${poisonOffset}`);
    expect(lenient.stdout.trim().split("\n")).toHaveLength(10);
    expect(strict.code).toBe(4);
    expect(strict.stderr).toContain(`partition 2 offset ${poisonOffset}`);
  });
});

async function runCommand(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(REPLAY_COMMAND, args, { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A real consumer group reads the whole topic and commits, as the projector would. */
async function consumeAllWithGroup(kafka: Kafka, groupId: string, topic: string, count: number): Promise<void> {
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async () => {
          seen += 1;
          if (seen === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
}
