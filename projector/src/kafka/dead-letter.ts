import type { Kafka, Producer } from "kafkajs";
import { deadLetterTopic } from "@udaconnect/schemas";
import type { DeadLetter } from "../projection/ports";

/** Header names on a dead-lettered record; its key and value are the original bytes. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  sourceTopic: "udaconnect.source.topic",
  sourcePartition: "udaconnect.source.partition",
  sourceOffset: "udaconnect.source.offset",
  reason: "udaconnect.dead-letter.reason",
});

// Poison records may hold personal data: kept long enough to be looked at, then gone.
export const DEAD_LETTER_RETENTION_MS = deadLetterTopic.retentionMs;

export interface DeadLetterProducer {
  readonly deadLetter: DeadLetter;
  disconnect(): Promise<void>;
}

/**
 * Creates the dead-letter topic when missing (the only topic the projector may
 * create; with `create` false the caller has required it instead) and answers
 * a DeadLetter appending to it with acks from all replicas.
 */
export async function startDeadLetterProducer(kafka: Kafka, topic: string, partitions: number, create = true): Promise<DeadLetterProducer> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (create && !(await admin.listTopics()).includes(topic)) {
      await admin
        // Not waitForLeaders: its metadata poll fails on a topic the broker does not list yet; the producer retries instead.
        .createTopics({
          waitForLeaders: false,
          topics: [{ topic, numPartitions: partitions, configEntries: [{ name: "retention.ms", value: String(DEAD_LETTER_RETENTION_MS) }] }],
        })
        .catch((error: unknown) => {
          // Another instance created it first.
          if ((error as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") {
            throw error;
          }
        });
    }
  } finally {
    await admin.disconnect();
  }
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    deadLetter: async (records) => {
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((r) => ({
          key: r.key === null ? null : Buffer.from(r.key),
          value: r.value === null ? null : Buffer.from(r.value),
          headers: {
            [DEAD_LETTER_HEADERS.sourceTopic]: r.topic,
            [DEAD_LETTER_HEADERS.sourcePartition]: String(r.partition),
            [DEAD_LETTER_HEADERS.sourceOffset]: r.offset.toString(),
            [DEAD_LETTER_HEADERS.reason]: r.reason,
          },
        })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
