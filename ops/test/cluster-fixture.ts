import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { AppsV1Api, CoreV1Api, KubeConfig, loadAllYaml, RbacAuthorizationV1Api, type V1Deployment } from "@kubernetes/client-node";
import { inheritedEnv, loadTestEnvironment } from "@udaconnect/test-support";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The local cluster's admin kubeconfig: KUBECONFIG, else what infra/local-cluster/cluster.sh env says. */
export function adminKubeConfig(): { kc: KubeConfig; path: string } {
  let path = loadTestEnvironment().kubeconfig ?? "";
  if (path === "") {
    const env = execFileSync("bash", [join(REPO, "infra/local-cluster/cluster.sh"), "env"], { encoding: "utf8" });
    path = /export KUBECONFIG=(\S+)/.exec(env)?.[1]?.replace(/^'|'$/g, "") ?? "";
  }
  if (path === "") throw new Error("no kubeconfig: start the local cluster (bash infra/local-cluster/cluster.sh start) and eval its env");
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return { kc, path };
}

/** Builds (cached) and imports the fake projector image; its reference. */
export function fakeProjectorImage(): string {
  return execFileSync("bash", [join(REPO, "ops/test/fake-projector/image.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export interface TestNamespace {
  readonly name: string;
  /** A kubeconfig file holding a token of the udaconnect-ops ServiceAccount, bound by infra/k8s/base/ops-rbac.yaml. */
  readonly opsKubeconfig: string;
  delete(): Promise<void>;
}

/** A fresh namespace with the ops RBAC of the manifests applied, and a kubeconfig for its ServiceAccount. */
export async function createTestNamespace(kc: KubeConfig): Promise<TestNamespace> {
  const name = `ops-test-${randomBytes(4).toString("hex")}`;
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { "udaconnect.io/test": "ops" } } } });
  const docs = loadAllYaml(readFileSync(join(REPO, "infra/k8s/base/ops-rbac.yaml"), "utf8")) as {
    kind: string;
    metadata: { namespace?: string };
    subjects?: { namespace?: string }[];
  }[];
  for (const doc of docs) {
    doc.metadata.namespace = name;
    for (const subject of doc.subjects ?? []) subject.namespace = name;
    if (doc.kind === "ServiceAccount") await core.createNamespacedServiceAccount({ namespace: name, body: doc as never });
    else if (doc.kind === "Role") await rbac.createNamespacedRole({ namespace: name, body: doc as never });
    else if (doc.kind === "RoleBinding") await rbac.createNamespacedRoleBinding({ namespace: name, body: doc as never });
    else throw new Error(`unexpected ${doc.kind} in ops-rbac.yaml`);
  }
  const token = await core.createNamespacedServiceAccountToken({
    name: "udaconnect-ops",
    namespace: name,
    body: { spec: { expirationSeconds: 3600, audiences: [] } },
  });
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error("the admin kubeconfig names no cluster");
  const ca = cluster.caData ?? (cluster.caFile === undefined ? undefined : readFileSync(cluster.caFile).toString("base64"));
  const dir = mkdtempSync(join(tmpdir(), "ops-kubeconfig-"));
  const opsKubeconfig = join(dir, "config");
  writeFileSync(
    opsKubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "local",
          cluster: { server: cluster.server, ...(ca === undefined ? { "insecure-skip-tls-verify": true } : { "certificate-authority-data": ca }) },
        },
      ],
      users: [{ name: "udaconnect-ops", user: { token: token.status?.token } }],
      contexts: [{ name: "ops", context: { cluster: "local", user: "udaconnect-ops", namespace: name } }],
      "current-context": "ops",
    }),
  );
  return { name, opsKubeconfig, delete: async () => void (await core.deleteNamespace({ name }).catch(() => undefined)) };
}

export interface FakeService {
  readonly env?: Readonly<Record<string, string>>;
  /** FAKE_HTTP_PORT: the fake answers HTTP there, on the pod network (the API server can proxy to it). */
  readonly httpPort?: number;
}

/**
 * A Deployment as infra/k8s/base has it (name, labels, container named after it), running the
 * fake image. Without an HTTP port it runs on the host's network, as the local overlay's pods do.
 */
export async function createFakeDeployment(kc: KubeConfig, namespace: string, image: string, name: string, fake: FakeService = {}): Promise<V1Deployment> {
  const labels = {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": name,
    ...(name === "projector" ? { "udaconnect.io/kafka": "client", "udaconnect.io/postgres": "writer" } : {}),
  };
  const env = { ...fake.env, ...(fake.httpPort === undefined ? {} : { FAKE_HTTP_PORT: String(fake.httpPort) }) };
  return kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": name } },
        template: {
          metadata: { labels },
          spec: {
            hostNetwork: fake.httpPort === undefined,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 5,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 },
            containers: [
              {
                name,
                image,
                imagePullPolicy: "Never",
                command: ["node"],
                ...(fake.httpPort === undefined ? {} : { ports: [{ name: name === "projector" ? "ops" : "http", containerPort: fake.httpPort }] }),
                env: [
                  { name: "DATABASE_URL", value: "postgres://projector@127.0.0.1:25432/udaconnect" },
                  { name: "KAFKA_BROKERS", value: "127.0.0.1:29092" },
                  ...Object.entries(env).map(([key, value]) => ({ name: key, value })),
                ],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    },
  });
}

export function createFakeProjector(kc: KubeConfig, namespace: string, image: string, env: Readonly<Record<string, string>> = {}): Promise<V1Deployment> {
  return createFakeDeployment(kc, namespace, image, "projector", { env });
}

export interface OpsRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningOps {
  readonly done: Promise<OpsRun>;
  /** stderr so far. */
  stderr(): string;
  interrupt(): void;
}

/** scripts/ops as an operator runs it, with the given kubeconfig. */
export function startOps(args: readonly string[], kubeconfig: string): RunningOps {
  const child = spawn("bash", [join(REPO, "scripts/ops"), ...args], { env: inheritedEnv({ KUBECONFIG: kubeconfig }), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<OpsRun>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { done, stderr: () => stderr, interrupt: () => child.kill("SIGINT") };
}

export function runOps(args: readonly string[], kubeconfig: string): Promise<OpsRun> {
  return startOps(args, kubeconfig).done;
}

/** Polls until check returns a value (not undefined), or fails after the deadline. */
export async function eventually<T>(what: string | (() => string), check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await delay(250);
  }
}
