import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { generateSigningKeyPair, type KeyPair, type Principal } from "@udaconnect/auth";
import type { IngestServerOptions } from "@udaconnect/ingest";
import type { QueryApiOptions } from "@udaconnect/query-api";
import { startPipeline } from "@udaconnect/test-pipeline";
import { uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";

/**
 * The three services as deployed (auth on), started by test-pipeline with this run's own key
 * pair in the test's hands: the attack suites forge tokens against its public key and sign
 * "careless issuer" tokens with its private key.
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
  const keys = await generateSigningKeyPair("attack-suite");
  const pipeline = await startPipeline({ ...options, topicNamespace: uniqueNamespace(), keys });
  const { ingestUrl, queryApiUrl, database } = pipeline;
  const operator = await pipeline.tokenFor({ subject: "attack-suite-operator", role: "operator" });
  return {
    ingestUrl,
    queryApiUrl,
    keys,
    database,
    token: pipeline.tokenFor,
    ingest: (protocol, authorization) => {
      const interceptors = authorization === undefined ? [] : [withAuthorization(authorization)];
      const baseUrl = ingestUrl;
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
    snapshot: () => snapshot(queryApiUrl, operator, database),
    stop: pipeline.stop,
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
