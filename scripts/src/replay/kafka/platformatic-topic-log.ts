import { Consumer, type RecordsBatch } from "@platformatic/kafka";
import { describeKafkaError, PLAINTEXT, platformaticConnectionOptions, type KafkaConnection } from "@udaconnect/kafka-connection";
import type { RawRecord, TopicLog } from "../topic-log";

/** Bytes per fetch of one partition: bounds the memory a replay holds, whatever the topic size. */
const PARTITION_MAX_BYTES = 1024 * 1024;
const TIMESTAMP_EARLIEST = -2n;
/** Fetches in a row that return nothing below the high watermark before the replay gives up instead of spinning. */
const MAX_EMPTY_FETCHES = 20;
const TIMESTAMP_LATEST = -1n;

/**
 * A TopicLog over @platformatic/kafka's low-level calls (Metadata, ListOffsets,
 * Fetch). kafkajs cannot fetch without joining a consumer group; here the
 * Consumer's `groupId` is required by its constructor but never sent: no
 * FindCoordinator, JoinGroup or OffsetCommit request is made.
 */
export function openTopicLog(brokers: string, connection: KafkaConnection = PLAINTEXT, clientId = "udaconnect-replay"): TopicLog {
  const consumer = new Consumer({
    ...platformaticConnectionOptions(brokers, clientId, connection),
    groupId: `${clientId}-never-joined`,
    retries: 3,
  });
  const metadata = async (topic: string) => {
    const cluster = await explained(consumer.metadata({ topics: [topic] }));
    const found = cluster.topics.get(topic);
    if (found === undefined) throw new Error(`topic ${topic} does not exist`);
    return found;
  };
  return {
    partitions: async (topic) => (await metadata(topic)).partitions.map((_, index) => index),
    offsetsAt: async (topic, query) => {
      const latest = await listOffsets(consumer, topic, TIMESTAMP_LATEST);
      if (query === "latest") return latest;
      const found = await listOffsets(consumer, topic, query === "earliest" ? TIMESTAMP_EARLIEST : BigInt(query.getTime()));
      // Kafka answers -1 when no record is at or after the time: that is the end.
      return new Map([...found].map(([p, offset]) => [p, offset < 0n ? (latest.get(p) ?? 0n) : offset]));
    },
    read: (topic, partition, from, to) => readPartition(consumer, async () => metadata(topic), partition, from, to),
    close: () => consumer.close(),
  };
}

async function listOffsets(consumer: Consumer, topic: string, timestamp: bigint): Promise<Map<number, bigint>> {
  const offsets = await explained(consumer.listOffsets({ topics: [topic], timestamp }));
  return new Map((offsets.get(topic) ?? []).map((offset, partition) => [partition, offset]));
}

/** A failure of the client, with the reason its nested errors hold in the message. */
function explained<T>(request: Promise<T>): Promise<T> {
  return request.catch((error: unknown) => {
    throw new Error(describeKafkaError(error), { cause: error });
  });
}

type TopicMetadata = { id: string; partitions: { leader: number }[] };

async function* readPartition(
  consumer: Consumer,
  metadata: () => Promise<TopicMetadata>,
  partition: number,
  from: bigint,
  to: bigint,
): AsyncGenerator<RawRecord> {
  let next = from;
  let emptyFetches = 0;
  while (next < to) {
    const topic = await metadata();
    const leader = topic.partitions[partition]?.leader;
    if (leader === undefined) throw new Error(`partition ${partition} does not exist`);
    const response = await consumer
      .fetch({
        node: leader,
        maxWaitTime: 500,
        topics: [
          {
            topicId: topic.id,
            partitions: [{ partition, fetchOffset: next, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: PARTITION_MAX_BYTES }],
          },
        ],
      })
      .catch((error: unknown) => {
        // A busy broker can briefly answer as if the log were shorter than the end this
        // replay resolved at its start: retry (bounded) rather than fail or stop early.
        if (++emptyFetches >= MAX_EMPTY_FETCHES) throw error;
        return undefined;
      });
    if (response === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const answer = response.responses[0]?.partitions[0];
    if (answer === undefined) throw new Error(`the broker did not answer for partition ${partition}`);
    if (answer.errorCode !== 0) throw new Error(`fetching partition ${partition} at offset ${next} failed with Kafka error ${answer.errorCode}`);
    const before = next;
    for (const record of records(answer.records ?? [], partition)) {
      if (record.offset < next) continue;
      if (record.offset >= to) return;
      yield record;
      next = record.offset + 1n;
    }
    if (next > before) {
      emptyFetches = 0;
      continue;
    }
    // Batches of transaction markers or compacted records hold no data record: skip past them.
    const skipTo = lastOffsetOf(answer.records ?? [], before);
    // `to` came from the broker when the replay started, so records below it exist: an
    // empty answer is retried, never taken as the end (that would drop records silently).
    if (skipTo !== undefined) next = skipTo;
    else if (++emptyFetches >= MAX_EMPTY_FETCHES)
      throw new Error(`partition ${partition} returned no records at offset ${next} though it ends at ${answer.highWatermark}`);
  }
}

function* records(batches: readonly RecordsBatch[], partition: number): Generator<RawRecord> {
  for (const batch of batches) {
    const isControl = (batch.attributes & 0x20) !== 0;
    if (isControl) continue;
    for (const record of batch.records) {
      yield {
        partition,
        offset: batch.firstOffset + BigInt(record.offsetDelta),
        timestamp: new Date(Number(batch.firstTimestamp + record.timestampDelta)),
        value: record.value,
      };
    }
  }
}

function lastOffsetOf(batches: readonly RecordsBatch[], after: bigint): bigint | undefined {
  const last = batches.at(-1);
  if (last === undefined) return undefined;
  const end = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
  return end > after ? end : undefined;
}
