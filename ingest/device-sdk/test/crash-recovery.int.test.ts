import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { silentLogger, startIngestServer, type IngestServer } from "@udaconnect/ingest";
import { startProjector, type Projector } from "@udaconnect/projector";
import { createTestDatabase, createTopics, eventually, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { startDevice } from "./processes";
import { ingestOptions } from "@udaconnect/ingest/test-options";
import { projectorOptions } from "@udaconnect/projector/test-options";

let gateway: IngestServer;
let database: TestDatabase;
let projector: Projector;

beforeAll(async () => {
  const brokers = inject("kafkaBrokers");
  const namespace = uniqueNamespace();
  await createTopics(brokers, namespace);
  gateway = await startIngestServer(ingestOptions({ auth: "disabled", kafkaBrokers: brokers, topicNamespace: namespace, port: 0, logger: silentLogger }));
  database = await createTestDatabase(inject("databaseUrl"));
  projector = await startProjector(projectorOptions({ kafkaBrokers: brokers, databaseUrl: database.url, topicNamespace: namespace, logger: silentLogger }));
});

afterAll(async () => {
  await projector?.stop();
  await gateway?.close();
  await database?.drop();
});

const COUNT = 600;

describe("a device killed mid-flush", () => {
  it("delivers every queued check-in exactly once after it restarts", async () => {
    const queueDir = await mkdtemp(join(tmpdir(), "device-crash-"));
    const personId = `crash-${Date.now().toString(36)}`;

    const first = startDevice(gateway.url, queueDir, personId, COUNT);
    const queued = JSON.parse(await first.waitFor("queued ")) as string[];
    await first.waitFor("accepted ");
    first.process.kill("SIGKILL");
    await first.exited;
    const second = startDevice(gateway.url, queueDir, personId, 0);
    const resumed = Number(await second.waitFor("resumed "));
    await second.waitFor("done ");

    expect(queued.length).toBe(COUNT);
    expect(new Set(queued).size).toBe(COUNT);
    // The kill landed mid-flush: part was acknowledged, the rest was left in the journal.
    expect(resumed).toBeGreaterThan(0);
    expect(resumed).toBeLessThan(COUNT);
    await eventually(
      async () => {
        const rows = await database.db.selectFrom("location").select("event_id").where("person_id", "=", personId).execute();
        expect(rows.map((r) => r.event_id).sort()).toEqual([...queued].sort());
      },
      { timeoutMs: 45_000 },
    );
  });
});
