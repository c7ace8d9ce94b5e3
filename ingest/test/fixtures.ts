import http2 from "node:http2";
import { Admin } from "@platformatic/kafka";
import { inject, test } from "vitest";
import { silentLogger, startIngestServer, type IngestServer, type IngestServerOptions } from "../src/index";
import { ingestOptions } from "./ingest-options";

/** Starts a gateway on the run's Kafka and a free port; auth off and no logs unless options say otherwise. */
export type StartGateway = (options: Partial<IngestServerOptions> & Pick<IngestServerOptions, "topicNamespace">) => Promise<IngestServer>;

/**
 * A test with `admin` (an admin client of the run's Kafka), `startGateway` and `connectHttp2`
 * (HTTP/2 sessions to a gateway). Each is made when a test names it; the admin is closed, and
 * every gateway and session, after the test whether it passed or not (closing one twice is
 * harmless).
 */
export const gatewayTest = test.extend<{ admin: Admin; startGateway: StartGateway; connectHttp2: (url: string) => http2.ClientHttp2Session }>({
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  admin: async ({}, use) => {
    const admin = new Admin({ clientId: "ingest-test-admin", bootstrapBrokers: inject("kafkaBrokers").split(",") });
    try {
      await use(admin);
    } finally {
      await admin.close();
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  startGateway: async ({}, use) => {
    const gateways: IngestServer[] = [];
    try {
      await use(async (options) => {
        const gateway = await startIngestServer(
          ingestOptions({ auth: "disabled", kafkaBrokers: inject("kafkaBrokers"), port: 0, logger: silentLogger, ...options }),
        );
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
