import type { AppDependencies } from "../src/app";
import { loadConfig } from "../src/config";
import type { QueryApiOptions } from "../src/server";

/**
 * query-api's settings as loadConfig reads them from an environment that sets only the
 * variables without a default: every default as config.ts declares it, and nowhere else.
 * Two differ in-process: no log lines (logLevel left out), and no rate limit, since a test
 * sends many requests as one client (the limit's own tests set one).
 */
const { auth, logLevel, ...configured } = {
  ...loadConfig({ DATABASE_URL: "postgres://unused@127.0.0.1:5432/unused", AUTH_DISABLED: "true" }),
  rateLimitPerMinute: 0,
};

/** Options of a query-api started in-process: the configured defaults with `given` over them. */
export function queryApiOptions(given: Partial<QueryApiOptions> & Pick<QueryApiOptions, "databaseUrl" | "auth">): QueryApiOptions {
  return { ...configured, ...given };
}

/** What buildApp takes, the same way: the configured defaults with `given` over them. */
export function appDependencies(given: Partial<AppDependencies> & Pick<AppDependencies, "readModels" | "auth">): AppDependencies {
  const { consistencyWaitMs, readyMaxLag, corsOrigins, rateLimitPerMinute, legacyApiAuth } = configured;
  return { consistencyWaitMs, readyMaxLag, corsOrigins, rateLimitPerMinute, legacyApiAuth, ...given };
}
