import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { ORIGINAL_DATA_DIR } from "./legacy/original-data";

/** Settings of the commands in scripts/, from the environment; flags override them. */
export interface ScriptsConfig {
  readonly ingestUrl: string;
  readonly legacyDataDir: string;
  /** LEGACY_DATABASE_URL: a live legacy database to import instead of the dump files. */
  readonly legacyDatabaseUrl?: string;
  /** UDACONNECT_TOKEN: bearer token sent to the ingest API; none when unset. */
  readonly token?: string;
  readonly kafkaBrokers: string;
  readonly topicNamespace: string;
  /** DATABASE_URL and UDACONNECT_MASTER_KEYS_FILE, both set: replay opens sealed personal fields (docs/erasure.md). */
  readonly keyStore?: { readonly databaseUrl: string; readonly masterKeysFile: string };
}

/** The only reader of process.env in this package. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ScriptsConfig {
  const optional = (name: string) => (env[name] === undefined || env[name] === "" ? {} : { [name]: env[name] as string });
  const legacy = optional("LEGACY_DATABASE_URL");
  const token = optional("UDACONNECT_TOKEN");
  return Object.freeze({
    ingestUrl: env.INGEST_URL || "http://127.0.0.1:50051",
    legacyDataDir: env.LEGACY_DATA_DIR || ORIGINAL_DATA_DIR,
    ...(legacy.LEGACY_DATABASE_URL === undefined ? {} : { legacyDatabaseUrl: legacy.LEGACY_DATABASE_URL }),
    ...(token.UDACONNECT_TOKEN === undefined ? {} : { token: token.UDACONNECT_TOKEN }),
    kafkaBrokers: env.KAFKA_BROKERS || "127.0.0.1:19092",
    topicNamespace: env.TOPIC_NAMESPACE ?? "",
    ...(env.DATABASE_URL && env.UDACONNECT_MASTER_KEYS_FILE ? { keyStore: { databaseUrl: env.DATABASE_URL, masterKeysFile: env.UDACONNECT_MASTER_KEYS_FILE } } : {}),
  });
}

/**
 * How replay reaches the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*, as the
 * services read them); apart from loadConfig so that commands without Kafka never trip on them.
 */
export function loadKafkaConnection(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const problems: string[] = [];
  const connection = parseKafkaConnection(env, problems);
  if (problems.length > 0) {
    throw new Error(`the Kafka settings are invalid:\n- ${problems.join("\n- ")}`);
  }
  return connection;
}

/** What scripts/chaos prepared before starting the TypeScript part (see scripts/chaos). */
export interface ChaosConfig {
  /** CHAOS_TOXIPROXY_BIN: toxiproxy-server, built and cached by scripts/lib/toxiproxy.sh. */
  readonly toxiproxyBin: string;
  /** CHAOS_KAFKA_DIR: lib/ (the jars) and config/ (log4j) of the chaos run's broker. */
  readonly kafkaDir: string;
  /** CHAOS_HOME: where each run keeps its state, logs and, after a failure, its evidence. */
  readonly home: string;
  /** PATH and HOME the run's services inherit (nothing else of the caller's environment). */
  readonly path: string;
  readonly userHome: string;
}

export function loadChaosConfig(env: NodeJS.ProcessEnv = process.env): ChaosConfig {
  const missing = ["CHAOS_TOXIPROXY_BIN", "CHAOS_KAFKA_DIR", "CHAOS_HOME"].filter((name) => (env[name] ?? "") === "");
  if (missing.length > 0) {
    throw new Error(`${missing.join(", ")} not set: run the chaos run through scripts/chaos, which prepares them`);
  }
  return Object.freeze({
    toxiproxyBin: env.CHAOS_TOXIPROXY_BIN ?? "",
    kafkaDir: env.CHAOS_KAFKA_DIR ?? "",
    home: env.CHAOS_HOME ?? "",
    path: env.PATH ?? "/usr/bin:/bin",
    userHome: env.HOME ?? "/root",
  });
}
