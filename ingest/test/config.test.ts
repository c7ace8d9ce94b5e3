import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

describe("loadConfig", () => {
  it("needs only KAFKA_BROKERS and defaults the rest", () => {
    expect(loadConfig({ KAFKA_BROKERS: "127.0.0.1:19092" })).toEqual({
      host: "127.0.0.1",
      port: 50051,
      kafkaBrokers: "127.0.0.1:19092",
      topicNamespace: "",
      kafkaClientId: "udaconnect-ingest",
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      INGEST_HOST: "0.0.0.0",
      INGEST_PORT: "8080",
      KAFKA_BROKERS: "kafka-0:9092, kafka-1:9092",
      TOPIC_NAMESPACE: "staging",
      KAFKA_CLIENT_ID: "ingest-7",
    });

    expect(config).toEqual({
      host: "0.0.0.0",
      port: 8080,
      kafkaBrokers: "kafka-0:9092,kafka-1:9092",
      topicNamespace: "staging",
      kafkaClientId: "ingest-7",
    });
  });

  it("lists every problem in one error", () => {
    expect(() => loadConfig({ INGEST_PORT: "http", TOPIC_NAMESPACE: "a b", INGEST_HOST: " " })).toThrow(
      [
        "Invalid ingest configuration:",
        '- INGEST_HOST must not be empty (unset it to use "127.0.0.1")',
        '- INGEST_PORT must be a TCP port 1..65535, got "http"',
        '- KAFKA_BROKERS is required, e.g. "127.0.0.1:19092" or "kafka-0:9092,kafka-1:9092"',
        '- TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "a b"',
      ].join("\n"),
    );
  });

  it.each(["kafka", "kafka:", "kafka:9092,", "kafka:9092;other:9092"])("refuses the broker list %j", (brokers) => {
    expect(() => loadConfig({ KAFKA_BROKERS: brokers })).toThrow(`KAFKA_BROKERS must be host:port entries separated by commas, got "${brokers}"`);
  });

  it("refuses port 0 and ports above 65535", () => {
    expect(() => loadConfig({ KAFKA_BROKERS: "k:1", INGEST_PORT: "0" })).toThrow('INGEST_PORT must be a TCP port 1..65535, got "0"');
    expect(() => loadConfig({ KAFKA_BROKERS: "k:1", INGEST_PORT: "65536" })).toThrow("got \"65536\"");
  });
});
