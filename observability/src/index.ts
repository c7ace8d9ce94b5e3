export { createLogger, silentLogger, type CreateLoggerOptions, type Logger } from "./create-logger";
export { LOG_LEVEL, LOG_LEVELS, isLogLevel, type LogLevel } from "./log-level";
export { createMetricsRegistry, scrape } from "./metrics-registry";
export { readExposition, type Sample } from "./read-exposition";
