import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadTestEnvironment, type TestEnvironment } from "./config";
import { startContainers } from "./containers";
import type { Infrastructure } from "./infrastructure-handle";

export type { Infrastructure } from "./infrastructure-handle";

const run = promisify(execFile);
const SERVICES_SCRIPT = fileURLToPath(new URL("../../infra/local/services.sh", import.meta.url));

/**
 * Where the tests' Kafka and PostGIS come from, in order of preference:
 * 1. `KAFKA_BROKERS` and `DATABASE_URL` when both are set (`./scripts/test` sets them);
 * 2. containers, when a Docker-compatible engine is reachable (`DOCKER_HOST`, or Docker's socket);
 * 3. the project's own local processes (`infra/local/services.sh`), started here.
 * With `UDACONNECT_EXPECT_CONTAINERS=1` only containers will do.
 */
export async function resolveInfrastructure(environment: TestEnvironment = loadTestEnvironment()): Promise<Infrastructure> {
  const { kafkaBrokers, databaseUrl, containerImages, expectContainers } = environment;
  if (expectContainers) {
    return startExpectedContainers(environment);
  }
  if (kafkaBrokers && databaseUrl) {
    return { kafkaBrokers, databaseUrl, stop: async () => {} };
  }
  const containers = await startContainers(containerImages);
  if (containers !== undefined) {
    return containers;
  }
  return startLocalProcesses();
}

async function startExpectedContainers({ kafkaBrokers, databaseUrl, containerImages }: TestEnvironment): Promise<Infrastructure> {
  if (kafkaBrokers || databaseUrl) {
    throw new Error(
      "UDACONNECT_EXPECT_CONTAINERS=1, yet KAFKA_BROKERS or DATABASE_URL is set: unset both so that the tests start containers (scripts/test-containers does).",
    );
  }
  const containers = await startContainers(containerImages);
  if (containers === undefined) {
    throw new Error(
      "UDACONNECT_EXPECT_CONTAINERS=1, yet no Docker-compatible engine answers: set DOCKER_HOST to one (scripts/test-containers starts podman's API service and sets it).",
    );
  }
  return containers;
}

async function startLocalProcesses(): Promise<Infrastructure> {
  const alreadyRunning = await run("bash", [SERVICES_SCRIPT, "status"]).then(
    () => true,
    () => false,
  );
  if (!alreadyRunning) {
    console.error("test-support: no Docker-compatible engine reachable; starting local Kafka and PostGIS (infra/local/services.sh)");
    await run("bash", [SERVICES_SCRIPT, "start"], { maxBuffer: 16 * 1024 * 1024 });
  }
  const { stdout } = await run("bash", [SERVICES_SCRIPT, "env"]);
  const vars = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]?.replace(/^["']|["']$/g, "")]));
  const { KAFKA_BROKERS: kafkaBrokers, DATABASE_URL: databaseUrl } = vars;
  if (!kafkaBrokers || !databaseUrl) {
    throw new Error(`infra/local/services.sh env printed no KAFKA_BROKERS/DATABASE_URL:\n${stdout}`);
  }
  return {
    kafkaBrokers,
    databaseUrl,
    // Servers that were running before the tests keep running after them.
    stop: async () => {
      if (!alreadyRunning) {
        await run("bash", [SERVICES_SCRIPT, "stop"]);
      }
    },
  };
}
