import { ConnectionPool, Consumer } from "@platformatic/kafka";
import type { Logger } from "@udaconnect/observability";
import type { BatchObservation } from "../metrics/projector-metrics";
import type { BatchResult, PartitionBatch, PartitionCheckpoint, ProjectBatch, ReadCheckpoints } from "../projection/ports";
import { clientOptions, startError, type KafkaAddress } from "./client";
import { FetchLoop, type FetchedPartition } from "./fetch-loop";
import { ResumePositions } from "./resume-positions";

export interface BatchConsumerOptions {
  readonly address: KafkaAddress;
  readonly clientId: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  /** Partitions whose batches are projected at the same time (one transaction each). */
  readonly concurrency: number;
  readonly projectBatch: ProjectBatch;
  readonly readCheckpoints: ReadCheckpoints;
  readonly logger: Logger;
  /** Called when the consumer stopped for good: its group membership or its fetches failed in a way retrying cannot cure. */
  readonly onFatal: (error: Error) => void;
  readonly observe: (observation: BatchObservation) => void;
}

export interface BatchConsumer {
  /** True while the consumer is a member of its group and fetching. */
  isRunning(): boolean;
  /** Lets the batches in progress commit, then leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** Attribute bit of a batch of transaction markers (control records), which hold no event. */
const CONTROL_BATCH = 0x20;

/**
 * Consumes `topics` as a member of the group `groupId` (the group shares the partitions among
 * its members): each partition's records of one fetch are handed to `projectBatch`, which
 * commits them to PostgreSQL with the partition's checkpoint, and the partition's next fetch
 * starts where that checkpoint says. Kafka's own offset commit is best effort, so that Kafka
 * tools show the group's lag; PostgreSQL is where consumption resumes.
 */
export async function startBatchConsumer(options: BatchConsumerOptions): Promise<BatchConsumer> {
  const { groupId, topics, sessionTimeoutMs, logger } = options;
  const connection = clientOptions(options.address, options.clientId);
  // A JoinGroup waits until every member has joined again, a dead one until its session ends: no request may time out before.
  const requestTimeout = Math.max(30_000, sessionTimeoutMs + 10_000);
  const consumer = new Consumer({
    ...connection,
    groupId,
    sessionTimeout: sessionTimeoutMs,
    rebalanceTimeout: sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)),
    requestTimeout,
    // A broker's first consumer group creates __consumer_offsets, and until its partitions have
    // leaders every JoinGroup answers NOT_COORDINATOR (retriable): keep asking for ~30 s, backing off.
    retries: 10,
    retryDelay: (_client, _operation, attempt) => Math.min(250 * 2 ** attempt, 5_000),
    autocreateTopics: false,
  });
  const { clientId, bootstrapBrokers: _brokers, ...security } = connection;
  const pool = new ConnectionPool(clientId, { ...security, requestTimeout });
  const positions = new ResumePositions(options.readCheckpoints, logger);
  const commits = new Set<Promise<void>>();
  let joined = false;
  let stopped = false;
  const fail = (error: Error) => {
    joined = false;
    logger.error({ err: error }, "the Kafka consumer stopped for good");
    options.onFatal(error);
  };
  const loop = new FetchLoop({
    consumer,
    pool,
    topics,
    positions,
    concurrency: options.concurrency,
    logger,
    onFatal: fail,
    handle: async (fetched) => {
      const committed = await handleFetched(fetched, options);
      positions.advance(committed);
      const commit = commitCopy(consumer, committed, logger).finally(() => commits.delete(commit));
      commits.add(commit);
    },
  });
  consumer.on("consumer:group:rebalance", () => positions.revokeAll());
  consumer.on("consumer:group:join", ({ assignments }) => {
    joined = true;
    void positions.assign(assignments ?? [], () => stopped).then(() => loop.wake());
  });
  // The client gave up rejoining the group after a rebalance.
  consumer.on("error", (error: Error) => {
    loop.stop();
    fail(error);
  });
  consumer.topics.trackAll(...topics);
  try {
    await consumer.joinGroup({});
  } catch (error) {
    await consumer.close().catch(() => {});
    await pool.close();
    throw startError(error);
  }
  const running = loop.run();
  return {
    isRunning: () => joined && !stopped,
    stop: async () => {
      stopped = true;
      loop.stop();
      await running;
      await Promise.allSettled(commits);
      await consumer.close();
      await pool.close();
    },
  };
}

