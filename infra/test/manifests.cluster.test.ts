import { execFile, execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inheritedEnv, loadTestEnvironment } from "../../test-support/src/config";

// `kubectl apply --dry-run=server` of every overlay against the local cluster's real API server
// (infra/local-cluster), Strimzi's CRDs installed: admission, defaulting and the CRDs' OpenAPI
// schemas judge the manifests, beyond what kubeconform knows.
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const K8S_DIR = join(REPO, "infra/k8s");
const CHECK = join(K8S_DIR, "check.sh");
const OVERLAYS = ["k3s", "local", "production"] as const;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      [...args],
      { env: options.env ?? inheritedEnv({}), timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

/** KUBECONFIG and the kubectl built for the local cluster (infra/local-cluster/cluster.sh env). */
function localCluster(): { kubectl: string; env: NodeJS.ProcessEnv } {
  const exports = execFileSync("bash", [join(REPO, "infra/local-cluster/cluster.sh"), "env"], { encoding: "utf8" });
  const unquote = (text: string | undefined) => text?.replace(/^'|'$/g, "") ?? "";
  const kubeconfig = loadTestEnvironment().kubeconfig || unquote(/export KUBECONFIG=(\S+)/.exec(exports)?.[1]);
  const bin = unquote(/export PATH=([^:"]+)/.exec(exports)?.[1]);
  if (kubeconfig === "" || bin === "") throw new Error("no local cluster: start it with bash infra/local-cluster/cluster.sh start");
  return { kubectl: join(bin, "kubectl"), env: inheritedEnv({ KUBECONFIG: kubeconfig }) };
}

describe("every overlay, kubectl apply --dry-run=server against a real API server", () => {
  const suffix = `${process.pid}-${Date.now() % 100_000}`;
  const namespaces: string[] = [];
  let cluster: { kubectl: string; env: NodeJS.ProcessEnv };
  let kustomize: string;
  let work: string;

  const kubectl = (args: readonly string[], input?: string) => run(cluster.kubectl, args, { env: cluster.env, ...(input === undefined ? {} : { input }) });

  /** The overlay as built from a copy of infra/k8s (placeholder secrets), in a namespace of this run. */
  async function render(overlay: string, namespace: string): Promise<string> {
    const wrapper = join(work, `dry-run-${overlay}`);
    await mkdir(wrapper, { recursive: true });
    const target = relative(wrapper, join(work, "k8s/overlays", overlay));
    await writeFile(
      join(wrapper, "kustomization.yaml"),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${namespace}\nresources:\n  - ${target}\n`,
    );
    const built = await run(kustomize, ["build", wrapper]);
    expect(built.code, built.stderr).toBe(0);
    return built.stdout;
  }

  beforeAll(async () => {
    cluster = localCluster();
    const tools = await run(CHECK, ["tools"], { timeoutMs: 1_500_000 });
    expect(tools.code, tools.stderr).toBe(0);
    kustomize = /^kustomize=(.+)$/m.exec(tools.stdout)?.[1] ?? "";
    const crds = /^strimzi_crds=(.+)$/m.exec(tools.stdout)?.[1] ?? "";
    // Server-side: the Kafka CRD is too large for the last-applied annotation.
    const installed = await kubectl(["apply", "--server-side", "--force-conflicts", "-f", crds]);
    expect(installed.code, installed.stderr).toBe(0);
    const established = await kubectl(["wait", "--for=condition=Established", "--timeout=120s", "-f", crds]);
    expect(established.code, established.stderr).toBe(0);

    work = await mkdtemp(join(tmpdir(), "udaconnect-dry-run-"));
    await cp(K8S_DIR, join(work, "k8s"), { recursive: true, filter: (source) => !/\/overlays\/[^/]+\/secrets(\/|$)/.test(source) });
    for (const overlay of OVERLAYS) {
      const placeholders = await run(join(work, "k8s/make-secrets.sh"), ["--placeholder", overlay]);
      expect(placeholders.code, placeholders.stderr).toBe(0);
    }
  }, 1_600_000);

  afterAll(async () => {
    for (const namespace of namespaces) {
      await kubectl(["delete", "namespace", namespace, "--wait=false", "--ignore-not-found"]);
    }
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it.each(OVERLAYS)("overlay %s: the API server accepts every resource", async (overlay) => {
    const namespace = `udaconnect-dry-run-${overlay}-${suffix}`;
    const manifests = await render(overlay, namespace);
    const documents = manifests.split(/^---$/m);
    const namespaceDocument = documents.find((doc) => /^kind: Namespace$/m.test(doc));
    expect(namespaceDocument).toBeDefined();
    // The namespace for real (a dry-run creates nothing the other resources could live in).
    namespaces.push(namespace);
    const created = await kubectl(["apply", "-f", "-"], namespaceDocument);
    expect(created.code, created.stderr).toBe(0);

    const applied = await kubectl(["apply", "--dry-run=server", "-f", "-"], manifests);

    expect(applied.code, applied.stderr).toBe(0);
    const accepted = applied.stdout.split("\n").filter((line) => line.endsWith("(server dry run)"));
    expect(accepted).toHaveLength(documents.length);
    for (const resource of [
      "deployment.apps/ingest",
      "deployment.apps/projector",
      "deployment.apps/query-api",
      "statefulset.apps/postgis",
      "job.batch/migrate",
      "networkpolicy.networking.k8s.io/postgis",
    ]) {
      expect(
        accepted.some((line) => line.startsWith(`${resource} `)),
        `${resource} in:\n${applied.stdout}`,
      ).toBe(true);
    }
    const podSecurityWarnings = applied.stderr.split("\n").filter((line) => line.includes("would violate PodSecurity"));
    if (overlay === "local") {
      expect(accepted.some((line) => line.startsWith("statefulset.apps/kafka "))).toBe(true);
      // The namespace warns on anything below Pod Security "restricted": here only the host network.
      expect(podSecurityWarnings).toEqual(['Warning: would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)']);
    } else {
      for (const resource of [
        "kafka.kafka.strimzi.io/udaconnect",
        "kafkanodepool.kafka.strimzi.io/dual-role",
        "kafkatopic.kafka.strimzi.io/udaconnect.locations.v1",
        "kafkauser.kafka.strimzi.io/udaconnect-projector",
      ]) {
        expect(
          accepted.some((line) => line.startsWith(`${resource} `)),
          `${resource} in:\n${applied.stdout}`,
        ).toBe(true);
      }
      // UdaConnect's pods meet Pod Security "restricted" (Strimzi's are made by its operator).
      expect(podSecurityWarnings).toEqual([]);
    }
  });

  it("the API server refuses a Strimzi resource its CRD does not allow (the check can fail)", async () => {
    const namespace = `udaconnect-dry-run-k3s-${suffix}`;
    const broken = (await render("k3s", namespace)).replace("  - controller\n  - broker\n", "  - controller\n  - observer\n");
    expect(broken).toContain("- observer");

    const applied = await kubectl(["apply", "--dry-run=server", "-f", "-"], broken);

    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toMatch(/KafkaNodePool.*dual-role.*is invalid[\s\S]*spec\.roles\[1\]: Unsupported value: "observer"/);
  });
});
