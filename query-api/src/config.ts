import {
  composite,
  failOnProblems,
  integer,
  optionalVariable,
  readSettings,
  text,
  topicNamespace,
  variable,
  type Env,
  type Parser,
  type Schema,
  type Settings,
} from "@udaconnect/config";
import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { READ_MODELS_DATABASE_URL } from "@udaconnect/migrations";
import { logLevelFrom, type LogLevel } from "@udaconnect/observability";
import type { LegacyApiAuth } from "./http/access";

export type { LogLevel } from "@udaconnect/observability";

export interface QueryApiConfig {
  readonly databaseUrl: string;
  readonly host: string;
  /** 0 asks the operating system for a free port. */
  readonly port: number;
  readonly logLevel: LogLevel;
  /** Path of the JWKS file whose keys sign bearer tokens; undefined when auth is disabled. */
  readonly authJwksFile?: string;
  readonly authDisabled: boolean;
  readonly consistencyWaitMs: number;
  /** Undefined: end offsets unknown, readiness ignores projection lag. */
  readonly kafkaBrokers?: readonly string[];
  /** TLS / SASL towards the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*). */
  readonly kafkaConnection: KafkaConnection;
  readonly topicNamespace: string;
  readonly readyMaxLag: number;
  readonly corsOrigins: readonly string[];
  /** 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  readonly requestTimeoutMs: number;
  /** At most the request timeout. */
  readonly headersTimeoutMs: number;
  readonly legacyApiAuth: LegacyApiAuth;
  /** Undefined: POST /api/persons and /api/locations answer 501. */
  readonly ingestUrl?: string;
  readonly ingestTokenFile?: string;
}

/** Exactly one of AUTH_JWKS_FILE and AUTH_DISABLED=true: running without auth must be a decision, not an omission. */
const auth = composite({
  names: ["AUTH_JWKS_FILE", "AUTH_DISABLED"],
  description: "the key set that verifies bearer tokens, or AUTH_DISABLED=true (local experiments only); no default",
  read: (env, problems) => {
    const authJwksFile = env.AUTH_JWKS_FILE || undefined;
    const authDisabled = env.AUTH_DISABLED === "true";
    if (env.AUTH_DISABLED !== undefined && !["true", "false", ""].includes(env.AUTH_DISABLED)) {
      problems.push(`AUTH_DISABLED must be "true" or "false", got "${env.AUTH_DISABLED}"`);
    }
    if (authJwksFile === undefined && !authDisabled) {
      problems.push("AUTH_JWKS_FILE is not set: give the key set that verifies bearer tokens, or AUTH_DISABLED=true for local experiments");
    }
    if (authJwksFile !== undefined && authDisabled) {
      problems.push("AUTH_JWKS_FILE and AUTH_DISABLED=true contradict each other: set one");
    }
    return { authJwksFile, authDisabled };
  },
});

/** Undefined for a list of blanks: the same as unset. */
const brokerList: Parser<readonly string[] | undefined> = (value, name) => {
  const brokers = value
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
  if (brokers.some((b) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(b))) {
    return { problem: `${name} must be host:port[,host:port…], got "${value}"` };
  }
  return { value: brokers.length === 0 ? undefined : brokers };
};

const originList: Parser<readonly string[]> = (value, name) => {
  const origins = value
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  return origins.some((o) => o !== "*" && !/^https?:\/\/[^/\s]+$/.test(o))
    ? { problem: `${name} must be * or origins like http://localhost:3000, comma-separated, got "${value}"` }
    : { value: origins };
};

const legacyApiAuth: Parser<LegacyApiAuth> = (value, name) =>
  value === "bearer" || value === "open"
    ? { value }
    : { problem: `${name} must be "bearer" (the original's /api routes need the same tokens as /v1) or "open", got "${value}"` };

const ingestUrl: Parser<string> = (value, name) =>
  /^https?:\/\/[^/\s]+\/?$/.test(value) ? { value } : { problem: `${name} must be the ingest gateway's base URL like http://127.0.0.1:50051, got "${value}"` };

/** QUERY_HEADERS_TIMEOUT_MS when unset, unless the request timeout is shorter. */
const HEADERS_TIMEOUT_MS = 10_000;

