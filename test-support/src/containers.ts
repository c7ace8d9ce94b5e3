import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from "testcontainers";
import type { Infrastructure } from "./infrastructure";

const POSTGIS_IMAGE = "postgis/postgis:15-3.4";
const KAFKA_IMAGE = "apache/kafka:4.1.1";

/**
 * Starts PostGIS and a single-node KRaft Kafka in containers when a Docker
 * engine is reachable; answers undefined (within milliseconds) when none is.
 */
export async function startContainers(): Promise<Infrastructure | undefined> {
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const started: StartedTestContainer[] = [];
  try {
    const postgis = await new GenericContainer(POSTGIS_IMAGE)
      .withEnvironment({ POSTGRES_USER: "udaconnect", POSTGRES_DB: "udaconnect", POSTGRES_HOST_AUTH_METHOD: "trust" })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    started.push(postgis);
    const kafka = await startKafka();
    started.push(kafka.container);
    return {
      kafkaBrokers: kafka.brokers,
      databaseUrl: `postgres://udaconnect@${postgis.getHost()}:${postgis.getMappedPort(5432)}/udaconnect`,
      stop: async () => {
        await Promise.all(started.map((c) => c.stop()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((c) => c.stop()));
    throw error;
  }
}

/**
 * Kafka must advertise the port the host sees, which is only known after the
 * container started; so the broker binds a fixed host port chosen up front.
 */
async function startKafka(): Promise<{ container: StartedTestContainer; brokers: string }> {
  const hostPort = 39092 + Math.floor(Math.random() * 1000);
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
    })
    .withExposedPorts({ container: 9092, host: hostPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { container, brokers: `localhost:${hostPort}` };
}
