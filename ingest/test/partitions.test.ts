import { Partitioners, type PartitionMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { LogPosition } from "@udaconnect/schemas";
import { assignPartitions, positionsReached } from "../src/kafka/partitions";
import { SendQueue } from "../src/kafka/send-queue";

describe("assignPartitions", () => {
  // That it is the partition Kafka really used is shown end to end: the integration tests compare
  // each reply's consistency token with the partitions and offsets the records landed in.
  it("places each key in one partition, the same for every message with that key", () => {
    const placed = assignPartitions([{ topic: "t", messages: [{ key: "5", value: "x" }, { key: "6", value: "y" }, { key: "5", value: "z" }] }], new Map([["t", 6]]));

    const partitions = placed[0]?.messages.map((m) => m.partition);
    expect(partitions?.[0]).toBe(partitions?.[2]);
    expect(partitions?.every((p) => Number.isInteger(p) && (p ?? -1) >= 0 && (p ?? 6) < 6)).toBe(true);
  });
});

describe("assignPartitions, asked again for the same keys (partitions remembered per key)", () => {
  it("gives each key the partition of Kafka's Java partitioner, for each partition count", () => {
    const keys = Array.from({ length: 3_000 }, (_, i) => `person-${i % 1_000}-${i % 7}`);
    for (const count of [1, 6, 7]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
      const expected = keys.map((key) => Partitioners.DefaultPartitioner()({ topic: "t", partitionMetadata, message: { key, value: null } }));
      for (let round = 0; round < 2; round++) {
        const placed = assignPartitions([{ topic: "t", messages: keys.map((key) => ({ key, value: "v" })) }], new Map([["t", count]]));
        expect(placed[0]?.messages.map((m) => m.partition)).toEqual(expected);
      }
    }
  });
});

describe("positionsReached", () => {
  it("is base offset + records written, per partition written", () => {
    const batches = [{ topic: "t", messages: [{ partition: 0, value: "a" }, { partition: 2, value: "b" }, { partition: 0, value: "c" }] }];

    const positions = positionsReached(batches, [
      { topicName: "t", partition: 0, baseOffset: "40" },
      { topicName: "t", partition: 2, baseOffset: "7" },
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
      sends.push(batches.flatMap((b) => b.messages.map((m) => String(m.value))));
      await new Promise<void>((resolve) => (release = resolve));
      return batches.flatMap((b) => b.messages.map((m): LogPosition => ({ topic: b.topic, partition: m.partition ?? -1, nextOffset: 100n })));
    }, 1);

    const first = queue.enqueue([{ topic: "t", messages: [{ partition: 0, value: "a" }] }]);
    const second = queue.enqueue([{ topic: "t", messages: [{ partition: 1, value: "b" }] }]);
    const third = queue.enqueue([{ topic: "t", messages: [{ partition: 2, value: "c" }] }]);
    const fourth = queue.enqueue([{ topic: "t", messages: [{ partition: 2, value: "d" }] }]);
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
