import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, inheritedEnv } from "@udaconnect/test-support";
import { isGone, isRunning, killTree, processesOf, ScriptProcess } from "./up-lifecycle-harness";

// A whole instance of ./scripts/up of its own: its own state directory and ports, so its Kafka
// and PostgreSQL are not the ones the other tests share. The tests follow one another in this
// file (each leaves nothing running), cheapest moments first.
const PORT_VARIABLES = [
  "KAFKA_PORT",
  "KAFKA_CONTROLLER_PORT",
  "KAFKA_SASL_SSL_PORT",
  "KAFKA_MTLS_PORT",
  "PG_PORT",
  "INGEST_PORT",
  "PROJECTOR_PORT",
  "QUERY_API_PORT",
] as const;
type PortVariable = (typeof PORT_VARIABLES)[number];

let stateDir = "";
let ports: Record<PortVariable, number>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Readable by the postgres OS user (PostgreSQL runs as that user when the tests run as root).
  stateDir = realpathSync(mkdtempSync(join(tmpdir(), "udaconnect-up-")));
  chmodSync(stateDir, 0o755);
  const entries: [PortVariable, number][] = [];
  for (const name of PORT_VARIABLES) {
    entries.push([name, await freePort()]);
  }
  ports = Object.fromEntries(entries) as Record<PortVariable, number>;
  env = inheritedEnv({
    ...Object.fromEntries(entries.map(([name, port]) => [name, String(port)])),
    UDACONNECT_STATE_DIR: stateDir,
    // Empty: up starts the local servers of its own state directory instead of using these.
    KAFKA_BROKERS: "",
    DATABASE_URL: "",
    TOPIC_NAMESPACE: "",
    KAFKA_START_TIMEOUT: "240",
    // A broker that starts sooner and weighs less beside the other tests; what is tested here
    // is what up does around it.
    KAFKA_HEAP_OPTS: "-Xms64m -Xmx384m",
    KAFKA_JVM_OPTS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true",
  });
});

