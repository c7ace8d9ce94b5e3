import { Admin } from "@platformatic/kafka";
import { PLAINTEXT, platformaticSecurity, type KafkaConnection } from "@udaconnect/kafka-connection";

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

/** ListOffsets' timestamp for "the end of the log". */
const LATEST = -1n;

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
    fetchEndOffsets: async (topics) => {
      try {
        const { topics: found } = await admin.metadata({ topics: [...topics] });
        const listed = await admin.listOffsets({
          topics: topics.map((name) => ({
            name,
            partitions: Array.from({ length: found.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({ partitionIndex, timestamp: LATEST })),
          })),
        });
        const ends = listed.flatMap(({ name, partitions }) => partitions.map((p) => ({ topic: name, partition: p.partitionIndex, endOffset: p.offset })));
        return ends.sort((a, b) => topics.indexOf(a.topic) - topics.indexOf(b.topic) || a.partition - b.partition);
      } catch (error) {
        // A leader moved: the next call must not ask the old one again from cached metadata.
        admin.clearMetadata();
        throw error;
      }
    },
    close: () => admin.close(),
  };
}
