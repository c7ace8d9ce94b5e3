// The images of scripts/build-images, run with podman (infra/images/podman.sh) on the host
// network against the run's Kafka and PostGIS: who they run as, what they hold, that each entry
// point starts, answers and drains on SIGTERM (exit code 0 after `podman stop`), and that the
// kafka and postgis images serve. The build itself runs first (seconds when nothing changed).
// UDACONNECT_SKIP_IMAGE_TESTS=1 skips this file (e.g. on a machine without podman).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod } from "node:fs/promises";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadTestEnvironment } from "../../test-support/src/config";
import { testMasterKeysFile } from "../../test-support/src/master-keys";

const exec = promisify(execFile);
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const PODMAN = `${REPO}infra/images/podman.sh`;
const TAG = "dev";
const image = (name: string) => `localhost/udaconnect/${name}:${TAG}`;
const NODE_IMAGES = ["ingest", "projector", "query-api", "tools"] as const;
const run = randomBytes(3).toString("hex");
const started: string[] = [];

async function podman(...args: string[]): Promise<string> {
  return (await podmanOutput(...args)).stdout;
}

async function podmanOutput(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(PODMAN, args, { maxBuffer: 64 * 1024 * 1024 });
    return { stdout: stdout.trim(), stderr: stderr.trim() };
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`podman ${args.join(" ")} failed: ${stderr?.trim() || message}`);
  }
}

/** A container on the host network, removed after the file; its name. `mounts`: host file → container path, read-only. */
async function start(name: string, ref: string, env: Record<string, string>, mounts: Record<string, string> = {}): Promise<string> {
  const container = `udc-imgtest-${run}-${name}`;
  const envArgs = Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
  const mountArgs = Object.entries(mounts).flatMap(([host, inContainer]) => ["-v", `${host}:${inContainer}:ro`]);
  started.push(container);
  // As in the cluster: read-only root filesystem, /tmp the only writable place.
  await podman("run", "-d", "--name", container, "--network", "host", "--read-only", "--tmpfs", "/tmp", ...envArgs, ...mountArgs, ref);
  return container;
}

