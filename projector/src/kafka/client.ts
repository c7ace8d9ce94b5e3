import { Kafka, logLevel, type LogEntry } from "kafkajs";
import { kafkaJsSecurity, PLAINTEXT, type KafkaConnection } from "@udaconnect/kafka-connection";
import type { Logger } from "@udaconnect/observability";

/** Where the brokers are and how to reach them (TLS, SASL). */
export interface KafkaAddress {
  /** Comma-separated host:port list. */
  readonly brokers: string;
  /** PLAINTEXT when absent. */
  readonly connection?: KafkaConnection;
}

/** A kafkajs client whose own warnings and errors go to our structured log. */
export function createKafka({ brokers, connection = PLAINTEXT }: KafkaAddress, clientId: string, logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(","),
    ...kafkaJsSecurity(connection),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
        const line = `kafkajs: ${message}`;
        if (level <= logLevel.ERROR) logger.error(fields, line);
        else logger.warn(fields, line);
      },
  });
}

/** Raised when the projector is started before its topics exist. */
export class MissingTopicsError extends Error {
  constructor(readonly topics: readonly string[]) {
    super(
      `Kafka topics do not exist: ${topics.join(", ")}. They are created by the ingest gateway or by the ` +
        "deployment (KafkaTopic resources; auto-creation is disabled); create them, then start the projector again.",
    );
    this.name = "MissingTopicsError";
  }
}

/** Fails with MissingTopicsError naming every topic that does not exist. */
export async function requireTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new MissingTopicsError(missing);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Sum of the end offsets of every partition of `topics`: the records a rebuild must read. */
export async function endOffsetSum(kafka: Kafka, topics: readonly string[]): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0n;
    for (const topic of topics) {
      for (const { high } of await admin.fetchTopicOffsets(topic)) {
        total += BigInt(high);
      }
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes a consumer group nobody is in any more (a finished rebuild's), so groups do not
 * pile up in Kafka with one per generation. Kafka refuses while members remain.
 */
export async function deleteConsumerGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}
