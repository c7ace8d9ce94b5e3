import { readFileSync } from "node:fs";
import newman, { type NewmanRunOptions } from "newman";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAttackPipeline, type AttackPipeline } from "./attack-pipeline";
import { collectionRequests, type Collection, type NewmanSummary } from "./postman-collection";

const COLLECTION = new URL("../../postman/udaconnect.postman_collection.json", import.meta.url);
const ENVIRONMENT = new URL("../../postman/local.postman_environment.json", import.meta.url);

/**
 * The Postman collection, run by newman against the whole pipeline as `./scripts/up` runs it
 * (auth on, the original's POST routes forwarded to ingest, end offsets from Kafka): every
 * request's test script must pass, and every request must have run.
 */
describe("the Postman collection", () => {
  let pipeline: AttackPipeline;

  beforeAll(async () => {
    pipeline = await startAttackPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl") });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it("passes every test script against the running pipeline", async () => {
    const collection = JSON.parse(readFileSync(COLLECTION, "utf8")) as Collection;
    const personB = `pm-b-${Date.now().toString(36)}`;
    const envVar = [
      { key: "query_api_url", value: pipeline.queryApiUrl },
      { key: "ingest_url", value: pipeline.ingestUrl },
      { key: "operator_token", value: await pipeline.token({ subject: "postman-operator", role: "operator" }) },
      { key: "analyst_token", value: await pipeline.token({ subject: "postman-analyst", role: "analyst" }) },
      { key: "attendee_token", value: await pipeline.token({ subject: personB, role: "attendee" }) },
      { key: "person_b_id", value: personB },
    ];
    const summary = await runNewman({ collection, environment: JSON.parse(readFileSync(ENVIRONMENT, "utf8")), envVar });

    const failures = summary.run.failures.map((f) => `${f.source?.name ?? "?"}: ${f.error.name}: ${f.error.message}`);
    expect(failures, failures.join("\n")).toEqual([]);
    const ran = summary.run.executions.map((e) => e.item.name);
    expect(ran).toEqual(collectionRequests(collection).map((r) => r.name));
    // Each request carries at least one test; none may have been skipped.
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(ran.length);
    expect(summary.run.stats.assertions.failed).toBe(0);
  });
});

function runNewman(options: NewmanRunOptions): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => {
    newman.run({ ...options, reporters: [], timeoutRequest: 15_000, bail: false }, (error, summary) => {
      if (error !== null && error !== undefined) {
        reject(error);
      } else {
        resolve(summary as unknown as NewmanSummary);
      }
    });
  });
}
