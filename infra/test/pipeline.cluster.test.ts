// The pipeline as pods of the local cluster (infra/local-cluster), from the images of
// scripts/build-images imported into containerd: the local overlay of infra/k8s with its
// seed-data Job, then the pods' own ports on 127.0.0.1 (host network). One deployment for the
// whole file, the steps in order. Needs KUBECONFIG and kubectl on PATH (scripts/test-cluster
// sets both). UDACONNECT_KEEP_DEPLOYMENT=1 leaves the namespace for debugging.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidV5 } from "../../scripts/src/legacy/legacy-plan";
import { mintToken } from "../../scripts/src/mint-token/mint-token";
import {
  checkInsFor,
  createIngestClient,
  deliverAll,
  get,
  getJson,
  inBatches,
  locationIds,
  personIds,
  recordBatch,
  registerAll,
  type Answer,
  type CheckIn,
  type Ingest,
} from "./check-ins";
import {
  INGEST_URL,
  KAFKA_BROKER,
  NAMESPACE,
  REPO,
  SIGNING_KEY_FILE,
  applyLocalOverlay,
  diagnostics,
  eventually,
  inNamespace,
  kubectl,
  ops,
  podNames,
  psql,
  removeDeployment,
  waitFor,
  waitForFreeHostPorts,
} from "./local-deployment";
import { loadTestEnvironment } from "../../test-support/src/config";

const LEGACY_NAMESPACE = "3f1c9a52-6f0e-4b8e-9d6a-2b7f0c4e8a11";
// The request of e2e/test/legacy-data.e2e.test.ts, the legacy route the original frontend used.
const PERSON_1_CONNECTIONS = "/api/persons/1/connection?start_date=2020-01-01&end_date=2020-12-30&distance=5";
const LOCATIONS_TOPIC = "udaconnect.locations.v1";
const PERSONS_TOPIC = "udaconnect.persons.v1";

interface Connection {
  person: { id: string };
  location: { id: string; latitude: number; longitude: number };
}

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
const log = (line: string) => process.stderr.write(`[pipeline.cluster] ${line}\n`);

async function readyPods(app: string): Promise<string[]> {
  const out = await inNamespace(
    "get",
    "pods",
    "-l",
    `app.kubernetes.io/name=${app}`,
    "-o",
    'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
  );
  return out
    .split("\n")
    .filter((line) => line.endsWith(" True"))
    .map((line) => line.split(" ")[0] ?? "");
}

/** Members of the projector's consumer group and their partitions, from the broker (the Kafka client of the projector package). */
async function projectorGroup(): Promise<{ state: string; members: Record<string, number[]>[] }> {
  const client = createRequire(join(REPO, "projector/package.json")).resolve("@platformatic/kafka");
  const { Admin } = (await import(pathToFileURL(client).href)) as typeof import("@platformatic/kafka");
  const admin = new Admin({ clientId: "cluster-test", bootstrapBrokers: [KAFKA_BROKER] });
  try {
    const group = (await admin.describeGroups({ groups: ["udaconnect-projector"] })).get("udaconnect-projector");
    if (group === undefined) throw new Error("no group udaconnect-projector");
    const members = [...group.members.values()].map((member) =>
      Object.fromEntries([...(member.assignments?.values() ?? [])].map(({ topic, partitions }) => [topic, partitions])),
    );
    return { state: group.state, members };
  } finally {
    await admin.close();
  }
}

