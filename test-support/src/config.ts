/**
 * The only reader of the environment in the test support: where the servers
 * the tests need already run, and what a child process of a test inherits.
 */
export interface TestEnvironment {
  /** Both set: use these servers and start nothing. */
  readonly kafkaBrokers: string | undefined;
  readonly databaseUrl: string | undefined;
  /** What runs in containers when a Docker-compatible engine is reachable. */
  readonly containerImages: ContainerImages;
  /**
   * `UDACONNECT_EXPECT_CONTAINERS=1` (set by `scripts/test-containers`): the servers must be
   * containers; no engine is an error instead of a fall-back to local processes.
   */
  readonly expectContainers: boolean;
  /** PATH, so a child process finds what its parent found. */
  readonly path: string;
  /** KUBECONFIG: the cluster the cluster tests use (scripts/test-cluster sets it). */
  readonly kubeconfig: string | undefined;
  /** The browser the web page's tests drive (CHROMIUM_PATH; Debian's chromium by default). */
  readonly chromiumPath: string;
  /** SCREENSHOT_DIR: where the browser tests also save a screenshot, when set. */
  readonly screenshotDir: string | undefined;
  /** UDACONNECT_SKIP_IMAGE_TESTS=1: the image tests do not run (scripts/test runs them in their own stage). */
  readonly skipImageTests: boolean;
  /** UDACONNECT_KEEP_DEPLOYMENT=1: the cluster pipeline test leaves its namespace for inspection. */
  readonly keepDeployment: boolean;
  /** The local broker's SASL_SSL and mTLS listeners, as `infra/local/services.sh env` prints them. */
  readonly secureListeners: Readonly<Partial<Record<SecureListenerVariable, string>>>;
}

/** What `services.sh env` prints about the local broker's SASL_SSL and mTLS listeners. */
export const SECURE_LISTENER_VARIABLES = [
  "KAFKA_SASL_SSL_BROKERS",
  "KAFKA_MTLS_BROKERS",
  "KAFKA_LOCAL_CA_FILE",
  "KAFKA_LOCAL_SCRAM_USERNAME",
  "KAFKA_LOCAL_SCRAM_PASSWORD_FILE",
  "KAFKA_LOCAL_CLIENT_CERT_FILE",
  "KAFKA_LOCAL_CLIENT_KEY_FILE",
] as const;
export type SecureListenerVariable = (typeof SECURE_LISTENER_VARIABLES)[number];

/** Whether the secure listeners' variables are set already (then nobody needs to look them up). */
export function secureListenersSet(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KAFKA_SASL_SSL_BROKERS);
}

/**
 * Sets the secure listeners' variables that are not set yet from `values` (what
 * `services.sh env` printed), in this process's environment, which the test workers inherit.
 */
export function adoptSecureListeners(values: ReadonlyMap<string, string | undefined>, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of SECURE_LISTENER_VARIABLES) {
    const value = values.get(name);
    if (value && !env[name]) {
      env[name] = value;
    }
  }
}

/** MEMORY_SAMPLER_FILE: where the memory sampler preloaded into a benchmarked service writes its peaks. */
export function memorySamplerFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.MEMORY_SAMPLER_FILE || undefined;
}

export interface ContainerImages {
  readonly postgis: string;
  readonly kafka: string;
}

/** The project's own images, as `scripts/build-images` tags them (infra/images/README.md). */
export const DEFAULT_CONTAINER_IMAGES: ContainerImages = Object.freeze({
  postgis: "localhost/udaconnect/postgis:dev",
  kafka: "localhost/udaconnect/kafka:dev",
});

export function loadTestEnvironment(env: NodeJS.ProcessEnv = process.env): TestEnvironment {
  return Object.freeze({
    kafkaBrokers: env.KAFKA_BROKERS || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    containerImages: Object.freeze({
      postgis: env.UDACONNECT_TEST_POSTGIS_IMAGE || DEFAULT_CONTAINER_IMAGES.postgis,
      kafka: env.UDACONNECT_TEST_KAFKA_IMAGE || DEFAULT_CONTAINER_IMAGES.kafka,
    }),
    expectContainers: env.UDACONNECT_EXPECT_CONTAINERS === "1",
    path: env.PATH ?? "",
    kubeconfig: env.KUBECONFIG || undefined,
    chromiumPath: env.CHROMIUM_PATH || "/usr/bin/chromium",
    screenshotDir: env.SCREENSHOT_DIR || undefined,
    skipImageTests: env.UDACONNECT_SKIP_IMAGE_TESTS === "1",
    keepDeployment: env.UDACONNECT_KEEP_DEPLOYMENT === "1",
    secureListeners: Object.freeze(Object.fromEntries(SECURE_LISTENER_VARIABLES.filter((name) => env[name]).map((name) => [name, env[name]]))),
  });
}

/**
 * The environment of a service started as a child process by a test: exactly
 * `variables` plus PATH, so nothing of the developer's shell leaks into it.
 */
export function childProcessEnv(variables: Readonly<Record<string, string>>): Record<string, string> {
  return { PATH: loadTestEnvironment().path, ...variables };
}

/**
 * The environment of a command a test runs as a user would (a script that installs and
 * finds its own tools): the test's whole environment with `overrides`.
 */
export function inheritedEnv(overrides: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, ...overrides };
}
