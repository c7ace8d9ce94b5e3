import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { ORIGINAL_DATA_DIR } from "./legacy/original-data";

describe("loadConfig of the scripts", () => {
  it("given nothing set, when read, then the local defaults apply and replay opens no key store", () => {
    expect(loadConfig({})).toEqual({
      ingestUrl: "http://127.0.0.1:50051",
      legacyDataDir: ORIGINAL_DATA_DIR,
      legacyDatabaseUrl: undefined,
      token: undefined,
      kafkaBrokers: "127.0.0.1:19092",
      topicNamespace: "",
    });
  });

  it("given DATABASE_URL without UDACONNECT_MASTER_KEYS_FILE, when read, then there is still no key store; given both, there is", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://db" }).keyStore).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: "postgres://db", UDACONNECT_MASTER_KEYS_FILE: "/k.json" }).keyStore).toEqual({
      databaseUrl: "postgres://db",
      masterKeysFile: "/k.json",
    });
  });

  it("given a malformed TOPIC_NAMESPACE, when read, then it is refused naming it; other services' variables pass", () => {
    expect(() => loadConfig({ TOPIC_NAMESPACE: "a b", INGEST_PORTT: "1" })).toThrow(
      'scripts configuration is invalid:\n- TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "a b"',
    );
    expect(loadConfig({ INGEST_PORTT: "1", QUERY_API_PORT: "8080" }).ingestUrl).toBe("http://127.0.0.1:50051");
  });
});
