import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { logLevelFrom, type LogLevel } from "@udaconnect/observability";
import { locationRetentionFrom, type Retention } from "@udaconnect/schemas";
import { KAFKA_CLIENTS, type KafkaClientName } from "./kafka/record-producer";

/** Settings of the ingest gateway, read once from the environment at start. */
export interface IngestConfig {
  /** Interface to listen on; 0.0.0.0 in a container. */
  readonly host: string;
  /** One TCP port for HTTP/2 cleartext (gRPC, Connect, gRPC-Web) and HTTP/1.1 (Connect unary, gRPC-Web, probes). */
  readonly port: number;
  /** Comma-separated bootstrap brokers, e.g. "127.0.0.1:19092". */
  readonly kafkaBrokers: string;
  /** Prefix of every topic name; "" in production (see topicName in @udaconnect/schemas). */
  readonly topicNamespace: string;
  readonly kafkaClientId: string;
  /** TLS / SASL towards the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*). */
  readonly kafkaConnection: KafkaConnection;
  /** INGEST_CREATE_TOPICS: create missing topics at start (true), or only check them (false: Strimzi's KafkaTopics own them). */
  readonly createTopics: boolean;
  /** Where tokens' public keys come from: a JWKS file, or "disabled" (AUTH_DISABLED=true, local experiments only). */
  readonly auth: { readonly jwksFile: string } | "disabled";
  /** LOCATION_RETENTION: how long the locations topic keeps check-ins (its retention.ms). */
  readonly locationRetention: Retention;
  readonly maxCheckInAgeMs: number;
  readonly maxStreamMs: number;
  readonly inFlightBatches: number;
  readonly inFlightBatchesPerStream: number;
  readonly recentEventIds: number;
  readonly kafkaProducers: number;
  /** INGEST_KAFKA_CLIENT: the client that produces, kafkajs (default) or platformatic (docs/decisions/0009-kafka-client.md). */
  readonly kafkaClient: KafkaClientName;
  /** INGEST_MAX_CONCURRENT_STREAMS: open calls per HTTP/2 connection. */
  readonly maxConcurrentStreams: number;
  /** INGEST_REQUEST_TIMEOUT_SECONDS: a call's request must arrive in full within this time (StreamCheckIns aside). */
  readonly requestTimeoutMs: number;
  /** INGEST_IDLE_TIMEOUT_SECONDS: an HTTP/2 connection without traffic this long is closed. */
  readonly idleTimeoutMs: number;
  /** LOG_LEVEL: how much the gateway logs. */
  readonly logLevel: LogLevel;
  /**
   * Crypto-shredding (docs/erasure.md): KEYSTORE_DATABASE_URL (a role with rights
   * on schema keystore only) and UDACONNECT_MASTER_KEYS_FILE. Both required:
   * the gateway never appends personal fields unsealed.
   */
  readonly keyStore: { readonly databaseUrl: string; readonly masterKeysFile: string };
}

