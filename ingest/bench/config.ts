/** What the benchmark reads from its environment (the only reader of process.env here). */
export interface BenchConfig {
  readonly kafkaBrokers: string;
  /** The gateway process's environment: PATH plus any INGEST_* tuning knobs, so a run can compare settings. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const kafkaBrokers = env.KAFKA_BROKERS;
  if (kafkaBrokers === undefined || kafkaBrokers === "") {
    throw new Error('KAFKA_BROKERS is required: eval "$(bash infra/local/services.sh env)"');
  }
  const tuning = Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith("INGEST_") && entry[1] !== undefined);
  return Object.freeze({ kafkaBrokers, gatewayEnv: Object.freeze({ PATH: env.PATH ?? "", ...Object.fromEntries(tuning) }) });
}
