import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { eventually, inheritedEnv, uniqueNamespace } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startPipeline, type RunningPipeline } from "@udaconnect/test-pipeline";
import type { TruthDocument } from "./truth-file";

const COMMAND = fileURLToPath(new URL("../../simulate", import.meta.url));

describe("the simulated conference's ground truth", () => {
  let pipeline: RunningPipeline;
  let dir: string;
  let truth: TruthDocument;
  let stdout: string;

  beforeAll(async () => {
    [pipeline, dir] = await Promise.all([
      // The simulator and these lookups run without tokens.
      startPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl"), topicNamespace: uniqueNamespace(), auth: "off" }),
      mkdtemp(join(tmpdir(), "simulate-")),
    ]);
    const truthFile = join(dir, "truth.json");
    const args = ["--seed", "7", "--attendees", "12", "--booths", "5", "--sessions", "3", "--session-minutes", "5", "--check-in-every", "60"];
    ({ stdout } = await promisify(execFile)(
      COMMAND,
      [...args, "--ingest-url", pipeline.ingestUrl, "--truth", truthFile, "--distance-m", "10", "--within-s", "45"],
      {
        env: inheritedEnv({ UDACONNECT_TOKEN: "" }),
      },
    ));
    truth = JSON.parse(await readFile(truthFile, "utf8")) as TruthDocument;
    await eventually(async () => {
      const { count } = await pipeline.database.db
        .selectFrom("location")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(truth.check_ins);
    });
  });

  afterAll(async () => {
    await Promise.all([pipeline?.stop(), dir === undefined ? undefined : rm(dir, { recursive: true, force: true })]);
  });

  it("sends every check-in once, all accepted", () => {
    expect(truth.check_ins).toBe(12 * 3 * 5);
    expect(stdout).toContain(`${truth.check_ins} accepted, 0 duplicates, 0 rejected`);
    // Time proximity matters in this conference: the two meanings of "met" differ.
    expect(truth.met).not.toEqual(truth.met_at_any_time);
  });

  it("matches whom /v1/persons/{id}/connections says each attendee met (distance and time)", async () => {
    const answers = await Promise.all(truth.persons.map(async (id) => [id, await personsMet(pipeline.queryApiUrl, truth, id, "v1")] as const));

    expect(Object.fromEntries(answers)).toEqual(truth.met);
    // The truth is worth comparing: most met someone, not everyone met everyone.
    const sizes = Object.values(truth.met).map((ids) => ids.length);
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(truth.persons.length / 2);
    expect(Math.min(...sizes)).toBeLessThan(truth.persons.length - 1);
  });

  it("matches the legacy route's distance-only answer too", async () => {
    const answers = await Promise.all(truth.persons.map(async (id) => [id, await personsMet(pipeline.queryApiUrl, truth, id, "legacy")] as const));

    expect(Object.fromEntries(answers)).toEqual(truth.met_at_any_time);
  });
});

type Route = "v1" | "legacy";

function v1Url(baseUrl: string, truth: TruthDocument, id: string): string {
  const query = new URLSearchParams({ from: truth.from, to: truth.to, distance_m: String(truth.distance_m), within_s: String(truth.within_s) });
  return `${baseUrl}/v1/persons/${id}/connections?${query}`;
}

async function personsMet(baseUrl: string, truth: TruthDocument, id: string, route: Route): Promise<string[]> {
  const day = (iso: string) => iso.slice(0, 10);
  const url =
    route === "v1"
      ? v1Url(baseUrl, truth, id)
      : `${baseUrl}/api/persons/${id}/connection?start_date=${day(truth.from)}&end_date=${day(truth.to)}&distance=${truth.distance_m}`;
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { connections: { person: { id: string } }[] } | { person: { id: string } }[];
  const entries = Array.isArray(body) ? body : body.connections;
  return [...new Set(entries.map((c) => c.person.id))].sort();
}