describe("the pipeline running as pods of a real cluster", () => {
  let operator: string;
  let analyst: string;
  let ingest: Ingest;
  const fileStarted = Date.now();

  beforeAll(async () => {
    if (loadTestEnvironment().kubeconfig === undefined) {
      throw new Error(
        'KUBECONFIG is not set: run scripts/test-cluster, or `infra/local-cluster/cluster.sh start` and `eval "$(infra/local-cluster/cluster.sh env)"` first',
      );
    }
    await removeDeployment();
    await waitForFreeHostPorts(120_000);
    const applied = Date.now();
    await applyLocalOverlay();
    await waitFor(["wait", "--for=condition=Complete", "job/migrate", "--timeout=600s"]);
    for (const workload of ["statefulset/postgis", "statefulset/kafka", "deployment/ingest", "deployment/projector", "deployment/query-api"]) {
      await waitFor(["rollout", "status", workload, "--timeout=600s"]);
    }
    log(`apply → migrate Job complete and every workload Ready: ${elapsed(applied)}`);
    await waitFor(["wait", "--for=condition=Complete", "job/seed-data", "--timeout=600s"]);
    log(`apply → seed-data Job complete: ${elapsed(applied)}`);
    const token = (role: "operator" | "analyst", subject: string) =>
      mintToken({ role, subject, keyFile: SIGNING_KEY_FILE, dev: false, expiresInSeconds: 3600 });
    operator = await token("operator", "pipeline-cluster-test");
    analyst = await token("analyst", "pipeline-cluster-test");
    ingest = createIngestClient(INGEST_URL, operator);
  });

  afterAll(async () => {
    log(`the whole file: ${elapsed(fileStarted)}`);
    if (loadTestEnvironment().keepDeployment) {
      log(`namespace ${NAMESPACE} kept (UDACONNECT_KEEP_DEPLOYMENT=1); kubectl delete namespace ${NAMESPACE} removes it`);
      return;
    }
    await kubectl("delete", "namespace", NAMESPACE, "--wait=false").catch(() => undefined);
  });

  it("imported the original data with its Job: person 1 meets exactly persons 5, 6, 8 and 9", async () => {
    // The seed Job's check-ins were acknowledged before it completed; the projector may still be at them.
    const connections = await eventually(async () => {
      const found = await getJson<Connection[]>(PERSON_1_CONNECTIONS, analyst);
      expect(found).toHaveLength(8);
      return found;
    }, 60_000);

    expect([...new Set(connections.map((c) => c.person.id))].sort()).toEqual(["5", "6", "8", "9"]);
    const legacyIds = [30, 31, 34, 57, 65, 66, 67, 68];
    expect(connections.map((c) => c.location.id).sort()).toEqual(legacyIds.map((id) => uuidV5(LEGACY_NAMESPACE, `location:${id}`)).sort());
    const persons = await getJson<{ persons: { id: string }[] }>("/v1/persons?limit=100", analyst);
    expect(persons.persons.map((p) => p.id).sort()).toEqual(["1", "5", "6", "8", "9"]);
    expect(await inNamespace("get", "job", "seed-data", "-o", "jsonpath={.status.succeeded}")).toBe("1");
  });

  it("projects check-ins sent through the ingest pod into /v1 (read-your-writes with the consistency token)", async () => {
    const [person] = personIds("k8s-b", 1) as [string];
    const [registered] = (await registerAll(ingest, [person])) as [string];
    const checkIns = checkInsFor([person], 20);

    const token = await recordBatch(ingest, checkIns);

    await eventually(() => getJson(`/v1/persons/${person}?consistent_with=${registered}`, analyst), 30_000);
    const ids = await eventually(() => locationIds(person, analyst, token), 30_000);
    expect(ids.sort()).toEqual(checkIns.map((c) => c.eventId).sort());
  });

  it("switches generations with ops rebuild while the API keeps answering the same", async () => {
    expect(await psql("SELECT generation FROM public.read_model_live")).toBe("1");
    const poller = await mintToken({ role: "analyst", subject: "rebuild-poller", keyFile: SIGNING_KEY_FILE, dev: false, expiresInSeconds: 3600 });
    const answers: Answer[] = [];
    let rebuilding = true;
    const polling = (async () => {
      while (rebuilding) {
        answers.push(await get(PERSON_1_CONNECTIONS, poller));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    const rebuild = await ops("rebuild", "--grace-seconds", "5").finally(() => (rebuilding = false));
    await polling;

    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(rebuild.stdout).toMatch(/^rebuild Job projector-rebuild-\S+: switched to generation 2; generation 1 retired$/m);
    expect(await psql("SELECT generation FROM public.read_model_live")).toBe("2");
    expect(answers.length).toBeGreaterThan(10);
    const first = answers[0];
    expect(answers.filter((a) => a.status !== 200 || a.body !== first?.body)).toEqual([]);
    const connections = JSON.parse(first?.body ?? "[]") as Connection[];
    expect([connections.length, [...new Set(connections.map((c) => c.person.id))].sort()]).toEqual([8, ["5", "6", "8", "9"]]);
    const status = await ops("status", "--output", "json");
    expect(status.code, status.stderr).toBe(0);
    const jobs = (JSON.parse(status.stdout) as { jobs: { name: string; component: string | null; outcome: string }[] }).jobs;
    expect(jobs.filter((j) => j.component === "rebuild").map((j) => j.outcome)).toEqual(["succeeded"]);
  });

  it("scales the projector to 2 with ops scale: both consumers share the partitions, no row lost", async () => {
    const scale = await ops("scale", "projector", "2");
    expect(scale.code, scale.stderr).toBe(0);

    expect(await readyPods("projector")).toHaveLength(2);
    const group = await eventually(async () => {
      const described = await projectorGroup();
      expect(described.state).toBe("STABLE");
      expect(described.members).toHaveLength(2);
      return described;
    }, 120_000);
    for (const member of group.members) expect(member[LOCATIONS_TOPIC]?.length ?? 0).toBeGreaterThan(0);
    expect(group.members.flatMap((m) => m[LOCATIONS_TOPIC] ?? []).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(group.members.flatMap((m) => m[PERSONS_TOPIC] ?? []).sort()).toEqual([0, 1, 2]);

    const persons = personIds("k8s-d", 12);
    await registerAll(ingest, persons);
    const checkIns = checkInsFor(persons, 25);
    for (const batch of inBatches(checkIns, 100)) await recordBatch(ingest, batch);

    for (const person of persons) {
      const ids = await eventually(async () => {
        const found = await locationIds(person, analyst);
        expect(found).toHaveLength(25);
        return found;
      }, 90_000);
      expect(ids.sort()).toEqual(
        checkIns
          .filter((c) => c.personId === person)
          .map((c) => c.eventId)
          .sort(),
      );
    }
    const prefix = persons[0]?.replace(/-0$/, "");
    expect(await psql(`SELECT count(*) FROM location WHERE person_id LIKE '${prefix}-%'`)).toBe(String(checkIns.length));
  });

  it("loses nothing acknowledged when the projector and the ingest pods are killed mid-stream", async () => {
    const persons = personIds("k8s-e", 8);
    await registerAll(ingest, persons);
    const sent: CheckIn[] = [];
    let sending = true;
    function* batches() {
      while (sending) {
        const batch = checkInsFor(persons, 2);
        sent.push(...batch);
        yield batch;
      }
    }
    let acknowledged = 0;
    const untilAcknowledged = (count: number) => eventually(async () => expect(acknowledged).toBeGreaterThanOrEqual(count), 300_000, 50);
    const kill = async (app: string) => {
      const [pod] = await podNames(app);
      if (pod === undefined) throw new Error(`no ${app} pod to kill`);
      await inNamespace("delete", "pod", pod, "--force", "--grace-period=0");
      log(`killed ${pod} after ${acknowledged} acknowledged check-ins`);
      return pod;
    };
    let acknowledgedAfterReplacement = 0;
    const killer = async () => {
      try {
        await untilAcknowledged(64);
        await kill("projector");
        await untilAcknowledged(acknowledged + 64);
        const killedIngest = await kill("ingest");
        // The replacement binds the same host port only once the killed process is gone.
        await eventually(async () => expect((await readyPods("ingest")).filter((pod) => pod !== killedIngest)).toHaveLength(1), 300_000);
        const atReplacement = acknowledged;
        await untilAcknowledged(atReplacement + 64);
        acknowledgedAfterReplacement = acknowledged - atReplacement;
      } finally {
        sending = false;
      }
    };

    const [delivery] = await Promise.all([deliverAll(ingest, batches(), 600_000, (count) => (acknowledged = count)), killer()]);

    log(`kill test: ${sent.length} check-ins, ${delivery.failedCalls} calls failed while the pods were replaced and were sent again with the same event ids`);
    expect(delivery.acknowledged).toEqual(sent.map((c) => c.eventId));
    expect(acknowledgedAfterReplacement).toBeGreaterThanOrEqual(64);
    await waitFor(["rollout", "status", "deployment/projector", "--timeout=300s"]);
    for (const person of persons) {
      const expected = sent
        .filter((c) => c.personId === person)
        .map((c) => c.eventId)
        .sort();
      const ids = await eventually(async () => {
        const found = await locationIds(person, analyst);
        expect(found.length).toBeGreaterThanOrEqual(expected.length);
        return found;
      }, 180_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await diagnostics()}`);
      });
      // Exactly once: each acknowledged check-in is one row, none twice, none missing.
      expect(ids.sort()).toEqual(expected);
    }
    const prefix = persons[0]?.replace(/-0$/, "");
    expect(await psql(`SELECT count(*) FROM location WHERE person_id LIKE '${prefix}-%'`)).toBe(String(sent.length));
  });
});
