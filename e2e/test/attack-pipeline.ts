import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createSigner, createVerifier, generateSigningKeyPair, type KeyPair, type Principal } from "@udaconnect/auth";
import { silentLogger, startIngestServer, type IngestServerOptions } from "@udaconnect/ingest";
import { createLogger } from "@udaconnect/observability";
import { startProjector } from "@udaconnect/projector";
import { startQueryApi, type QueryApiOptions } from "@udaconnect/query-api";
import { createTestDatabase, eventually, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";

/**
 * The three services as deployed (auth on), with this run's own key pair in the test's hands:
 * the attack suites forge tokens against its public key and sign "careless issuer" tokens
 * with its private key, which test-pipeline keeps to itself.
 */
export interface AttackPipeline {
  readonly ingestUrl: string;
  readonly queryApiUrl: string;
  readonly keys: KeyPair;
  readonly database: TestDatabase;
  readonly token: (principal: Principal) => Promise<string>;
  /** The gateway over Connect (binary) or gRPC over HTTP/2, or Connect or gRPC-Web over HTTP/1.1, sending `authorization` as given (none when undefined). */
  readonly ingest: (protocol: RpcProtocol, authorization: string | undefined) => Transport;
  /** What the log and the read models hold: equal before and after means nothing was written. */
  readonly snapshot: () => Promise<Snapshot>;
  readonly stop: () => Promise<void>;
}

/** HTTP/2 carries every RPC; HTTP/1.1 only the unary ones (client streaming needs HTTP/2). */
export type RpcProtocol = "connect" | "grpc" | "connect-http1" | "grpc-web-http1";

export interface Snapshot {
  /** "topic/partition" → end offset (high watermark), read from Kafka through the query API's status route. */
  readonly endOffsets: Record<string, number>;
  readonly persons: number;
  readonly locations: number;
}

export interface AttackPipelineOptions {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  readonly ingest?: Partial<IngestServerOptions>;
  readonly queryApi?: Partial<QueryApiOptions>;
}

export async function startAttackPipeline(options: AttackPipelineOptions): Promise<AttackPipeline> {
  const { kafkaBrokers } = options;
  const topicNamespace = uniqueNamespace();
  const database = await createTestDatabase(options.databaseUrl);
  const keys = await generateSigningKeyPair("attack-suite");
  const auth = createVerifier(keys.keySet);
  const sign = await createSigner(keys.privateKey);
  const ingest = await startIngestServer({ kafkaBrokers, topicNamespace, port: 0, logger: silentLogger, auth, ...options.ingest });
  await eventually(() => {
    if (!ingest.isReady()) throw new Error("ingest is not ready");
  });
  const projector = await startProjector({
    kafkaBrokers,
    databaseUrl: database.url,
    topicNamespace,
    groupId: `${topicNamespace}-projector`,
    logger: createLogger({ service: "projector", level: "warn" }),
  });
  const queryApi = await startQueryApi({
    databaseUrl: database.url,
    port: 0,
    auth,
    kafkaBrokers,
    topicNamespace,
    ingestUrl: ingest.url,
    ...options.queryApi,
  });
  const operator = await sign({ subject: "attack-suite-operator", role: "operator" });
  return {
    ingestUrl: ingest.url,
    queryApiUrl: queryApi.url,
    keys,
    database,
    token: (principal) => sign(principal),
    ingest: (protocol, authorization) => {
      const interceptors = authorization === undefined ? [] : [withAuthorization(authorization)];
      const baseUrl = ingest.url;
      switch (protocol) {
        case "grpc":
          return createGrpcTransport({ baseUrl, interceptors });
        case "connect":
          return createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true, interceptors });
        case "connect-http1":
          return createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors });
        case "grpc-web-http1":
          return createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors });
      }
    },
    snapshot: () => snapshot(queryApi.url, operator, database),
    stop: async () => {
      await queryApi.close();
      await projector.stop();
      await ingest.close();
      await database.drop();
    },
  };
}

function withAuthorization(value: string): Interceptor {
  return (next) => async (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}

interface ProjectionStatus {
  partitions: { topic: string; partition: number; end_offset: number | null }[];
  end_offsets_known: boolean;
}

async function snapshot(queryApiUrl: string, operatorToken: string, database: TestDatabase): Promise<Snapshot> {
  const response = await fetch(`${queryApiUrl}/v1/projection/status`, { headers: { authorization: `Bearer ${operatorToken}` } });
  const status = (await response.json()) as ProjectionStatus;
  if (response.status !== 200 || !status.end_offsets_known) {
    throw new Error(`the end offsets are unknown: /v1/projection/status answered ${response.status} ${JSON.stringify(status)}`);
  }
  const count = async (table: "person" | "location") =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    endOffsets: Object.fromEntries(status.partitions.map((p) => [`${p.topic}/${p.partition}`, p.end_offset ?? -1])),
    persons: await count("person"),
    locations: await count("location"),
  };
}
