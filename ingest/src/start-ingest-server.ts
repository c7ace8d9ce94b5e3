import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { VerifyToken } from "@udaconnect/auth";
import { eventTopics, IngestService } from "@udaconnect/schemas";
import type { IngestConfig } from "./config";
import type { Clock, DestroyPersonKey, IngestDependencies, NewId } from "./ingest/ports";
import { sealingAppend, type PersonKeys } from "./ingest/seal-events";
import { RecentEventIds } from "./ingest/recent-event-ids";
import { uuidv7Generator } from "./ingest/uuid";
import { authenticator } from "./http/authenticate";
import { BatchSlots } from "./http/batch-slots";
import { translateErrors } from "./http/connect-errors";
import type { ConnectionLimits } from "./http/connection-limits";
import { listenDualProtocol } from "./http/dual-protocol-server";
import { IngestMetrics } from "./http/metrics";
import { streamCheckInsHandler } from "./http/stream-check-ins-handler";
import { reflectionRoutes } from "./http/grpc-reflection";
import { admitting, ingestRoutes } from "./http/ingest-routes";
import { probes } from "./http/probes";
import { rpcMetrics } from "./http/rpc-metrics";
import { createKafkaEventLog, type KafkaEventLogOptions } from "./kafka/kafka-event-log";
import { createLogger, type Logger } from "@udaconnect/observability";

/** Largest protobuf or JSON message a call may send (each message of a stream counts on its own). */
export const READ_MAX_BYTES = 1024 * 1024;

/**
 * What the gateway starts with: its settings as loadConfig returns them, every one given (a
 * default lives only in config.ts), with the sources they name opened by the caller (a token
 * verifier instead of the JWKS file, the key store's keys), and what no variable sets.
 */
export type IngestServerOptions = Omit<IngestConfig, "auth" | "keyStore"> & {
  /** How tokens are checked; "disabled" lets every call through. */
  readonly auth: VerifyToken | "disabled";
  /**
   * The persons' data keys (crypto-shredding, docs/erasure.md): personal fields
   * are sealed before they reach the log, and ErasePerson destroys the key.
   * main.ts always passes them; without them events are appended unsealed, as
   * before sealing existed, for tests of other concerns.
   */
  readonly personKeys?: { readonly keysFor: PersonKeys; readonly destroy: DestroyPersonKey };
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
  /** Default: the service's JSON lines on stdout at `logLevel`. */
  readonly logger?: Logger;
  /** The server clock (recorded_at, the future bound of occurred_at); default the system clock. */
  readonly now?: Clock;
  /** Id generator for ids the server assigns; default UUIDv7. */
  readonly newId?: NewId;
};

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
  const logger = options.logger ?? createLogger({ service: "ingest", level: options.logLevel });
  const now = options.now ?? (() => new Date());
  const metrics = new IngestMetrics();
  const eventLog = createKafkaEventLog(eventLogOptions(options, logger, metrics));
  const deps: IngestDependencies = {
    appendEvents: options.personKeys === undefined ? eventLog.appendEvents : sealingAppend(eventLog.appendEvents, options.personKeys.keysFor),
    destroyPersonKey: options.personKeys?.destroy ?? (async () => {}),
    now,
    newId: options.newId ?? uuidv7Generator(now),
    maxCheckInAgeMs: options.maxCheckInAgeMs,
    seenEventIds: new RecentEventIds(options.recentEventIds),
  };
  let closing: Promise<void> | undefined;
  const draining = new AbortController();
  const isReady = () => closing === undefined && eventLog.isReady();
  const isDraining = () => closing !== undefined;
  const authenticate = authenticator(options.auth);
  const streamCheckIns = streamCheckInsHandler({
    deps,
    authenticate,
    slots: new BatchSlots(options.inFlightBatches),
    metrics,
    limits: { inFlightPerStream: options.inFlightBatchesPerStream, maxStreamMs: options.maxStreamMs },
    draining: draining.signal,
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
  const { host } = options;
  eventLog.start();
  const server = await listenDualProtocol(handler, host, options.port, connectionLimits(options)).catch(async (error: unknown) => {
    await eventLog.close();
    throw error;
  });
  return {
    url: `http://${urlHost(host)}:${server.port}`,
    port: server.port,
    isReady,
    close: () => {
      if (closing === undefined) {
        closing = server.close(options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS).then(eventLog.close);
        draining.abort();
      }
      return closing;
    },
  };
}

// No variable sets these two (docs/ingest.md): they are stated here only.
const APPEND_TIMEOUT_MS = 10_000;
const SHUTDOWN_GRACE_MS = 10_000;

function connectionLimits(options: IngestServerOptions): ConnectionLimits {
  const streamCheckIns = IngestService.methods.find((m) => m.name === "StreamCheckIns");
  return {
    maxConcurrentStreams: options.maxConcurrentStreams,
    requestTimeoutMs: options.requestTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    longLivedPaths: streamCheckIns === undefined ? [] : [`/${IngestService.typeName}/${streamCheckIns.name}`],
  };
}

function eventLogOptions(options: IngestServerOptions, logger: Logger, metrics: IngestMetrics): KafkaEventLogOptions {
  const { connectRetries, connectionTimeoutMs, reconnectDelayMs } = options.kafka ?? {};
  return {
    brokers: options.kafkaBrokers,
    clientId: options.kafkaClientId,
    connection: options.kafkaConnection,
    createTopics: options.createTopics,
    topicNamespace: options.topicNamespace,
    topics: eventTopics(options.locationRetention),
    logger,
    appendTimeoutMs: options.appendTimeoutMs ?? APPEND_TIMEOUT_MS,
    retries: connectRetries,
    connectionTimeoutMs,
    reconnectDelayMs,
    onSendAcknowledged: metrics.observeSend,
    onProducerReset: metrics.countProducerReset,
    producers: options.kafkaProducers,
    thread: options.kafkaThread,
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
