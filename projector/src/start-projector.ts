import { allTopics, topicName } from "@udaconnect/schemas";
import type { Readiness } from "./http/ops-server";
import { startBatchConsumer } from "./kafka/batch-consumer";
import { createKafka, requireTopics } from "./kafka/client";
import { createJsonLogger, type Logger } from "./logger";
import { readCheckpoints } from "./postgres/checkpoints";
import { createDatabase, isReachable } from "./postgres/database";
import { createProjectBatch } from "./postgres/project-batch";

export interface ProjectorOptions {
  /** Comma-separated host:port list. */
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  /** "" in production; tests give each run its own (see topicName). */
  readonly topicNamespace: string;
  /** Consumer group; "udaconnect-projector" by default. */
  readonly groupId?: string;
  /** Kafka session timeout; 30 s by default. */
  readonly sessionTimeoutMs?: number;
  /** JSON lines on stdout at info level by default. */
  readonly logger?: Logger;
  /**
   * Called when the consumer stopped for good (an error kafkajs does not retry,
   * e.g. a deleted topic); by default it is only logged. A service exits on it.
   */
  readonly onFatal?: (error: Error) => void;
}

export interface Projector {
  /** Ready when the consumer is a group member and the database answers. */
  readiness(): Promise<Readiness>;
  /** Lets the batch in progress commit, leaves the group, closes the pool. */
  stop(): Promise<void>;
}

// Batches of this many partitions are projected at once, one connection each.
const CONCURRENCY = 3;

/**
 * Starts projecting the persons and locations topics of `topicNamespace` into
 * the read models of `databaseUrl`. Rejects with MissingTopicsError when a
 * topic does not exist.
 */
export async function startProjector(options: ProjectorOptions): Promise<Projector> {
  const logger = options.logger ?? createJsonLogger("info");
  const groupId = options.groupId ?? "udaconnect-projector";
  const topics = allTopics.map((t) => topicName(t, options.topicNamespace));
  const db = createDatabase({ url: options.databaseUrl, maxConnections: CONCURRENCY + 2 });
  try {
    const kafka = createKafka(options.kafkaBrokers, "udaconnect-projector", logger);
    await requireTopics(kafka, topics);
    const consumer = await startBatchConsumer({
      kafka,
      groupId,
      topics,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      concurrency: CONCURRENCY,
      projectBatch: createProjectBatch(db),
      readCheckpoints: (t) => readCheckpoints(db, t),
      logger,
      onFatal: options.onFatal ?? (() => {}),
    });
    logger.info("projector started", { groupId, topics });
    return {
      readiness: async () => {
        const checks = { consumer: consumer.isRunning(), database: await isReachable(db) };
        return { ready: checks.consumer && checks.database, checks };
      },
      stop: async () => {
        await consumer.stop();
        await db.destroy();
        logger.info("projector stopped", { groupId });
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
