import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createLogger } from "@udaconnect/observability";
import { silentLogger, startIngestServer, type IngestServer } from "@udaconnect/ingest";
import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { loadConfig as loadProjectorConfig, startProjector } from "@udaconnect/projector";
import { loadConfig as loadQueryApiConfig, startQueryApi } from "@udaconnect/query-api";
import { CheckInSchema, locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import {
  createTestDatabase,
  eventually,
  loadTestEnvironment,
  SECURE_LISTENER_VARIABLES,
  testMasterKeysFile,
  uniqueNamespace,
  type SecureListenerVariable,
  type TestDatabase,
} from "@udaconnect/test-support";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { loadKafkaConnection } from "../../config";
import { createIngestClient } from "../../ingest-client";
import { createFormat } from "../output-format";
import { replay } from "../replay";
import { openTopicLog } from "./platformatic-topic-log";
import { ingestOptions } from "@udaconnect/ingest/test-options";
import { projectorOptions } from "@udaconnect/projector/test-options";
import { queryApiOptions } from "@udaconnect/query-api/test-options";

/**
 * Every Kafka client of the project against the local broker's listeners that
 * stand in for Strimzi's: SASL_SSL with SCRAM-SHA-512, and SSL with a client
 * certificate (mTLS). Each client gets its settings the way its service reads
 * them, from KAFKA_SECURITY_PROTOCOL / KAFKA_SSL_* / KAFKA_SASL_* variables.
 */
const listeners = secureListeners();
const databaseUrl = inject("databaseUrl");
const quiet = silentLogger;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("Kafka clients over the SASL_SSL (SCRAM-SHA-512) listener", () => {
  it("carries a check-in from the gateway through the projector to the read model; query-api sees the end offsets and replay reads it", async () => {
    const namespace = uniqueNamespace();
    const { brokers, env } = listeners.saslSsl;
    const database = await testDatabase();
    const ingest = await readyIngest(brokers, parseKafkaConnection(env, []), namespace);
    const client = createIngestClient(ingest.url);
    await client.registerPerson({ personId: "sasl-1", firstName: "Ada", lastName: "Lovelace", companyName: "Engines" });
    await client.recordLocation({ checkIn: checkIn("sasl-1") });

    const projectorConfig = loadProjectorConfig({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: brokers,
      TOPIC_NAMESPACE: namespace,
      UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile(),
      ...env,
    });
    expect(projectorConfig.kafkaConnection.securityProtocol).toBe("SASL_SSL");
    const projector = await startProjector({ ...projectorConfig, groupId: `${namespace}-projector`, logger: quiet });
    cleanups.push(() => projector.stop());
    const located = await eventually(() => database.db.selectFrom("location").select(["person_id"]).execute().then(nonEmpty), { timeoutMs: 30_000 });
    expect(located).toEqual([{ person_id: "sasl-1" }]);

    const apiConfig = loadQueryApiConfig({ DATABASE_URL: database.url, AUTH_DISABLED: "true", KAFKA_BROKERS: brokers, TOPIC_NAMESPACE: namespace, ...env });
    const api = await startQueryApi({ ...apiConfig, auth: "disabled", port: 0, logLevel: undefined });
    cleanups.push(() => api.close());
    const locations = topicName(locationsTopic, namespace);
    const status = await eventually(async () => {
      const body = (await (await fetch(`${api.url}/v1/projection/status`)).json()) as ProjectionStatusBody;
      const written = body.partitions.filter((p) => p.topic === locations && p.end_offset === 1);
      if (!body.end_offsets_known || written.length !== 1) throw new Error(`end offsets not read yet: ${JSON.stringify(body)}`);
      return { known: body.end_offsets_known, written };
    });
    expect(status.written).toEqual([expect.objectContaining({ topic: locations, end_offset: 1, lag: 0 })]);

    const rows = await replayAll(brokers, loadKafkaConnection(env), locations);
    expect(rows.map((r) => r.person_id)).toEqual(["sasl-1"]);
  });

  it("refuses a wrong password at once with the broker's reason, in every client", async () => {
    const namespace = uniqueNamespace();
    const { brokers, env } = listeners.saslSsl;
    const wrong = parseKafkaConnection({ ...env, KAFKA_SASL_PASSWORD_FILE: secretFile("not-the-password") }, []);
    const database = await testDatabase();
    const started = Date.now();

    await expect(
      startProjector(projectorOptions({ kafkaBrokers: brokers, kafkaConnection: wrong, databaseUrl: database.url, topicNamespace: namespace, logger: quiet })),
    ).rejects.toThrow(
      `Kafka: metadata failed 4 times: Cannot connect to any broker: Connection to ${brokers} failed: SASL authentication failed ` +
        "(the broker refused the credentials: check KAFKA_SASL_USERNAME and the password)",
    );
    const log = openTopicLog(brokers, wrong);
    cleanups.push(() => log.close());
    await expect(log.partitions(topicName(personsTopic, namespace))).rejects.toThrow(
      `metadata failed 4 times: Cannot connect to any broker: Connection to ${brokers} failed: SASL authentication failed ` +
        "(the broker refused the credentials: check KAFKA_SASL_USERNAME and the password)",
    );
    // query-api's status answers at once, without the end offsets (it logs the reason as a warning).
    const api = await startQueryApi(
      queryApiOptions({
        auth: "disabled",
        databaseUrl: database.url,
        port: 0,
        kafkaBrokers: brokers,
        kafkaConnection: wrong,
        topicNamespace: namespace,
      }),
    );
    cleanups.push(() => api.close());
    const status = (await (await fetch(`${api.url}/v1/projection/status`)).json()) as ProjectionStatusBody;
    expect(status.end_offsets_known).toBe(false);
    expect(Date.now() - started).toBeLessThan(20_000);

    // The gateway keeps retrying (Strimzi may create the KafkaUser after the pod), unready, saying why.
    const warnings: string[] = [];
    const keepWarning = (line: string) => void warnings.push(String((JSON.parse(line) as { msg: unknown }).msg));
    const logger = createLogger({ service: "ingest", level: "warn", destination: { write: keepWarning } });
    const ingest = await startIngestServer(
      ingestOptions({
        auth: "disabled",
        kafkaBrokers: brokers,
        kafkaConnection: wrong,
        topicNamespace: namespace,
        port: 0,
        logger,
        kafka: { reconnectDelayMs: 200 },
      }),
    );
    cleanups.push(() => ingest.close());
    const refused = await eventually(() => warnings.find((w) => w.includes("SASL authentication failed")) ?? fail("no warning yet"));
    expect(refused).toContain(
      `Connection to ${brokers} failed: SASL authentication failed (the broker refused the credentials: check KAFKA_SASL_USERNAME and the password)`,
    );
    expect(ingest.isReady()).toBe(false);
  });
});

describe("Kafka clients over the SSL listener with client certificates (mTLS)", () => {
  it("writes through the gateway and reads back with replay", async () => {
    const namespace = uniqueNamespace();
    const { brokers, env } = listeners.mtls;
    const ingest = await readyIngest(brokers, parseKafkaConnection(env, []), namespace);
    await createIngestClient(ingest.url).recordLocation({ checkIn: checkIn("mtls-1") });

    const rows = await replayAll(brokers, loadKafkaConnection(env), topicName(locationsTopic, namespace));
    expect(rows.map((r) => r.person_id)).toEqual(["mtls-1"]);
  });

  it("is refused without a client certificate", async () => {
    const { brokers, env } = listeners.mtls;
    const log = openTopicLog(brokers, parseKafkaConnection({ ...env, KAFKA_SSL_CERT_FILE: "", KAFKA_SSL_KEY_FILE: "" }, []));
    cleanups.push(() => log.close());
    await expect(log.partitions(topicName(personsTopic, uniqueNamespace()))).rejects.toThrow("listApis failed 4 times: Connection closed");
  });
});

interface ProjectionStatusBody {
  readonly end_offsets_known: boolean;
  readonly partitions: readonly { topic: string; partition: number; end_offset: number | null; lag: number | null }[];
}

/** The listeners' addresses and credential files, as `infra/local/services.sh env` prints them (the global setup exports them). */
function secureListeners() {
  const listeners = loadTestEnvironment().secureListeners;
  const missing = SECURE_LISTENER_VARIABLES.filter((name) => listeners[name] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} not set: these tests need the local broker's SASL_SSL and mTLS listeners, which ` +
        "'infra/local/services.sh env' prints once infra/local/kafka.sh has started the broker with them " +
        "(a broker started before they existed: 'infra/local/kafka.sh stop' and 'start' again; the data stays).",
    );
  }
  const value = (name: SecureListenerVariable) => listeners[name] ?? "";
  return {
    saslSsl: {
      brokers: value("KAFKA_SASL_SSL_BROKERS"),
      env: {
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SSL_CA_FILE: value("KAFKA_LOCAL_CA_FILE"),
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        KAFKA_SASL_USERNAME: value("KAFKA_LOCAL_SCRAM_USERNAME"),
        KAFKA_SASL_PASSWORD_FILE: value("KAFKA_LOCAL_SCRAM_PASSWORD_FILE"),
      },
    },
    mtls: {
      brokers: value("KAFKA_MTLS_BROKERS"),
      env: {
        KAFKA_SECURITY_PROTOCOL: "SSL",
        KAFKA_SSL_CA_FILE: value("KAFKA_LOCAL_CA_FILE"),
        KAFKA_SSL_CERT_FILE: value("KAFKA_LOCAL_CLIENT_CERT_FILE"),
        KAFKA_SSL_KEY_FILE: value("KAFKA_LOCAL_CLIENT_KEY_FILE"),
      },
    },
  };
}

