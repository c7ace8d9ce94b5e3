import { murmur2 } from "@platformatic/kafka";
import type { LogPosition } from "@udaconnect/schemas";
import type { PartitionCounts } from "./ensure-topics";
import type { OutgoingRecord, ProducedRange, TopicRecords } from "./record-producer";

/**
 * The Java client's partitioner, Utils.toPositive(Utils.murmur2(keyBytes)) % partitions, with
 * @platformatic/kafka's port of murmur2 over the key's UTF-8 bytes (its own default partitioner
 * differs: murmur2 >>> 0). test/partitions.test.ts holds it to Kafka's own murmur2 vectors.
 */
function javaPartition(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/**
 * Sets each message's partition up front, as the producer would have chosen
 * it, so that the write's last offset per partition is known from the
 * produce response (base offset + records in that partition).
 */
export function assignPartitions(batches: readonly TopicRecords[], counts: PartitionCounts): TopicRecords[] {
  return batches.map(({ topic, messages }) => {
    const count = counts.get(topic);
    if (count === undefined) {
      throw new Error(`no partition count known for topic ${topic}`);
    }
    const known = partitionOfKey(count);
    return {
      topic,
      messages: messages.map((message: OutgoingRecord) => {
        // Only a string key without a partition of its own is remembered, as the partitioner would place it.
        const key = message.partition == null ? message.key : undefined;
        let partition = key === undefined ? undefined : known.get(key);
        if (partition === undefined) {
          partition = javaPartition(message.key, count);
          if (key !== undefined) remember(known, key, partition);
        }
        // A literal: a spread adding `partition` would give each record a shape of its own (~1.3 µs each in V8).
        return { key: message.key, value: message.value, headers: message.headers, partition };
      }),
    };
  });
}

const partitionsByCount = new Map<number, Map<string, number>>();
/** Keys (person ids) whose partition is remembered; beyond, the memory starts afresh. */
const MAX_REMEMBERED_KEYS = 100_000;

/** A key's partition depends only on the key and the partition count; hashing it once per person saves a murmur2 per check-in. */
function partitionOfKey(count: number): Map<string, number> {
  let known = partitionsByCount.get(count);
  if (known === undefined) {
    known = new Map();
    partitionsByCount.set(count, known);
  }
  return known;
}

function remember(known: Map<string, number>, key: string, partition: number): void {
  if (known.size >= MAX_REMEMBERED_KEYS) known.clear();
  known.set(key, partition);
}

/** The positions a write reached: per partition, its base offset plus the records it wrote there. */
export function positionsReached(batches: readonly TopicRecords[], produced: readonly ProducedRange[]): LogPosition[] {
  const written = new Map<string, number[]>();
  for (const { topic, messages } of batches) {
    const perPartition = written.get(topic) ?? [];
    for (const { partition = 0 } of messages) perPartition[partition] = (perPartition[partition] ?? 0) + 1;
    written.set(topic, perPartition);
  }
  return produced.flatMap(({ topicName, partition, baseOffset }) => {
    const records = written.get(topicName)?.[partition] ?? 0;
    if (baseOffset === undefined || records === 0) {
      return [];
    }
    return [{ topic: topicName, partition, nextOffset: baseOffset + BigInt(records) }];
  });
}
