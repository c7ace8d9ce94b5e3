import {
  failOnProblems,
  KAFKA_BROKERS,
  optionalVariable,
  readSettings,
  text,
  TOPIC_NAMESPACE,
  variable,
  type Env,
  type Schema,
  type Settings,
} from "@udaconnect/config";
import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { ORIGINAL_DATA_DIR } from "./legacy/original-data";

/** Settings of the commands in scripts/, from the environment; flags override them. */
export interface ScriptsConfig {
  readonly ingestUrl: string;
  readonly legacyDataDir: string;
  readonly legacyDatabaseUrl?: string;
  readonly token?: string;
  readonly kafkaBrokers: string;
  readonly topicNamespace: string;
  /** DATABASE_URL and UDACONNECT_MASTER_KEYS_FILE, both set: replay opens sealed personal fields (docs/erasure.md). */
  readonly keyStore?: { readonly databaseUrl: string; readonly masterKeysFile: string };
}

/**
 * What the commands read. No own prefix is checked: they run in a user's shell, where every
 * service's variables may be set.
 */
export const SCRIPTS_SCHEMA = {
  service: "scripts",
  ownPrefixes: [],
  settings: {
    ingestUrl: variable({
      name: "INGEST_URL",
      default: "http://127.0.0.1:50051",
      parse: text,
      description: "the ingest gateway import-legacy and simulate send to",
    }),
    legacyDataDir: variable({ name: "LEGACY_DATA_DIR", default: ORIGINAL_DATA_DIR, parse: text, description: "the original's person and location SQL files" }),
    legacyDatabaseUrl: optionalVariable({
      name: "LEGACY_DATABASE_URL",
      parse: text,
      description: "a live legacy database to import instead of the dump files",
    }),
    token: optionalVariable({ name: "UDACONNECT_TOKEN", parse: text, description: "bearer token sent to the ingest API; none when unset" }),
    // What replay reads; the local broker of infra/local when unset.
    kafkaBrokers: variable({ ...KAFKA_BROKERS, default: "127.0.0.1:19092" }),
    topicNamespace: TOPIC_NAMESPACE,
    databaseUrl: optionalVariable({
      name: "DATABASE_URL",
      parse: text,
      description: "the key store replay opens sealed fields with, with UDACONNECT_MASTER_KEYS_FILE",
    }),
    masterKeysFile: optionalVariable({ name: "UDACONNECT_MASTER_KEYS_FILE", parse: text, description: "the master keys file, with DATABASE_URL" }),
  },
} satisfies Schema<Settings>;

/** The only reader of process.env in this package. */
export function loadConfig(env: Env = process.env): ScriptsConfig {
  const { values, problems } = readSettings(env, SCRIPTS_SCHEMA);
  failOnProblems("scripts configuration is invalid:", problems);
  const { databaseUrl, masterKeysFile, ...settings } = values;
  return Object.freeze({
    ...settings,
    ...(databaseUrl !== undefined && masterKeysFile !== undefined ? { keyStore: { databaseUrl, masterKeysFile } } : {}),
  });
}

/**
 * How replay reaches the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*, as the
 * services read them); apart from loadConfig so that commands without Kafka never trip on them.
 */
export function loadKafkaConnection(env: Env = process.env): KafkaConnection {
  const problems: string[] = [];
  const connection = parseKafkaConnection(env, problems);
  failOnProblems("the Kafka settings are invalid:", problems);
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
