import { murmur2 } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import type { LogPosition } from "@udaconnect/schemas";
import { assignPartitions, positionsReached } from "../src/kafka/partitions";
import type { OutgoingRecord } from "../src/kafka/record-producer";
import { SendQueue } from "../src/kafka/send-queue";

function record(value: string, placement: { key?: string; partition?: number } = {}): OutgoingRecord {
  return {
    key: placement.key ?? "k",
    value: Buffer.from(value),
    headers: {},
    ...(placement.partition === undefined ? {} : { partition: placement.partition }),
  };
}

describe("assignPartitions", () => {
  // That it is the partition Kafka really used is shown end to end: the integration tests compare
  // each reply's consistency token with the partitions and offsets the records landed in.
  it("places each key in one partition, the same for every message with that key", () => {
    const placed = assignPartitions(
      [{ topic: "t", messages: [record("x", { key: "5" }), record("y", { key: "6" }), record("z", { key: "5" })] }],
      new Map([["t", 6]]),
    );

    const partitions = placed[0]?.messages.map((m) => m.partition);
    expect(partitions?.[0]).toBe(partitions?.[2]);
    expect(partitions?.every((p) => Number.isInteger(p) && (p ?? -1) >= 0 && (p ?? 6) < 6)).toBe(true);
  });
});

/**
 * Kafka's Utils.murmur2, transcribed from the Java (32-bit int arithmetic) as the oracle:
 * the gateway's partitions must be those every Java, librdkafka-"murmur2_random" or kafkajs
 * producer picks for the same key.
 */
function javaMurmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const whole = data.length - (data.length % 4);
  let h = 0x9747b28c ^ data.length;
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length % 4;
  if (rest === 3) h ^= (data[whole + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[whole + 1] ?? 0) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] ?? 0), m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

describe("murmur2 of @platformatic/kafka, which the partitions are computed with", () => {
  it("gives the hashes of Kafka's own UtilsTest.testMurmur2, as the oracle does", () => {
    const vectors: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
      ["", 275646681],
    ];

    expect(vectors.map(([key]) => murmur2(Buffer.from(key)))).toEqual(vectors.map(([, hash]) => hash));
    expect(vectors.map(([key]) => javaMurmur2(Buffer.from(key)))).toEqual(vectors.map(([, hash]) => hash));
  });
});

describe("assignPartitions, asked again for the same keys (partitions remembered per key)", () => {
  it("gives each key the partition of Kafka's Java partitioner, toPositive(murmur2(key)) % partitions, for each partition count", () => {
    // Person ids as the gateway sees them (UUIDs), short and non-ASCII keys, every length mod 4.
    const keys = [
      ...Array.from({ length: 3_000 }, (_, i) => `person-${i % 1_000}-${i % 7}`),
      ...Array.from({ length: 200 }, (_, i) => `0192f0c4-${String(i).padStart(4, "0")}-7a3e-9c1d-5b8e2f6a4d10`),
      "1",
      "42",
      "é",
      "名前-ü",
    ];
    for (const count of [1, 3, 6, 7]) {
      const expected = keys.map((key) => (javaMurmur2(Buffer.from(key)) & 0x7fffffff) % count);
      for (let round = 0; round < 2; round++) {
        const placed = assignPartitions([{ topic: "t", messages: keys.map((key) => record("v", { key })) }], new Map([["t", count]]));
        expect(placed[0]?.messages.map((m) => m.partition)).toEqual(expected);
      }
    }
  });
});

describe("positionsReached", () => {
  it("is base offset + records written, per partition written", () => {
    const batches = [{ topic: "t", messages: [record("a", { partition: 0 }), record("b", { partition: 2 }), record("c", { partition: 0 })] }];

    const positions = positionsReached(batches, [
      { topicName: "t", partition: 0, baseOffset: 40n },
      { topicName: "t", partition: 2, baseOffset: 7n },
    ]);

    expect(positions).toEqual([
      { topic: "t", partition: 0, nextOffset: 42n },
      { topic: "t", partition: 2, nextOffset: 8n },
    ]);
  });
});

describe("SendQueue", () => {
  it("merges what waits into one send within the per-partition limit, one send at a time, giving each caller its partitions' positions", async () => {
    const sends: string[][] = [];
    let release: () => void = () => {};
    const queue = new SendQueue(async (batches) => {
      sends.push(batches.flatMap((b) => b.messages.map((m) => m.value.toString())));
      await new Promise<void>((resolve) => (release = resolve));
      return batches.flatMap((b) => b.messages.map((m): LogPosition => ({ topic: b.topic, partition: m.partition ?? -1, nextOffset: 100n })));
    }, 1);

    const first = queue.enqueue([{ topic: "t", messages: [record("a", { partition: 0 })] }]);
    const second = queue.enqueue([{ topic: "t", messages: [record("b", { partition: 1 })] }]);
    const third = queue.enqueue([{ topic: "t", messages: [record("c", { partition: 2 })] }]);
    const fourth = queue.enqueue([{ topic: "t", messages: [record("d", { partition: 2 })] }]);
    release();
    await first;
    release();

    expect(await second).toEqual([{ topic: "t", partition: 1, nextOffset: 100n }]);
    expect(await third).toEqual([{ topic: "t", partition: 2, nextOffset: 100n }]);
    release();
    await fourth;
    // At most one record per partition per send here: "d" waits for the next one.
    expect(sends).toEqual([["a"], ["b", "c"], ["d"]]);
  });
});
