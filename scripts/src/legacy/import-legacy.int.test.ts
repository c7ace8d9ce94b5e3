import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { eventually, uniqueNamespace, inheritedEnv } from "@udaconnect/test-support";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLegacyDatabase } from "../testing/legacy-database";
import { startPipeline, type RunningPipeline } from "@udaconnect/test-pipeline";
import { planLegacyDatabase } from "./postgres/read-legacy-database";
import { ORIGINAL_DATA_DIR } from "./original-data";
import { planDumpDirectory } from "./read-dump-dir";
import { uuidV5 } from "./legacy-plan";

const COMMAND = fileURLToPath(new URL("../../import-legacy", import.meta.url));

describe("importing the original UdaConnect data", () => {
  let pipeline: RunningPipeline;
  let legacy: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    [pipeline, legacy] = await Promise.all([
      startPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl"), topicNamespace: uniqueNamespace() }),
      createLegacyDatabase(inject("databaseUrl"), ORIGINAL_DATA_DIR),
    ]);
  });

  afterAll(async () => {
    await Promise.all([pipeline?.stop(), legacy?.drop()]);
  });

  it("reads a live legacy database exactly as its dump files", async () => {
    const fromFiles = await planDumpDirectory(ORIGINAL_DATA_DIR);

    const fromDatabase = await planLegacyDatabase(legacy.url);

    expect(fromDatabase.problems).toEqual([]);
    expect([...fromDatabase.plan.persons].sort((a, b) => Number(a.personId) - Number(b.personId))).toEqual(
      [...fromFiles.plan.persons].sort((a, b) => Number(a.personId) - Number(b.personId)),
    );
    const byEventId = (a: { eventId: string }, b: { eventId: string }) => a.eventId.localeCompare(b.eventId);
    expect([...fromDatabase.plan.checkIns].sort(byEventId)).toEqual([...fromFiles.plan.checkIns].sort(byEventId));
    expect(fromDatabase.plan.fixed).toHaveLength(22);
  });

  it("imports the files twice and the live database once: 5 people and 39 check-ins, Albuquerque the right way round", async () => {
    // Auth is on: the import authenticates as an operator through $UDACONNECT_TOKEN.
    const env = inheritedEnv({ UDACONNECT_TOKEN: await pipeline.tokenFor({ subject: "importer", role: "operator" }) });
    const dryRun = await run(["--dry-run"], { ...env, LEGACY_DATA_DIR: "" }); // the default: the data committed in the repository
    await run(["--ingest-url", pipeline.ingestUrl, ORIGINAL_DATA_DIR], env);
    await run(["--ingest-url", pipeline.ingestUrl, ORIGINAL_DATA_DIR], env);
    const live = await run(["--ingest-url", pipeline.ingestUrl, "--database-url", legacy.url], env);

    expect(dryRun.stdout).toBe(`dry run: would import 5 people, 39 check-ins (22 fixed, 0 rejected) from ${ORIGINAL_DATA_DIR}\n`);
    expect(live.stdout).toContain("imported 5 people, 39 check-ins (22 fixed, 0 rejected) from postgres://");
    const db = pipeline.database.db;
    await eventually(async () => {
      const { count } = await db
        .selectFrom("location")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(39);
    });
    const persons = await db.selectFrom("person").select("id").orderBy("id").execute();
    expect(persons.map((p) => p.id)).toEqual(["1", "5", "6", "8", "9"]);
    const albuquerque = await db
      .selectFrom("location")
      .select([sql<number>`ST_Y(coordinate::geometry)`.as("latitude"), sql<number>`ST_X(coordinate::geometry)`.as("longitude")])
      .where("event_id", "=", uuidV5("3f1c9a52-6f0e-4b8e-9d6a-2b7f0c4e8a11", "location:42"))
      .execute();
    expect(albuquerque).toEqual([{ latitude: 35.0585136, longitude: -106.5719566 }]);
  });
});

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(COMMAND, args, { env });
}
