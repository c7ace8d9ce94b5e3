import { execFile } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ChaosConfig } from "../config";
import { prepareBroker, waitForBroker, type BrokerPorts } from "./kafka-broker";
import { PostgresServer } from "./postgres-server";
import type { CleanupStack } from "./cleanup-stack";
import { SupervisedProcess } from "./supervised-process";
import { Toxiproxy } from "./toxiproxy";
import type { Link } from "./fault-plan";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SERVICE_READY_MS = 120_000;
export const BROKER_READY_MS = 180_000;

/** Everything the run started, by role. */
export interface Pipeline {
  readonly runDir: string;
  readonly logDir: string;
  /** PATH and HOME of the caller, and the marker that finds a dead run's processes (CHAOS_RUN_DIR). */
  readonly env: Readonly<Record<string, string>>;
  readonly brokerPorts: BrokerPorts;
  readonly broker: SupervisedProcess;
  readonly postgres: PostgresServer;
  readonly toxiproxy: Toxiproxy;
  /** Proxy name → the port it listens on. */
  readonly proxies: Readonly<Record<Link, number>>;
  readonly gatewayPort: number;
  readonly gateway: SupervisedProcess;
  readonly projectorPorts: readonly number[];
  readonly projectors: readonly SupervisedProcess[];
  /** startPipeline returns once the gateway answers; the projectors are started then, ready when this resolves. */
  readonly projectorsReady: Promise<void>;
  /** Filled once the devices are planned. */
  devices: SupervisedProcess[];
}

/** Direct addresses, for the run's own checks: never behind a proxy. */
export const directBrokers = (p: Pipeline) => `127.0.0.1:${p.brokerPorts.direct}`;
export const gatewayUrl = (p: Pipeline) => `http://127.0.0.1:${p.gatewayPort}`;

/** Starts everything but the devices; each part is pushed on `cleanup` as soon as it runs. */
export async function startPipeline(config: ChaosConfig, runDir: string, cleanup: CleanupStack, say: (line: string) => void): Promise<Pipeline> {
  const logDir = join(runDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const env = { PATH: config.path, HOME: config.userHome, CHAOS_RUN_DIR: runDir };
  const [direct, controller, ingestListener, projectorListener, ingestProxy, projectorProxy, pgPort, pgProxy, apiPort, gatewayPort, p0, p1] =
    await freePorts(12);
  const brokerPorts = { direct, controller, ingestListener, projectorListener, ingestProxy, projectorProxy } as BrokerPorts;
  const proxies = { "kafka-ingest": ingestProxy, "kafka-projector": projectorProxy, postgres: pgProxy } as Record<Link, number>;

  const toxiproxy = new Toxiproxy(config.toxiproxyBin, apiPort as number, logDir, env);
  cleanup.push(() => toxiproxy.process.stop());
  await toxiproxy.start();
  await toxiproxy.createProxy("kafka-ingest", ingestProxy as number, ingestListener as number);
  await toxiproxy.createProxy("kafka-projector", projectorProxy as number, projectorListener as number);
  await toxiproxy.createProxy("postgres", pgProxy as number, pgPort as number);

  say(`starting the run's own Kafka (127.0.0.1:${direct}) and PostgreSQL (127.0.0.1:${pgPort}); state in ${runDir}`);
  const postgres = new PostgresServer(REPO_ROOT, runDir, pgPort as number, env);
  cleanup.push(() => postgres.stop().catch(() => postgres.kill()));
  const brokerStarting = prepareBroker(config.kafkaDir, runDir, brokerPorts, env).then(async (broker) => {
    cleanup.push(() => broker.stop("SIGKILL"));
    broker.start();
    await waitForBroker(direct as number, BROKER_READY_MS);
    return broker;
  });
  // Migrations run as soon as PostgreSQL is up, the gateway as soon as Kafka is.
  const migrated = postgres.start().then(() => migrate(postgres.url, env));
  migrated.catch(() => {});
  const broker = await brokerStarting;

  // Crypto-shredding (docs/erasure.md): the run's own master keys file, and the key store in the run's PostgreSQL (schema keystore,
  // made by the migrations), reached directly so that the faults on the "postgres" link stay the projectors' as before.
  const masterKeysFile = writeMasterKeysFile(runDir);
  const keys = { UDACONNECT_MASTER_KEYS_FILE: masterKeysFile };
  const service = (name: string, dir: string, vars: Record<string, string>) =>
    new SupervisedProcess({
      name,
      command: process.execPath,
      args: ["--import", "tsx", "src/main.ts"],
      cwd: join(REPO_ROOT, dir),
      env: { ...env, ...vars },
      logFile: join(logDir, `${name}.log`),
    });
  const gateway = service("gateway", "ingest", {
    INGEST_PORT: String(gatewayPort),
    KAFKA_BROKERS: `127.0.0.1:${ingestProxy}`,
    AUTH_DISABLED: "true",
    ...keys,
    KEYSTORE_DATABASE_URL: `postgres://udaconnect@127.0.0.1:${pgPort}/udaconnect`,
  });
  const projectorPorts = [p0 as number, p1 as number];
  const projectors = projectorPorts.map((port, i) =>
    service(`projector-${i}`, "projector", {
      PROJECTOR_PORT: String(port),
      KAFKA_BROKERS: `127.0.0.1:${projectorProxy}`,
      DATABASE_URL: `postgres://udaconnect@127.0.0.1:${pgProxy}/udaconnect`,
      // Default 30 s: a killed member's partitions would wait that long for a rebalance.
      PROJECTOR_SESSION_TIMEOUT_MS: "10000",
      ...keys,
    }),
  );
  say("starting the gateway (it creates the topics), then two projectors in one consumer group");
  cleanup.push(() => Promise.all([gateway.stop(), ...projectors.map((x) => x.stop())]).then(() => {}));
  // The gateway's key store is in the migrated database.
  await migrated;
  gateway.start();
  await waitForService(gatewayPort as number, "gateway");
  for (const projector of projectors) projector.start();
  const projectorsReady = Promise.all(projectorPorts.map((port, i) => waitForService(port, `projector-${i}`))).then(() => {});
  // Awaited later; a failure must not go unhandled meanwhile.
  projectorsReady.catch(() => {});
  return {
    runDir,
    logDir,
    env,
    brokerPorts,
    broker,
    postgres,
    toxiproxy,
    proxies,
    gatewayPort: gatewayPort as number,
    gateway,
    projectorPorts,
    projectors,
    projectorsReady,
    devices: [],
  };
}

export async function waitForService(port: number, name: string, timeoutMs = SERVICE_READY_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer http://127.0.0.1:${port}/readyz within ${timeoutMs / 1000} s (its log is in the run's logs/)`);
    await sleep(250);
  }
}

async function migrate(databaseUrl: string, env: Readonly<Record<string, string>>): Promise<void> {
  await promisify(execFile)(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: join(REPO_ROOT, "migrations"),
    env: { ...env, DATABASE_URL: databaseUrl },
    timeout: 120_000,
  });
}

/** Ports free a moment ago, all held at once so that none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = net.createServer().listen(0, "127.0.0.1");
      await once(server, "listening");
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** One random active key, in the format scripts/rotate-master-key new-file writes; made once per run directory. */
function writeMasterKeysFile(runDir: string): string {
  const dir = join(runDir, "keystore");
  const file = join(dir, "master-keys.json");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify({ active: "chaos", keys: { chaos: randomBytes(32).toString("base64") } }), { mode: 0o600 });
  }
  return file;
}
