import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { adoptSecureListeners, secureListenersSet } from "./config";
import { resolveInfrastructure } from "./infrastructure";

import "./provided-context";

const run = promisify(execFile);
const SERVICES_SCRIPT = fileURLToPath(new URL("../../infra/local/services.sh", import.meta.url));

/**
 * Vitest global setup of the integration and e2e projects: finds or starts a
 * real Kafka broker and a real PostGIS server once per run and hands their
 * addresses to the tests (`inject("kafkaBrokers")`, `inject("databaseUrl")`).
 * The local broker's secure listeners reach the tests as the environment
 * variables `services.sh env` prints (the test workers inherit this process's environment).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infrastructure = await resolveInfrastructure();
  project.provide("kafkaBrokers", infrastructure.kafkaBrokers);
  project.provide("databaseUrl", infrastructure.databaseUrl);
  await exportSecureListeners(infrastructure.kafkaBrokers);
  return infrastructure.stop;
}

/**
 * Variables already set win. Otherwise they are taken from `services.sh env`
 * only when the tests' broker is that local broker: the listeners of another
 * broker (a container) stay unset, and the tests that need them say so.
 */
async function exportSecureListeners(kafkaBrokers: string): Promise<void> {
  if (secureListenersSet()) {
    return;
  }
  const { stdout } = await run("bash", [SERVICES_SCRIPT, "env"]);
  const printed = new Map([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] ?? "", m[2]?.replace(/^["']|["']$/g, "")]));
  if (printed.get("KAFKA_BROKERS") !== kafkaBrokers) {
    return;
  }
  adoptSecureListeners(printed);
}
