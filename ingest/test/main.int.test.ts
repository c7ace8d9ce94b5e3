import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, inject, it, onTestFinished } from "vitest";
import { personsTopic } from "@udaconnect/schemas";
import { childProcessEnv, createTestDatabase, createTopics, eventually, testMasterKeysFile, uniqueNamespace } from "@udaconnect/test-support";
import { closedPort, uniquePersonId } from "./harness";
import { TopicReader } from "./topic-reader";
import { OPERATOR, testKeys } from "./tokens";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly output: () => { stdout: string; stderr: string };
}

let running: ChildProcess | undefined;

afterEach(() => {
  running?.kill("SIGKILL");
  running = undefined;
});

/** `pnpm start` as a deployment runs it: the composition root with only environment variables. */
function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: PACKAGE_DIR,
    env: childProcessEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running = child;
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

describe("the ingest process", () => {
  it.each(["main", "worker"])(
    "serves once configured, and drains and exits 0 on SIGTERM, with its Kafka producers on the %s thread",
    async (thread) => {
      const brokers = inject("kafkaBrokers");
      const namespace = uniqueNamespace();
      await createTopics(brokers, namespace);
      const port = await closedPort();
      const keys = await testKeys();
      // The gateway seals personal fields with keys from the key store (docs/erasure.md).
      const database = await createTestDatabase(inject("databaseUrl"));
      onTestFinished(() => database.drop());
      const { child, output } = startMain({
        KAFKA_BROKERS: brokers,
        TOPIC_NAMESPACE: namespace,
        INGEST_PORT: String(port),
        AUTH_JWKS_FILE: keys.keySetFile,
        KEYSTORE_DATABASE_URL: database.url,
        UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile(),
        INGEST_KAFKA_THREAD: thread,
      });
      const url = `http://127.0.0.1:${port}`;
      // Generous: from the sources the producer thread compiles its own copy of the Kafka code through tsx, slow on a loaded machine.
      await eventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), { timeoutMs: 60_000 });

      const personId = uniquePersonId();
      const register = (headers: Record<string, string>) =>
        fetch(`${url}/udaconnect.v1.IngestService/RegisterPerson`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ personId, firstName: "Ada", lastName: "Lovelace", companyName: "AE" }),
        });
      expect((await register({})).status).toBe(401);
      expect((await register(await keys.bearer(OPERATOR))).status).toBe(200);
      const exited = once(child, "exit");
      child.kill("SIGTERM");

      expect(await exited).toEqual([0, null]);
      const messages = output()
        .stdout.trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toEqual(expect.arrayContaining(["Ingest gateway listening", "Draining before exit", "Stopped"]));
      const reader = await TopicReader.start(brokers, namespace);
      try {
        expect((await reader.records(personsTopic, personId)).map((r) => r.key)).toEqual([personId]);
      } finally {
        await reader.stop();
      }
    },
    120_000,
  );

  it("refuses to start with a bad configuration, naming every problem", async () => {
    const { child, output } = startMain({ INGEST_PORT: "http" });

    const [code] = await once(child, "exit");

    expect(code).toBe(1);
    expect(output().stderr).toContain('INGEST_PORT must be a TCP port 1..65535, got "http"');
    expect(output().stderr).toContain("KAFKA_BROKERS is required");
    expect(output().stderr).toContain("AUTH_JWKS_FILE is required: the JWKS file whose keys verify bearer tokens");
  });
});
