import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { allTopics, topicName } from "@udaconnect/schemas";
import type { LogLevel, QueryApiConfig } from "./config";
import { buildApp } from "./app";
import type { Authentication } from "./http/access";
import type { IngestForWrites } from "./http/legacy-write-routes";
import { connectIngestWrites } from "./ingest-client/connect-ingest-writes";
import { createEndOffsetsReader, type EndOffsetsReader } from "./kafka/end-offsets";
import { createDatabase } from "./postgres/create-database";

/**
 * What query-api starts with: its settings as loadConfig returns them, every one given (a
 * default lives only in config.ts), with a token verifier instead of the JWKS file.
 */
export type QueryApiOptions = Omit<QueryApiConfig, "auth" | "logLevel"> & {
  /** Bearer-token verification, or "disabled". */
  readonly auth: Authentication;
  /** Omitted: no logging (tests). */
  readonly logLevel?: LogLevel;
};

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
    const app = await buildApp({
      readModels,
      auth: options.auth,
      logLevel: options.logLevel,
      consistencyWaitMs: options.consistencyWaitMs,
      kafka: endOffsets === undefined ? undefined : { endOffsets, topics: allTopics.map((t) => topicName(t, options.topicNamespace)) },
      readyMaxLag: options.readyMaxLag,
      corsOrigins: options.corsOrigins,
      rateLimitPerMinute: options.rateLimitPerMinute,
      legacyApiAuth: options.legacyApiAuth,
      ingest: ingestForWrites(options),
    });
    limitSlowClients(app.server, options);
    const { host } = options;
    await app.listen({ host, port: options.port });
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
  const requestTimeout = options.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs, requestTimeout);
  server.requestTimeout = requestTimeout;
  server.headersTimeout = headersTimeout;
  // Node looks for expired requests this often (default 30 s, which would stretch short timeouts).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4)));
}
