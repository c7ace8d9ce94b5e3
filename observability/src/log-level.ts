import { oneOf, variable } from "@udaconnect/config";

/** pino's levels; "silent" turns a logger off. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** LOG_LEVEL, the one variable that sets how much a process logs, as every process's config.ts reads it. */
export const LOG_LEVEL = variable({
  name: "LOG_LEVEL",
  default: "info",
  parse: oneOf(LOG_LEVELS),
  description: "how much the process logs: fatal, error, warn, info, debug, trace or silent",
});
