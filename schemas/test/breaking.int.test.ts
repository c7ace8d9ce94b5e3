import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// The check ./scripts/test runs: `buf breaking` of the .proto files against the recorded
// baseline (breaking-baseline.json). Here on copies of the module, so the check itself is tested.
const SCHEMAS = fileURLToPath(new URL("..", import.meta.url));
const BUF = join(SCHEMAS, "node_modules/.bin/buf");
const EVENTS = "proto/udaconnect/v1/events.proto";

let copy: string | undefined;

async function copyOfModule(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "udaconnect-breaking-"));
  copy = dir;
  await cp(join(SCHEMAS, "proto"), join(dir, "proto"), { recursive: true });
  await cp(join(SCHEMAS, "buf.yaml"), join(dir, "buf.yaml"));
  return dir;
}

function breaking(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(BUF, ["breaking", dir, "--against", join(SCHEMAS, "breaking-baseline.json")], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, output: stdout + stderr });
    });
  });
}

async function edit(dir: string, from: string, to: string): Promise<void> {
  const file = join(dir, EVENTS);
  const text = await readFile(file, "utf8");
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

afterEach(async () => {
  if (copy !== undefined) await rm(copy, { recursive: true, force: true });
  copy = undefined;
});

describe("buf breaking against the recorded baseline", () => {
  it("passes for the .proto files as committed", async () => {
    expect(await breaking(SCHEMAS)).toEqual({ code: 0, output: "" });
  });

  it("passes for a compatible change: a new field", async () => {
    const dir = await copyOfModule();
    await edit(dir, "  google.protobuf.Timestamp recorded_at = 6;\n", "  google.protobuf.Timestamp recorded_at = 6;\n  string venue = 99;\n");

    expect(await breaking(dir)).toEqual({ code: 0, output: "" });
  });

  it("fails for a wire-breaking change: a field's number changed", async () => {
    const dir = await copyOfModule();
    await edit(dir, "  double latitude = 3;", "  double latitude = 33;");

    const outcome = await breaking(dir);
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toMatch(/LocationRecorded.*(deleted|3)/);
  });

  it("fails for a removed field", async () => {
    const dir = await copyOfModule();
    await edit(dir, "  string person_id = 2;\n", "");

    const outcome = await breaking(dir);
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain("person_id");
  });
});
