import { randomUUID } from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { EventSchema, IngestService, LocationRecordedSchema, type Event } from "@udaconnect/schemas";
import { createTopics, uniqueNamespace } from "@udaconnect/test-support";
import { silentLogger, startIngestServer, type IngestServer, type IngestServerOptions } from "../src/index";
import { TopicReader } from "./topic-reader";
import { ingestOptions } from "./ingest-options";

/** The server clock of the integration tests, so recorded_at can be asserted exactly. */
export const SERVER_NOW = new Date("2024-05-01T12:00:00.000Z");
export const OCCURRED_AT = new Date("2024-05-01T11:58:30.250Z");

export type IngestClient = Client<typeof IngestService>;

export const transports = {
  "gRPC (HTTP/2)": (baseUrl: string) => createGrpcTransport({ baseUrl }),
  "Connect JSON (HTTP/2)": (baseUrl: string) => createConnectTransport({ baseUrl, httpVersion: "2" }),
  "Connect binary (HTTP/1.1)": (baseUrl: string) => createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
  "Connect JSON (HTTP/1.1)": (baseUrl: string) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "gRPC-Web (HTTP/1.1)": (baseUrl: string) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
} satisfies Record<string, (baseUrl: string) => Transport>;

/** Client streaming needs HTTP/2. */
export const streamingTransports = {
  "gRPC (HTTP/2)": transports["gRPC (HTTP/2)"],
  "Connect JSON (HTTP/2)": transports["Connect JSON (HTTP/2)"],
  "gRPC-Web (HTTP/2)": (baseUrl: string) => createGrpcWebTransport({ baseUrl, httpVersion: "2" }),
};

export interface Harness {
  readonly server: IngestServer;
  readonly reader: TopicReader;
  readonly namespace: string;
  readonly stop: () => Promise<void>;
}

/** A gateway on a free port, writing to topics of a fresh namespace, and a reader of those topics. */
export async function startHarness(brokers: string, options: Partial<IngestServerOptions> = {}): Promise<Harness> {
  const namespace = uniqueNamespace();
  await createTopics(brokers, namespace);
  const server = await startIngestServer(
    ingestOptions({
      auth: "disabled",
      kafkaBrokers: brokers,
      topicNamespace: namespace,
      port: 0,
      logger: silentLogger,
      now: () => SERVER_NOW,
      ...options,
    }),
  );
  const reader = await TopicReader.start(brokers, namespace);
  return {
    server,
    reader,
    namespace,
    stop: async () => {
      await reader.stop();
      await server.close();
    },
  };
}

export function uniquePersonId(): string {
  return `person-${randomUUID().slice(0, 8)}`;
}

export function client(transport: Transport): IngestClient {
  return createClient(IngestService, transport);
}

/** The event the gateway should have appended for a check-in (at SERVER_NOW). */
export function expectedLocationRecorded(check: {
  eventId: string;
  personId: string;
  latitude: number;
  longitude: number;
  occurredAt?: Date;
  accuracyM?: number;
}): Event {
  const recordedAt = timestampFromDate(SERVER_NOW);
  return create(EventSchema, {
    eventId: check.eventId,
    type: "udaconnect.v1.LocationRecorded",
    recordedAt,
    payload: {
      case: "locationRecorded",
      value: create(LocationRecordedSchema, {
        ...check,
        occurredAt: timestampFromDate(check.occurredAt ?? OCCURRED_AT),
        recordedAt,
      }),
    },
  });
}

/** A TCP port nothing listens on (bound once by the OS, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
