/** pino's levels; "silent" turns a logger off. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

const DEFAULT_LOG_LEVEL: LogLevel = "info";

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * LOG_LEVEL, the one variable that sets how much a process logs (default info),
 * for the services' config.ts: a bad value joins the other problems found at start.
 */
export function logLevelFrom(env: Readonly<Record<string, string | undefined>>, problems: string[]): LogLevel {
  const value = env.LOG_LEVEL || DEFAULT_LOG_LEVEL;
  if (isLogLevel(value)) {
    return value;
  }
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${value}"`);
  return DEFAULT_LOG_LEVEL;
}
