import { setTimeout as sleep } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import { describeKafkaConnection, describeKafkaError, PLAINTEXT } from "@udaconnect/kafka-connection";
import type { LogPosition, TopicSpec } from "@udaconnect/schemas";
import { AppendEventsError, type AppendEvents } from "../ingest/ports";
import type { Logger } from "@udaconnect/observability";
import { withDeadline } from "./deadline";
import { ensureTopics, type PartitionCounts } from "./ensure-topics";
import { recordProducers, topicsAdmin, type KafkaClientOptions } from "./kafka-clients";
import { assignPartitions } from "./partitions";
import { ProducerShards, type ProducerShardsHooks } from "./producer-shards";
import type { KafkaThreadName, PartitionedProducers } from "./record-producer";
import { toTopicMessages } from "./topic-messages";
import { ProducerThread, type KafkaWarn } from "./worker/producer-thread";
import { toPlainConnection, type ProducerThreadSettings } from "./worker/thread-messages";

export interface KafkaEventLogOptions extends KafkaClientOptions {
  /** Where the producers run (INGEST_KAFKA_THREAD): this thread or a worker thread of their own. */
  readonly thread: KafkaThreadName;
  /** Create missing topics (INGEST_CREATE_TOPICS), or only check they exist with enough partitions and stay unready otherwise. */
  readonly createTopics: boolean;
  readonly topicNamespace: string;
  /** The topics with their declared retention (eventTopics of LOCATION_RETENTION); allTopics by default. */
  readonly topics?: readonly TopicSpec[];
  readonly logger: Logger;
  /** How long a call waits for Kafka's acknowledgement (including a first connection) before it gives up. */
  readonly appendTimeoutMs: number;
  /** Pause between attempts to connect and create the topics (and before restarting a producer thread that ended twice within a minute). */
  readonly reconnectDelayMs?: number;
  /** Idempotent producers sending in parallel, each owning a share of the partitions (INGEST_KAFKA_PRODUCERS). */
  readonly producers: number;
  /** Hears how long each acknowledged send took, for the latency histogram. */
  readonly onSendAcknowledged?: (seconds: number) => void;
  /** Hears each producer discarded for a new one after Kafka refused its producer state (also logged, once per reset). */
  readonly onProducerReset?: (reason: string) => void;
  /** Event ids whose append may be in flight at once and still be joined by a retry (see appendEvents); default 200,000. */
  readonly maxInFlightEventIds?: number;
  /** Starts the producer thread (thread "worker"); default spawnProducerThread. A test ends threads through it. */
  readonly spawnProducerThread?: (settings: ProducerThreadSettings) => Worker;
}

export interface KafkaEventLog {
  readonly appendEvents: AppendEvents;
  /** True once the producer is connected and the topics exist, until close() begins. */
  readonly isReady: () => boolean;
  /** Connects in the background, retrying until it succeeds or close() is called. */
  readonly start: () => void;
  readonly close: () => Promise<void>;
}

/**
 * The gateway's only way into Kafka: idempotent producers with acks=all
 * of @platformatic/kafka (several, each owning a share of the partitions: see
 * ProducerShards), on this thread or in a worker thread
 * (worker/producer-thread.ts); the same contract either way
 * (test/kafka-event-log.int.test.ts).
 *
 * - Idempotence needs acks=all, unlimited retries and at most one request in
 *   flight per broker (KIP-98): the broker then drops a retried batch it
 *   already has, so a retry after a lost acknowledgement appends nothing twice.
 * - Unlimited retries mean a send never gives up by itself while Kafka is
 *   away; each call therefore waits at most `appendTimeoutMs` and answers
 *   "unavailable". The send goes on in the background and may still land: the
 *   client's retry then carries the same event ids, which readers deduplicate.
 * - A call carrying an event id whose append is still in flight here (even
 *   one whose caller already got "unavailable") joins that append's outcome
 *   instead of appending it again, so devices retrying through an outage do
 *   not pile up copies that all land when Kafka returns. Up to
 *   `maxInFlightEventIds` ids are remembered; past that, appends go on as
 *   before (readers deduplicate).
 * - A producer whose sequence numbers or epoch Kafka no longer accepts (e.g.
 *   OUT_OF_ORDER_SEQUENCE_NUMBER after a broker crash) is replaced by a new
 *   one with a new producer id (ProducerShards), logged once per replacement.
 * - The partitioner is the Java client's (murmur2 of the key), so producers in
 *   other languages place a person's events in the same partition.
 */
