import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { locationRetentionFrom, type Retention } from "@udaconnect/schemas";
import { logLevelFrom, type LogLevel } from "@udaconnect/observability";

export interface ProjectorConfig {
  readonly databaseUrl: string;
  /** Comma-separated host:port list, as kafkajs takes it after a split. */
  readonly kafkaBrokers: string;
  /** TLS / SASL towards the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*). */
  readonly kafkaConnection: KafkaConnection;
  /** PROJECTOR_CREATE_TOPICS: create the dead-letter topic when missing (true), or require it (false: a Strimzi KafkaTopic). */
  readonly createTopics: boolean;
  /** LOCATION_RETENTION: older check-ins are not projected; the topics' retention.ms follows it. */
  readonly locationRetention: Retention;
  /** Prefix of the topic names; "" in production (see topicName in @udaconnect/schemas). */
  readonly topicNamespace: string;
  readonly groupId: string;
  /** How long the group coordinator waits for a silent member before it reassigns its partitions. */
  readonly sessionTimeoutMs: number;
  /** Address of the ops server (/healthz, /readyz); port 0 asks the OS for a free port. */
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** UDACONNECT_MASTER_KEYS_FILE: unwraps the data keys that open sealed personal fields (docs/erasure.md). */
  readonly masterKeysFile: string;
}

/** The only reader of process.env: validates every variable and fails listing all problems at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL ?? "";
  if (databaseUrl === "") {
    problems.push("DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)");
  } else if (!isPostgresUrl(databaseUrl)) {
    problems.push("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }
  const kafkaBrokers = env.KAFKA_BROKERS ?? "";
  if (kafkaBrokers === "") {
    problems.push("KAFKA_BROKERS is not set (e.g. 127.0.0.1:19092, comma-separated for several)");
  } else if (!kafkaBrokers.split(",").every((b) => /^[^\s:,]+:\d{1,5}$/.test(b))) {
    problems.push(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${kafkaBrokers}"`);
  }
  const kafkaConnection = parseKafkaConnection(env, problems);
  const createTopics = (env.PROJECTOR_CREATE_TOPICS || "true") === "true";
  if (!["true", "false"].includes(env.PROJECTOR_CREATE_TOPICS || "true")) {
    problems.push(`PROJECTOR_CREATE_TOPICS must be "true" or "false", got "${env.PROJECTOR_CREATE_TOPICS}"`);
  }
  const locationRetention = locationRetentionFrom(env, problems);
  const topicNamespace = env.TOPIC_NAMESPACE ?? "";
  if (!/^[A-Za-z0-9._-]*$/.test(topicNamespace)) {
    problems.push(`TOPIC_NAMESPACE may hold only [A-Za-z0-9._-], got "${topicNamespace}"`);
  }
  const groupId = env.PROJECTOR_GROUP_ID || "udaconnect-projector";
  const sessionTimeoutMs = parseInteger(env.PROJECTOR_SESSION_TIMEOUT_MS || "30000");
  if (sessionTimeoutMs === undefined || sessionTimeoutMs < 1_000) {
    problems.push(`PROJECTOR_SESSION_TIMEOUT_MS must be an integer of at least 1000, got "${env.PROJECTOR_SESSION_TIMEOUT_MS}"`);
  }
  const host = env.PROJECTOR_HOST || "127.0.0.1";
  const port = parseInteger(env.PROJECTOR_PORT || "9465");
  if (port === undefined || port > 65_535) {
    problems.push(`PROJECTOR_PORT must be an integer from 0 to 65535, got "${env.PROJECTOR_PORT}"`);
  }
  const logLevel = logLevelFrom(env, problems);
  const masterKeysFile = env.UDACONNECT_MASTER_KEYS_FILE ?? "";
  if (masterKeysFile === "") {
    problems.push("UDACONNECT_MASTER_KEYS_FILE is not set: the master keys file that unwraps the persons' data keys (docs/erasure.md)");
  }
  if (problems.length > 0 || sessionTimeoutMs === undefined || port === undefined) {
    throw new Error(`projector configuration is invalid:\n- ${problems.join("\n- ")}`);
  }
  return Object.freeze({ databaseUrl, kafkaBrokers, kafkaConnection, createTopics, locationRetention, topicNamespace, groupId, sessionTimeoutMs, host, port, logLevel, masterKeysFile });
}

/** What the pruning job (scripts/prune-locations) needs: the read models and LOCATION_RETENTION, no Kafka. */
export interface PruneConfig {
  readonly databaseUrl: string;
  readonly locationRetention: Retention;
}

/** loadConfig's rules for the two variables the pruning job reads. */
export function loadPruneConfig(env: NodeJS.ProcessEnv = process.env): PruneConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL ?? "";
  if (!isPostgresUrl(databaseUrl)) {
    problems.push(`DATABASE_URL ${databaseUrl === "" ? "is not set" : "is not a postgres:// or postgresql:// URL"} (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)`);
  }
  const locationRetention = locationRetentionFrom(env, problems);
  if (problems.length > 0) {
    throw new Error(`configuration is invalid: ${problems.join("; ")}`);
  }
  return Object.freeze({ databaseUrl, locationRetention });
}

function parseInteger(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

function isPostgresUrl(value: string): boolean {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
