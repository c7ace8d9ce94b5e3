import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKubeConfig, createTestNamespace, runOps, type TestNamespace } from "./cluster-fixture";

// scripts/ops's interface: help, usage errors, and failures that say what to do next.
describe("scripts/ops", () => {
  let kc: KubeConfig;
  let ns: TestNamespace;

  beforeAll(async () => {
    kc = adminKubeConfig().kc;
    ns = await createTestNamespace(kc);
  });

  afterAll(() => ns.delete());

  it("prints its help and each command's on stdout, exit 0, needing no cluster", async () => {
    const [main, rebuild] = await Promise.all([runOps(["--help"], "/nonexistent"), runOps(["rebuild", "--help"], "/nonexistent")]);

    expect(main).toMatchObject({ code: 0, stderr: "" });
    expect(main.stdout).toMatch(/^usage: scripts\/ops <command> \[options\]\n/);
    expect(main.stdout).toContain("Exit codes: 0 done, 1 failed, 2 usage error, 3 refused");
    expect(rebuild).toMatchObject({ code: 0, stderr: "" });
    expect(rebuild.stdout).toMatch(/^usage: scripts\/ops rebuild \[--grace-seconds N\] \[--timeout D\]\n/);
  });

  it("refuses an unknown flag or command in one line on stderr, exit 2", async () => {
    const [flag, command] = await Promise.all([runOps(["status", "--no-such-flag"], "/nonexistent"), runOps(["restart"], "/nonexistent")]);

    expect(flag).toMatchObject({ code: 2, stdout: "" });
    expect(flag.stderr).toMatch(/^ops status: Unknown option '--no-such-flag'[^\n]*\n$/);
    expect(command).toMatchObject({
      code: 2,
      stdout: "",
      stderr: 'ops: unknown command "restart": expected one of rebuild, scale, status, topics (see --help)\n',
    });
  });

  it("says what to do when the API server cannot be reached", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-cli-"));
    const kubeconfig = join(dir, "config");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:9", "insecure-skip-tls-verify": true } }],
        users: [{ name: "u", user: { token: "t" } }],
        contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
        "current-context": "x",
      }),
    );

    const [unreachable, context] = await Promise.all([runOps(["status"], kubeconfig), runOps(["status", "--context", "prod"], kubeconfig)]);

    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^ops status: .*connect ECONNREFUSED 127\.0\.0\.1:9\n {2}the API server is not reachable: check the kubeconfig's server address/,
    );
    expect(context).toMatchObject({ code: 1, stderr: 'ops status: the kubeconfig has no context "prod" (it has: x)\n' });
  });

  it("as udaconnect-ops, may do nothing outside its namespace: the Role is namespaced", async () => {
    const run = await runOps(["status", "-n", "default"], ns.opsKubeconfig);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`User "system:serviceaccount:${ns.name}:udaconnect-ops" cannot list resource`);
    expect(run.stderr).toContain("the account lacks a permission: apply infra/k8s/base/ops-rbac.yaml");
  });
});
