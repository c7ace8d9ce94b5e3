import {
  boolean,
  failOnProblems,
  integer,
  readSettings,
  requiredVariable,
  KAFKA_BROKERS,
  text,
  TOPIC_NAMESPACE,
  variable,
  type Env,
  type Schema,
  type Settings,
} from "@udaconnect/config";
import { KAFKA_CONNECTION, type KafkaConnection } from "@udaconnect/kafka-connection";
import { MASTER_KEYS_FILE } from "@udaconnect/keystore";
import { READ_MODELS_DATABASE_URL } from "@udaconnect/migrations";
import { LOCATION_RETENTION, type Retention } from "@udaconnect/schemas";
import { LOG_LEVEL, type LogLevel } from "@udaconnect/observability";

export interface ProjectorConfig {
  readonly databaseUrl: string;
  /** Comma-separated host:port list. */
  readonly kafkaBrokers: string;
  /** TLS / SASL towards the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*). */
  readonly kafkaConnection: KafkaConnection;
  readonly createTopics: boolean;
  readonly locationRetention: Retention;
  readonly topicNamespace: string;
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  /** Address of the ops server (/healthz, /readyz); port 0 asks the OS for a free port. */
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly masterKeysFile: string;
}

const databaseUrl = READ_MODELS_DATABASE_URL;

/** Every variable the projector reads, in the order its problems are listed. */
export const PROJECTOR_SCHEMA = {
  service: "the projector",
  ownPrefixes: ["PROJECTOR_"],
  settings: {
    databaseUrl,
    kafkaBrokers: requiredVariable(KAFKA_BROKERS),
    kafkaConnection: KAFKA_CONNECTION,
    createTopics: variable({
      name: "PROJECTOR_CREATE_TOPICS",
      default: true,
      parse: boolean,
      description: "create the dead-letter topic when missing (true), or require it (false: a Strimzi KafkaTopic)",
    }),
    locationRetention: LOCATION_RETENTION,
    topicNamespace: TOPIC_NAMESPACE,
    groupId: variable({ name: "PROJECTOR_GROUP_ID", default: "udaconnect-projector", parse: text, description: "the Kafka consumer group" }),
    sessionTimeoutMs: variable({
      name: "PROJECTOR_SESSION_TIMEOUT_MS",
      default: 30_000,
      parse: integer({ min: 1_000 }),
      description: "how long the group coordinator waits for a silent member before it reassigns its partitions",
    }),
    host: variable({ name: "PROJECTOR_HOST", default: "127.0.0.1", parse: text, description: "interface of the ops server (/healthz, /readyz, /metrics)" }),
    port: variable({
      name: "PROJECTOR_PORT",
      default: 9465,
      parse: integer({ min: 0, max: 65_535 }),
      description: "port of the ops server; 0 asks the OS for a free one",
    }),
    logLevel: LOG_LEVEL,
    masterKeysFile: MASTER_KEYS_FILE,
  },
} satisfies Schema<Settings>;

/** The only reader of process.env: validates every variable and fails listing all problems at once. */
export function loadConfig(env: Env = process.env): ProjectorConfig {
  const { values, problems } = readSettings(env, PROJECTOR_SCHEMA);
  failOnProblems("projector configuration is invalid:", problems);
  return Object.freeze(values);
}

/** What the pruning job (scripts/prune-locations) needs: the read models and LOCATION_RETENTION, no Kafka. */
export interface PruneConfig {
  readonly databaseUrl: string;
  readonly locationRetention: Retention;
}

/** loadConfig's rules for the two variables the pruning job reads. */
export function loadPruneConfig(env: Env = process.env): PruneConfig {
  const { values, problems } = readSettings(env, {
    service: "prune-locations",
    ownPrefixes: [],
    settings: { databaseUrl, locationRetention: LOCATION_RETENTION },
  });
  if (problems.length > 0) {
    // One line: the CronJob's log shows it whole.
    throw new Error(`configuration is invalid: ${problems.join("; ")}`);
  }
  return Object.freeze(values);
}
