import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  loadYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminKubeConfig,
  createFakeDeployment,
  createFakeProjector,
  createTestNamespace,
  eventually,
  fakeProjectorImage,
  runOps,
  type TestNamespace,
} from "./cluster-fixture";

// ops scale, status and topics against the local cluster (infra/local-cluster), run as the
// udaconnect-ops ServiceAccount with the Role of infra/k8s/base/ops-rbac.yaml. KafkaTopics use
// the real Strimzi CRD (generated from its Maven jars by infra/k8s/check.sh); no operator
// reconciles them here, so ops reads and writes the resources only.
const REPO = new URL("../../", import.meta.url).pathname;
const KAFKA_TOPIC = { group: "kafka.strimzi.io", version: "v1", plural: "kafkatopics" };
let kc: KubeConfig;
let image: string;
const namespaces: TestNamespace[] = [];

beforeAll(async () => {
  kc = adminKubeConfig().kc;
  image = fakeProjectorImage();
  await installKafkaTopicCrd();
});

afterAll(async () => {
  await Promise.all(namespaces.map((ns) => ns.delete()));
});

async function namespace(): Promise<TestNamespace> {
  const ns = await createTestNamespace(kc);
  namespaces.push(ns);
  return ns;
}

/** The Strimzi KafkaTopic CRD, unless the cluster has it already (other tests install all of Strimzi's). */
async function installKafkaTopicCrd(): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const dir = execFileSync("bash", [join(REPO, "infra/k8s/check.sh"), "crds-dir"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  const crd = loadYaml(readFileSync(join(dir, "043-Crd-kafkatopic.yaml"), "utf8")) as V1CustomResourceDefinition;
  await api.createCustomResourceDefinition({ body: crd }).catch((error: { code?: number }) => {
    if (error.code !== 409) throw error;
  });
  await eventually("the KafkaTopic CRD to be established", async () => {
    const current = await api.readCustomResourceDefinition({ name: "kafkatopics.kafka.strimzi.io" });
    return current.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  });
}

async function createKafkaTopic(ns: string, name: string, spec: Record<string, unknown>, cluster = "udaconnect"): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...KAFKA_TOPIC,
    namespace: ns,
    body: { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic", metadata: { name, labels: { "strimzi.io/cluster": cluster } }, spec },
  });
}

async function kafkaTopics(ns: string): Promise<Record<string, unknown>> {
  const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ ...KAFKA_TOPIC, namespace: ns })) as {
    items: { metadata: { name: string }; spec: unknown }[];
  };
  return Object.fromEntries(list.items.map((t) => [t.metadata.name, t.spec]));
}

