const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface QueryApiConfig {
  readonly databaseUrl: string;
  readonly host: string;
  /** 0 asks the operating system for a free port. */
  readonly port: number;
  readonly logLevel: LogLevel;
}

/** The only reader of process.env: validates every variable and fails listing all problems at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryApiConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL ?? "";
  if (databaseUrl === "") {
    problems.push("DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)");
  } else if (!isPostgresUrl(databaseUrl)) {
    problems.push("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }
  const host = env.QUERY_API_HOST || "127.0.0.1";
  const portText = env.QUERY_API_PORT || "8080";
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    problems.push(`QUERY_API_PORT must be an integer from 0 to 65535, got "${portText}"`);
  }
  const logLevel = env.LOG_LEVEL || "info";
  if (!isLogLevel(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  if (problems.length > 0 || !isLogLevel(logLevel)) {
    throw new Error(`query-api configuration is invalid:\n- ${problems.join("\n- ")}`);
  }
  return Object.freeze({ databaseUrl, host, port, logLevel });
}

function isPostgresUrl(value: string): boolean {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
