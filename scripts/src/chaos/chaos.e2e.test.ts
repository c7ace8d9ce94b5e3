import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inheritedEnv } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "./verdict";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
// Its first fault kills the Kafka broker 3–6 s in, which always fits in the minute; then come
// PostgreSQL, a disconnected link, the gateway and a reset link, as many as fit (few on a loaded
// machine, where a JVM takes a minute to start again).
const SEED = "16";

interface Outcome {
  readonly code: number;
  readonly stderr: string;
}

function chaos(args: readonly string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile("scripts/chaos", [...args], { cwd: REPO, env: inheritedEnv({}), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stderr });
    });
  });
}

describe("scripts/chaos for one minute", () => {
  const dir = mkdtempSync(join(tmpdir(), "chaos-e2e-"));
  const summaryFile = join(dir, "summary.json");

  beforeAll(async () => {
    // Toxiproxy is built once per machine (go install), Kafka's jars copied once.
    const outcome = await chaos(["--install"], 590_000);
    expect(outcome.code, outcome.stderr).toBe(0);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loses and doubles no acknowledged check-in while Kafka, PostgreSQL, the services and devices are killed and the links degraded", {
    timeout: 720_000,
  }, async () => {
    const outcome = await chaos(["--duration", "1m", "--seed", SEED, "--devices", "3", "--json", summaryFile], 700_000);

    expect(outcome.code, outcome.stderr.slice(-4_000)).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as Summary;
    expect(summary.lost).toEqual({ fromReadModel: 0, fromLog: 0, sample: [] });
    expect(summary.doubled.readModelRows).toBe(0);
    expect(summary.queuesDrained).toBe(true);
    expect(summary.projectionCaughtUp).toBe(true);
    expect(summary.checkIns.rejected).toBe(0);
    expect(summary.checkIns.acknowledged).toBeGreaterThanOrEqual(summary.checkIns.queued);
    expect(summary.checkIns.queued).toBeGreaterThan(1_000);
    expect(summary.faults.byKind["kafka-kill"]?.injected).toBe(1);
    expect(summary.ok).toBe(true);
    expect(outcome.stderr).toContain("RESULT: nothing acknowledged was lost or doubled");
  });
});
