import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Admin, type Consumer } from "kafkajs";
import { allTopics, decodeEvent, topicName, type Event, type TopicSpec } from "@udaconnect/schemas";
import { eventually } from "@udaconnect/test-support";

export interface AppendedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly event: Event;
}

/**
 * Reads every UdaConnect topic of one namespace from the beginning with one
 * consumer (joining a group is the slow part), so a test can ask for what
 * has been appended up to now: `records` waits until the consumer has
 * reached the end offsets of the moment it is called.
 */
export class TopicReader {
  readonly #received = new Map<string, AppendedRecord[]>();
  readonly #position = new Map<string, bigint>();

  private constructor(
    private readonly admin: Admin,
    private readonly consumer: Consumer,
    private readonly namespace: string,
  ) {}

  static async start(brokers: string, namespace: string): Promise<TopicReader> {
    const kafka = new Kafka({ clientId: "ingest-test-reader", brokers: brokers.split(","), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const consumer = kafka.consumer({ groupId: `ingest-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const reader = new TopicReader(admin, consumer, namespace);
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: allTopics.map((t) => topicName(t, namespace)), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const records = reader.#received.get(topic) ?? [];
        records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? "",
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          event: decodeEvent(message.value ?? Buffer.alloc(0)),
        });
        reader.#received.set(topic, records);
        reader.#position.set(`${topic}/${partition}`, BigInt(message.offset) + 1n);
      },
    });
    return reader;
  }

  /** End offset ("high watermark") of each partition of the topic, e.g. { 0: "3", 1: "0", … }. */
  async endOffsets(spec: TopicSpec): Promise<Record<number, string>> {
    // On a busy broker a new topic's leadership can still be moving when the test first asks
    // ("not the leader for that topic-partition"): Kafka calls that retriable, so ask again.
    for (let attempt = 1; ; attempt++) {
      try {
        const offsets = await this.admin.fetchTopicOffsets(topicName(spec, this.namespace));
        return Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
      } catch (error) {
        const retriable = error instanceof Error && "retriable" in error && error.retriable === true;
        if (!retriable || attempt === 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Every record of the topic appended so far (for one key, when given), in partition and offset order. */
  async records(spec: TopicSpec, key?: string): Promise<AppendedRecord[]> {
    const topic = topicName(spec, this.namespace);
    const ends = await this.endOffsets(spec);
    await eventually(
      () => {
        for (const [partition, end] of Object.entries(ends)) {
          const position = this.#position.get(`${topic}/${partition}`) ?? 0n;
          if (position < BigInt(end)) {
            throw new Error(`reader of ${topic} is at ${position} in partition ${partition}, not yet at ${end}`);
          }
        }
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    const records = (this.#received.get(topic) ?? []).filter((r) => key === undefined || r.key === key);
    return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.admin.disconnect();
  }
}
