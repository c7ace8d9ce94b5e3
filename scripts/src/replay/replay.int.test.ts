import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventSchema, LocationRecordedSchema, encodeEvent, locationsTopic, topicName } from "@udaconnect/schemas";
import { createTopics, uniqueNamespace, inheritedEnv } from "@udaconnect/test-support";
import { Admin, compatibilityPartitioner, Consumer, MessagesStreamModes, Producer } from "@platformatic/kafka";
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
  let admin: Admin;
  let log: TopicLog;
  let poisonOffset: string;

  beforeAll(async () => {
    await createTopics(brokers, namespace);
    admin = new Admin({ clientId: "replay-test", bootstrapBrokers: brokers.split(",") });
    const producer = new Producer({ clientId: "replay-test", bootstrapBrokers: brokers.split(","), partitioner: compatibilityPartitioner });
    // Ten check-ins a minute apart, spread over the partitions by person key, and one poison record.
    const send = (from: number, to: number) =>
      producer.send({
        messages: Array.from({ length: to - from }, (_, i) => from + i).map((n) => ({
          topic,
          key: Buffer.from(`p${n % 3}`),
          value: checkIn(n),
          timestamp: BigInt(minute(n).getTime()),
        })),
      });
    await send(0, 5);
    const { offsets: [poison] = [] } = await producer.send({
      messages: [{ topic, partition: 2, value: Buffer.from([0xff, 0xff, 0xff, 0x0f]), timestamp: BigInt(minute(4).getTime() + 30_000) }],
    });
    poisonOffset = String(poison?.offset ?? "");
    await send(5, 10);
    await producer.close();
    await consumeAllWithGroup(brokers, groupId, topic, 11);
    log = openTopicLog(brokers);
  });

  afterAll(async () => {
    await log?.close();
    await admin?.close();
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

  /** A group's committed offset of each partition of the topic, "-1" where it has none. */
  async function groupOffsets(group: string): Promise<string[]> {
    const partitionIndexes = Array.from({ length: locationsTopic.partitions }, (_, i) => i);
    const [found] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes }] }] });
    const committed = new Map((found?.topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
    return partitionIndexes.map((i) => String(committed.get(i) ?? -1n));
  }

  /** Every group's committed offsets on the topic, for every group on the broker that has any. */
  async function committedOffsets(): Promise<Record<string, string[]>> {
    const groups = [...(await admin.listGroups()).keys()];
    const offsets = await Promise.all(groups.map(async (id) => [id, await groupOffsets(id)] as const));
    return Object.fromEntries(offsets.filter(([, partitions]) => partitions.some((o) => o !== "-1")));
  }

  it("returns exactly the events in a time range and moves no consumer group", async () => {
    const before = await groupOffsets(groupId);
    const allBefore = await committedOffsets();

    const { report, rows } = await run({ from: { kind: "time", at: minute(3) }, to: { kind: "time", at: minute(7) } });

    expect(rows.map((r) => r.event_id).sort()).toEqual([3, 4, 5, 6].map((n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`));
    expect(report.undecodable).toEqual([{ partition: 2, offset: BigInt(poisonOffset), reason: expect.stringContaining("not a udaconnect.v1.Event") }]);
    expect(await groupOffsets(groupId)).toEqual(before);
    expect(Object.keys(allBefore)).toEqual([groupId]);
    expect(await committedOffsets()).toEqual(allBefore);
    // The group has really consumed everything: its committed offsets are the partitions' ends.
    const [ends] = await admin.listOffsets({
      topics: [{ name: topic, partitions: before.map((_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
    });
    expect(before.map((o) => (o === "-1" ? "0" : o))).toEqual(
      [...(ends?.partitions ?? [])].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => String(p.offset)),
    );
    const replayGroup = (await admin.describeGroups({ groups: ["udaconnect-replay-never-joined"] })).get("udaconnect-replay-never-joined");
    expect(replayGroup?.state).toBe("DEAD");
    expect([...(await admin.listGroups()).keys()]).not.toContain("udaconnect-replay-never-joined");
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
async function consumeAllWithGroup(brokers: string, groupId: string, topic: string, count: number): Promise<void> {
  const consumer = new Consumer({ clientId: "replay-test", groupId, bootstrapBrokers: brokers.split(","), maxWaitTime: 200 });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("data", (message) => {
        seen += 1;
        message.commit((error) => {
          if (error) reject(error);
          else if (seen === count) resolve();
        });
      });
    });
    await stream.close();
  } finally {
    await consumer.close();
  }
}
