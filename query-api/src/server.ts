import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KafkaConnection } from "@udaconnect/kafka-connection";
import { allTopics, topicName } from "@udaconnect/schemas";
import type { LogLevel } from "./config";
import { buildApp } from "./app";
import type { Authentication, LegacyApiAuth } from "./http/access";
import type { IngestForWrites } from "./http/legacy-write-routes";
import { connectIngestWrites } from "./ingest-client/connect-ingest-writes";
import { createEndOffsetsReader, type EndOffsetsReader } from "./kafka/end-offsets";
import { createDatabase } from "./postgres/create-database";

export interface QueryApiOptions {
  readonly databaseUrl: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Omitted: no logging. */
  readonly logLevel?: LogLevel;
  /** Bearer-token verification, or "disabled". No default: running without auth is a decision. */
  readonly auth: Authentication;
  readonly consistencyWaitMs?: number;
  /** Comma-separated host:port list; omitted: /v1/projection/status reports end offsets as unknown. */
  readonly kafkaBrokers?: string;
  /** TLS / SASL towards the brokers; default PLAINTEXT. */
  readonly kafkaConnection?: KafkaConnection;
  /** Namespace of the projected topics (as the projector's TOPIC_NAMESPACE); default "". */
  readonly topicNamespace?: string;
  readonly readyMaxLag?: number;
  readonly corsOrigins?: readonly string[];
  /** Default 0: no limit. */
  readonly rateLimitPerMinute?: number;
  /** A request must arrive in full within this time, else 408 and the connection closes; default 30 s (Fastify's own default is none). */
  readonly requestTimeoutMs?: number;
  /** The request line and headers must arrive within this time (at most requestTimeoutMs); default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Default "bearer": the original's /api routes need the same tokens as /v1. */
  readonly legacyApiAuth?: LegacyApiAuth;
  /** The ingest gateway's base URL for POST /api/persons and /api/locations; omitted: they answer 501. */
  readonly ingestUrl?: string;
  /** A file holding query-api's own token for ingest (read at each such write, so it can be renewed in place). */
  readonly ingestTokenFile?: string;
}

export interface RunningQueryApi {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, lets in-flight requests finish, then closes the pool. */
  close(): Promise<void>;
}

export async function startQueryApi(options: QueryApiOptions): Promise<RunningQueryApi> {
  const readModels = createDatabase(options.databaseUrl);
  const endOffsets: EndOffsetsReader | undefined =
    options.kafkaBrokers === undefined ? undefined : createEndOffsetsReader(options.kafkaBrokers.split(","), options.kafkaConnection);
  const release = async () => {
    try {
      await endOffsets?.close();
    } finally {
      await readModels.destroy();
    }
  };
  try {
    const namespace = options.topicNamespace ?? "";
    const app = await buildApp({
      readModels,
      auth: options.auth,
      logLevel: options.logLevel,
      consistencyWaitMs: options.consistencyWaitMs,
      kafka: endOffsets === undefined ? undefined : { endOffsets, topics: allTopics.map((t) => topicName(t, namespace)) },
      readyMaxLag: options.readyMaxLag,
      corsOrigins: options.corsOrigins,
      rateLimitPerMinute: options.rateLimitPerMinute,
      legacyApiAuth: options.legacyApiAuth,
      ingest: ingestForWrites(options),
    });
    limitSlowClients(app.server, options);
    const host = options.host ?? "127.0.0.1";
    await app.listen({ host, port: options.port ?? 8080 });
    const { port } = app.server.address() as AddressInfo;
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      close: async () => {
        try {
          await app.close();
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

function ingestForWrites(options: QueryApiOptions): IngestForWrites | undefined {
  if (options.ingestUrl === undefined) {
    return undefined;
  }
  const file = options.ingestTokenFile;
  return {
    writes: connectIngestWrites({ baseUrl: options.ingestUrl }),
    serviceToken: file === undefined ? undefined : async () => (await readFile(file, "utf8")).trim(),
  };
}

/**
 * Slow clients (slowloris: headers or a body trickled) hold a socket each; Node closes them
 * with a 408 once these times pass. Set before listening: Node starts its checks then.
 */
function limitSlowClients(server: Server, options: QueryApiOptions): void {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
  server.requestTimeout = requestTimeout;
  server.headersTimeout = headersTimeout;
  // Node looks for expired requests this often (default 30 s, which would stretch short timeouts).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4)));
}