/** Projects one partition's fetched records; resolves with where the partition now stands. */
async function handleFetched(fetched: FetchedPartition, { projectBatch, logger, observe }: BatchConsumerOptions): Promise<PartitionCheckpoint> {
  const { topic, partition } = fetched;
  const { batch, lastEventTimeMs } = toPartitionBatch(fetched);
  const started = performance.now();
  let result: BatchResult;
  try {
    result = await projectBatch(batch);
  } catch (error) {
    // Nothing was committed: the partition stays where it was, and its records are fetched again.
    logger.error({ topic, partition, fetchedOffset: batch.fetchedOffset, err: error }, "batch not projected; fetching it again");
    throw error;
  }
  report(logger, batch, result);
  const records = batch.records.length;
  observe({
    topic,
    partition,
    records,
    applied: Math.max(0, records - result.alreadyApplied - result.skipped.length),
    deadLettered: result.skipped.length,
    seconds: (performance.now() - started) / 1000,
    lag: fetched.highWatermark > result.nextOffset ? fetched.highWatermark - result.nextOffset : 0n,
    lastEventTimeMs,
  });
  return { topic, partition, nextOffset: result.nextOffset };
}

/** The records at or after the fetched offset, without transaction markers; lastOffset counts the markers. */
function toPartitionBatch({ topic, partition, fetchedOffset, batches }: FetchedPartition): { batch: PartitionBatch; lastEventTimeMs: number | undefined } {
  const records: PartitionBatch["records"][number][] = [];
  let lastEventTimeMs: number | undefined;
  for (const recordBatch of batches) {
    if ((recordBatch.attributes & CONTROL_BATCH) !== 0) continue;
    for (const record of recordBatch.records) {
      const offset = recordBatch.firstOffset + BigInt(record.offsetDelta);
      if (offset < fetchedOffset) continue;
      records.push({ offset, key: record.key, value: record.value });
      lastEventTimeMs = Number(recordBatch.firstTimestamp + record.timestampDelta);
    }
  }
  const last = batches.at(-1);
  const lastOffset = last === undefined ? fetchedOffset - 1n : last.firstOffset + BigInt(last.lastOffsetDelta);
  return { batch: { topic, partition, fetchedOffset, lastOffset, records }, lastEventTimeMs };
}

/** Kafka's copy of the position, for its tools; a failure only leaves that copy behind. */
async function commitCopy(consumer: Consumer, { topic, partition, nextOffset }: PartitionCheckpoint, logger: Logger): Promise<void> {
  if (consumer.memberId === null || consumer.closed) return;
  try {
    await consumer.commit({ offsets: [{ topic, partition, offset: nextOffset, leaderEpoch: -1 }] });
  } catch (error) {
    logger.warn({ topic, partition, err: error }, "could not commit the offset to Kafka (PostgreSQL holds the checkpoint)");
  }
}

function report(logger: Logger, batch: PartitionBatch, result: BatchResult): void {
  const { topic, partition, fetchedOffset } = batch;
  // Also dead-lettered (unless rebuilding): the log line is for operators tailing logs.
  for (const { offset, reason } of result.skipped) {
    logger.warn({ topic, partition, offset, reason }, "record skipped");
  }
  if (fetchedOffset > result.checkpointBefore) {
    // Expected only when retention deleted records never projected (the log is meant to be kept).
    logger.warn(
      { topic, partition, checkpoint: result.checkpointBefore, fetchedOffset },
      "the fetch started past the checkpoint: records in between were not projected",
    );
  }
  logger.debug(
    {
      topic,
      partition,
      fetchedOffset,
      firstOffset: batch.records[0]?.offset ?? null,
      lastOffset: batch.lastOffset,
      checkpointBefore: result.checkpointBefore,
      nextOffset: result.nextOffset,
      alreadyApplied: result.alreadyApplied,
      personsUpserted: result.personsUpserted,
      personsPatched: result.personsPatched,
      locationsErased: result.locationsErased,
      locationsInserted: result.locationsInserted,
      locationsExpired: result.locationsExpired,
      skipped: result.skipped.length,
    },
    "batch projected",
  );
}
