// The local overlay of infra/k8s deployed for real on the local cluster (infra/local-cluster),
// through kubectl and the project's own scripts, for infra/test/pipeline.cluster.test.ts.
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The overlays' `namespace:`; the local overlay's host ports are fixed, so one deployment at a time. */
export const NAMESPACE = "udaconnect";
/** infra/k8s/overlays/local: every pod on the host network, these ports on 127.0.0.1. */
export const INGEST_URL = "http://127.0.0.1:25051";
export const QUERY_API_URL = "http://127.0.0.1:28080";
export const KAFKA_BROKER = "127.0.0.1:29092";
/** The overlay's fixed host ports: PostgreSQL, ingest, query-api, Kafka (client, controller). */
const HOST_PORTS = [25432, 25051, 28080, 29092, 29093];
/** Where make-secrets.sh keeps the local overlay's signing key (outside the cluster). */
export const SIGNING_KEY_FILE = join(REPO, ".local/k8s/local/signing-key.jwk.json");

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export async function kubectl(...args: string[]): Promise<string> {
  const result = await run("kubectl", args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited with ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

export const inNamespace = (...args: string[]) => kubectl("--namespace", NAMESPACE, ...args);

export async function eventually<T>(check: () => Promise<T>, timeoutMs: number, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** Removes a deployment left behind (UDACONNECT_KEEP_DEPLOYMENT, a crashed run) and waits until it is gone. */
export async function removeDeployment(): Promise<void> {
  const exists = await run("kubectl", ["get", "namespace", NAMESPACE]);
  if (exists.code !== 0) return;
  // Pods first, without their grace periods: the namespace then goes in seconds.
  await inNamespace("delete", "pods", "--all", "--force", "--grace-period=0", "--wait=false").catch(() => undefined);
  await kubectl("delete", "namespace", NAMESPACE, "--wait=true", "--timeout=300s");
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });

/**
 * The pods of the overlay bind fixed ports on the host: a process still holding one (a
 * deployment in another namespace, a pod just killed) would keep them Pending or crashing.
 */
export async function waitForFreeHostPorts(timeoutMs: number): Promise<void> {
  try {
    await eventually(async () => {
      const taken = [];
      for (const port of HOST_PORTS) if (await listening(port)) taken.push(port);
      if (taken.length > 0)
        throw new Error(
          `127.0.0.1 ports ${taken.join(", ")} are taken; the local overlay needs them (another deployment of it? kubectl get pods -A -o wide; ss -ltnp)`,
        );
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await diagnostics()}`);
  }
}

/**
 * make-secrets.sh into a copy of infra/k8s (the repository's own overlay folder stays
 * untouched), then `kubectl apply -k` of the local overlay, which lists the seed-data component.
 */
export async function applyLocalOverlay(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "udaconnect-k8s-"));
  try {
    await cp(join(REPO, "infra/k8s"), join(dir, "k8s"), { recursive: true, filter: (source) => !source.includes("/secrets") });
    const secrets = await run("bash", [join(REPO, "infra/k8s/make-secrets.sh"), "--k8s-dir", join(dir, "k8s"), "local"]);
    if (secrets.code !== 0) throw new Error(`make-secrets.sh local failed: ${secrets.stderr.trim()}`);
    await kubectl("apply", "-k", join(dir, "k8s/overlays/local"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `kubectl rollout status` / `wait`, and on failure what the pods and events say. */
export async function waitFor(args: readonly string[]): Promise<void> {
  try {
    await inNamespace(...args);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await diagnostics()}`);
  }
}

export async function diagnostics(): Promise<string> {
  const pods = await inNamespace("get", "pods", "-o", "wide").catch((error: Error) => error.message);
  const events = await inNamespace("get", "events", "--sort-by=.lastTimestamp").catch((error: Error) => error.message);
  const others = await kubectl("get", "pods", "--all-namespaces", "-o", "wide").catch((error: Error) => error.message);
  return `pods:\n${pods}\nevents:\n${events.split("\n").slice(-30).join("\n")}\nall pods of the node (another deployment of the local overlay holds the same host ports):\n${others}`;
}

/** psql inside the PostGIS pod, as the owner of the read models. */
export async function psql(statement: string): Promise<string> {
  const script = 'PGPASSWORD="$POSTGRES_PASSWORD" psql --no-psqlrc -h 127.0.0.1 -p "$PGPORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Atc "$1"';
  return (await inNamespace("exec", "postgis-0", "-c", "postgis", "--", "sh", "-c", script, "psql", statement)).trim();
}

export async function podNames(app: string): Promise<string[]> {
  const names = await inNamespace("get", "pods", "-l", `app.kubernetes.io/name=${app}`, "-o", "jsonpath={.items[*].metadata.name}");
  return names.split(" ").filter((name) => name !== "");
}

/** Runs scripts/ops with the cluster's KUBECONFIG (inherited). */
export function ops(...args: string[]): Promise<Run> {
  return run(join(REPO, "scripts/ops"), ["--namespace", NAMESPACE, ...args]);
}