/** SIGTERM (podman stop), then the exit code the process chose. */
async function stopAndExitCode(container: string): Promise<number> {
  await podman("stop", "--time", "30", container);
  return Number(await podman("inspect", "--format", "{{.State.ExitCode}}", container));
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function eventually<T>(check: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function httpStatus(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
}

async function untilOk(url: string): Promise<void> {
  await eventually(async () => expect(await httpStatus(url)).toBe(200));
}

/** psql from the postgis image against a server on this host. */
function psql(url: string, sql: string): Promise<string> {
  return podman("run", "--rm", "--network", "host", image("postgis"), "psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql);
}

function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

describe.skipIf(loadTestEnvironment().skipImageTests)("images (scripts/build-images)", () => {
  const kafkaBrokers = inject("kafkaBrokers");
  const server = inject("databaseUrl");
  const database = `images_${run}`;
  const namespace = `images-${run}`;

  /** The master keys as the cluster mounts them (docs/kubernetes.md), readable by the images' uid 10001. */
  const MASTER_KEYS = "/etc/udaconnect/master-keys/master-keys.json";
  let masterKeys: Record<string, string>;

  beforeAll(async () => {
    const keysFile = await testMasterKeysFile();
    await chmod(keysFile, 0o644);
    masterKeys = { [keysFile]: MASTER_KEYS };
    await exec(`${REPO}scripts/build-images`, ["--tag", TAG], { maxBuffer: 16 * 1024 * 1024 });
    await psql(server, `CREATE DATABASE ${database}`);
  }, 20 * 60_000);

  afterAll(async () => {
    for (const container of started) {
      // --volumes: the anonymous volumes of kafka and postgis (their VOLUME folders) go too.
      await podman("rm", "--force", "--volumes", "--time", "5", container).catch(() => undefined);
    }
    await psql(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }, 120_000);

  it.each(NODE_IMAGES)("%s runs as uid 10001 from /app, without tsx or esbuild", async (name) => {
    expect(await podman("image", "inspect", "--format", "{{.Config.User}} {{.Config.WorkingDir}}", image(name))).toBe("10001:10001 /app");
    expect(await podman("run", "--rm", image(name), "id", "-u")).toBe("10001");
    // No tsx or esbuild package or command anywhere; no TypeScript in /app outside node_modules (third-party
    // packages may ship .ts files of their own).
    const found = await podman(
      "run",
      "--rm",
      "--user",
      "0",
      image(name),
      "sh",
      "-c",
      "find / -xdev \\( -path '*/node_modules/tsx' -o -path '*/node_modules/esbuild' -o -name 'tsx@*' -o -name 'esbuild@*' -o -path '*/bin/tsx' \\) -print; " +
        "find /app -path /app/node_modules -prune -o -name '*.ts' -print",
    );
    expect(found).toBe("");
  });

  it("tools: migrate.js applies the SQL in the image; import-legacy reads the original data by default; replay answers --help", async () => {
    const tools = image("tools");
    const url = databaseUrl(server, database);
    const migrated = await podman("run", "--rm", "--network", "host", "--read-only", "-e", `DATABASE_URL=${url}`, tools, "node", "/app/dist/migrate.js");
    expect(migrated).toMatch(/^migrate: applied 0001_read_models, .*\(live generation 1\)$/);
    const planned = await podman("run", "--rm", "--read-only", tools, "node", "/app/dist/import-legacy.js", "--dry-run");
    expect(planned).toMatch(/would import .* from .*\/app\/data\/legacy/);
    expect(await podman("run", "--rm", tools, "node", "/app/dist/replay.js", "--help")).toMatch(/^usage: .*replay --topic/);
  });

  // worker: the producers in their thread, whose entry (dist/kafka-producer-thread.js) main.js starts from beside itself; ready means it connected.
  it.each(["main", "worker"])(
    "ingest with INGEST_KAFKA_THREAD=%s: ready against Kafka (creating its topics), drains on SIGTERM with exit code 0",
    async (thread) => {
      const port = await freePort();
      const container = await start(
        `ingest-${thread}`,
        image("ingest"),
        {
          KAFKA_BROKERS: kafkaBrokers,
          TOPIC_NAMESPACE: namespace,
          INGEST_PORT: String(port),
          AUTH_DISABLED: "true",
          KEYSTORE_DATABASE_URL: databaseUrl(server, database),
          UDACONNECT_MASTER_KEYS_FILE: MASTER_KEYS,
          INGEST_KAFKA_THREAD: thread,
        },
        masterKeys,
      );
      await untilOk(`http://127.0.0.1:${port}/readyz`);
      expect(await stopAndExitCode(container)).toBe(0);
      expect(await podman("logs", container)).toMatch(/Draining before exit/);
    },
    150_000,
  );

  it("projector: ready (consumer joined, database reached), drains on SIGTERM with exit code 0; cli.js rebuild --help", async () => {
    const port = await freePort();
    const container = await start(
      "projector",
      image("projector"),
      {
        KAFKA_BROKERS: kafkaBrokers,
        TOPIC_NAMESPACE: namespace,
        DATABASE_URL: databaseUrl(server, database),
        PROJECTOR_PORT: String(port),
        PROJECTOR_GROUP_ID: `images-${run}`,
        UDACONNECT_MASTER_KEYS_FILE: MASTER_KEYS,
      },
      masterKeys,
    );
    await untilOk(`http://127.0.0.1:${port}/readyz`);
    expect(await stopAndExitCode(container)).toBe(0);
    expect(await podman("logs", container)).toMatch(/projector stopped/);
    const help = await podmanOutput("run", "--rm", image("projector"), "node", "/app/dist/cli.js", "rebuild", "--help");
    expect(`${help.stdout}\n${help.stderr}`).toMatch(/usage: .*rebuild/);
  }, 150_000);

  it("query-api: /readyz, /docs and the web page answer; closes on SIGTERM with exit code 0", async () => {
    const port = await freePort();
    const container = await start("query-api", image("query-api"), {
      DATABASE_URL: databaseUrl(server, database),
      KAFKA_BROKERS: kafkaBrokers,
      TOPIC_NAMESPACE: namespace,
      QUERY_API_PORT: String(port),
      AUTH_DISABLED: "true",
    });
    await untilOk(`http://127.0.0.1:${port}/readyz`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html/i);
    expect(await httpStatus(`http://127.0.0.1:${port}/docs/`)).toBe(200);
    expect(await httpStatus(`http://127.0.0.1:${port}/docs/static/swagger-ui-bundle.js`)).toBe(200);
    expect(await stopAndExitCode(container)).toBe(0);
  }, 150_000);

  it("kafka: a KRaft broker on the given ports that other clients reach; stops on SIGTERM", async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const container = await start("kafka", image("kafka"), {
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_LISTEN_HOST: "127.0.0.1",
    });
    await eventually(() => podman("exec", container, "kafka-ready", String(port)), 120_000);
    expect(await podman("exec", container, "id", "-u")).toBe("10001");
    // A client in another container, through the advertised address.
    const topics = (...args: string[]) =>
      podman(
        "run",
        "--rm",
        "--network",
        "host",
        image("kafka"),
        "kafka-run-class",
        "org.apache.kafka.tools.TopicCommand",
        "--bootstrap-server",
        `127.0.0.1:${port}`,
        ...args,
      );
    await topics("--create", "--topic", "probe", "--partitions", "3");
    expect(await topics("--describe", "--topic", "probe")).toMatch(/PartitionCount: 3\s+ReplicationFactor: 1/);
    // The JVM exits with 143 after SIGTERM once the broker has shut down in order.
    expect([0, 143]).toContain(await stopAndExitCode(container));
    expect(await podman("logs", container)).toMatch(/shut down completed|Kafka Server stopped|shutting down/i);
  }, 180_000);

  it("postgis: password (scram) logins over TCP, postgis and btree_gist in the database and template1, the wrong password refused", async () => {
    const port = await freePort();
    const password = randomBytes(12).toString("hex");
    const container = await start("postgis", image("postgis"), {
      POSTGRES_USER: "uda",
      POSTGRES_PASSWORD: password,
      POSTGRES_DB: "udadb",
      PGPORT: String(port),
    });
    const url = (db: string, secret = password) => `postgresql://uda:${secret}@127.0.0.1:${port}/${db}`;
    const extensions = "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension";
    expect(await eventually(() => psql(url("udadb"), extensions))).toBe("btree_gist,plpgsql,postgis");
    expect(await psql(url("template1"), extensions)).toBe("btree_gist,plpgsql,postgis");
    expect(await psql(url("udadb"), "SELECT ST_Distance('POINT(0 0)'::geography, 'POINT(0 1)'::geography)::int")).toBe("110574");
    expect(await psql(url("udadb"), "SELECT current_user, (SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'uda')")).toBe("uda|t");
    await expect(psql(url("udadb", "wrong"), "SELECT 1")).rejects.toThrow(/password authentication failed/);
    expect(await podman("exec", container, "id", "-u")).toBe("999");
    expect(await stopAndExitCode(container)).toBe(0);
  }, 180_000);
});
