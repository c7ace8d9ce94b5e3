import { ProduceAcks, Producer } from "@platformatic/kafka";
import { platformaticConnectionOptions, type KafkaConnection } from "@udaconnect/kafka-connection";
import type { OutgoingRecord, RecordProducer } from "../record-producer";

export interface PlatformaticProducerOptions {
  readonly brokers: string;
  readonly clientId: string;
  readonly connection?: KafkaConnection;
  readonly connectionTimeoutMs?: number;
}

/**
 * A @platformatic/kafka idempotent producer with acks=all. Its constructor
 * forces one request in flight per connection for idempotence; retries are
 * unlimited (with backoff), so a send never gives up on a retriable error by
 * itself and the event log's deadline answers the caller.
 *
 * Sequence numbers advance only on an answer, so after a send failed for good
 * (an error that cannot be retried) the broker may hold some of its records
 * under numbers the next send would reuse: the producer then takes a new
 * producer id first, as the Java client bumps its epoch.
 */
export function platformaticProducer(options: PlatformaticProducerOptions): RecordProducer {
  const producer = new Producer({
    ...platformaticConnectionOptions(options.brokers, options.clientId, options.connection),
    idempotent: true,
    acks: ProduceAcks.ALL,
    retries: Number.MAX_SAFE_INTEGER,
    retryDelay: (_client, _operation, attempt) => Math.min(100 * 2 ** attempt, 10_000),
    connectTimeout: options.connectionTimeoutMs ?? 3_000,
    autocreateTopics: false,
  });
  let renewProducerId = false;
  return {
    connect: (signal) => untilAborted(producer.initIdempotentProducer({}), signal),
    send: async (batches) => {
      if (renewProducerId) {
        await producer.initIdempotentProducer({});
        renewProducerId = false;
      }
      const messages = batches.flatMap(({ topic, messages }) => messages.map((record) => toMessage(topic, record)));
      try {
        const { offsets = [] } = await producer.send({ messages });
        return offsets.map(({ topic, partition, offset }) => ({ topicName: topic, partition, baseOffset: offset }));
      } catch (error) {
        renewProducerId = true;
        throw error;
      }
    },
    disconnect: () => producer.close(),
  };
}

function toMessage(topic: string, { key, value, headers, partition }: OutgoingRecord) {
  return { topic, key: Buffer.from(key), value, headers: headerBytes(headers), ...(partition === undefined ? {} : { partition }) };
}

/** The client takes headers as bytes; the gateway reuses one headers object per event type, so each is encoded once. */
const encodedHeaders = new WeakMap<object, Map<Buffer, Buffer>>();
function headerBytes(headers: Readonly<Record<string, string>>): Map<Buffer, Buffer> {
  let encoded = encodedHeaders.get(headers);
  if (encoded === undefined) {
    encoded = new Map(Object.entries(headers).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]));
    encodedHeaders.set(headers, encoded);
  }
  return encoded;
}

/** initIdempotentProducer retries without end while no broker answers; closing the event log must not wait for it. */
function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error("the Kafka producer is shutting down"));
    signal.addEventListener("abort", onAbort, { once: true });
    work
      .then(
        () => resolve(),
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      )
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}
