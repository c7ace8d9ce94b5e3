import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

const required = {
  DATABASE_URL: "postgres://u@127.0.0.1:5432/db",
  KAFKA_BROKERS: "127.0.0.1:19092,kafka-1:9092",
  UDACONNECT_MASTER_KEYS_FILE: "/keys/master-keys.json",
};

describe("loadConfig", () => {
  it("fills the defaults around the required variables", () => {
    expect(loadConfig(required)).toEqual({
      databaseUrl: "postgres://u@127.0.0.1:5432/db",
      kafkaBrokers: "127.0.0.1:19092,kafka-1:9092",
      kafkaConnection: { securityProtocol: "PLAINTEXT" },
      createTopics: true,
      topicNamespace: "",
      groupId: "udaconnect-projector",
      sessionTimeoutMs: 30_000,
      host: "127.0.0.1",
      port: 9465,
      logLevel: "info",
      masterKeysFile: "/keys/master-keys.json",
      locationRetention: { text: "forever", ms: undefined },
    });
  });

  it("reads every optional variable", () => {
    const config = loadConfig({
      ...required,
      TOPIC_NAMESPACE: "test-1",
      PROJECTOR_GROUP_ID: "g",
      PROJECTOR_SESSION_TIMEOUT_MS: "6000",
      PROJECTOR_HOST: "0.0.0.0",
      PROJECTOR_PORT: "0",
      LOG_LEVEL: "debug",
      PROJECTOR_CREATE_TOPICS: "false",
      KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
      KAFKA_SASL_MECHANISM: "scram-sha-256",
      KAFKA_SASL_USERNAME: "projector",
      KAFKA_SASL_PASSWORD: "pw",
    });

    expect(config).toMatchObject({
      topicNamespace: "test-1",
      groupId: "g",
      sessionTimeoutMs: 6000,
      host: "0.0.0.0",
      port: 0,
      logLevel: "debug",
      createTopics: false,
    });
    expect(config.kafkaConnection).toMatchObject({ securityProtocol: "SASL_PLAINTEXT", sasl: { mechanism: "scram-sha-256", username: "projector" } });
    expect(config.kafkaConnection.sasl?.password.reveal()).toBe("pw");
  });

  it("fails listing every problem at once", () => {
    expect(() =>
      loadConfig({
        KAFKA_BROKERS: "no-port",
        PROJECTOR_PORT: "70000",
        LOG_LEVEL: "loud",
        TOPIC_NAMESPACE: "a b",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        PROJECTOR_CREATE_TOPICS: "yes",
      }),
    ).toThrow(
      [
        "projector configuration is invalid:",
        "- DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)",
        '- KAFKA_BROKERS must be host:port entries separated by commas, got "no-port"',
        "- KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL (with Strimzi: the KafkaUser's name)",
        '- KAFKA_SASL_PASSWORD_FILE is required with SASL (with Strimzi: the KafkaUser Secret\'s "password" key mounted as a file), or KAFKA_SASL_PASSWORD',
        '- PROJECTOR_CREATE_TOPICS must be "true" or "false", got "yes"',
        '- TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "a b"',
        '- PROJECTOR_PORT must be an integer from 0 to 65535, got "70000"',
        '- LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      ].join("\n"),
    );
  });

  it("refuses a misspelt PROJECTOR_ variable rather than running on the default", () => {
    expect(() => loadConfig({ ...required, PROJECTOR_GROUPID: "g" })).toThrow(
      "projector configuration is invalid:\n- PROJECTOR_GROUPID is set, but the projector reads no such variable (did you mean PROJECTOR_GROUP_ID?)",
    );
  });
});
