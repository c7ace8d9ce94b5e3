/**
 * The only reader of the environment in the test support: where the servers
 * the tests need already run, and what a child process of a test inherits.
 */
export interface TestEnvironment {
  /** Both set: use these servers and start nothing. */
  readonly kafkaBrokers: string | undefined;
  readonly databaseUrl: string | undefined;
  /** PATH, so a child process finds what its parent found. */
  readonly path: string;
}

export function loadTestEnvironment(env: NodeJS.ProcessEnv = process.env): TestEnvironment {
  return Object.freeze({
    kafkaBrokers: env.KAFKA_BROKERS || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    path: env.PATH ?? "",
  });
}

/**
 * The environment of a service started as a child process by a test: exactly
 * `variables` plus PATH, so nothing of the developer's shell leaks into it.
 */
export function childProcessEnv(variables: Readonly<Record<string, string>>): Record<string, string> {
  return { PATH: loadTestEnvironment().path, ...variables };
}
