import { Partitioners, type Message, type PartitionMetadata, type TopicMessages } from "kafkajs";
import type { LogPosition } from "@udaconnect/schemas";
import type { PartitionCounts } from "./ensure-topics";

// The Java client's partitioner (murmur2 of the key), as kafkajs's producer would apply it.
const javaPartitioner = Partitioners.DefaultPartitioner();

/**
 * Sets each message's partition up front, as the producer would have chosen
 * it, so that the write's last offset per partition is known from the
 * produce response (base offset + records in that partition).
 */
export function assignPartitions(batches: readonly TopicMessages[], counts: PartitionCounts): TopicMessages[] {
  return batches.map(({ topic, messages }) => {
    const count = counts.get(topic);
    if (count === undefined) {
      throw new Error(`no partition count known for topic ${topic}`);
    }
    const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
    return {
      topic,
      messages: messages.map((message: Message) => ({ ...message, partition: javaPartitioner({ topic, partitionMetadata, message }) })),
    };
  });
}

export interface ProducedRange {
  readonly topicName: string;
  readonly partition: number;
  readonly baseOffset?: string;
}

/** The positions a write reached: per partition, its base offset plus the records it wrote there. */
export function positionsReached(batches: readonly TopicMessages[], produced: readonly ProducedRange[]): LogPosition[] {
  const written = new Map<string, number>();
  for (const { topic, messages } of batches) {
    for (const { partition } of messages) {
      const key = `${topic}/${partition}`;
      written.set(key, (written.get(key) ?? 0) + 1);
    }
  }
  return produced.flatMap(({ topicName, partition, baseOffset }) => {
    const records = written.get(`${topicName}/${partition}`) ?? 0;
    if (baseOffset === undefined || records === 0) {
      return [];
    }
    return [{ topic: topicName, partition, nextOffset: BigInt(baseOffset) + BigInt(records) }];
  });
}
