import { BatchV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminKubeConfig,
  createFakeProjector,
  createTestNamespace,
  eventually,
  fakeProjectorImage,
  runOps,
  startOps,
  type TestNamespace,
} from "./cluster-fixture";

// ops rebuild against the local cluster (infra/local-cluster), run as the udaconnect-ops
// ServiceAccount with the Role of infra/k8s/base/ops-rbac.yaml. The projector image is a
// fake (fake-projector/): it prints the rebuild CLI's lines, so the Job's command, env and
// the following of its log are real, the rebuild is not (the pipeline tests run the real one).
let kc: KubeConfig;
let image: string;
const namespaces: TestNamespace[] = [];

beforeAll(() => {
  kc = adminKubeConfig().kc;
  image = fakeProjectorImage();
});

afterAll(async () => {
  await Promise.all(namespaces.map((ns) => ns.delete()));
});

async function namespaceWithProjector(env: Record<string, string>): Promise<TestNamespace> {
  const ns = await createTestNamespace(kc);
  namespaces.push(ns);
  await createFakeProjector(kc, ns.name, image, env);
  return ns;
}

async function rebuildJobs(namespace: string) {
  return (await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace, labelSelector: "app.kubernetes.io/component=rebuild" })).items;
}

describe("ops rebuild", () => {
  it("runs the rebuild as a Job from the projector Deployment, streams its log, reports the switch and deletes the finished pod", async () => {
    const ns = await namespaceWithProjector({ FAKE_REBUILD_SECONDS: "2" });

    const run = await runOps(["rebuild", "--namespace", ns.name, "--grace-seconds", "1", "--timeout", "3m"], ns.opsKubeconfig);

    expect(run.stderr).toContain("rebuild: building generation 2");
    expect(run.stderr).toContain("rebuild: generation 2: 2/2 records");
    expect(run.stderr).toContain("rebuild: dropping generation 1 in 1s");
    expect(run.stdout).toMatch(/^rebuild Job projector-rebuild-\d{8}-\d{6}: switched to generation 2; generation 1 retired\n$/);
    expect(run.code).toBe(0);
    const [job, ...others] = await rebuildJobs(ns.name);
    expect(others).toEqual([]);
    expect(job?.status?.succeeded).toBe(1);
    expect(job?.spec?.ttlSecondsAfterFinished).toBe(604_800);
    expect(job?.spec?.template.spec?.containers[0]?.command).toEqual(["node", "/app/dist/cli.js", "rebuild", "--grace-seconds", "1"]);
    expect(job?.spec?.template.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(["DATABASE_URL", "KAFKA_BROKERS", "FAKE_REBUILD_SECONDS"]);
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: ns.name, labelSelector: `batch.kubernetes.io/job-name=${job?.metadata?.name}` });
    expect(pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined)).toEqual([]);
  });

  it("refuses a second rebuild while one runs (exit 3); Ctrl-C stops following and leaves the Job running", async () => {
    const ns = await namespaceWithProjector({ FAKE_REBUILD_SECONDS: "600" });
    const first = startOps(["rebuild", "-n", ns.name], ns.opsKubeconfig);
    await eventually("the first rebuild's log", async () => (first.stderr().includes("rebuild: building generation 2") ? true : undefined), 120_000);

    const second = await runOps(["rebuild", "-n", ns.name], ns.opsKubeconfig);

    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/ops rebuild: refused: a rebuild is already running \(Job projector-rebuild-\d{8}-\d{6}\)/);
    expect(await rebuildJobs(ns.name)).toHaveLength(1);

    first.interrupt();
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/stopped following; Job projector-rebuild-\d{8}-\d{6} continues/);
    const [job] = await rebuildJobs(ns.name);
    expect(job?.status?.active).toBe(1);
  });

  it("reports a failed rebuild with its last log lines and exit code, and keeps the pod for kubectl logs", async () => {
    const ns = await namespaceWithProjector({ FAKE_REBUILD_SECONDS: "1", FAKE_REBUILD_EXIT: "1" });

    const run = await runOps(["rebuild", "-n", ns.name], ns.opsKubeconfig);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/ops rebuild: rebuild Job projector-rebuild-\d{8}-\d{6} failed: exit code 1 \(Error\)/);
    expect(run.stderr).toMatch(
      /last log lines:\n {2}rebuild: building generation 2\n {2}rebuild: generation 2: 1\/1 records.*\n {2}rebuild: connect ECONNREFUSED 127.0.0.1:5432/,
    );
    const [job] = await rebuildJobs(ns.name);
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: ns.name, labelSelector: `batch.kubernetes.io/job-name=${job?.metadata?.name}` });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(["Failed"]);
  });

  it("passes on the rebuild's own refusal (another rebuild holds its lock: exit code 3)", async () => {
    const ns = await namespaceWithProjector({ FAKE_REBUILD_SECONDS: "0", FAKE_REBUILD_EXIT: "3" });

    const run = await runOps(["rebuild", "-n", ns.name], ns.opsKubeconfig);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/refused: Job projector-rebuild-\d{8}-\d{6}: another rebuild holds the rebuild lock/);
  });

  it("says what to do when there is no projector Deployment", async () => {
    const ns = await createTestNamespace(kc);
    namespaces.push(ns);

    const run = await runOps(["rebuild", "-n", ns.name], ns.opsKubeconfig);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ops rebuild: no projector Deployment in namespace ${ns.name}: is UdaConnect deployed there? (--namespace)\n`);
  });
});
