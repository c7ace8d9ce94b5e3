import type { TestProject } from "vitest/node";
import { resolveInfrastructure } from "./infrastructure";

import "./provided-context";

/**
 * Vitest global setup of the integration and e2e projects: finds or starts a
 * real Kafka broker and a real PostGIS server once per run and hands their
 * addresses to the tests (`inject("kafkaBrokers")`, `inject("databaseUrl")`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infrastructure = await resolveInfrastructure();
  project.provide("kafkaBrokers", infrastructure.kafkaBrokers);
  project.provide("databaseUrl", infrastructure.databaseUrl);
  return infrastructure.stop;
}
