import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

const DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  logLevel: "info",
  auth: "disabled",
  consistencyWaitMs: 5_000,
  kafkaBrokers: undefined,
  kafkaConnection: { securityProtocol: "PLAINTEXT" },
  topicNamespace: "",
  readyMaxLag: 10_000,
  corsOrigins: [],
  rateLimitPerMinute: 600,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  legacyApiAuth: "bearer",
  ingestUrl: undefined,
  ingestTokenFile: undefined,
};

describe("loadConfig", () => {
  it("applies the defaults around a DATABASE_URL and AUTH_DISABLED", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://udaconnect@127.0.0.1:54329/udaconnect", AUTH_DISABLED: "true" })).toEqual({
      databaseUrl: "postgres://udaconnect@127.0.0.1:54329/udaconnect",
      ...DEFAULTS,
    });
  });

  it("reads every variable", () => {
    const env = {
      DATABASE_URL: "postgresql://db/rm",
      QUERY_API_HOST: "0.0.0.0",
      QUERY_API_PORT: "0",
      LOG_LEVEL: "warn",
      AUTH_JWKS_FILE: "/etc/udaconnect/jwks.json",
      QUERY_CONSISTENCY_WAIT_MS: "2500",
      KAFKA_BROKERS: "k1:9092, k2:9092",
      KAFKA_SECURITY_PROTOCOL: "SSL",
      TOPIC_NAMESPACE: "staging",
      QUERY_READY_MAX_LAG: "500",
      CORS_ORIGINS: "http://localhost:3000,https://app.udaconnect.dev",
      QUERY_RATE_LIMIT_PER_MINUTE: "0",
      LEGACY_API_AUTH: "open",
      QUERY_API_INGEST_URL: "http://ingest:50051",
      QUERY_API_INGEST_TOKEN_FILE: "/var/run/secrets/udaconnect/ingest-token",
    };

    expect(loadConfig(env)).toEqual({
      databaseUrl: "postgresql://db/rm",
      host: "0.0.0.0",
      port: 0,
      logLevel: "warn",
      auth: { jwksFile: "/etc/udaconnect/jwks.json" },
      consistencyWaitMs: 2500,
      kafkaBrokers: "k1:9092,k2:9092",
      kafkaConnection: { securityProtocol: "SSL", tls: {} },
      topicNamespace: "staging",
      readyMaxLag: 500,
      corsOrigins: ["http://localhost:3000", "https://app.udaconnect.dev"],
      rateLimitPerMinute: 0,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      legacyApiAuth: "open",
      ingestUrl: "http://ingest:50051",
      ingestTokenFile: "/var/run/secrets/udaconnect/ingest-token",
    });
  });

  it("fails listing every problem at once", () => {
    expect(() => loadConfig({ QUERY_API_PORT: "80a", LOG_LEVEL: "loud" })).toThrow(
      "query-api configuration is invalid:\n" +
        "- DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)\n" +
        '- QUERY_API_PORT must be an integer from 0 to 65535, got "80a"\n' +
        '- LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"\n' +
        "- AUTH_JWKS_FILE is required: the JWKS file whose keys verify bearer tokens; AUTH_DISABLED=true turns auth off for local experiments",
    );
  });

  it("lists several malformed variables with a misspelt QUERY_ one in one error", () => {
    expect(() =>
      loadConfig({
        DATABASE_URL: "postgres://db/rm",
        AUTH_DISABLED: "true",
        QUERY_RATE_LIMIT_PER_MINUTE: "lots",
        CORS_ORIGINS: "localhost",
        QUERY_API_PROT: "80",
      }),
    ).toThrow(
      "query-api configuration is invalid:\n" +
        '- QUERY_RATE_LIMIT_PER_MINUTE must be an integer from 0 to 1000000, got "lots"\n' +
        '- CORS_ORIGINS must be * or origins like http://localhost:3000, comma-separated, got "localhost"\n' +
        "- QUERY_API_PROT is set, but query-api reads no such variable (did you mean QUERY_API_PORT?)",
    );
  });

  it.each([
    [{ DATABASE_URL: "mysql://db/rm" }, "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    [{ DATABASE_URL: "postgres://db/rm", QUERY_API_PORT: "65536" }, 'QUERY_API_PORT must be an integer from 0 to 65535, got "65536"'],
    [{ DATABASE_URL: "postgres://db/rm", QUERY_API_PORT: "-1" }, 'QUERY_API_PORT must be an integer from 0 to 65535, got "-1"'],
    [{ DATABASE_URL: "postgres://db/rm", AUTH_JWKS_FILE: "/k.json", AUTH_DISABLED: "true" }, "set either AUTH_JWKS_FILE or AUTH_DISABLED=true, not both"],
    [{ DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "yes" }, 'AUTH_DISABLED must be "true" or "false", got "yes"'],
    [{ DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", KAFKA_BROKERS: "k1" }, 'KAFKA_BROKERS must be host:port entries separated by commas, got "k1"'],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", KAFKA_BROKERS: "k1:9093", KAFKA_SASL_PASSWORD: "pw" },
      "KAFKA_SASL_PASSWORD only apply with KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT (it is PLAINTEXT): set the protocol, or unset them",
    ],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", CORS_ORIGINS: "localhost" },
      'CORS_ORIGINS must be * or origins like http://localhost:3000, comma-separated, got "localhost"',
    ],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", QUERY_CONSISTENCY_WAIT_MS: "-5" },
      'QUERY_CONSISTENCY_WAIT_MS must be an integer from 0 to 60000, got "-5"',
    ],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", LEGACY_API_AUTH: "none" },
      'LEGACY_API_AUTH must be "bearer" (the original\'s /api routes need the same tokens as /v1) or "open", got "none"',
    ],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", QUERY_API_INGEST_URL: "ingest:50051" },
      'QUERY_API_INGEST_URL must be the ingest gateway\'s base URL like http://127.0.0.1:50051, got "ingest:50051"',
    ],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_DISABLED: "true", QUERY_API_INGEST_TOKEN_FILE: "/t" },
      "QUERY_API_INGEST_TOKEN_FILE is set but QUERY_API_INGEST_URL is not: give the ingest gateway's URL too, or drop the token file",
    ],
    [
      { DATABASE_URL: "postgres://db/rm", AUTH_JWKS_FILE: "/k.json", LEGACY_API_AUTH: "open", QUERY_API_INGEST_URL: "http://ingest:50051" },
      "LEGACY_API_AUTH=open with QUERY_API_INGEST_URL needs QUERY_API_INGEST_TOKEN_FILE (a token ingest accepts, e.g. an operator's " +
        "from scripts/mint-token), which writes without a caller's token use; or leave QUERY_API_INGEST_URL unset to keep writes off",
    ],
  ])("rejects %j", (env, problem) => {
    expect(() => loadConfig(env)).toThrow(`query-api configuration is invalid:\n- ${problem}`);
  });
});
