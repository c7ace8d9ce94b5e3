import { Admin } from "@platformatic/kafka";
import pg from "pg";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, inject, it } from "vitest";
import { loadTestEnvironment } from "../src/config";
import { CONTAINER_PORTS, SERVER_LABEL } from "../src/containers";

const { expectContainers, containerImages } = loadTestEnvironment();

// Only meaningful when the run was asked to use containers (scripts/test-containers sets
// UDACONNECT_EXPECT_CONTAINERS=1); other runs use servers they were given or local processes.
describe.runIf(expectContainers)("the servers of a run through testcontainers", () => {
  it("are running containers of the configured images, reached through their published ports", async () => {
    const client = await getContainerRuntimeClient();
    const running = await client.container.list();
    const publishedPort = (server: keyof typeof CONTAINER_PORTS): number[] =>
      running
        .filter((c) => c.Labels[SERVER_LABEL] === server && c.Image === containerImages[server])
        .flatMap((c) => c.Ports.filter((p) => p.PrivatePort === CONTAINER_PORTS[server]).map((p) => p.PublicPort));

    const databasePort = Number(new URL(inject("databaseUrl")).port);
    const brokerPorts = inject("kafkaBrokers")
      .split(",")
      .map((broker) => Number(broker.slice(broker.lastIndexOf(":") + 1)));

    expect(publishedPort("postgis")).toEqual([databasePort]);
    expect(publishedPort("kafka")).toEqual(brokerPorts);
  });

  it("answer: PostGIS on the database URL, and a broker that advertises the address the tests use", async () => {
    const database = new pg.Client({ connectionString: inject("databaseUrl") });
    await database.connect();
    try {
      const { rows } = await database.query<{ version: string }>("SELECT postgis_lib_version() AS version");
      expect(rows[0]?.version).toMatch(/^3\.\d+\.\d+/);
    } finally {
      await database.end();
    }

    const admin = new Admin({ clientId: "test-support-test", bootstrapBrokers: inject("kafkaBrokers").split(",") });
    try {
      const { brokers } = await admin.metadata({ topics: [] });
      expect([...brokers.values()].map((b) => `${b.host}:${b.port}`)).toEqual(inject("kafkaBrokers").split(","));
    } finally {
      await admin.close();
    }
  });
});
