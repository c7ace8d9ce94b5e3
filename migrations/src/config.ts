export interface MigrateConfig {
  readonly databaseUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): MigrateConfig {
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === "") {
    throw new Error("DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect; `eval \"$(infra/local/services.sh env)\"` sets it)");
  }
  return Object.freeze({ databaseUrl });
}
