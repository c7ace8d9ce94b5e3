// cluster.sh start/stop/start/reset on a second cluster of its own (own state dir, ports, node
// name and cgroup root), so that it runs beside the shared one: `stop` must leave no process,
// port, mount or cgroup behind, and the next `start` must bring the same cluster back.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inheritedEnv } from "../../test-support/src/config";

const CLUSTER_SH = resolve(import.meta.dirname, "../local-cluster/cluster.sh");
const PORTS = { API: 17443, ETCD: 17379, ETCD_PEER: 17380, CONTROLLER_MANAGER: 17257, SCHEDULER: 17259, KUBELET: 17250, KUBELET_HEALTHZ: 17248 };
const CGROUP_ROOT = "/udaconnect-lifecycle-test";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === "0A") ports.add(Number.parseInt(fields[1]?.split(":")[1] ?? "0", 16)); // 0A: LISTEN
    }
  }
  return ports;
}

function processesMentioning(text: string): string[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        return cmdline.includes(text) ? [`${pid}: ${cmdline}`] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((mountPoint) => mountPoint.startsWith(dir));
}

function cgroupsLeft(): string[] {
  return readdirSync("/sys/fs/cgroup")
    .map((hierarchy) => join("/sys/fs/cgroup", hierarchy, CGROUP_ROOT))
    .filter((dir) => existsSync(dir));
}

describe("cluster.sh stop and start", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "udaconnect-cluster-"));
  const env = inheritedEnv({
    UDACONNECT_STATE_DIR: stateDir,
    CLUSTER_NODE_NAME: "udaconnect-lifecycle",
    CLUSTER_CGROUP_ROOT: CGROUP_ROOT,
    // Its own pod network: its stop deletes its bridge, never the shared cluster's.
    CLUSTER_CNI_NETWORK: "udaconnect-lifecycle",
    CLUSTER_CNI_BRIDGE: "uda-lc-cni0",
    CLUSTER_POD_SUBNET: "10.245.0.0/24",
    ...Object.fromEntries(Object.entries(PORTS).map(([name, port]) => [`CLUSTER_${name}_PORT`, String(port)])),
  });
  const cluster = (...args: string[]) => run("bash", [CLUSTER_SH, ...args], env);
  const kubectl = async (...args: string[]) => {
    const result = await cluster("kubectl", ...args);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    const started = await cluster("start");
    expect(started.code, started.stderr).toBe(0);
  });

  afterAll(async () => {
    await cluster("reset");
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("stops everything it started, and starts the same cluster again", async () => {
    await kubectl(
      "run",
      "sleeper",
      "--image=localhost/udaconnect/cluster-probe:1",
      "--image-pull-policy=Never",
      '--overrides={"spec":{"hostNetwork":true}}',
      "--",
      "say",
      "up",
      "sleep",
      "3600",
    );
    await kubectl("wait", "--for=condition=Ready", "pod/sleeper", "--timeout=120s");
    const podUid = await kubectl("get", "pod", "sleeper", "-o", "jsonpath={.metadata.uid}");
    expect(processesMentioning(stateDir).length).toBeGreaterThan(0);
    expect(cgroupsLeft().length).toBeGreaterThan(0);

    const stopped = await cluster("stop");
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(Object.values(PORTS).filter((port) => listeningPorts().has(port))).toEqual([]);
    expect(mountsUnder(stateDir)).toEqual([]);
    expect(cgroupsLeft()).toEqual([]);
    expect((await cluster("status")).code).toBe(1);

    const restarted = await cluster("start");
    expect(restarted.code, restarted.stderr).toBe(0);
    expect((await cluster("status")).code).toBe(0);
    // etcd kept the pod: the kubelet runs it again, the same object.
    await kubectl("wait", "--for=condition=Ready", "pod/sleeper", "--timeout=120s");
    expect(await kubectl("get", "pod", "sleeper", "-o", "jsonpath={.metadata.uid}")).toBe(podUid);
    expect(await kubectl("logs", "sleeper")).toBe("up\n");

    const again = await cluster("start");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("already running");
  });

  it("reset removes the cluster's state", async () => {
    const started = await cluster("start");
    expect(started.code, started.stderr).toBe(0);

    const reset = await cluster("reset");
    expect(reset.code, reset.stderr).toBe(0);
    expect(existsSync(join(stateDir, "cluster"))).toBe(false);
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(mountsUnder(stateDir)).toEqual([]);
    expect(cgroupsLeft()).toEqual([]);
  });
});
