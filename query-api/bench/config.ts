/** What the query benchmark reads from its environment (the only reader of process.env here). */
export interface BenchConfig {
  readonly databaseUrl: string;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === "") {
    throw new Error('DATABASE_URL is not set: eval "$(bash infra/local/services.sh env)" first');
  }
  return Object.freeze({ databaseUrl });
}
