import { ProduceAcks, Producer, type Admin } from "@platformatic/kafka";
import { deadLetterTopic } from "@udaconnect/schemas";
import type { DeadLetter } from "../projection/ports";
import { clientOptions, hasApiError, type KafkaAddress } from "./client";

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
 * Creates the dead-letter topic when missing (the only topic the projector may create; the
 * caller has required it instead when it may not). Not waiting for its leaders: the
 * producer's sends retry until the topic is led.
 */
export async function createDeadLetterTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) {
    return;
  }
  await admin
    .createTopics({ topics: [topic], partitions, configs: [{ name: "retention.ms", value: String(DEAD_LETTER_RETENTION_MS) }] })
    .catch((error: unknown) => {
      // Another instance created it first.
      if (!hasApiError(error, "TOPIC_ALREADY_EXISTS")) throw error;
    });
}

/**
 * A DeadLetter appending to `topic` with an idempotent producer and acks from all replicas.
 * After a send that failed for good the broker may hold some of its records under sequence
 * numbers the next send would reuse: the producer then takes a new producer id first.
 */
export function startDeadLetterProducer(address: KafkaAddress, clientId: string, topic: string): DeadLetterProducer {
  const producer = new Producer({
    ...clientOptions(address, clientId),
    idempotent: true,
    acks: ProduceAcks.ALL,
    retries: 5,
    retryDelay: (_client, _operation, attempt) => Math.min(100 * 2 ** attempt, 5_000),
    autocreateTopics: false,
  });
  let renewProducerId = false;
  return {
    deadLetter: async (records) => {
      if (renewProducerId) {
        await producer.initIdempotentProducer({});
        renewProducerId = false;
      }
      try {
        await producer.send({
          messages: records.map((r) => ({
            topic,
            ...(r.key === null ? {} : { key: Buffer.from(r.key) }),
            ...(r.value === null ? {} : { value: Buffer.from(r.value) }),
            // The client takes header names and values as bytes.
            headers: new Map(
              (
                [
                  [DEAD_LETTER_HEADERS.sourceTopic, r.topic],
                  [DEAD_LETTER_HEADERS.sourcePartition, String(r.partition)],
                  [DEAD_LETTER_HEADERS.sourceOffset, r.offset.toString()],
                  [DEAD_LETTER_HEADERS.reason, r.reason],
                ] as const
              ).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]),
            ),
          })),
        });
      } catch (error) {
        renewProducerId = true;
        throw error;
      }
    },
    disconnect: () => producer.close(),
  };
}
