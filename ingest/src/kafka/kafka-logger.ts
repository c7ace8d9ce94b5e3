import { logLevel, type logCreator } from "kafkajs";

/** Where the client's warnings go: the gateway's logger, or a message to the main thread from a producer thread. */
export type KafkaWarn = (fields: Record<string, unknown>, message: string) => void;

/**
 * Routes kafkajs's warnings and errors into the gateway's logger, all as
 * warnings: kafkajs logs every error response it then retries transparently
 * (e.g. "coordinator is loading"), and the gateway logs real failures itself.
 */
export function kafkaLogCreator(warn: KafkaWarn): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { component: `kafkajs.${namespace}`, ...extra };
      if (level === logLevel.ERROR || level === logLevel.WARN) {
        warn(fields, message);
      }
    };
}
