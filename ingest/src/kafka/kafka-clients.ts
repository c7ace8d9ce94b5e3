import { Kafka, type RetryOptions } from "kafkajs";
import { kafkaJsSecurity, PLAINTEXT, type KafkaConnection } from "@udaconnect/kafka-connection";
import { kafkaJsProducer } from "./kafkajs/kafkajs-producer";
import { kafkaLogCreator, type KafkaWarn } from "./kafka-logger";
import { platformaticProducer } from "./platformatic/platformatic-producer";
import type { KafkaClientName, RecordProducer } from "./record-producer";

/** How the gateway reaches Kafka, the same on the main thread and in a producer thread. */
export interface KafkaClientOptions {
  /** Comma-separated bootstrap brokers. */
  readonly brokers: string;
  readonly clientId: string;
  /** Which client produces (INGEST_KAFKA_CLIENT); default kafkajs. */
  readonly client?: KafkaClientName;
  /** TLS / SASL towards the brokers; PLAINTEXT by default. */
  readonly connection?: KafkaConnection;
  /** Retries of connecting and of metadata/admin requests (not of produce requests). */
  readonly retry?: RetryOptions;
  readonly connectionTimeoutMs?: number;
}

/** A kafkajs client: the topics' admin on the main thread, and the kafkajs producers wherever they run. */
export function kafkaJsClient(options: KafkaClientOptions, warn: KafkaWarn): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers.split(","),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: options.retry ?? { initialRetryTime: 300, retries: 5 },
    logCreator: kafkaLogCreator(warn),
    ...kafkaJsSecurity(options.connection ?? PLAINTEXT),
  });
}

/** Makes one idempotent producer of the chosen client per call (a shard's first, or one replacing a refused producer). */
export function recordProducers(options: KafkaClientOptions, kafka: Kafka): () => RecordProducer {
  return () => (options.client === "platformatic" ? platformaticProducer(options) : kafkaJsProducer(kafka));
}
