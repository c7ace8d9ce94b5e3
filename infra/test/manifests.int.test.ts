import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

const k8sDir = fileURLToPath(new URL("../k8s", import.meta.url));
const checkScript = join(k8sDir, "check.sh");
const generateTopics = fileURLToPath(new URL("../../scripts/generate-k8s-topics", import.meta.url));
const OVERLAYS = ["k3s", "local", "production"];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Replaces `from` with `to` in one file of the copy, failing when `from` is not there. */
async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, "utf8");
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

describe("infra/k8s/check.sh manifests (kustomize build | kubeconform -strict, local schemas)", () => {
  let copy: string;

  beforeAll(async () => {
    // Builds or finds the cached tools and schemas: minutes on a fresh machine, instant after.
    const tools = await run(checkScript, ["tools"], 1_500_000);
    expect(tools.code, tools.stderr).toBe(0);
  }, 1_600_000);

  beforeEach(async () => {
    copy = await mkdtemp(join(tmpdir(), "udaconnect-k8s-"));
    await cp(k8sDir, join(copy, "k8s"), { recursive: true, filter: (source) => !/\/overlays\/[^/]+\/secrets(\/|$)/.test(source) });
  });

  afterEach(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it("passes every overlay of the repository as it is", async () => {
    const result = await run(checkScript, ["manifests", join(copy, "k8s")]);

    expect(result.code, result.stderr).toBe(0);
    for (const overlay of OVERLAYS) {
      expect(result.stderr).toContain(`kustomize build overlays/${overlay}`);
    }
    expect(result.stderr).toMatch(/found in 3 files - Valid: \d+, Invalid: 0, Errors: 0, Skipped: 0/);
  });

  it("fails on a field Kubernetes does not know, naming the resource and the field", async () => {
    await edit(
      join(copy, "k8s/base/query-api.yaml"),
      "      automountServiceAccountToken: false\n",
      "      automountServiceAccountToken: false\n      hostNetworks: true\n",
    );

    const result = await run(checkScript, ["manifests", join(copy, "k8s")]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("overlays-k3s.yaml - Deployment query-api is invalid");
    expect(result.stderr).toContain("additional properties 'hostNetworks' not allowed");
  });

  it("fails on a value of the wrong type in a Strimzi resource (schema generated from Strimzi's jars)", async () => {
    await edit(join(copy, "k8s/components/kafka-strimzi/kafka.yaml"), "  replicas: 1\n", '  replicas: "one"\n');

    const result = await run(checkScript, ["manifests", join(copy, "k8s")]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("overlays-k3s.yaml - KafkaNodePool dual-role is invalid");
    expect(result.stderr).toMatch(/at '\/spec\/replicas': got string, want integer/);
    // The local overlay has no Strimzi resources: its manifests are still valid.
    expect(result.stderr).not.toContain("overlays-local.yaml -");
  });

  it("fails when an overlay does not build", async () => {
    await edit(join(copy, "k8s/overlays/production/kustomization.yaml"), "  - autoscaling.yaml\n", "  - autoscaling.yaml\n  - missing.yaml\n");

    const result = await run(checkScript, ["manifests", join(copy, "k8s")]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("kustomize build overlays/production failed");
  });
});

describe("scripts/generate-k8s-topics --check", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "udaconnect-topics-"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes on the committed KafkaTopic YAML and fails on a stale copy of it", async () => {
    const committed = join(k8sDir, "components/kafka-strimzi/kafka-topics.yaml");
    const stale = join(dir, "kafka-topics.yaml");
    await writeFile(stale, (await readFile(committed, "utf8")).replace("  partitions: 6\n", "  partitions: 12\n"));

    const current = await run(generateTopics, ["--check"]);
    const outdated = await run(generateTopics, ["--check", "--output", stale]);

    expect(current.code, current.stderr).toBe(0);
    expect(outdated.code).toBe(1);
    expect(outdated.stderr).toContain(`${stale} is not what schemas/src/topics.ts gives`);
  });
});

describe("infra/k8s/check.sh vagrant", () => {
  it("vagrant validate --ignore-provider accepts the Vagrantfile (Debian's vagrant, installed when missing)", async () => {
    const result = await run(checkScript, ["vagrant"], 900_000);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Vagrantfile validated successfully.");
  }, 960_000);
});
