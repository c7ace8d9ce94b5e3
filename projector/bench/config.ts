/** What the projector benchmark reads from its environment (the only reader of process.env here). */
export interface BenchConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  /** PATH, handed to the projector process. */
  readonly path: string;
}

/** Undefined when a variable is missing: the caller prints its usage. */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig | undefined {
  const { DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers } = env;
  return databaseUrl && kafkaBrokers ? Object.freeze({ databaseUrl, kafkaBrokers, path: env.PATH ?? "" }) : undefined;
}
