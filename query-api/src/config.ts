import {
  AUTH,
  failOnProblems,
  integer,
  KAFKA_BROKERS,
  optionalVariable,
  readSettings,
  text,
  TOPIC_NAMESPACE,
  variable,
  type AuthSource,
  type Env,
  type Parser,
  type Schema,
  type Settings,
} from "@udaconnect/config";
import { KAFKA_CONNECTION, type KafkaConnection } from "@udaconnect/kafka-connection";
import { READ_MODELS_DATABASE_URL } from "@udaconnect/migrations";
import { LOG_LEVEL, type LogLevel } from "@udaconnect/observability";
import type { LegacyApiAuth } from "./http/access";

export type { LogLevel } from "@udaconnect/observability";

export interface QueryApiConfig {
  readonly databaseUrl: string;
  readonly host: string;
  /** 0 asks the operating system for a free port. */
  readonly port: number;
  readonly logLevel: LogLevel;
  /** The JWKS file whose keys verify bearer tokens, or "disabled" (AUTH_DISABLED=true, local experiments only). */
  readonly auth: AuthSource;
  readonly consistencyWaitMs: number;
  /** Comma-separated host:port list; undefined: end offsets unknown, readiness ignores projection lag. */
  readonly kafkaBrokers?: string;
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
    logLevel: LOG_LEVEL,
    auth: AUTH,
    // Unset: the projection lag is unknown (/readyz ignores it).
    kafkaBrokers: optionalVariable(KAFKA_BROKERS),
    kafkaConnection: KAFKA_CONNECTION,
    // The projector's namespace: the topics whose end offsets give the lag.
    topicNamespace: TOPIC_NAMESPACE,
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
  const { headersTimeoutMs: headersTimeout, ...settings } = values;
  const headersTimeoutMs = headersTimeout ?? Math.min(HEADERS_TIMEOUT_MS, settings.requestTimeoutMs);
  if (headersTimeoutMs > settings.requestTimeoutMs) {
    problems.push(`QUERY_HEADERS_TIMEOUT_MS must be an integer from 100 to ${settings.requestTimeoutMs}, got "${headersTimeoutMs}"`);
  }
  if (settings.ingestTokenFile !== undefined && settings.ingestUrl === undefined) {
    problems.push("QUERY_API_INGEST_TOKEN_FILE is set but QUERY_API_INGEST_URL is not: give the ingest gateway's URL too, or drop the token file");
  }
  if (settings.legacyApiAuth === "open" && settings.ingestUrl !== undefined && settings.ingestTokenFile === undefined && settings.auth !== "disabled") {
    problems.push(
      "LEGACY_API_AUTH=open with QUERY_API_INGEST_URL needs QUERY_API_INGEST_TOKEN_FILE (a token ingest accepts, e.g. an operator's " +
        "from scripts/mint-token), which writes without a caller's token use; or leave QUERY_API_INGEST_URL unset to keep writes off",
    );
  }
  failOnProblems("query-api configuration is invalid:", problems);
  return Object.freeze({ ...settings, headersTimeoutMs });
}
