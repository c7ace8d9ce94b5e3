import { logLevel, type logCreator } from "kafkajs";
import type { Logger } from "@udaconnect/observability";

/**
 * Routes kafkajs's warnings and errors into the gateway's logger, all as
 * warnings: kafkajs logs every error response it then retries transparently
 * (e.g. "coordinator is loading"), and the gateway logs real failures itself.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { component: `kafkajs.${namespace}`, ...extra };
      if (level === logLevel.ERROR || level === logLevel.WARN) {
        logger.warn(fields, message);
      }
    };
}
