import type {} from "@udaconnect/test-support/global-setup";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSigner, generateSigningKeyPair } from "@udaconnect/auth";
import { createTestDatabase, inheritedEnv, type TestDatabase } from "@udaconnect/test-support";

// The query-api process as ./scripts/up runs it (its own log on stdout, level info), given the
// web page's URL with ?token= as ./scripts/up prints it: the token must reach no log line.
const QUERY_API_DIR = fileURLToPath(new URL("..", import.meta.url));

let t: TestDatabase;
let keyDir: string;
let child: ChildProcess;
let output = "";
let url: string;
let token: string;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  const keys = await generateSigningKeyPair("log-test");
  token = await (await createSigner(keys.privateKey))({ subject: "log-analyst", role: "analyst" });
  keyDir = await mkdtemp(join(tmpdir(), "udaconnect-log-test-"));
  await writeFile(join(keyDir, "jwks.json"), JSON.stringify(keys.keySet));
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: QUERY_API_DIR,
    env: inheritedEnv({ DATABASE_URL: t.url, QUERY_API_PORT: "0", AUTH_JWKS_FILE: join(keyDir, "jwks.json"), LOG_LEVEL: "info", KAFKA_BROKERS: "" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  url = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/\S+)/.exec(output);
      if (listening?.[1] !== undefined) resolve(listening[1]);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code) => reject(new Error(`query-api exited (${code}) before listening:\n${output}`)));
  });
});

afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await rm(keyDir, { recursive: true, force: true });
  await t?.drop();
});

describe("query-api's log", () => {
  it("shows requests with ?token= as token=[redacted], never the token", async () => {
    const page = await fetch(`${url}/?token=${token}`);
    const persons = await fetch(`${url}/v1/persons?limit=1&access_token=${token}`, { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(persons.status).toBe(200);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;

    expect(output).toContain('"url":"/?token=[redacted]"');
    expect(output).toContain('"url":"/v1/persons?limit=1&access_token=[redacted]"');
    expect(output).not.toContain(token);
    expect(output).not.toContain(token.split(".")[2]);
  });
});
