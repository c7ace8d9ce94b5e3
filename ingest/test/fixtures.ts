import http2 from "node:http2";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { inject, test } from "vitest";
import { silentLogger, startIngestServer, type IngestServer, type IngestServerOptions } from "../src/index";

/** Starts a gateway on the run's Kafka and a free port; auth off and no logs unless options say otherwise. */
export type StartGateway = (options: Partial<IngestServerOptions> & Pick<IngestServerOptions, "topicNamespace">) => Promise<IngestServer>;

/**
 * A test with `kafkaAdmin` (a connected admin client of the run's Kafka), `startGateway` and
 * `connectHttp2` (HTTP/2 sessions to a gateway). Each is made when a test names it; the admin is
 * disconnected, and every gateway and session closed, after the test whether it passed or not
 * (closing one twice is harmless).
 */
export const gatewayTest = test.extend<{ kafkaAdmin: Admin; startGateway: StartGateway; connectHttp2: (url: string) => http2.ClientHttp2Session }>({
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  kafkaAdmin: async ({}, use) => {
    const admin = new Kafka({ clientId: "ingest-test-admin", brokers: inject("kafkaBrokers").split(","), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await use(admin);
    } finally {
      await admin.disconnect();
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  startGateway: async ({}, use) => {
    const gateways: IngestServer[] = [];
    try {
      await use(async (options) => {
        const gateway = await startIngestServer({ auth: "disabled", kafkaBrokers: inject("kafkaBrokers"), port: 0, logger: silentLogger, ...options });
        gateways.push(gateway);
        return gateway;
      });
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  connectHttp2: async ({}, use) => {
    const sessions: http2.ClientHttp2Session[] = [];
    try {
      await use((url) => {
        const session = http2.connect(url);
        sessions.push(session);
        return session;
      });
    } finally {
      for (const session of sessions) session.close();
    }
  },
});
