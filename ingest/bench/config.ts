/** What the benchmark reads from its environment (the only reader of process.env here). */
export interface BenchConfig {
  readonly kafkaBrokers: string;
  /** The PostgreSQL server the run's key store database is made on (the gateway requires one, docs/erasure.md). */
  readonly databaseUrl: string;
  /** The gateway process's environment: PATH plus any INGEST_* tuning knobs, so a run can compare settings. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const kafkaBrokers = env.KAFKA_BROKERS ?? "";
  const databaseUrl = env.DATABASE_URL ?? "";
  const missing = [kafkaBrokers === "" ? "KAFKA_BROKERS" : "", databaseUrl === "" ? "DATABASE_URL" : ""].filter((name) => name !== "");
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(" and ")} not set: run it as scripts/bench-ingest (it finds or starts the local Kafka and PostGIS), or eval "$(bash infra/local/services.sh env)"`,
    );
  }
  const tuning = Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith("INGEST_") && entry[1] !== undefined);
  return Object.freeze({ kafkaBrokers, databaseUrl, gatewayEnv: Object.freeze({ PATH: env.PATH ?? "", ...Object.fromEntries(tuning) }) });
}