export function createKafkaEventLog(options: KafkaEventLogOptions): KafkaEventLog {
  const hooks: ProducerShardsHooks = {
    ...(options.onSendAcknowledged ? { onSendAcknowledged: options.onSendAcknowledged } : {}),
    onProducerReset: ({ shard, reason, error }) => {
      options.logger.warn(
        { err: error, shard, reason },
        `Kafka no longer accepts a producer's sequence numbers (${reason}); it is replaced by a new producer (new producer id) and the waiting records go out through it`,
      );
      options.onProducerReset?.(reason);
    },
  };
  const producers = options.thread === "worker" ? producerThread(options, hooks) : new ProducerShards(recordProducers(options), options.producers, hooks);
  return new ProducerEventLog(producers, options);
}

/** The producers in a worker thread; a thread that ends unasked is logged, counted as a producer reset and replaced. */
function producerThread(options: KafkaEventLogOptions, hooks: ProducerShardsHooks): ProducerThread {
  const warn: KafkaWarn = (fields, message) => options.logger.warn(fields, message);
  const { brokers, clientId, connection, connectionTimeoutMs } = options;
  return new ProducerThread({
    settings: {
      brokers,
      clientId,
      producers: options.producers,
      ...(connection === undefined ? {} : { connection: toPlainConnection(connection) }),
      ...(connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs }),
    },
    hooks,
    warn,
    onThreadExit: (error) => {
      options.logger.error({ err: error }, "The Kafka producer thread ended unexpectedly: the sends it had failed (UNAVAILABLE); a new thread takes over");
      options.onProducerReset?.("PRODUCER_THREAD_EXITED");
    },
    ...(options.reconnectDelayMs === undefined ? {} : { restartDelayMs: options.reconnectDelayMs }),
    ...(options.spawnProducerThread === undefined ? {} : { spawn: options.spawnProducerThread }),
  });
}

class ProducerEventLog implements KafkaEventLog {
  readonly #stopping = new AbortController();
  readonly #connected: Promise<PartitionCounts>;
  #markConnected: (counts: PartitionCounts) => void = () => {};
  #ready = false;
  #connecting: Promise<void> = Promise.resolve();
  /** Event id → the send carrying it, until that send settles (acknowledged or failed, deadline or not). */
  readonly #inFlight = new Map<string, Promise<LogPosition[]>>();

