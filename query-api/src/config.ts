import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
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
  /** QUERY_REQUEST_TIMEOUT_MS: a request (headers and body) must arrive in full within this time, else 408 and the connection closes. */
  readonly requestTimeoutMs: number;
  /** QUERY_HEADERS_TIMEOUT_MS: the same for the request line and headers alone (at most the request timeout). */
  readonly headersTimeoutMs: number;
  /** LEGACY_API_AUTH: "bearer" (default, the same tokens as /v1) or "open" (the original's routes need no token). */
  readonly legacyApiAuth: LegacyApiAuth;
  /** QUERY_API_INGEST_URL: the ingest gateway that takes POST /api/persons and /api/locations; undefined: they answer 501. */
  readonly ingestUrl?: string;
  /** QUERY_API_INGEST_TOKEN_FILE: query-api's own token for ingest, used for callers without one on open routes. */
  readonly ingestTokenFile?: string;
}

/** The only reader of process.env: validates every variable and fails listing all problems at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryApiConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL ?? "";
  if (databaseUrl === "") {
    problems.push("DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)");
  } else if (!isPostgresUrl(databaseUrl)) {
    problems.push("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }
  const host = env.QUERY_API_HOST || "127.0.0.1";
  const port = integer(env, "QUERY_API_PORT", 8080, 0, 65_535, problems);
  const logLevel = logLevelFrom(env, problems);
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
  const brokers = (env.KAFKA_BROKERS ?? "").split(",").map((b) => b.trim()).filter((b) => b !== "");
  if (brokers.some((b) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(b))) {
    problems.push(`KAFKA_BROKERS must be host:port[,host:port…], got "${env.KAFKA_BROKERS}"`);
  }
  const kafkaConnection = parseKafkaConnection(env, problems);
  const topicNamespace = env.TOPIC_NAMESPACE ?? "";
  if (!/^[A-Za-z0-9._-]*$/.test(topicNamespace)) {
    problems.push(`TOPIC_NAMESPACE may hold only [A-Za-z0-9._-], got "${topicNamespace}"`);
  }
  const consistencyWaitMs = integer(env, "QUERY_CONSISTENCY_WAIT_MS", 5_000, 0, 60_000, problems);
  const readyMaxLag = integer(env, "QUERY_READY_MAX_LAG", 10_000, 0, Number.MAX_SAFE_INTEGER, problems);
  const rateLimitPerMinute = integer(env, "QUERY_RATE_LIMIT_PER_MINUTE", 600, 0, 1_000_000, problems);
  const requestTimeoutMs = integer(env, "QUERY_REQUEST_TIMEOUT_MS", 30_000, 100, 600_000, problems);
  const headersTimeoutMs = integer(env, "QUERY_HEADERS_TIMEOUT_MS", Math.min(10_000, requestTimeoutMs), 100, requestTimeoutMs, problems);
  const corsOrigins = (env.CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (corsOrigins.some((o) => o !== "*" && !/^https?:\/\/[^/\s]+$/.test(o))) {
    problems.push(`CORS_ORIGINS must be * or origins like http://localhost:3000, comma-separated, got "${env.CORS_ORIGINS}"`);
  }
  const legacyApiAuth = env.LEGACY_API_AUTH || "bearer";
  if (!isLegacyApiAuth(legacyApiAuth)) {
    problems.push(`LEGACY_API_AUTH must be "bearer" (the original's /api routes need the same tokens as /v1) or "open", got "${legacyApiAuth}"`);
  }
  const ingestUrl = env.QUERY_API_INGEST_URL || undefined;
  if (ingestUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(ingestUrl)) {
    problems.push(`QUERY_API_INGEST_URL must be the ingest gateway's base URL like http://127.0.0.1:50051, got "${ingestUrl}"`);
  }
  const ingestTokenFile = env.QUERY_API_INGEST_TOKEN_FILE || undefined;
  if (ingestTokenFile !== undefined && ingestUrl === undefined) {
    problems.push("QUERY_API_INGEST_TOKEN_FILE is set but QUERY_API_INGEST_URL is not: give the ingest gateway's URL too, or drop the token file");
  }
  if (legacyApiAuth === "open" && ingestUrl !== undefined && ingestTokenFile === undefined && !authDisabled) {
    problems.push(
      "LEGACY_API_AUTH=open with QUERY_API_INGEST_URL needs QUERY_API_INGEST_TOKEN_FILE (a token ingest accepts, e.g. an operator's " +
        "from scripts/mint-token), which writes without a caller's token use; or leave QUERY_API_INGEST_URL unset to keep writes off",
    );
  }
  if (problems.length > 0 || !isLegacyApiAuth(legacyApiAuth)) {
    throw new Error(`query-api configuration is invalid:\n- ${problems.join("\n- ")}`);
  }
  return Object.freeze({
    databaseUrl,
    host,
    port,
    logLevel,
    authJwksFile,
    authDisabled,
    consistencyWaitMs,
    kafkaBrokers: brokers.length === 0 ? undefined : brokers,
    kafkaConnection,
    topicNamespace,
    readyMaxLag,
    corsOrigins,
    rateLimitPerMinute,
    requestTimeoutMs,
    headersTimeoutMs,
    legacyApiAuth,
    ingestUrl,
    ingestTokenFile,
  });
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const text = env[name] || String(fallback);
  const value = Number(text);
  if (!/^\d{1,16}$/.test(text) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function isPostgresUrl(value: string): boolean {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isLegacyApiAuth(value: string): value is LegacyApiAuth {
  return value === "bearer" || value === "open";
}
