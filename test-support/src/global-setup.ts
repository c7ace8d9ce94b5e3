import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { resolveInfrastructure } from "./infrastructure";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBrokers: string;
    databaseUrl: string;
  }
}

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
