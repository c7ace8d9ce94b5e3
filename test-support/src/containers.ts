import { GenericContainer, getContainerRuntimeClient, ImageName, Wait, type ContainerRuntimeClient, type StartedTestContainer } from "testcontainers";
import type { ContainerImages } from "./config";
import { freePort } from "./free-port";
import type { Infrastructure } from "./infrastructure-handle";

/** Marks the containers of the test servers; its value is the server (`postgis`, `kafka`). */
export const SERVER_LABEL = "org.udaconnect.test-server";

/** The port each image serves inside its container. */
export const CONTAINER_PORTS = Object.freeze({ postgis: 5432, kafka: 9092 });
const KAFKA_CONTROLLER_PORT = 9093;

const POSTGRES_USER = "udaconnect";
// A throwaway server that lives for one test run and listens on this machine only.
const POSTGRES_PASSWORD = "udaconnect";

/**
 * Starts PostGIS and a single-node KRaft Kafka in containers of `images` when a
 * Docker-compatible engine is reachable (Docker, or podman's API service through
 * `DOCKER_HOST`); answers undefined (within milliseconds) when none is.
 */
export async function startContainers(images: ContainerImages): Promise<Infrastructure | undefined> {
  let client: ContainerRuntimeClient;
  try {
    client = await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  await requireLocalImages(client, images);
  const startedAt = Date.now();
  const host = client.info.containerRuntime.host;
  const [postgis, kafka] = await Promise.allSettled([startPostgis(images.postgis), startKafka(images.kafka, host)]);
  const started = [postgis, kafka].flatMap((result) => (result.status === "fulfilled" ? [result.value.container] : []));
  const stop = async () => {
    await Promise.all(started.map((container) => container.stop()));
  };
  if (postgis.status === "rejected" || kafka.status === "rejected") {
    await stop().catch(() => {});
    throw [postgis, kafka].flatMap((result) => (result.status === "rejected" ? [result.reason] : []))[0];
  }
  const database = `${host}:${postgis.value.container.getMappedPort(CONTAINER_PORTS.postgis)}`;
  console.error(
    `test-support: Kafka and PostGIS in containers (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s): ` +
      `${images.kafka} at ${kafka.value.brokers}, ${images.postgis} at ${database}`,
  );
  const databaseUrl = `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${database}/udaconnect`;
  return { kafkaBrokers: kafka.value.brokers, databaseUrl, stop };
}

/**
 * An image named `localhost/…` exists only where it was built (`scripts/build-images`);
 * pulling it would fail with a registry error that says nothing about what to do.
 */
async function requireLocalImages(client: ContainerRuntimeClient, images: ContainerImages): Promise<void> {
  for (const image of [images.postgis, images.kafka]) {
    if (image.startsWith("localhost/") && !(await client.image.exists(ImageName.fromString(image)))) {
      throw new Error(
        `The container engine has no image ${image}: build the project's images with scripts/build-images ` +
          "(for Docker: with --save DIR, then docker load -i DIR/<name>.tar), " +
          "or name others in UDACONNECT_TEST_POSTGIS_IMAGE / UDACONNECT_TEST_KAFKA_IMAGE, " +
          'or give the tests servers to use (eval "$(bash infra/local/services.sh env)" sets KAFKA_BROKERS and DATABASE_URL).',
      );
    }
  }
}

/** infra/images/postgis: the official postgres image's conventions, settings as infra/local/postgres.sh. */
async function startPostgis(image: string): Promise<{ container: StartedTestContainer }> {
  const container = await new GenericContainer(image)
    .withLabels({ [SERVER_LABEL]: "postgis" })
    .withEnvironment({ POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB: "udaconnect" })
    .withCommand(["postgres", "-c", "max_connections=200", "-c", "shared_buffers=256MB", "-c", "timezone=UTC"])
    // Parallel queries use /dev/shm, which container engines give 64 MB by default.
    .withSharedMemorySize(256 * 1024 * 1024)
    .withExposedPorts(CONTAINER_PORTS.postgis)
    // The entrypoint initialises with a server on the socket only, then starts the real one.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000)
    .start();
  return { container };
}

/**
 * Kafka must advertise the address the host sees, which is only known after the container
 * started; so the broker's port is published on a host port chosen up front. The controller
 * quorum keeps the container's own loopback (KAFKA_ADVERTISED_HOST), unpublished.
 */
async function startKafka(image: string, host: string): Promise<{ container: StartedTestContainer; brokers: string }> {
  const hostPort = await freePort();
  const brokers = `${host}:${hostPort}`;
  const container = await new GenericContainer(image)
    .withLabels({ [SERVER_LABEL]: "kafka" })
    .withEnvironment({
      KAFKA_ADVERTISED_HOST: "127.0.0.1",
      KAFKA_CFG_ADVERTISED_LISTENERS: `PLAINTEXT://${brokers}`,
      KAFKA_HEAP_OPTS: "-Xms256m -Xmx768m",
    })
    // The image also EXPOSEs the controller's port. podman (4.3) lists every exposed port in
    // HostConfig.PortBindings, and testcontainers waits until each has a host port: give it one.
    .withExposedPorts({ container: CONTAINER_PORTS.kafka, host: hostPort }, KAFKA_CONTROLLER_PORT)
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  return { container, brokers };
}
