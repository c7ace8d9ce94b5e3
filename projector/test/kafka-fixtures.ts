import { randomUUID } from "node:crypto";
import { Admin, compatibilityPartitioner, Consumer, MessagesStreamModes, ProduceAcks, Producer } from "@platformatic/kafka";
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

const clientId = "projector-test";

async function withAdmin<T>(brokers: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId, bootstrapBrokers: brokers.split(",") });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** Appends records as the ingest gateway does: keyed by person id (Java's partitioner), one send per call, acks=all. */
export async function produce(brokers: string, topic: string, records: readonly Produced[]): Promise<void> {
  const producer = new Producer({
    clientId,
    bootstrapBrokers: brokers.split(","),
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: compatibilityPartitioner,
  });
  try {
    await producer.send({
      messages: records.map(({ key, value }) => ({
        topic,
        key: Buffer.from(key),
        value: Buffer.from(value instanceof Uint8Array ? value : encodeEvent(value)),
        headers: new Map([[Buffer.from("content-type"), Buffer.from(EVENT_CONTENT_TYPE)]]),
      })),
    });
  } finally {
    await producer.close();
  }
}

/** The end offset of every partition of `topics` holding at least one record. */
export async function endOffsets(brokers: string, topics: readonly string[]): Promise<PartitionOffset[]> {
  return withAdmin(brokers, async (admin) => {
    const { topics: found } = await admin.metadata({ topics: [...topics] });
    const listed = await admin.listOffsets({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from({ length: found.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })),
      })),
    });
    return listed
      .flatMap(({ name, partitions }) => partitions.map((p) => ({ topic: name, partition: p.partitionIndex, nextOffset: p.offset })))
      .filter((p) => p.nextOffset !== 0n)
      .sort(byTopicPartition);
  });
}

/** The group's committed offsets in Kafka, for partitions that have one. */
export async function committedOffsets(brokers: string, groupId: string, topics: readonly string[]): Promise<PartitionOffset[]> {
  return withAdmin(brokers, async (admin) => {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    return (group?.topics ?? [])
      .filter(({ name }) => topics.includes(name))
      .flatMap(({ name, partitions }) =>
        partitions.filter((p) => p.committedOffset >= 0n).map((p) => ({ topic: name, partition: p.partitionIndex, nextOffset: p.committedOffset })),
      )
      .sort(byTopicPartition);
  });
}

/** The consumer groups Kafka knows whose id starts with `prefix`, sorted. */
export async function consumerGroups(brokers: string, prefix: string): Promise<string[]> {
  return withAdmin(brokers, async (admin) => [...(await admin.listGroups()).keys()].filter((id) => id.startsWith(prefix)).sort());
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
  const consumer = new Consumer({ clientId, groupId: `reader-${randomUUID()}`, bootstrapBrokers: brokers.split(","), maxWaitTime: 200 });
  const records: ConsumedRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(resolve, timeoutMs);
      stream.on("error", reject);
      stream.on("data", (message) => {
        const headers = Object.fromEntries([...message.headers].map(([k, v]) => [k.toString(), v.toString()]));
        records.push({ partition: message.partition, offset: message.offset.toString(), key: message.key ?? null, value: message.value ?? null, headers });
        if (records.length >= count) {
          clearTimeout(deadline);
          resolve();
        }
      });
    });
    await stream.close();
    return records;
  } finally {
    await consumer.close();
  }
}
