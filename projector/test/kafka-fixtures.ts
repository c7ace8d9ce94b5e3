import { randomUUID } from "node:crypto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { EVENT_CONTENT_TYPE, encodeEvent, type Event } from "@udaconnect/schemas";

export interface Produced {
  readonly key: string;
  /** An Event, or raw bytes for a record that is not one. */
  readonly value: Event | Uint8Array;
}

export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

function kafka(brokers: string): Kafka {
  return new Kafka({ clientId: "projector-test", brokers: brokers.split(","), logLevel: logLevel.NOTHING });
}

/** Appends records as the ingest gateway does: keyed by person id, one send per call, acks=all. */
export async function produce(brokers: string, topic: string, records: readonly Produced[]): Promise<void> {
  const producer = kafka(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: records.map(({ key, value }) => ({
        key,
        value: Buffer.from(value instanceof Uint8Array ? value : encodeEvent(value)),
        headers: { "content-type": EVENT_CONTENT_TYPE },
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** The end offset of every partition of `topics` holding at least one record. */
export async function endOffsets(brokers: string, topics: readonly string[]): Promise<PartitionOffset[]> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    const result: PartitionOffset[] = [];
    for (const topic of [...topics].sort()) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        if (high !== "0") {
          result.push({ topic, partition, nextOffset: BigInt(high) });
        }
      }
    }
    return result.sort(byTopicPartition);
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offsets in Kafka, for partitions that have one. */
export async function committedOffsets(brokers: string, groupId: string, topics: readonly string[]): Promise<PartitionOffset[]> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    const byTopic = await admin.fetchOffsets({ groupId, topics: [...topics] });
    return byTopic
      .flatMap(({ topic, partitions }) =>
        partitions.filter((p) => p.offset !== "-1").map((p) => ({ topic, partition: p.partition, nextOffset: BigInt(p.offset) })),
      )
      .sort(byTopicPartition);
  } finally {
    await admin.disconnect();
  }
}

/** The consumer groups Kafka knows whose id starts with `prefix`, sorted. */
export async function consumerGroups(brokers: string, prefix: string): Promise<string[]> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    return groups
      .map((g) => g.groupId)
      .filter((id) => id.startsWith(prefix))
      .sort();
  } finally {
    await admin.disconnect();
  }
}

export function byTopicPartition(a: PartitionOffset, b: PartitionOffset): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** Reads `topic` from its beginning until `count` records arrived (or the deadline passes). */
export async function consumeRecords(brokers: string, topic: string, count: number, timeoutMs = 20_000): Promise<ConsumedRecord[]> {
  const consumer = kafka(brokers).consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => {};
    const enough = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        records.push({ partition, offset: message.offset, key: message.key, value: message.value, headers });
        if (records.length >= count) {
          done();
        }
      },
    });
    await Promise.race([enough, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    return records;
  } finally {
    await consumer.disconnect();
  }
}
