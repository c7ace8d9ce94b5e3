// The local cluster (infra/local-cluster) runs real pods: a hostNetwork pod, a Job, logs and
// exec, all through kubectl. Needs `infra/local-cluster/cluster.sh start` and
// `eval "$(infra/local-cluster/cluster.sh env)"` (KUBECONFIG and kubectl on PATH).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnvironment } from "../../test-support/src/config";

// Built by `cluster.sh install` from infra/local-cluster/probe.c and imported at start: no
// registry is reachable here.
const PROBE_IMAGE = "localhost/udaconnect/cluster-probe:1";

function kubectl(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("kubectl", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`kubectl ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(input ?? "");
  });
}

async function eventually<T>(check: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function probeContainer(args: readonly string[]) {
  return { name: "probe", image: PROBE_IMAGE, imagePullPolicy: "Never", args };
}

function job(name: string, args: readonly string[]) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: { spec: { hostNetwork: true, restartPolicy: "Never", containers: [probeContainer(args)] } },
    },
  };
}

interface PodStatus {
  phase: string;
  containerStatuses?: { ready: boolean; state: { terminated?: { exitCode: number } } }[];
}

describe("the local Kubernetes cluster", () => {
  const namespace = `smoke-${randomBytes(4).toString("hex")}`;
  const inNamespace = (...args: string[]) => kubectl(["--namespace", namespace, ...args]);
  const apply = (manifest: object) => kubectl(["--namespace", namespace, "apply", "-f", "-"], JSON.stringify(manifest));

  beforeAll(async () => {
    if (loadTestEnvironment().kubeconfig === undefined) {
      throw new Error('KUBECONFIG is not set: run `infra/local-cluster/cluster.sh start` and `eval "$(infra/local-cluster/cluster.sh env)"` first');
    }
    await kubectl(["create", "namespace", namespace]);
    // The controller-manager creates each namespace's default ServiceAccount; pods wait for it.
    await eventually(() => inNamespace("get", "serviceaccount", "default"));
  });

  afterAll(async () => {
    await kubectl(["delete", "namespace", namespace, "--wait=false"]).catch(() => undefined);
  });

  it("runs a hostNetwork pod, shows its log and execs into it", async () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "probe" },
      spec: { hostNetwork: true, terminationGracePeriodSeconds: 5, containers: [probeContainer(["say", "probe started", "sleep", "3600"])] },
    };
    await apply(pod);

    await eventually(async () => {
      const status = (JSON.parse(await inNamespace("get", "pod", "probe", "-o", "json")) as { status: PodStatus }).status;
      expect(status.phase).toBe("Running");
      expect(status.containerStatuses?.[0]?.ready).toBe(true);
    });
    await eventually(async () => expect(await inNamespace("logs", "probe")).toBe("probe started\n"));
    expect(await inNamespace("exec", "probe", "--", "/probe", "say", "from exec")).toBe("from exec\n");
    expect(await inNamespace("get", "pod", "probe", "-o", "jsonpath={.status.podIP}")).toBe("127.0.0.1");
  });

  it("completes a Job and keeps its log", async () => {
    await apply(job("done", ["say", `job ${namespace} done`, "exit", "0"]));
    await inNamespace("wait", "--for=condition=Complete", "job/done", "--timeout=120s");

    expect(await inNamespace("get", "job", "done", "-o", "jsonpath={.status.succeeded}")).toBe("1");
    expect(await inNamespace("logs", "job/done")).toBe(`job ${namespace} done\n`);
  });

  it("reports a Job whose container exits 3 as failed, with that exit code", async () => {
    await apply(job("fails", ["say", "failing", "exit", "3"]));
    await inNamespace("wait", "--for=condition=Failed", "job/fails", "--timeout=120s");

    const pods = JSON.parse(await inNamespace("get", "pods", "-l", "job-name=fails", "-o", "json")) as { items: { status: PodStatus }[] };
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0]?.status.phase).toBe("Failed");
    expect(pods.items[0]?.status.containerStatuses?.[0]?.state.terminated?.exitCode).toBe(3);
  });
});
