import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

const DEFAULT_LIMITS = {
  maxCheckInAgeMs: 30 * 86_400_000,
  maxStreamMs: 3_600_000,
  inFlightBatches: 256,
  inFlightBatchesPerStream: 4,
  recentEventIds: 100_000,
  kafkaProducers: 1,
  kafkaThread: "main",
  maxConcurrentStreams: 100,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  locationRetention: { text: "forever", ms: undefined },
  logLevel: "info",
};

const KEY_STORE = { KEYSTORE_DATABASE_URL: "postgres://keystore@127.0.0.1:5432/udaconnect", UDACONNECT_MASTER_KEYS_FILE: "/keys/master-keys.json" };
const keyStore = { databaseUrl: KEY_STORE.KEYSTORE_DATABASE_URL, masterKeysFile: KEY_STORE.UDACONNECT_MASTER_KEYS_FILE };

describe("loadConfig", () => {
  it("needs KAFKA_BROKERS and an auth choice, and defaults the rest", () => {
    expect(loadConfig({ KAFKA_BROKERS: "127.0.0.1:19092", AUTH_JWKS_FILE: "/keys/jwks.json", ...KEY_STORE })).toEqual({
      host: "127.0.0.1",
      port: 50051,
      kafkaBrokers: "127.0.0.1:19092",
      topicNamespace: "",
      kafkaClientId: "udaconnect-ingest",
      kafkaConnection: { securityProtocol: "PLAINTEXT" },
      createTopics: true,
      auth: { jwksFile: "/keys/jwks.json" },
      ...DEFAULT_LIMITS,
      keyStore,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      INGEST_HOST: "0.0.0.0",
      INGEST_PORT: "8080",
      KAFKA_BROKERS: "kafka-0:9092, kafka-1:9092",
      TOPIC_NAMESPACE: "staging",
      KAFKA_CLIENT_ID: "ingest-7",
      AUTH_DISABLED: "true",
      INGEST_MAX_CHECK_IN_AGE: "12h",
      INGEST_MAX_STREAM_SECONDS: "60",
      INGEST_IN_FLIGHT_BATCHES: "32",
      INGEST_IN_FLIGHT_BATCHES_PER_STREAM: "2",
      INGEST_RECENT_EVENT_IDS: "1000",
      INGEST_KAFKA_PRODUCERS: "2",
      INGEST_KAFKA_THREAD: "worker",
      INGEST_MAX_CONCURRENT_STREAMS: "10",
      INGEST_REQUEST_TIMEOUT_SECONDS: "5",
      INGEST_IDLE_TIMEOUT_SECONDS: "30",
      INGEST_CREATE_TOPICS: "false",
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_USERNAME: "ingest",
      KAFKA_SASL_PASSWORD: "from-the-secret",
      LOCATION_RETENTION: "90d",
      LOG_LEVEL: "debug",
      ...KEY_STORE,
    });

    expect(config.kafkaConnection.sasl?.password.reveal()).toBe("from-the-secret");
    expect(config).toEqual({
      host: "0.0.0.0",
      port: 8080,
      kafkaBrokers: "kafka-0:9092,kafka-1:9092",
      topicNamespace: "staging",
      kafkaClientId: "ingest-7",
      kafkaConnection: { securityProtocol: "SASL_SSL", tls: {}, sasl: { mechanism: "scram-sha-512", username: "ingest", password: expect.anything() } },
      createTopics: false,
      auth: "disabled",
      maxCheckInAgeMs: 12 * 3_600_000,
      maxStreamMs: 60_000,
      inFlightBatches: 32,
      inFlightBatchesPerStream: 2,
      recentEventIds: 1000,
      kafkaProducers: 2,
      kafkaThread: "worker",
      maxConcurrentStreams: 10,
      requestTimeoutMs: 5_000,
      idleTimeoutMs: 30_000,
      locationRetention: { text: "90d", ms: 90 * 86_400_000 },
      logLevel: "debug",
      keyStore,
    });
  });

  it("lists every problem in one error", () => {
    expect(() =>
      loadConfig({ INGEST_PORT: "http", TOPIC_NAMESPACE: "a b", INGEST_HOST: " ", INGEST_MAX_CHECK_IN_AGE: "30 days", INGEST_IN_FLIGHT_BATCHES: "0" }),
    ).toThrow(
      [
        "Invalid ingest configuration:",
        '- INGEST_HOST must not be empty (unset it to use "127.0.0.1")',
        '- INGEST_PORT must be a TCP port 1..65535, got "http"',
        '- KAFKA_BROKERS is required, e.g. "127.0.0.1:19092" or "kafka-0:9092,kafka-1:9092"',
        '- TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "a b"',
        "- AUTH_JWKS_FILE is required: the JWKS file whose keys verify bearer tokens; AUTH_DISABLED=true turns auth off for local experiments",
        '- INGEST_MAX_CHECK_IN_AGE must be a positive duration like "30d", "12h", "90m" or "3600s", got "30 days"',
        '- INGEST_IN_FLIGHT_BATCHES must be a positive integer, got "0"',
      ].join("\n"),
    );
  });

  it("lists the Kafka security problems with the others, and a topic flag that is not a boolean", () => {
    expect(() =>
      loadConfig({
        KAFKA_BROKERS: "k:1",
        AUTH_DISABLED: "true",
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        INGEST_CREATE_TOPICS: "no",
        INGEST_KAFKA_THREAD: "both",
      }),
    ).toThrow(
      [
        "Invalid ingest configuration:",
        "- KAFKA_SASL_MECHANISM only apply with KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT (it is PLAINTEXT): set the protocol, or unset them",
        '- INGEST_CREATE_TOPICS must be "true" or "false", got "no"',
        '- INGEST_KAFKA_THREAD must be one of main, worker, got "both"',
      ].join("\n"),
    );
  });

  it("refuses both auth settings at once, and an AUTH_DISABLED that is not a boolean", () => {
    expect(() => loadConfig({ KAFKA_BROKERS: "k:1", AUTH_DISABLED: "true", AUTH_JWKS_FILE: "/k" })).toThrow(
      "set either AUTH_JWKS_FILE or AUTH_DISABLED=true, not both",
    );
    expect(() => loadConfig({ KAFKA_BROKERS: "k:1", AUTH_DISABLED: "yes" })).toThrow('AUTH_DISABLED must be "true" or "false", got "yes"');
  });

  it.each(["kafka", "kafka:", "kafka:9092,", "kafka:9092;other:9092"])("refuses the broker list %j", (brokers) => {
    expect(() => loadConfig({ KAFKA_BROKERS: brokers, AUTH_DISABLED: "true" })).toThrow(
      `KAFKA_BROKERS must be host:port entries separated by commas, got "${brokers}"`,
    );
  });

  it("refuses a misspelt INGEST_ variable and INGEST_KAFKA_CLIENT (no longer read: one Kafka client) with the other problems, and leaves the scripts' INGEST_URL alone", () => {
    expect(() =>
      loadConfig({
        KAFKA_BROKERS: "k:1",
        AUTH_DISABLED: "true",
        ...KEY_STORE,
        INGEST_PORTT: "8080",
        INGEST_KAFKA_CLIENT: "kafkajs",
        INGEST_URL: "http://127.0.0.1:50051",
      }),
    ).toThrow(
      [
        "Invalid ingest configuration:",
        "- INGEST_KAFKA_CLIENT is set, but ingest reads no such variable (the INGEST_ variables are INGEST_HOST, INGEST_PORT, INGEST_CREATE_TOPICS, " +
          "INGEST_MAX_CHECK_IN_AGE, INGEST_MAX_STREAM_SECONDS, INGEST_IN_FLIGHT_BATCHES, INGEST_IN_FLIGHT_BATCHES_PER_STREAM, INGEST_RECENT_EVENT_IDS, " +
          "INGEST_KAFKA_PRODUCERS, INGEST_KAFKA_THREAD, INGEST_MAX_CONCURRENT_STREAMS, INGEST_REQUEST_TIMEOUT_SECONDS, INGEST_IDLE_TIMEOUT_SECONDS, INGEST_URL)",
        "- INGEST_PORTT is set, but ingest reads no such variable (did you mean INGEST_PORT?)",
      ].join("\n"),
    );
  });

  it("refuses port 0 and ports above 65535", () => {
    const base = { KAFKA_BROKERS: "k:1", AUTH_DISABLED: "true" };
    expect(() => loadConfig({ ...base, INGEST_PORT: "0" })).toThrow('INGEST_PORT must be a TCP port 1..65535, got "0"');
    expect(() => loadConfig({ ...base, INGEST_PORT: "65536" })).toThrow('got "65536"');
  });
});