/** Every variable query-api reads, in the order its problems are listed; rules across variables follow in loadConfig. */
export const QUERY_API_SCHEMA = {
  service: "query-api",
  ownPrefixes: ["QUERY_"],
  settings: {
    databaseUrl: READ_MODELS_DATABASE_URL,
    host: variable({ name: "QUERY_API_HOST", default: "127.0.0.1", parse: text, description: "interface to listen on; 0.0.0.0 in a container" }),
    port: variable({
      name: "QUERY_API_PORT",
      default: 8080,
      parse: integer({ min: 0, max: 65_535 }),
      description: "port to listen on; 0 asks the OS for a free one",
    }),
    logLevel: composite({ names: ["LOG_LEVEL"], description: "how much query-api logs", read: logLevelFrom }),
    auth,
    kafkaBrokers: optionalVariable({
      name: "KAFKA_BROKERS",
      parse: brokerList,
      description: "brokers whose end offsets give the projection lag; unset: lag unknown",
    }),
    kafkaConnection: composite({
      names: [],
      description: "TLS / SASL towards the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*)",
      read: parseKafkaConnection,
    }),
    topicNamespace: variable({
      name: "TOPIC_NAMESPACE",
      default: "",
      parse: topicNamespace,
      description: "namespace of the projected topics, as the projector's",
    }),
    consistencyWaitMs: variable({
      name: "QUERY_CONSISTENCY_WAIT_MS",
      default: 5_000,
      parse: integer({ min: 0, max: 60_000 }),
      description: "how long a read with consistent_with waits for the projection",
    }),
    readyMaxLag: variable({
      name: "QUERY_READY_MAX_LAG",
      default: 10_000,
      parse: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      description: "/readyz fails when more records than this wait to be projected",
    }),
    rateLimitPerMinute: variable({
      name: "QUERY_RATE_LIMIT_PER_MINUTE",
      default: 600,
      parse: integer({ min: 0, max: 1_000_000 }),
      description: "requests per client and minute; 0 turns the limit off",
    }),
    requestTimeoutMs: variable({
      name: "QUERY_REQUEST_TIMEOUT_MS",
      default: 30_000,
      parse: integer({ min: 100, max: 600_000 }),
      description: "a request (headers and body) must arrive in full within this time, else 408 and the connection closes",
    }),
    headersTimeoutMs: optionalVariable({
      name: "QUERY_HEADERS_TIMEOUT_MS",
      parse: integer({ min: 100, max: 600_000 }),
      description: `the same for the request line and headers alone; default ${HEADERS_TIMEOUT_MS}, at most the request timeout`,
    }),
    corsOrigins: variable({ name: "CORS_ORIGINS", default: [], parse: originList, description: "origins allowed by CORS, comma-separated, or *" }),
    legacyApiAuth: variable({
      name: "LEGACY_API_AUTH",
      default: "bearer",
      parse: legacyApiAuth,
      description: '"bearer" (the same tokens as /v1) or "open" (the original\'s routes need no token)',
    }),
    ingestUrl: optionalVariable({
      name: "QUERY_API_INGEST_URL",
      parse: ingestUrl,
      description: "the ingest gateway that takes POST /api/persons and /api/locations; unset: they answer 501",
    }),
    ingestTokenFile: optionalVariable({
      name: "QUERY_API_INGEST_TOKEN_FILE",
      parse: text,
      description: "query-api's own token for ingest, used for callers without one on open routes",
    }),
  },
} satisfies Schema<Settings>;

/** The only reader of process.env: validates every variable and fails listing all problems at once. */
export function loadConfig(env: Env = process.env): QueryApiConfig {
  const { values, problems } = readSettings(env, QUERY_API_SCHEMA);
  const { auth: authSettings, headersTimeoutMs: headersTimeout, ...settings } = values;
  const headersTimeoutMs = headersTimeout ?? Math.min(HEADERS_TIMEOUT_MS, settings.requestTimeoutMs);
  if (headersTimeoutMs > settings.requestTimeoutMs) {
    problems.push(`QUERY_HEADERS_TIMEOUT_MS must be an integer from 100 to ${settings.requestTimeoutMs}, got "${headersTimeoutMs}"`);
  }
  if (settings.ingestTokenFile !== undefined && settings.ingestUrl === undefined) {
    problems.push("QUERY_API_INGEST_TOKEN_FILE is set but QUERY_API_INGEST_URL is not: give the ingest gateway's URL too, or drop the token file");
  }
  if (settings.legacyApiAuth === "open" && settings.ingestUrl !== undefined && settings.ingestTokenFile === undefined && !authSettings.authDisabled) {
    problems.push(
      "LEGACY_API_AUTH=open with QUERY_API_INGEST_URL needs QUERY_API_INGEST_TOKEN_FILE (a token ingest accepts, e.g. an operator's " +
        "from scripts/mint-token), which writes without a caller's token use; or leave QUERY_API_INGEST_URL unset to keep writes off",
    );
  }
  failOnProblems("query-api configuration is invalid:", problems);
  return Object.freeze({ ...settings, ...authSettings, headersTimeoutMs });
}
