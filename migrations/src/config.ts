import { failOnProblems, postgresUrl, readSettings, requiredVariable, type Env } from "@udaconnect/config";

/** DATABASE_URL of the read models, as the migrate command, the projector, its pruning job and query-api read it. */
export const READ_MODELS_DATABASE_URL = requiredVariable({
  name: "DATABASE_URL",
  missing: "DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)",
  parse: postgresUrl,
  description: "the read models' database",
});

export interface MigrateConfig {
  readonly databaseUrl: string;
}

export function loadConfig(env: Env = process.env): MigrateConfig {
  const { values, problems } = readSettings(env, { service: "migrate", ownPrefixes: [], settings: { databaseUrl: READ_MODELS_DATABASE_URL } });
  failOnProblems('migrate: the configuration is invalid (`eval "$(infra/local/services.sh env)"` sets DATABASE_URL locally):', problems);
  return Object.freeze(values);
}
