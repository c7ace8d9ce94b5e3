import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { KafkaConnection } from "@udaconnect/kafka-connection";
import type { VerifyToken } from "@udaconnect/auth";
import { eventTopics, IngestService, type Retention } from "@udaconnect/schemas";
import type { Clock, DestroyPersonKey, IngestDependencies, NewId } from "./ingest/ports";
import { sealingAppend, type PersonKeys } from "./ingest/seal-events";
import { RecentEventIds } from "./ingest/recent-event-ids";
import { uuidv7Generator } from "./ingest/uuid";
import { authenticator } from "./http/authenticate";
import { BatchSlots } from "./http/batch-slots";
import { translateErrors } from "./http/connect-errors";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "./http/connection-limits";
import { listenDualProtocol } from "./http/dual-protocol-server";
import { IngestMetrics } from "./http/metrics";
import { streamCheckInsHandler } from "./http/stream-check-ins-handler";
import { reflectionRoutes } from "./http/grpc-reflection";
import { admitting, ingestRoutes } from "./http/ingest-routes";
import { probes } from "./http/probes";
import { rpcMetrics } from "./http/rpc-metrics";
import { createKafkaEventLog, type KafkaEventLogOptions } from "./kafka/kafka-event-log";
import type { KafkaClientName, KafkaThreadName } from "./kafka/record-producer";
import { createLogger, type Logger } from "@udaconnect/observability";

/** Largest protobuf or JSON message a call may send (each message of a stream counts on its own). */
export const READ_MAX_BYTES = 1024 * 1024;

export interface IngestServerOptions {
  /** Comma-separated bootstrap brokers, e.g. "127.0.0.1:19092". */
  readonly kafkaBrokers: string;
  /** Topic name prefix; "" in production. */
  readonly topicNamespace: string;
  /** Default "127.0.0.1". */
  readonly host?: string;
  /** Default 50051; 0 picks a free port. */
  readonly port?: number;
  /** Default "udaconnect-ingest". */
  readonly kafkaClientId?: string;
  /** TLS / SASL towards the brokers; default PLAINTEXT. */
  readonly kafkaConnection?: KafkaConnection;
  /** Default true: create missing topics; false: only check them (/readyz stays 503 until they exist). */
  readonly createTopics?: boolean;
  /** How long a call waits for Kafka before answering UNAVAILABLE; default 10 s. */
  readonly appendTimeoutMs?: number;
  /** How long close() lets calls in flight finish; default 10 s. */
  readonly shutdownGraceMs?: number;
  /** Kafka connection tuning; the defaults suit production. */
  readonly kafka?: {
    readonly connectRetries?: number;
    readonly connectionTimeoutMs?: number;
    readonly reconnectDelayMs?: number;
  };
  /** Default: the service's JSON lines on stdout at level info. */
  readonly logger?: Logger;
  /** The server clock (recorded_at, the future bound of occurred_at); default the system clock. */
  readonly now?: Clock;
  /** Id generator for ids the server assigns; default UUIDv7. */
  readonly newId?: NewId;
  /** How tokens are checked; "disabled" lets every call through. No default: running without auth is a decision. */
  readonly auth: VerifyToken | "disabled";
  /**
   * The persons' data keys (crypto-shredding, docs/erasure.md): personal fields
   * are sealed before they reach the log, and ErasePerson destroys the key.
   * main.ts always passes them; without them events are appended unsealed, as
   * before sealing existed, for tests of other concerns.
   */
  readonly personKeys?: { readonly keysFor: PersonKeys; readonly destroy: DestroyPersonKey };
  /** LOCATION_RETENTION: the locations topic's retention.ms, set at creation and reconciled at start; default forever. */
  readonly locationRetention?: Retention;
  /** Oldest occurred_at a device may report, as an age; default 30 days (see oldestAllowed). */
  readonly maxCheckInAgeMs?: number;
  /** Idempotent Kafka producers sending in parallel (each owns partitions p mod n); default 1. */
  readonly kafkaProducers?: number;
  /** The Kafka client that produces; default kafkajs. */
  readonly kafkaClient?: KafkaClientName;
  /** Where the producers run: the main thread (default) or a worker thread of their own (docs/ingest.md). */
  readonly kafkaThread?: KafkaThreadName;
  /** Event ids remembered for DUPLICATE answers; default 100,000. */
  readonly recentEventIds?: number;
  /** StreamCheckIns batches of one stream waiting for Kafka; default 4. */
  readonly inFlightBatchesPerStream?: number;
  /** StreamCheckIns batches of all streams waiting for Kafka; default 256. */
  readonly inFlightBatches?: number;
  /** How long one StreamCheckIns stream may stay open; default 1 hour. */
  readonly maxStreamMs?: number;
  /** Open calls per HTTP/2 connection (SETTINGS_MAX_CONCURRENT_STREAMS); default 100. */
  readonly maxConcurrentStreams?: number;
  /** A call's request (StreamCheckIns aside: maxStreamMs) must arrive in full within this time; default 60 s. */
  readonly requestTimeoutMs?: number;
  /** An HTTP/2 connection without traffic this long is closed; default 120 s. */
  readonly idleTimeoutMs?: number;
}

