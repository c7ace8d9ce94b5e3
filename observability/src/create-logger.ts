import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger, type LoggerOptions, type SerializerFn } from "pino";
import type { LogLevel } from "./log-level";

export type { Logger } from "pino";

export interface CreateLoggerOptions {
  /** The "service" field of every line: ingest, projector, query-api, or a script's name. */
  readonly service: string;
  readonly level: LogLevel;
  /** Default stdout; tests pass a stream they read back, commands whose stdout is data pass stderr. */
  readonly destination?: DestinationStream;
  /** More serializers by field name (query-api's `req`, whose URL may carry ?token=). */
  readonly serializers?: Readonly<Record<string, SerializerFn>>;
}

/**
 * Field paths whose values never reach a log line, whatever object carries them:
 * bearer tokens, cookies, passwords (SASL) and tokens passed as fields.
 */
const REDACTED_PATHS = [
  "token",
  "*.token",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

/**
 * The one logger configuration of every UdaConnect process: one JSON object a line with
 * `time` (ISO 8601), `level` (by name), `service`, `msg`, errors under `err` (or `error`) as
 * type, message and stack; request-scoped lines add `reqId` (Fastify) or `reqId` and `rpc` (ingest).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(loggerOptions(options), options.destination);
}

function loggerOptions({ service, level, serializers }: CreateLoggerOptions): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: bigintsAsStrings },
    serializers: { err: stdSerializers.err, error: stdSerializers.err, ...serializers },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
}

/** Kafka offsets are int64: strings keep them exact, as Kafka's own tools print them (JSON numbers would not). */
function bigintsAsStrings(fields: Record<string, unknown>): Record<string, unknown> {
  for (const key in fields) {
    if (typeof fields[key] === "bigint") {
      return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
    }
  }
  return fields;
}

/** A logger that writes nothing, for tests and benchmarks that do not read logs. */
export const silentLogger: Logger = createLogger({ service: "silent", level: "silent" });
