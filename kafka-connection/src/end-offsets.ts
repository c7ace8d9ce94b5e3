import type { Admin } from "@platformatic/kafka";

export interface EndOffset {
  readonly topic: string;
  readonly partition: number;
  /** The high watermark: offset of the next record to be appended. */
  readonly endOffset: bigint;
}

/** ListOffsets' timestamp for "the end of the log". */
const LATEST = -1n;

/**
 * The end of the log of every partition of `topics` (Metadata, then ListOffsets), in the
 * order of `topics` and then of partitions. On failure the admin's cached metadata is
 * cleared, so that the next call does not ask a leader that moved.
 */
export async function readEndOffsets(admin: Admin, topics: readonly string[]): Promise<EndOffset[]> {
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
    admin.clearMetadata();
    throw error;
  }
}
