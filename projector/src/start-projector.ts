import type { Kafka } from "kafkajs";
import type { KafkaConnection } from "@udaconnect/kafka-connection";
import { allTopics, deadLetterTopic, eventTopics, oldestRetained, RETAIN_FOREVER, topicName, type Retention } from "@udaconnect/schemas";
import type { Readiness } from "./http/ops-server";
import { startBatchConsumer } from "./kafka/batch-consumer";
import { createKafka, requireTopics } from "./kafka/client";
import { startDeadLetterProducer, type DeadLetterProducer } from "./kafka/dead-letter";
import { reconcileRetention } from "@udaconnect/kafka-connection";
import { createLogger, type Logger } from "@udaconnect/observability";
import { createProjectorMetrics, type ProjectorMetrics } from "./metrics/projector-metrics";
import { readGenerationCheckpoints } from "./postgres/checkpoints";
import { createDatabase, isReachable } from "./postgres/database";
import { createProjectBatch } from "./postgres/project-batch";
import { CachedKeyRing, type LoadKeys } from "./keystore/cached-key-ring";
import type { GenerationTarget } from "./projection/ports";

export interface ProjectorOptions {
  /** Comma-separated host:port list. */
  readonly kafkaBrokers: string;
  /** TLS / SASL towards the brokers; PLAINTEXT by default. */
  readonly kafkaConnection?: KafkaConnection;
  /** Default true: create the dead-letter topic when missing; false: require it like the others (Strimzi KafkaTopic). */
  readonly createTopics?: boolean;
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
  /**
   * The live generation by default (following switches). A rebuild writes one
   * generation by number, with its own group, and dead-letters nothing (the
   * live projector did when it first read the records).
   */
  readonly target?: GenerationTarget;
  /**
   * LOCATION_RETENTION; forever by default. Check-ins that occurred before now minus it are not
   * projected, and (live, createTopics) the topics' retention.ms is set to the declared one.
   */
  readonly locationRetention?: Retention;
  /** The clock of the retention's bound; the system clock by default. */
  readonly now?: () => Date;
  /**
   * The key store's readers' side (@udaconnect/keystore connectKeyStore().keysById), to open
   * sealed personal fields (docs/erasure.md). main.ts and the rebuild CLI always pass it; without
   * it a sealed record fails its batch (tests of other concerns append unsealed events).
   */
  readonly keysById?: LoadKeys;
  /** Where batches are counted; a fresh registry by default (see Projector.metrics). */
  readonly metrics?: ProjectorMetrics;
}

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

/**
 * Starts projecting the persons and locations topics of `topicNamespace` into
 * the read models of `databaseUrl`. Rejects with MissingTopicsError when a
 * topic does not exist.
 */
export async function startProjector(options: ProjectorOptions): Promise<Projector> {
  const logger = options.logger ?? createLogger({ service: "projector", level: "info" });
  const groupId = options.groupId ?? "udaconnect-projector";
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
    const kafka = createKafka({ brokers: options.kafkaBrokers, connection: options.kafkaConnection }, "udaconnect-projector", logger);
    const deadLetterName = topicName(deadLetterTopic, options.topicNamespace);
    const createTopics = options.createTopics ?? true;
    await requireTopics(kafka, target.kind === "live" && !createTopics ? [...topics, deadLetterName] : topics);
    if (target.kind === "live" && createTopics) {
      await reconcileTopicRetention(kafka, options, logger);
    }
    if (target.kind === "live") {
      deadLetters = await startDeadLetterProducer(kafka, deadLetterName, deadLetterTopic.partitions, createTopics);
    }
    const consumer = await startBatchConsumer({
      kafka,
      groupId,
      topics,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      concurrency: CONCURRENCY,
      projectBatch: createProjectBatch(db, {
        target,
        ...(deadLetters ? { deadLetter: deadLetters.deadLetter } : {}),
        ...(options.keysById ? { keys: new CachedKeyRing(options.keysById) } : {}),
        oldestKept: () => oldestRetained(options.locationRetention ?? RETAIN_FOREVER, (options.now ?? (() => new Date()))()),
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
async function reconcileTopicRetention(kafka: Kafka, options: ProjectorOptions, logger: Logger): Promise<void> {
  const topics = eventTopics(options.locationRetention ?? RETAIN_FOREVER);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const declared = new Map(topics.map((spec) => [topicName(spec, options.topicNamespace), spec.retentionMs]));
    for (const change of await reconcileRetention(admin, declared)) {
      logger.info({ ...change }, "topic retention.ms set to the declared value");
    }
  } finally {
    await admin.disconnect();
  }
}
