import type { Interceptor } from "@connectrpc/connect";
import { createSigner, createVerifier, generateSigningKeyPair, type KeyPair, type Principal } from "@udaconnect/auth";
import { silentLogger, startIngestServer, type IngestServerOptions } from "@udaconnect/ingest";
import { createLogger } from "@udaconnect/observability";
import { startProjector } from "@udaconnect/projector";
import { startQueryApi, type QueryApiOptions } from "@udaconnect/query-api";
import { createTestDatabase, eventually, type TestDatabase } from "@udaconnect/test-support";
import { ingestOptions } from "@udaconnect/ingest/test-options";
import { projectorOptions } from "@udaconnect/projector/test-options";
import { queryApiOptions } from "@udaconnect/query-api/test-options";

export interface RunningPipeline {
  readonly ingestUrl: string;
  readonly queryApiUrl: string;
  readonly database: TestDatabase;
  /** A bearer token the services accept, for any principal. */
  readonly tokenFor: (principal: Principal) => Promise<string>;
  readonly stop: () => Promise<void>;
}

export interface PipelineOptions {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  readonly topicNamespace: string;
  /**
   * On by default, as deployed: calls need a token from `tokenFor`. Off: everyone may do
   * everything, for tests of commands that talk to the services without tokens.
   */
  readonly auth?: "on" | "off";
  /**
   * The key pair whose public key the services trust and whose private key signs `tokenFor`'s
   * tokens; by default one of the run's own that no test sees. A test that forges tokens against
   * the public key, or signs "careless issuer" tokens itself, passes its own.
   */
  readonly keys?: KeyPair;
  /** More options of the gateway (limits, time limits) over those above. */
  readonly ingest?: Partial<IngestServerOptions>;
  /** More options of the query API (limits, time limits) over those above. */
  readonly queryApi?: Partial<QueryApiOptions>;
}

/**
 * The three services in this process, on ephemeral ports, with a topic
 * namespace and a database of their own: what `./scripts/up` runs, isolated.
 */
export async function startPipeline(options: PipelineOptions): Promise<RunningPipeline> {
  const { kafkaBrokers, topicNamespace } = options;
  const database = await createTestDatabase(options.databaseUrl);
  // Every token is signed by this run's own key, or by the one the caller brings.
  const { privateKey, keySet } = options.keys ?? (await generateSigningKeyPair("test-pipeline"));
  const auth = options.auth === "off" ? "disabled" : createVerifier(keySet);
  const sign = await createSigner(privateKey);
  // Services log only what would explain a failure; tests read their results, not their logs.
  const ingest = await startIngestServer(ingestOptions({ kafkaBrokers, topicNamespace, port: 0, logger: silentLogger, auth, ...options.ingest }));
  // The gateway creates the topics once it reaches Kafka; the projector needs them.
  await eventually(() => {
    if (!ingest.isReady()) throw new Error("ingest is not ready");
  });
  const projector = await startProjector(
    projectorOptions({
      kafkaBrokers,
      databaseUrl: database.url,
      topicNamespace,
      groupId: `${topicNamespace}-projector`,
      logger: createLogger({ service: "projector", level: "warn" }),
    }),
  );
  // The original's writes (POST /api/persons, /api/locations) go to this ingest; end offsets of this namespace
  // make /v1/projection/status show what the log holds.
  const queryApi = await startQueryApi(
    queryApiOptions({
      databaseUrl: database.url,
      port: 0,
      auth,
      ingestUrl: ingest.url,
      kafkaBrokers,
      topicNamespace,
      ...options.queryApi,
    }),
  );
  return {
    ingestUrl: ingest.url,
    queryApiUrl: queryApi.url,
    database,
    tokenFor: (principal) => sign(principal),
    stop: async () => {
      await queryApi.close();
      await projector.stop();
      await ingest.close();
      await database.drop();
    },
  };
}

/** Connect interceptor that sends `token` with every call. */
export function bearer(token: string): Interceptor {
  return (next) => async (request) => {
    request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
}

/** GET a JSON document from the query API; throws on any status but 200 so `eventually` retries. */
export async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as T;
}