/**
 * The only reader of process.env in this package. Throws one error listing
 * every problem, so a misconfigured deployment is fixed in one round.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const problems: string[] = [];
  const host = nonEmpty(env, "INGEST_HOST", "127.0.0.1", problems);
  const port = portNumber(env, "INGEST_PORT", 50051, problems);
  const kafkaBrokers = brokerList(env, problems);
  const topicNamespace = namespace(env, problems);
  const kafkaClientId = nonEmpty(env, "KAFKA_CLIENT_ID", "udaconnect-ingest", problems);
  const kafkaConnection = parseKafkaConnection(env, problems);
  const createTopics = booleanFlag(env, "INGEST_CREATE_TOPICS", true, problems);
  const auth = authSource(env, problems);
  const locationRetention = locationRetentionFrom(env, problems);
  const maxCheckInAgeMs = duration(env, "INGEST_MAX_CHECK_IN_AGE", "30d", problems);
  const maxStreamMs = positiveInteger(env, "INGEST_MAX_STREAM_SECONDS", 3600, problems) * 1000;
  const inFlightBatches = positiveInteger(env, "INGEST_IN_FLIGHT_BATCHES", 256, problems);
  const inFlightBatchesPerStream = positiveInteger(env, "INGEST_IN_FLIGHT_BATCHES_PER_STREAM", 4, problems);
  const recentEventIds = positiveInteger(env, "INGEST_RECENT_EVENT_IDS", 100_000, problems);
  const kafkaProducers = positiveInteger(env, "INGEST_KAFKA_PRODUCERS", 1, problems);
  const kafkaClient = oneOf(env, "INGEST_KAFKA_CLIENT", KAFKA_CLIENTS, "kafkajs", problems);
  const maxConcurrentStreams = positiveInteger(env, "INGEST_MAX_CONCURRENT_STREAMS", 100, problems);
  const requestTimeoutMs = positiveInteger(env, "INGEST_REQUEST_TIMEOUT_SECONDS", 60, problems) * 1000;
  const idleTimeoutMs = positiveInteger(env, "INGEST_IDLE_TIMEOUT_SECONDS", 120, problems) * 1000;
  const logLevel = logLevelFrom(env, problems);
  const keyStore = keyStoreSource(env, problems);
  if (problems.length > 0) {
    throw new Error(`Invalid ingest configuration:\n- ${problems.join("\n- ")}`);
  }
  return Object.freeze({
    host,
    port,
    kafkaBrokers,
    topicNamespace,
    kafkaClientId,
    kafkaConnection,
    createTopics,
    auth,
    locationRetention,
    maxCheckInAgeMs,
    maxStreamMs,
    inFlightBatches,
    inFlightBatchesPerStream,
    recentEventIds,
    kafkaProducers,
    kafkaClient,
    maxConcurrentStreams,
    requestTimeoutMs,
    idleTimeoutMs,
    logLevel,
    keyStore,
  });
}

function keyStoreSource(env: NodeJS.ProcessEnv, problems: string[]): IngestConfig["keyStore"] {
  const databaseUrl = env["KEYSTORE_DATABASE_URL"] ?? "";
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('KEYSTORE_DATABASE_URL is required: a postgres:// URL of the key store (docs/erasure.md), e.g. "postgres://udaconnect_keystore@127.0.0.1:54329/udaconnect"');
  }
  const masterKeysFile = env["UDACONNECT_MASTER_KEYS_FILE"] ?? "";
  if (masterKeysFile === "") {
    problems.push("UDACONNECT_MASTER_KEYS_FILE is required: the master keys file (scripts/rotate-master-key new-file makes one; docs/erasure.md)");
  }
  return { databaseUrl, masterKeysFile };
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): string {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  if (value.trim() === "") {
    problems.push(`${name} must not be empty (unset it to use "${fallback}")`);
  }
  return value.trim();
}

function portNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    problems.push(`${name} must be a TCP port 1..65535, got "${value}"`);
  }
  return port;
}

function brokerList(env: NodeJS.ProcessEnv, problems: string[]): string {
  const value = env["KAFKA_BROKERS"];
  if (value === undefined || value.trim() === "") {
    problems.push('KAFKA_BROKERS is required, e.g. "127.0.0.1:19092" or "kafka-0:9092,kafka-1:9092"');
    return "";
  }
  const invalid = value.split(",").filter((broker) => !/^[^\s:,]+:\d{1,5}$/.test(broker.trim()));
  if (invalid.length > 0) {
    problems.push(`KAFKA_BROKERS must be host:port entries separated by commas, got "${value}"`);
  }
  return value
    .split(",")
    .map((broker) => broker.trim())
    .join(",");
}

function namespace(env: NodeJS.ProcessEnv, problems: string[]): string {
  const value = env["TOPIC_NAMESPACE"] ?? "";
  // Kafka topic names allow [a-zA-Z0-9._-]; the namespace becomes a prefix of one.
  if (value !== "" && !/^[A-Za-z0-9._-]{1,100}$/.test(value)) {
    problems.push(`TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "${value}"`);
  }
  return value;
}

/** Exactly one of AUTH_JWKS_FILE and AUTH_DISABLED=true: running without auth must be a decision, not an omission. */
function authSource(env: NodeJS.ProcessEnv, problems: string[]): IngestConfig["auth"] {
  const file = env["AUTH_JWKS_FILE"]?.trim() ?? "";
  const disabled = env["AUTH_DISABLED"];
  if (disabled !== undefined && disabled !== "true" && disabled !== "false") {
    problems.push(`AUTH_DISABLED must be "true" or "false", got "${disabled}"`);
  }
  if (disabled === "true" && file !== "") {
    problems.push("set either AUTH_JWKS_FILE or AUTH_DISABLED=true, not both");
  }
  if (disabled !== "true" && file === "") {
    problems.push("AUTH_JWKS_FILE (path to a JWKS JSON file) is required; AUTH_DISABLED=true turns auth off for local experiments");
  }
  return disabled === "true" ? "disabled" : { jwksFile: file };
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const value = env[name]?.trim();
  if (value === undefined || value === "") {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    problems.push(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
    return fallback;
  }
  return value as T;
}

function booleanFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean, problems: string[]): boolean {
  const value = env[name]?.trim();
  if (value === undefined || value === "") {
    return fallback;
  }
  if (value !== "true" && value !== "false") {
    problems.push(`${name} must be "true" or "false", got "${value}"`);
  }
  return value === "true";
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30d", "12h", "90m", "3600s". */
function duration(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): number {
  const value = env[name] ?? fallback;
  const match = /^(\d{1,6})([smhd])$/.exec(value.trim());
  if (match === null || Number(match[1]) === 0) {
    problems.push(`${name} must be a positive duration like "30d", "12h", "90m" or "3600s", got "${value}"`);
    return 0;
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  if (!/^\d{1,9}$/.test(value.trim()) || Number(value) === 0) {
    problems.push(`${name} must be a positive integer, got "${value}"`);
  }
  return Number(value);
}
