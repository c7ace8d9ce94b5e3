import {
  AUTH,
  boolean,
  failOnProblems,
  mapped,
  nonBlank,
  oneOf,
  positiveInteger,
  readSettings,
  requiredVariable,
  KAFKA_BROKERS,
  TOPIC_NAMESPACE,
  variable,
  type AuthSource,
  type Env,
  type Parser,
  type Schema,
  type Settings,
} from "@udaconnect/config";
import { KAFKA_CONNECTION, type KafkaConnection } from "@udaconnect/kafka-connection";
import { MASTER_KEYS_FILE } from "@udaconnect/keystore";
import { LOG_LEVEL, type LogLevel } from "@udaconnect/observability";
import { LOCATION_RETENTION, type Retention } from "@udaconnect/schemas";
import { KAFKA_THREADS, type KafkaThreadName } from "./kafka/record-producer";

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
  readonly createTopics: boolean;
  /** Where tokens' public keys come from: a JWKS file, or "disabled" (AUTH_DISABLED=true, local experiments only). */
  readonly auth: AuthSource;
  readonly locationRetention: Retention;
  readonly maxCheckInAgeMs: number;
  readonly maxStreamMs: number;
  readonly inFlightBatches: number;
  readonly inFlightBatchesPerStream: number;
  readonly recentEventIds: number;
  readonly kafkaProducers: number;
  readonly kafkaThread: KafkaThreadName;
  readonly maxConcurrentStreams: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly logLevel: LogLevel;
  /**
   * Crypto-shredding (docs/erasure.md): KEYSTORE_DATABASE_URL (a role with rights
   * on schema keystore only) and UDACONNECT_MASTER_KEYS_FILE. Both required:
   * the gateway never appends personal fields unsealed.
   */
  readonly keyStore: { readonly databaseUrl: string; readonly masterKeysFile: string };
}

const tcpPort: Parser<number> = (text, name) =>
  /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535
    ? { value: Number(text) }
    : { problem: `${name} must be a TCP port 1..65535, got "${text}"` };

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30d", "12h", "90m", "3600s", in milliseconds. */
const duration: Parser<number> = (text, name) => {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  return match === null || Number(match[1]) === 0
    ? { problem: `${name} must be a positive duration like "30d", "12h", "90m" or "3600s", got "${text}"` }
    : { value: Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] };
};

const seconds = mapped(positiveInteger, (s) => s * 1000);

const KEY_STORE_REQUIRED =
  'KEYSTORE_DATABASE_URL is required: a postgres:// URL of the key store (docs/erasure.md), e.g. "postgres://udaconnect_keystore@127.0.0.1:54329/udaconnect"';

const keyStoreUrl: Parser<string> = (text) => (/^postgres(ql)?:\/\//.test(text) ? { value: text } : { problem: KEY_STORE_REQUIRED });

/** Every variable the gateway reads, in the order its problems are listed. */
export const INGEST_SCHEMA = {
  service: "ingest",
  ownPrefixes: ["INGEST_"],
  othersNames: ["INGEST_URL"],
  settings: {
    host: variable({ name: "INGEST_HOST", default: "127.0.0.1", parse: nonBlank, description: "interface to listen on; 0.0.0.0 in a container" }),
    port: variable({
      name: "INGEST_PORT",
      default: 50051,
      parse: tcpPort,
      description: "the one port of HTTP/2 cleartext (gRPC, Connect, gRPC-Web) and HTTP/1.1",
    }),
    kafkaBrokers: requiredVariable(KAFKA_BROKERS),
    topicNamespace: TOPIC_NAMESPACE,
    kafkaClientId: variable({ name: "KAFKA_CLIENT_ID", default: "udaconnect-ingest", parse: nonBlank, description: "the Kafka client id" }),
    kafkaConnection: KAFKA_CONNECTION,
    createTopics: variable({
      name: "INGEST_CREATE_TOPICS",
      default: true,
      parse: boolean,
      description: "create missing topics at start (true), or only check them (false: Strimzi's KafkaTopics own them)",
    }),
    auth: AUTH,
    locationRetention: LOCATION_RETENTION,
    maxCheckInAgeMs: variable({ name: "INGEST_MAX_CHECK_IN_AGE", default: 30 * UNIT_MS.d, parse: duration, description: "older check-ins are refused" }),
    maxStreamMs: variable({
      name: "INGEST_MAX_STREAM_SECONDS",
      default: 3600 * 1000,
      parse: seconds,
      description: "a StreamCheckIns call is ended after this long",
    }),
    inFlightBatches: variable({
      name: "INGEST_IN_FLIGHT_BATCHES",
      default: 256,
      parse: positiveInteger,
      description: "batches waiting for Kafka, over all calls",
    }),
    inFlightBatchesPerStream: variable({
      name: "INGEST_IN_FLIGHT_BATCHES_PER_STREAM",
      default: 4,
      parse: positiveInteger,
      description: "batches waiting for Kafka, per stream",
    }),
    recentEventIds: variable({
      name: "INGEST_RECENT_EVENT_IDS",
      default: 100_000,
      parse: positiveInteger,
      description: "event ids remembered to answer a retry DUPLICATE",
    }),
    kafkaProducers: variable({
      name: "INGEST_KAFKA_PRODUCERS",
      default: 1,
      parse: positiveInteger,
      description: "Kafka producers the appends are spread over",
    }),
    kafkaThread: variable({
      name: "INGEST_KAFKA_THREAD",
      default: "main",
      parse: oneOf(KAFKA_THREADS),
      description: "where the producers run: the main thread, or a worker thread of their own (docs/ingest.md)",
    }),
    maxConcurrentStreams: variable({
      name: "INGEST_MAX_CONCURRENT_STREAMS",
      default: 100,
      parse: positiveInteger,
      description: "open calls per HTTP/2 connection",
    }),
    requestTimeoutMs: variable({
      name: "INGEST_REQUEST_TIMEOUT_SECONDS",
      default: 60 * 1000,
      parse: seconds,
      description: "a call's request must arrive in full within this time (StreamCheckIns aside)",
    }),
    idleTimeoutMs: variable({
      name: "INGEST_IDLE_TIMEOUT_SECONDS",
      default: 120 * 1000,
      parse: seconds,
      description: "an HTTP/2 connection without traffic this long is closed",
    }),
    logLevel: LOG_LEVEL,
    keyStoreUrl: requiredVariable({
      name: "KEYSTORE_DATABASE_URL",
      missing: KEY_STORE_REQUIRED,
      parse: keyStoreUrl,
      description: "the key store (docs/erasure.md), a role with rights on schema keystore only",
    }),
    masterKeysFile: MASTER_KEYS_FILE,
  },
} satisfies Schema<Settings>;

/**
 * The only reader of process.env in this package. Throws one error listing
 * every problem, so a misconfigured deployment is fixed in one round.
 */
export function loadConfig(env: Env = process.env): IngestConfig {
  const { values, problems } = readSettings(env, INGEST_SCHEMA);
  failOnProblems("Invalid ingest configuration:", problems);
  const { keyStoreUrl: databaseUrl, masterKeysFile, ...settings } = values;
  return Object.freeze({ ...settings, keyStore: { databaseUrl, masterKeysFile } });
}