afterEach(() => {
  // A failed test must not leave its instance behind for the next one.
  for (const { pid } of processesOf(stateDir)) {
    killTree(pid);
  }
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

/** Nothing of the instance runs any more, at the latest `deadline` (ms since the epoch). */
async function expectNothingRunningBy(deadline: number): Promise<void> {
  await eventually(() => expect(processesOf(stateDir)).toEqual([]), { timeoutMs: Math.max(deadline - Date.now(), 0), intervalMs: 250 });
}

async function readyzStatus(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return response.status;
}

const START_MS = 240_000;

describe("./scripts/up, whatever the moment", () => {
  it("a service port held by another program: up names the port and its variable at once, and starts nothing", async () => {
    const holder = createServer((_, response) => response.end("not UdaConnect")).listen(ports.PROJECTOR_PORT, "127.0.0.1");
    await once(holder, "listening");
    try {
      const up = new ScriptProcess(env);

      expect(await up.exitWithin(10_000)).toEqual({ code: 1, signal: null });
      expect(up.stderr).toContain(`error: port ${ports.PROJECTOR_PORT} (PROJECTOR_PORT) is held by another process`);
      expect(up.stderr).toContain("choose another port with PROJECTOR_PORT=<port>");
      expect(processesOf(stateDir)).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it("Ctrl-C while Kafka and PostgreSQL start: up stops them, and nothing of it runs 30 s later", { timeout: START_MS + 60_000 }, async () => {
    const up = new ScriptProcess(env);
    await up.waitFor("stderr", /\[postgres\] starting PostgreSQL/, START_MS);

    up.pressCtrlC();
    const deadline = Date.now() + 30_000;

    expect(await up.exitWithin(30_000)).toEqual({ code: 130, signal: null });
    await expectNothingRunningBy(deadline);
    expect(up.stderr).toContain("interrupted: stopping what this run started");
  });

  it("Ctrl-C while a service starts: up stops it and the infrastructure, nothing runs 30 s later", { timeout: START_MS + 60_000 }, async () => {
    const up = new ScriptProcess(env);
    await up.waitFor("stderr", /starting projector/, START_MS);

    up.pressCtrlC();
    const deadline = Date.now() + 30_000;

    expect(await up.exitWithin(30_000)).toEqual({ code: 130, signal: null });
    await expectNothingRunningBy(deadline);
    expect(up.stderr).toMatch(/stopping the kafka this command started/);
  });

  it("another command that starts a server for itself (scripts/replay): its terminal closed while Kafka starts, it stops Kafka", {
    timeout: START_MS + 60_000,
  }, async () => {
    const replay = new ScriptProcess(env, ["scripts/replay", "--topic", "persons"]);
    await replay.waitFor("stderr", /\[kafka\] starting Kafka/, START_MS);

    replay.closeTerminal();
    const deadline = Date.now() + 30_000;

    expect(await replay.exitWithin(30_000)).toEqual({ code: 129, signal: null });
    await expectNothingRunningBy(deadline);
    expect(replay.stderr).toContain("stopping the kafka this command started");
  });

  it("a second up refuses at once and the first keeps answering; after SIGKILL of the whole tree and a stale pid file up comes up again; SIGINT during the import stops everything", {
    timeout: 2 * START_MS + 60_000,
  }, async () => {
    const first = new ScriptProcess(env);
    await first.waitFor("stdout", /UdaConnect is running/, START_MS);
    const firstServices = first.servicePids();

    const started = Date.now();
    const second = new ScriptProcess(env);
    const refusal = await second.exitWithin(10_000);

    expect(Date.now() - started).toBeLessThan(10_000);
    expect(refusal.code).toBe(1);
    expect(second.stderr).toContain(`UdaConnect already runs from this checkout: ./scripts/up, pid ${first.pid}`);
    expect(second.stderr).toContain(`'kill ${first.pid}'`);
    for (const port of [ports.INGEST_PORT, ports.PROJECTOR_PORT, ports.QUERY_API_PORT]) {
      expect(await readyzStatus(port)).toBe(200);
    }
    expect(Object.values(firstServices).every(isRunning)).toBe(true);
    expect(isRunning(first.pid)).toBe(true);

    // The crash: up and everything below it, at once. PostgreSQL goes down with it, as in a
    // reboot, and its pid file now names a live process of another program.
    const postmasterPidFile = join(stateDir, "postgres/data/postmaster.pid");
    const [postmaster = "", ...rest] = readFileSync(postmasterPidFile, "utf8").split("\n");
    const killed = [...killTree(first.pid), ...killTree(Number(postmaster))];
    await eventually(() => expect(killed.filter((pid) => !isGone(pid))).toEqual([]), { timeoutMs: 30_000 });
    const stranger = spawn("sleep", ["600"], { stdio: "ignore" });
    writeFileSync(postmasterPidFile, [String(stranger.pid), ...rest].join("\n"));

    try {
      const again = new ScriptProcess(env);
      await again.waitFor("stderr", /loading the original UdaConnect data/, START_MS);
      const importUnderWay = processesOf(stateDir).some(({ command }) => command.includes("import-legacy"));
      again.interrupt();
      const deadline = Date.now() + 30_000;

      expect(importUnderWay).toBe(true);
      expect(again.stderr).toContain("taking over the kafka an earlier command started");
      expect(again.stderr).toMatch(/removing .*postmaster\.pid: its pid \d+ is no running PostgreSQL/);
      const services = again.servicePids();
      expect(Object.keys(services).sort()).toEqual(["ingest", "projector", "query-api"]);
      for (const [name, pid] of Object.entries(services)) {
        expect(pid, name).not.toBe(firstServices[name]);
      }
      expect(await again.exitWithin(30_000)).toEqual({ code: 130, signal: null });
      await expectNothingRunningBy(deadline);
      expect(stranger.exitCode).toBeNull();
      expect(isRunning(stranger.pid ?? 0)).toBe(true);
    } finally {
      stranger.kill("SIGKILL");
    }
  });
});
