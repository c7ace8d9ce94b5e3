import { Admin } from "@platformatic/kafka";
import { PLAINTEXT, platformaticSecurity, readEndOffsets, type EndOffset, type KafkaConnection } from "@udaconnect/kafka-connection";

export type { EndOffset };

/** End of the log of each partition of these topics. */
export type FetchEndOffsets = (topics: readonly string[]) => Promise<EndOffset[]>;

export interface EndOffsetsReader {
  readonly fetchEndOffsets: FetchEndOffsets;
  close(): Promise<void>;
}

/**
 * A @platformatic/kafka admin client. It connects on first use, so the API starts even while
 * Kafka is down; one retry and short timeouts keep /readyz answering quickly during an outage.
 */
export function createEndOffsetsReader(brokers: readonly string[], connection: KafkaConnection = PLAINTEXT): EndOffsetsReader {
  const admin = new Admin({
    clientId: "udaconnect-query-api",
    bootstrapBrokers: [...brokers],
    retries: 1,
    retryDelay: 250,
    connectTimeout: 2_000,
    ...platformaticSecurity(connection),
  });
  return {
    fetchEndOffsets: (topics) => readEndOffsets(admin, topics),
    close: () => admin.close(),
  };
}