describe("ops scale", () => {
  it("refuses more projector replicas than the locations topic has partitions, from the schemas when no KafkaTopic says otherwise", async () => {
    const ns = await namespace();
    await createFakeProjector(kc, ns.name, image);

    const run = await runOps(["scale", "projector", "7", "-n", ns.name], ns.opsKubeconfig);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      "udaconnect.locations.v1 has 6 partitions (from @udaconnect/schemas (no KafkaTopic for udaconnect.locations.v1 with spec.partitions))",
    );
    expect(run.stderr).toContain("ops scale: refused: refusing to scale the projector to 7: the locations topic has 6 partitions");
    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "projector", namespace: ns.name });
    expect(deployment.spec?.replicas).toBe(1);
  });

  it("takes the partition count from the KafkaTopic, and within it scales and waits for the rollout", async () => {
    const ns = await namespace();
    await createFakeProjector(kc, ns.name, image);
    await createKafkaTopic(ns.name, "udaconnect.locations.v1", { partitions: 2 });

    const refused = await runOps(["scale", "projector", "3", "-n", ns.name], ns.opsKubeconfig);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`the locations topic has 2 partitions (from KafkaTopic ${ns.name}/udaconnect.locations.v1 spec.partitions)`);

    const scaled = await runOps(["scale", "projector", "2", "-n", ns.name, "--timeout", "3m"], ns.opsKubeconfig);

    expect(scaled.stderr).toContain("projector: replicas 1 → 2; waiting for the rollout");
    expect(scaled.stdout).toBe("projector: 2/2 replicas available and up to date\n");
    expect(scaled.code).toBe(0);
    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "projector", namespace: ns.name });
    expect(deployment.status?.availableReplicas).toBe(2);
  });

  it("fails when the Deployment does not exist, saying where it looked", async () => {
    const ns = await namespace();

    const run = await runOps(["scale", "query-api", "2", "-n", ns.name], ns.opsKubeconfig);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ops scale: no Deployment query-api in namespace ${ns.name}: is UdaConnect deployed there? (--namespace)\n`);
  });
});

describe("ops status", () => {
  const projectionStatus = {
    partitions: [
      { topic: "udaconnect.locations.v1", partition: 0, projected_offset: 40, end_offset: 42, lag: 2 },
      { topic: "udaconnect.persons.v1", partition: 0, projected_offset: 7, end_offset: 7, lag: 0 },
    ],
    end_offsets_known: true,
    newest_check_in_at: "2026-12-02T09:00:00.000Z",
  };
  const projectorMetrics = [
    "# TYPE udaconnect_projector_lag_records gauge",
    'udaconnect_projector_lag_records{topic="udaconnect.locations.v1",partition="0"} 5',
    'udaconnect_projector_lag_records{topic="udaconnect.locations.v1",partition="1"} 0',
    'udaconnect_projector_last_event_timestamp_seconds{topic="udaconnect.locations.v1",partition="0"} 1764666000',
    'udaconnect_projector_last_event_timestamp_seconds{topic="udaconnect.locations.v1",partition="1"} 1764665000',
    "",
  ].join("\n");

  /** projector (metrics) and query-api (its Service, the status endpoint) on the pod network, which the API server's proxy reaches. */
  async function deployFakes(ns: string, queryApiAnswers: boolean): Promise<void> {
    await createFakeDeployment(kc, ns, image, "projector", { httpPort: 9465, env: { FAKE_METRICS: projectorMetrics } });
    await createFakeDeployment(kc, ns, image, "query-api", {
      httpPort: 8080,
      env: queryApiAnswers ? { FAKE_PROJECTION_STATUS: JSON.stringify(projectionStatus) } : {},
    });
    await kc.makeApiClient(CoreV1Api).createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: "query-api" },
        spec: { selector: { "app.kubernetes.io/name": "query-api" }, ports: [{ name: "http", port: 8080, targetPort: "http" }] },
      },
    });
  }

  async function whenReady(ns: TestNamespace, jobs: number): Promise<void> {
    let last = "";
    await eventually(
      () => `the rollouts, the Jobs and the lag; the last status said: ${last}`,
      async () => {
        const run = await runOps(["status", "-n", ns.name, "-o", "json"], ns.opsKubeconfig);
        last = `${run.stdout}${run.stderr}`;
        const report = JSON.parse(run.stdout) as { workloads: { state: string }[]; jobs: { outcome: string }[]; projection: { source: string } };
        const ready = report.workloads.every((w) => w.state === "ready") && report.jobs.length === jobs && report.jobs.every((j) => j.outcome === "succeeded");
        return ready && report.projection.source !== "unavailable" ? true : undefined;
      },
      180_000,
    );
  }

  it("prints every rollout, the Job history and the projection's lag from query-api through the API server's service proxy", async () => {
    const ns = await namespace();
    await deployFakes(ns.name, true);
    await kc.makeApiClient(AppsV1Api).createNamespacedStatefulSet({
      namespace: ns.name,
      body: {
        metadata: { name: "postgis" },
        spec: {
          serviceName: "postgis",
          replicas: 1,
          selector: { matchLabels: { app: "postgis" } },
          template: {
            metadata: { labels: { app: "postgis" } },
            spec: {
              hostNetwork: true,
              terminationGracePeriodSeconds: 1,
              containers: [{ name: "probe", image: "localhost/udaconnect/cluster-probe:1", imagePullPolicy: "Never" }],
            },
          },
        },
      },
    });
    await kc.makeApiClient(BatchV1Api).createNamespacedJob({
      namespace: ns.name,
      body: {
        metadata: { name: "migrate", labels: { "app.kubernetes.io/component": "migrate" } },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: "Never",
              hostNetwork: true,
              containers: [{ name: "migrate", image: "localhost/udaconnect/cluster-probe:1", imagePullPolicy: "Never", args: ["say", "migrated"] }],
            },
          },
        },
      },
    });
    await whenReady(ns, 1);

    const json = await runOps(["status", "-n", ns.name, "--output", "json"], ns.opsKubeconfig);
    const text = await runOps(["status", "-n", ns.name], ns.opsKubeconfig);

    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.workloads).toEqual([
      { kind: "Deployment", name: "projector", desired: 1, ready: 1, upToDate: 1, state: "ready", message: "1/1 replicas available and up to date" },
      { kind: "Deployment", name: "query-api", desired: 1, ready: 1, upToDate: 1, state: "ready", message: "1/1 replicas available and up to date" },
      { kind: "StatefulSet", name: "postgis", desired: 1, ready: 1, upToDate: 1, state: "ready", message: "1/1 replicas ready and up to date" },
    ]);
    expect(report.jobs).toMatchObject([{ name: "migrate", component: "migrate", outcome: "succeeded", reason: null }]);
    expect(report.projection).toEqual({
      source: "query-api",
      partitions: [
        { topic: "udaconnect.locations.v1", partition: 0, lag: 2 },
        { topic: "udaconnect.persons.v1", partition: 0, lag: 0 },
      ],
      totalLag: 2,
      newestCheckInAt: "2026-12-02T09:00:00.000Z",
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}Deployment {3}projector {2}1\/1 {4}1 {11}ready$/m);
    expect(text.stdout).toMatch(/^ {2}StatefulSet {2}postgis {4}1\/1 {4}1 {11}ready$/m);
    expect(text.stdout).toMatch(/^ {2}migrate +migrate +succeeded +\S+Z +\d+s$/m);
    expect(text.stdout).toContain("Projection lag (from query-api /v1/projection/status): 2 records, newest check-in 2026-12-02T09:00:00.000Z");
  });

  it("reads the lag from the projector pods' /metrics when query-api asks for a token (the proxy passes none)", async () => {
    const ns = await namespace();
    await deployFakes(ns.name, false);
    await whenReady(ns, 0);

    const run = await runOps(["status", "-n", ns.name, "-o", "json"], ns.opsKubeconfig);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).projection).toEqual({
      source: "projector-metrics",
      partitions: [
        { topic: "udaconnect.locations.v1", partition: 0, lag: 5 },
        { topic: "udaconnect.locations.v1", partition: 1, lag: 0 },
      ],
      totalLag: 5,
      newestCheckInAt: new Date(1_764_666_000_000).toISOString(),
    });
  });
});

describe("ops topics", () => {
  it("reports the drift before applying, applies what it can with server-side apply, and fails on a partition count that cannot shrink", async () => {
    const ns = await namespace();
    await createKafkaTopic(ns.name, "udaconnect.locations.v1", { partitions: 12, config: { "retention.ms": -1 } });
    await createKafkaTopic(ns.name, "udaconnect.persons.v1", { partitions: 1, config: { "retention.ms": 1000 } });
    await createKafkaTopic(ns.name, "udaconnect.legacy.v0", { partitions: 1 });

    const dryRun = await runOps(["topics", "-n", ns.name, "--dry-run"], ns.opsKubeconfig);
    const unchanged = await kafkaTopics(ns.name);
    const run = await runOps(["topics", "-n", ns.name], ns.opsKubeconfig);

    const drift = [
      "drift (5):",
      "  udaconnect.persons.v1: partitions 1 → 3",
      "  udaconnect.persons.v1: config retention.ms 1000 → -1",
      "  udaconnect.locations.v1: partitions 12 in the cluster, 6 in the schemas: partitions cannot shrink (left as is)",
      "  udaconnect.dead-letter.v1: missing (will be created)",
      "  udaconnect.legacy.v0: in the cluster but not in the schemas (left as is; delete its KafkaTopic by hand if it is obsolete)",
    ].join("\n");
    expect(dryRun.stdout).toBe(`${drift}\n`);
    expect(dryRun.code).toBe(1);
    expect(unchanged).toEqual({
      "udaconnect.locations.v1": { partitions: 12, config: { "retention.ms": -1 } },
      "udaconnect.persons.v1": { partitions: 1, config: { "retention.ms": 1000 } },
      "udaconnect.legacy.v0": { partitions: 1 },
    });
    expect(run.stdout).toBe(`${drift}\n`);
    expect(run.stderr).toContain("not applying KafkaTopic udaconnect.locations.v1: its drift cannot be fixed by applying");
    expect(run.stderr).toContain("ops topics: drift that applying cannot fix in udaconnect.locations.v1: see above");
    expect(run.code).toBe(1);
    expect(await kafkaTopics(ns.name)).toEqual({
      "udaconnect.locations.v1": { partitions: 12, config: { "retention.ms": -1 } },
      "udaconnect.persons.v1": { partitions: 3, config: { "retention.ms": -1 } },
      "udaconnect.dead-letter.v1": { partitions: 1, config: { "retention.ms": 1_209_600_000 } },
      "udaconnect.legacy.v0": { partitions: 1 },
    });
  });

  it("creates every topic in an empty namespace, and finds no drift afterwards", async () => {
    const ns = await namespace();

    const first = await runOps(["topics", "-n", ns.name], ns.opsKubeconfig);
    const second = await runOps(["topics", "-n", ns.name], ns.opsKubeconfig);

    expect(first.code).toBe(0);
    expect(first.stdout).toContain("drift (3):");
    expect(first.stdout).toContain("applied 3 KafkaTopics (field manager udaconnect-ops)");
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("no drift: the KafkaTopics match the schemas\napplied 3 KafkaTopics (field manager udaconnect-ops)\n");
    expect(Object.keys(await kafkaTopics(ns.name)).sort()).toEqual(["udaconnect.dead-letter.v1", "udaconnect.locations.v1", "udaconnect.persons.v1"]);
  });
});
