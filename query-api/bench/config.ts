/** What the query benchmark reads from its environment (the only reader of process.env here). */
export interface BenchConfig {
  readonly databaseUrl: string;
  /** The API process's environment: PATH only, plus what the bench sets itself. */
  readonly apiEnv: Readonly<Record<string, string>>;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === "") {
    throw new Error('DATABASE_URL is not set: eval "$(bash infra/local/services.sh env)" first');
  }
  return Object.freeze({ databaseUrl, apiEnv: Object.freeze({ PATH: env.PATH ?? "" }) });
}
