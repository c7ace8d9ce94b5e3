import type { Admin } from "@platformatic/kafka";
import { allTopics, deadLetterTopic, eventTopics, oldestRetained, topicName } from "@udaconnect/schemas";
import type { ProjectorConfig } from "./config";
import type { Readiness } from "./http/ops-server";
import { startBatchConsumer } from "./kafka/batch-consumer";
import { requireTopics, startError, withAdmin, type KafkaAddress } from "./kafka/client";
import { createDeadLetterTopic, startDeadLetterProducer, type DeadLetterProducer } from "./kafka/dead-letter";
import { reconcileRetention } from "@udaconnect/kafka-connection";
import { createLogger, type Logger } from "@udaconnect/observability";
import { createProjectorMetrics, type ProjectorMetrics } from "./metrics/projector-metrics";
import { readGenerationCheckpoints } from "./postgres/checkpoints";
import { createDatabase, isReachable } from "./postgres/database";
import { createProjectBatch } from "./postgres/project-batch";
import { CachedKeyRing, type LoadKeys } from "./keystore/cached-key-ring";
import type { GenerationTarget } from "./projection/ports";

/**
 * The projector's settings as loadConfig returns them, every one given (a default lives only in
 * config.ts); the ops server's address and the master keys file are main.ts's.
 */
export type ProjectorSettings = Omit<ProjectorConfig, "host" | "port" | "masterKeysFile">;

export type ProjectorOptions = ProjectorSettings & {
  /** Default: the service's JSON lines on stdout at `logLevel`. */
  readonly logger?: Logger;
  /**
   * Called when the consumer stopped for good (an error retrying cannot cure, e.g. a
   * deleted topic or a refused authorisation); by default it is only logged. A service exits on it.
   */
  readonly onFatal?: (error: Error) => void;
  /**
   * The live generation by default (following switches). A rebuild writes one
   * generation by number, with its own group, and dead-letters nothing (the
   * live projector did when it first read the records).
   */
  readonly target?: GenerationTarget;
  /** The clock of the retention's bound (check-ins older than now minus LOCATION_RETENTION are not projected); the system clock by default. */
  readonly now?: () => Date;
  /**
   * The key store's readers' side (@udaconnect/keystore connectKeyStore().keysById), to open
   * sealed personal fields (docs/erasure.md). main.ts and the rebuild CLI always pass it; without
   * it a sealed record fails its batch (tests of other concerns append unsealed events).
   */
  readonly keysById?: LoadKeys;
  /** Where batches are counted; a fresh registry by default (see Projector.metrics). */
  readonly metrics?: ProjectorMetrics;
};

export interface Projector {
  /** Ready when the consumer is a group member and the database answers. */
  readiness(): Promise<Readiness>;
  /** Lets the batch in progress commit, leaves the group, closes the pool. */
  stop(): Promise<void>;
  readonly metrics: ProjectorMetrics;
}

// Batches of this many partitions are projected at once, one connection each: every locations
// partition in parallel, since index maintenance parallelises (0.55 -> 0.80 of COPY at 1M
// events with 3 -> 6; docs/projector.md).
const CONCURRENCY = 6;

const CLIENT_ID = "udaconnect-projector";

/**
 * Starts projecting the persons and locations topics of `topicNamespace` into
 * the read models of `databaseUrl`. Rejects with MissingTopicsError when a
 * topic does not exist.
 */
export async function startProjector(options: ProjectorOptions): Promise<Projector> {
  const logger = options.logger ?? createLogger({ service: "projector", level: options.logLevel });
  const { groupId, createTopics } = options;
  const topics = allTopics.map((t) => topicName(t, options.topicNamespace));
  const target = options.target ?? { kind: "live" };
  const metrics = options.metrics ?? createProjectorMetrics();
  const db = createDatabase({
    url: options.databaseUrl,
    maxConnections: CONCURRENCY + 2,
    onIdleError: (error) => logger.warn({ err: error }, "an idle database connection failed; the pool replaces it"),
  });
  let deadLetters: DeadLetterProducer | undefined;
  try {
    const address: KafkaAddress = { brokers: options.kafkaBrokers, connection: options.kafkaConnection };
    const deadLetterName = topicName(deadLetterTopic, options.topicNamespace);
    const checked = withAdmin(address, CLIENT_ID, async (admin) => {
      await requireTopics(admin, target.kind === "live" && !createTopics ? [...topics, deadLetterName] : topics);
      if (target.kind === "live" && createTopics) {
        await reconcileTopicRetention(admin, options, logger);
        await createDeadLetterTopic(admin, deadLetterName, deadLetterTopic.partitions);
      }
    });
    await checked.catch((error: unknown) => {
      throw startError(error);
    });
    if (target.kind === "live") {
      deadLetters = startDeadLetterProducer(address, CLIENT_ID, deadLetterName);
    }
    const consumer = await startBatchConsumer({
      address,
      clientId: CLIENT_ID,
      groupId,
      topics,
      sessionTimeoutMs: options.sessionTimeoutMs,
      concurrency: CONCURRENCY,
      projectBatch: createProjectBatch(db, {
        target,
        ...(deadLetters ? { deadLetter: deadLetters.deadLetter } : {}),
        ...(options.keysById ? { keys: new CachedKeyRing(options.keysById) } : {}),
        oldestKept: () => oldestRetained(options.locationRetention, (options.now ?? (() => new Date()))()),
      }),
      readCheckpoints: (t) => readGenerationCheckpoints(db, target, t),
      logger,
      onFatal: options.onFatal ?? (() => {}),
      observe: (o) => metrics.observeBatch(o),
    });
    logger.info({ groupId, topics, target }, "projector started");
    return {
      readiness: async () => {
        const checks = { consumer: consumer.isRunning(), database: await isReachable(db) };
        return { ready: checks.consumer && checks.database, checks };
      },
      metrics,
      stop: async () => {
        await consumer.stop();
        await deadLetters?.disconnect();
        await db.destroy();
        logger.info({ groupId }, "projector stopped");
      },
    };
  } catch (error) {
    await deadLetters?.disconnect();
    await db.destroy();
    throw error;
  }
}

/** Sets the event topics' retention.ms to the declared one (LOCATION_RETENTION) where it differs. */
async function reconcileTopicRetention(admin: Admin, options: ProjectorOptions, logger: Logger): Promise<void> {
  const topics = eventTopics(options.locationRetention);
  const declared = new Map(topics.map((spec) => [topicName(spec, options.topicNamespace), spec.retentionMs]));
  for (const change of await reconcileRetention(admin, declared)) {
    logger.info({ ...change }, "topic retention.ms set to the declared value");
  }
}