  constructor(
    private readonly producers: PartitionedProducers,
    private readonly options: KafkaEventLogOptions,
  ) {
    this.#connected = new Promise((resolve) => {
      this.#markConnected = resolve;
    });
  }

  readonly isReady = (): boolean => this.#ready && !this.#stopping.signal.aborted && this.producers.isConnected();

  readonly start = (): void => {
    this.#connecting = this.#connectUntilReady();
  };

  readonly appendEvents: AppendEvents = async (events) => {
    if (events.length === 0) {
      return [];
    }
    if (this.#stopping.signal.aborted) {
      throw new AppendEventsError("the Kafka producer is shutting down");
    }
    const { appendTimeoutMs, logger, topicNamespace } = this.options;
    const joined = new Set<Promise<LogPosition[]>>();
    const fresh = events.filter(({ event }) => {
      const sending = this.#inFlight.get(event.eventId);
      if (sending !== undefined) joined.add(sending);
      return sending === undefined;
    });
    const sends = [...joined];
    if (fresh.length > 0) {
      const topicMessages = toTopicMessages(fresh, topicNamespace);
      const send = this.#connected.then((counts) => this.producers.send(assignPartitions(topicMessages, counts)));
      this.#remember(fresh, send);
      sends.push(send);
    }
    const work = sends.length === 1 ? (sends[0] as Promise<LogPosition[]>) : Promise.all(sends).then(highestPerPartition);
    try {
      return await withDeadline(
        work,
        appendTimeoutMs,
        () => new AppendEventsError(`Kafka did not acknowledge within ${appendTimeoutMs} ms`),
        (error) => logger.warn({ err: error }, "A send that had timed out failed later"),
      );
    } catch (error) {
      throw error instanceof AppendEventsError ? error : new AppendEventsError("Kafka refused the events", { cause: error });
    }
  };

  /** Until `send` settles a retry of these events joins it; the ids are forgotten then, whatever its outcome (a failed one may be retried). */
  #remember(events: readonly { readonly event: { readonly eventId: string } }[], send: Promise<LogPosition[]>): void {
    const room = (this.options.maxInFlightEventIds ?? 200_000) - this.#inFlight.size;
    if (room < events.length) {
      return;
    }
    const ids = events.map(({ event }) => event.eventId).filter((id) => id !== "");
    for (const id of ids) this.#inFlight.set(id, send);
    const forget = () => {
      for (const id of ids) if (this.#inFlight.get(id) === send) this.#inFlight.delete(id);
    };
    send.then(forget, forget);
  }

  readonly close = async (): Promise<void> => {
    this.#stopping.abort();
    await this.#connecting;
    await this.producers.disconnect();
  };

  async #connectUntilReady(): Promise<void> {
    const { logger, brokers, topicNamespace, reconnectDelayMs = 1_000, createTopics } = this.options;
    const security = describeKafkaConnection(this.options.connection ?? PLAINTEXT);
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      try {
        // Topics first: the admin gives up after its retries, so an unreachable broker or refused credentials are reported and retried here.
        const counts = await this.#ensureTopics(createTopics);
        await this.producers.connect(signal);
        if (!signal.aborted) {
          this.#ready = true;
          this.#markConnected(counts);
          logger.info({ brokers, security, topicNamespace }, "Kafka producer connected");
        }
        return;
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        // Wrong credentials and missing topics are retried too: Strimzi may apply the KafkaUser or KafkaTopic after the pod starts.
        logger.warn({ err: error, brokers, security }, `Kafka not ready yet; retrying (${describeKafkaError(error)})`);
        await sleep(reconnectDelayMs, undefined, { signal }).catch(() => {});
      }
    }
  }

  /** One admin client per attempt, closed after it, or as soon as close() begins (which ends its retries). */
  async #ensureTopics(create: boolean): Promise<PartitionCounts> {
    const { logger, topicNamespace, topics } = this.options;
    const admin = topicsAdmin(this.options);
    const closeAdmin = () => void admin.close().catch(() => {});
    this.#stopping.signal.addEventListener("abort", closeAdmin, { once: true });
    try {
      return await ensureTopics(admin, topicNamespace, create, {
        ...(topics ? { topics } : {}),
        onRetentionChanged: (change) => logger.info({ ...change }, "topic retention.ms set to the declared value"),
      });
    } finally {
      this.#stopping.signal.removeEventListener("abort", closeAdmin);
      await admin.close().catch(() => {});
    }
  }
}

/** Positions of several sends as one list: the highest next offset of each topic partition. */
function highestPerPartition(lists: readonly (readonly LogPosition[])[]): LogPosition[] {
  const highest = new Map<string, LogPosition>();
  for (const position of lists.flat()) {
    const key = `${position.topic}/${position.partition}`;
    const known = highest.get(key);
    if (known === undefined || known.nextOffset < position.nextOffset) highest.set(key, position);
  }
  return [...highest.values()];
}
