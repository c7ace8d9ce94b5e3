import { Kafka, logLevel } from "kafkajs";
import { kafkaJsSecurity, PLAINTEXT, type KafkaConnection } from "@udaconnect/kafka-connection";

export interface EndOffset {
  readonly topic: string;
  readonly partition: number;
  /** The high watermark: offset of the next record to be appended. */
  readonly endOffset: bigint;
}

/** End of the log of each partition of these topics. */
export type FetchEndOffsets = (topics: readonly string[]) => Promise<EndOffset[]>;

export interface EndOffsetsReader {
  readonly fetchEndOffsets: FetchEndOffsets;
  close(): Promise<void>;
}

/** A kafkajs admin client, connected on first use so the API starts even while Kafka is down. */
export function createEndOffsetsReader(brokers: readonly string[], connection: KafkaConnection = PLAINTEXT): EndOffsetsReader {
  const admin = new Kafka({
    clientId: "udaconnect-query-api",
    brokers: [...brokers],
    ...kafkaJsSecurity(connection),
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
  }).admin();
  let connected: Promise<void> | undefined;
  return {
    fetchEndOffsets: async (topics) => {
      connected ??= admin.connect().catch((error: unknown) => {
        connected = undefined;
        throw error;
      });
      await connected;
      const perTopic = await Promise.all(
        topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, endOffset: BigInt(p.high) }))),
      );
      return perTopic.flat();
    },
    close: async () => {
      if (connected !== undefined) {
        await admin.disconnect();
      }
    },
  };
}