export interface IngestServer {
  /** Base URL of the server, e.g. "http://127.0.0.1:50051", for Connect, gRPC and gRPC-Web transports. */
  readonly url: string;
  readonly port: number;
  /** What /readyz reports: Kafka connected, the topics exist, and close() has not begun. */
  readonly isReady: () => boolean;
  /** Stops accepting calls, finishes those in flight, then disconnects from Kafka; calling it again returns the same promise. */
  readonly close: () => Promise<void>;
}

/**
 * Starts the gateway: listens at once and connects to Kafka in the background
 * (creating missing topics). Until Kafka is reached /readyz answers 503 and
 * calls wait for it up to `appendTimeoutMs`, then fail with UNAVAILABLE.
 */
export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const logger = options.logger ?? createLogger({ service: "ingest", level: "info" });
  const now = options.now ?? (() => new Date());
  const metrics = new IngestMetrics();
  const eventLog = createKafkaEventLog(eventLogOptions(options, logger, metrics));
  const deps: IngestDependencies = {
    appendEvents: options.personKeys === undefined ? eventLog.appendEvents : sealingAppend(eventLog.appendEvents, options.personKeys.keysFor),
    destroyPersonKey: options.personKeys?.destroy ?? (async () => {}),
    now,
    newId: options.newId ?? uuidv7Generator(now),
    maxCheckInAgeMs: options.maxCheckInAgeMs ?? 30 * DAY_MS,
    seenEventIds: new RecentEventIds(options.recentEventIds ?? 100_000),
  };
  let closing: Promise<void> | undefined;
  let startDraining = () => {};
  const draining = new Promise<void>((resolve) => {
    startDraining = resolve;
  });
  const isReady = () => closing === undefined && eventLog.isReady();
  const isDraining = () => closing !== undefined;
  const authenticate = authenticator(options.auth);
  const streamCheckIns = streamCheckInsHandler({
    deps,
    authenticate,
    slots: new BatchSlots(options.inFlightBatches ?? 256),
    metrics,
    limits: { inFlightPerStream: options.inFlightBatchesPerStream ?? 4, maxStreamMs: options.maxStreamMs ?? 3_600_000 },
    draining,
    isDraining,
  });
  const handler = connectNodeAdapter({
    routes: (router) => {
      ingestRoutes({ admit: admitting(authenticate, isDraining), ingest: deps, metrics }, streamCheckIns)(router);
      reflectionRoutes([IngestService])(router);
    },
    // Last, so that interceptors given before it see the translated statuses.
    interceptors: [rpcMetrics(metrics), translateErrors(logger)],
    readMaxBytes: READ_MAX_BYTES,
    fallback: probes(isReady, () => metrics.scrape()),
  });
  const host = options.host ?? "127.0.0.1";
  eventLog.start();
  const server = await listenDualProtocol(handler, host, options.port ?? 50051, connectionLimits(options)).catch(async (error: unknown) => {
    await eventLog.close();
    throw error;
  });
  return {
    url: `http://${urlHost(host)}:${server.port}`,
    port: server.port,
    isReady,
    close: () => {
      if (closing === undefined) {
        closing = server.close(options.shutdownGraceMs ?? 10_000).then(eventLog.close);
        startDraining();
      }
      return closing;
    },
  };
}

const DAY_MS = 86_400_000;

function connectionLimits(options: IngestServerOptions): ConnectionLimits {
  const streamCheckIns = IngestService.methods.find((m) => m.name === "StreamCheckIns");
  return {
    maxConcurrentStreams: options.maxConcurrentStreams ?? DEFAULT_CONNECTION_LIMITS.maxConcurrentStreams,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.idleTimeoutMs,
    longLivedPaths: streamCheckIns === undefined ? [] : [`/${IngestService.typeName}/${streamCheckIns.name}`],
  };
}

function eventLogOptions(options: IngestServerOptions, logger: Logger, metrics: IngestMetrics): KafkaEventLogOptions {
  const { connectRetries, connectionTimeoutMs, reconnectDelayMs } = options.kafka ?? {};
  return {
    brokers: options.kafkaBrokers,
    clientId: options.kafkaClientId ?? "udaconnect-ingest",
    connection: options.kafkaConnection,
    createTopics: options.createTopics,
    topicNamespace: options.topicNamespace,
    ...(options.locationRetention ? { topics: eventTopics(options.locationRetention) } : {}),
    logger,
    appendTimeoutMs: options.appendTimeoutMs ?? 10_000,
    retry: connectRetries === undefined ? undefined : { retries: connectRetries, initialRetryTime: 100 },
    connectionTimeoutMs,
    reconnectDelayMs,
    onSendAcknowledged: metrics.observeSend,
    onProducerReset: metrics.countProducerReset,
    producers: options.kafkaProducers ?? 1,
    client: options.kafkaClient ?? "kafkajs",
    thread: options.kafkaThread ?? "main",
  };
}

/** A wildcard address is not one a client can dial; IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") {
    return "127.0.0.1";
  }
  if (host === "::") {
    return "[::1]";
  }
  return host.includes(":") ? `[${host}]` : host;
}