async function readyIngest(brokers: string, kafkaConnection: KafkaConnection, topicNamespace: string): Promise<IngestServer> {
  const ingest = await startIngestServer(
    ingestOptions({ auth: "disabled", kafkaBrokers: brokers, kafkaConnection, topicNamespace, port: 0, logger: silentLogger }),
  );
  cleanups.push(() => ingest.close());
  // The gateway creates the namespace's topics through this listener (no authorizer locally).
  await eventually(() => ingest.isReady() || fail("the gateway is not ready"), { timeoutMs: 30_000 });
  return ingest;
}

async function testDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase(databaseUrl);
  cleanups.push(() => database.drop());
  return database;
}

async function replayAll(brokers: string, connection: KafkaConnection, topic: string): Promise<{ person_id: string }[]> {
  const log = openTopicLog(brokers, connection);
  try {
    const lines: string[] = [];
    const options = {
      topic,
      from: { kind: "edge" },
      to: { kind: "edge" },
      strict: true,
      format: createFormat("ndjson"),
      filter: { personIds: [], types: [] },
    } as const;
    await replay(log, options, async (text) => void lines.push(text));
    return lines
      .join("")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { person_id: string });
  } finally {
    await log.close();
  }
}

function checkIn(personId: string) {
  return create(CheckInSchema, { personId, latitude: 40.4, longitude: -3.7, occurredAt: timestampFromDate(new Date()) });
}

const secretsDir = mkdtempSync(join(tmpdir(), "kafka-secrets-"));
afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));
function secretFile(text: string): string {
  const path = join(secretsDir, `secret-${Date.now()}`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function nonEmpty<T>(rows: T[]): T[] {
  if (rows.length === 0) throw new Error("nothing yet");
  return rows;
}

function fail(reason: string): never {
  throw new Error(reason);
}
