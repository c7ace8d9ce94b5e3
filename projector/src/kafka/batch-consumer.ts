import type { Batch, Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Logger } from "@udaconnect/observability";
import type { BatchObservation } from "../metrics/projector-metrics";
import type { BatchResult, PartitionBatch, ProjectBatch, ReadCheckpoints } from "../projection/ports";
import { ResumePositions } from "./resume-positions";

export interface BatchConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  /** Partitions whose batches are projected at the same time (one transaction each). */
  readonly concurrency: number;
  readonly projectBatch: ProjectBatch;
  readonly readCheckpoints: ReadCheckpoints;
  readonly logger: Logger;
  /** Called when kafkajs gave up and will not restart the consumer. */
  readonly onFatal: (error: Error) => void;
  readonly observe: (observation: BatchObservation) => void;
}

export interface BatchConsumer {
  /** True while the consumer is a member of its group and fetching. */
  isRunning(): boolean;
  /** Lets the batch in progress commit, then leaves the group and disconnects. */
  stop(): Promise<void>;
}

/**
 * Consumes `topics` batch by batch: each partition batch is handed to
 * `projectBatch` (which commits it to PostgreSQL with its checkpoint), and only
 * then resolved in kafkajs. Kafka's own offset commit is best effort, so that
 * Kafka tools show the group's lag; PostgreSQL is where consumption resumes.
 */
export async function startBatchConsumer(options: BatchConsumerOptions): Promise<BatchConsumer> {
  const { kafka, groupId, topics, sessionTimeoutMs, logger } = options;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)),
    // How long an empty fetch waits for records; also bounds how long stop() waits for it.
    maxWaitTimeInMs: 1_000,
  });
  const positions = new ResumePositions(consumer, options.readCheckpoints, logger);
  positions.load(await options.readCheckpoints(topics));
  let running = false;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    positions.onAssigned(payload.memberAssignment);
    running = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    running = false;
    logger.error({ err: payload.error, restart: payload.restart }, "consumer crashed");
    if (!payload.restart) {
      options.onFatal(payload.error);
    }
  });
  consumer.on(consumer.events.STOP, () => {
    running = false;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrency,
      eachBatch: (payload) => handleBatch(payload, consumer, positions, options),
    });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return {
    isRunning: () => running,
    stop: async () => {
      running = false;
      await consumer.disconnect();
    },
  };
}

async function handleBatch(
  payload: EachBatchPayload,
  consumer: Consumer,
  positions: ResumePositions,
  { projectBatch, logger, observe }: BatchConsumerOptions,
): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  // A pending seek means this fetch started from a position about to be replaced.
  if (!isRunning() || isStale()) {
    return;
  }
  const { topic, partition } = batch;
  // Errors propagate unresolved: kafkajs fetches the batch again, nothing is skipped.
  const started = performance.now();
  const result = await projectBatch(toPartitionBatch(batch));
  positions.advance({ topic, partition, nextOffset: result.nextOffset });
  report(logger, batch, result);
  observe(observationOf(batch, result, (performance.now() - started) / 1000));
  payload.resolveOffset(batch.lastOffset());
  if (result.nextOffset > BigInt(batch.lastOffset()) + 1n) {
    // Another member already projected further: skip the records it applied.
    consumer.seek({ topic, partition, offset: result.nextOffset.toString() });
  }
  try {
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: result.nextOffset.toString() }] }],
    });
  } catch (error) {
    logger.warn({ topic, partition, err: error }, "could not commit the offset to Kafka (PostgreSQL holds the checkpoint)");
  }
  await payload.heartbeat();
}

function toPartitionBatch(batch: Batch): PartitionBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    fetchedOffset: fetchedOffsetOf(batch),
    lastOffset: BigInt(batch.lastOffset()),
    records: batch.messages.map((m) => ({ offset: BigInt(m.offset), key: m.key, value: m.value })),
  };
}

function observationOf(batch: Batch, result: BatchResult, seconds: number): BatchObservation {
  const records = batch.messages.length;
  const last = batch.messages.at(-1);
  const highWatermark = BigInt(batch.highWatermark);
  return {
    topic: batch.topic,
    partition: batch.partition,
    records,
    applied: Math.max(0, records - result.alreadyApplied - result.skipped.length),
    deadLettered: result.skipped.length,
    seconds,
    lag: highWatermark > result.nextOffset ? highWatermark - result.nextOffset : 0n,
    lastEventTimeMs: last === undefined ? undefined : Number(last.timestamp),
  };
}

function report(logger: Logger, batch: Batch, result: BatchResult): void {
  const { topic, partition } = batch;
  // Also dead-lettered (unless rebuilding): the log line is for operators tailing logs.
  for (const { offset, reason } of result.skipped) {
    logger.warn({ topic, partition, offset, reason }, "record skipped");
  }
  if (fetchedOffsetOf(batch) > result.checkpointBefore) {
    // Expected only when retention deleted records never projected (the log is meant to be kept).
    logger.warn(
      { topic, partition, checkpoint: result.checkpointBefore, fetchedOffset: fetchedOffsetOf(batch) },
      "the fetch started past the checkpoint: records in between were not projected",
    );
  }
  logger.debug(
    {
      topic,
      partition,
      fetchedOffset: fetchedOffsetOf(batch),
      firstOffset: batch.firstOffset(),
      lastOffset: batch.lastOffset(),
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

/** kafkajs 2.2.4 keeps the offset a batch was fetched from on the batch; its typings omit it. */
function fetchedOffsetOf(batch: Batch): bigint {
  const { fetchedOffset } = batch as Batch & { fetchedOffset?: string };
  return BigInt(fetchedOffset ?? batch.firstOffset() ?? batch.lastOffset());
}
