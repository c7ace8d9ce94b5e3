import { randomUUID } from "node:crypto";
import { Consumer, MessagesStreamModes, type Message, type MessagesStream } from "@platformatic/kafka";
import { allTopics, decodeEvent, topicName, type Event, type TopicSpec } from "@udaconnect/schemas";
import { eventually } from "@udaconnect/test-support";

export interface AppendedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly event: Event;
}

/** ListOffsets' timestamp for "the end of the log". */
const LATEST = -1n;

/**
 * Reads every UdaConnect topic of one namespace from the beginning with one
 * consumer (joining a group is the slow part), so a test can ask for what
 * has been appended up to now: `records` waits until the consumer has
 * reached the end offsets of the moment it is called.
 */
export class TopicReader {
  readonly #received = new Map<string, AppendedRecord[]>();
  readonly #position = new Map<string, bigint>();
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;

  private constructor(
    private readonly consumer: Consumer,
    private readonly namespace: string,
  ) {}

  static async start(brokers: string, namespace: string): Promise<TopicReader> {
    const consumer = new Consumer({
      clientId: "ingest-test-reader",
      groupId: `ingest-test-${randomUUID()}`,
      bootstrapBrokers: brokers.split(","),
      maxWaitTime: 100,
      // A new topic's leadership can still be moving when the test first asks ("not the leader"): retriable, so asked again.
      retries: 20,
      retryDelay: 250,
    });
    const reader = new TopicReader(consumer, namespace);
    const stream = await consumer.consume({
      topics: allTopics.map((t) => topicName(t, namespace)),
      mode: MessagesStreamModes.EARLIEST,
      autocommit: false,
    });
    reader.#stream = stream;
    stream.on("data", (message: Message<Buffer, Buffer, Buffer, Buffer>) => reader.#heard(message));
    return reader;
  }

  #heard({ topic, partition, offset, key, value, headers }: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const records = this.#received.get(topic) ?? [];
    records.push({
      partition,
      offset: String(offset),
      key: key?.toString() ?? "",
      headers: Object.fromEntries([...headers].map(([k, v]) => [k.toString(), v.toString()])),
      event: decodeEvent(value ?? Buffer.alloc(0)),
    });
    this.#received.set(topic, records);
    this.#position.set(`${topic}/${partition}`, offset + 1n);
  }

  /** End offset ("high watermark") of each partition of the topic, e.g. { 0: "3", 1: "0", … }. */
  async endOffsets(spec: TopicSpec): Promise<Record<number, string>> {
    const topic = topicName(spec, this.namespace);
    const offsets = await this.consumer.listOffsets({ topics: [topic], timestamp: LATEST });
    return Object.fromEntries((offsets.get(topic) ?? []).map((offset, partition) => [partition, String(offset)]));
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
    await this.#stream?.close();
    await this.consumer.close(true);
  }
}
