/** What the freshness benchmark reads from its environment (the only reader of process.env here). */
export interface FreshnessConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  /** The services' base environment: PATH only; the bench sets the rest. */
  readonly serviceEnv: Readonly<Record<string, string>>;
}

export function loadFreshnessConfig(env: NodeJS.ProcessEnv = process.env): FreshnessConfig {
  const missing = ["DATABASE_URL", "KAFKA_BROKERS"].filter((name) => (env[name] ?? "") === "");
  if (missing.length > 0) {
    throw new Error(`${missing.join(" and ")} not set: run it as scripts/bench-freshness (it finds or starts the local Kafka and PostGIS)`);
  }
  return Object.freeze({ databaseUrl: env.DATABASE_URL ?? "", kafkaBrokers: env.KAFKA_BROKERS ?? "", serviceEnv: Object.freeze({ PATH: env.PATH ?? "" }) });
}
