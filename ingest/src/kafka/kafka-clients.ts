import { Admin } from "@platformatic/kafka";
import { platformaticConnectionOptions, type KafkaConnection } from "@udaconnect/kafka-connection";
import { platformaticProducer } from "./platformatic/platformatic-producer";
import type { RecordProducer } from "./record-producer";

/** How the gateway reaches Kafka, the same on the main thread and in a producer thread. */
export interface KafkaClientOptions {
  /** Comma-separated bootstrap brokers. */
  readonly brokers: string;
  readonly clientId: string;
  /** TLS / SASL towards the brokers; PLAINTEXT by default. */
  readonly connection?: KafkaConnection;
  /**
   * Retries of each metadata and admin request at start (not of produce requests, which retry
   * without end); default 1. The event log tries again every reconnectDelayMs anyway, so more
   * would only delay its warning (a refused password is not told apart from a retriable error).
   */
  readonly retries?: number;
  readonly connectionTimeoutMs?: number;
}

/** The admin client that checks and creates the topics at start; the caller closes it. */
export function topicsAdmin(options: KafkaClientOptions): Admin {
  return new Admin({
    ...platformaticConnectionOptions(options.brokers, options.clientId, options.connection),
    retries: options.retries ?? 1,
    retryDelay: 250,
    connectTimeout: options.connectionTimeoutMs ?? 3_000,
  });
}

/** Makes one idempotent producer per call (a shard's first, or one replacing a refused producer). */
export function recordProducers(options: KafkaClientOptions): () => RecordProducer {
  return () => platformaticProducer(options);
}
