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

/** What bench-query gives each serializer server it starts (serializer-server.ts). */
export interface SerializerServerConfig {
  readonly databaseUrl: string;
  readonly port: number;
}

export function loadSerializerServerConfig(env: NodeJS.ProcessEnv = process.env): SerializerServerConfig {
  const port = Number(env.PORT);
  if (!env.DATABASE_URL || !Number.isInteger(port) || port <= 0) {
    throw new Error("serializer-server needs DATABASE_URL and PORT: bench-query --serializer starts it with both");
  }
  return { databaseUrl: env.DATABASE_URL, port };
}
