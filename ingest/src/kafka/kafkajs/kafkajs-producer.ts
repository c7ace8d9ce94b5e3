import { Partitioners, type Kafka } from "kafkajs";
import type { RecordProducer } from "../record-producer";

/**
 * A kafkajs idempotent producer with acks=all. Idempotence needs at most one
 * request in flight (kafkajs's docs and KIP-98) and unlimited retries: the
 * broker then drops a retried batch it already has, so a retry after a lost
 * acknowledgement appends nothing twice.
 */
export function kafkaJsProducer(kafka: Kafka): RecordProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // kafkajs would inherit the client's finite retries here (its default of
    // unlimited applies only without a client-level retry setting).
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    send: async (batches) => {
      const produced = await producer.sendBatch({ topicMessages: batches.map(({ topic, messages }) => ({ topic, messages })), acks: -1 });
      return produced.map(({ topicName, partition, baseOffset }) => ({
        topicName,
        partition,
        ...(baseOffset === undefined ? {} : { baseOffset: BigInt(baseOffset) }),
      }));
    },
    disconnect: () => producer.disconnect(),
  };
}
