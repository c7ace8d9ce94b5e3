import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuSeconds, freePort, memorySampler, peakRssMiB, type MemoryPeaks } from "@udaconnect/test-support";
import type { ServiceCommand } from "./service-builds";

const READY_WITHIN_MS = 180_000;

export interface GatewayProcess {
  readonly url: string;
  /** Peak resident set size so far (VmHWM of /proc/<pid>/status), in MiB. */
  readonly peakRssMiB: () => number;
  /** process.memoryUsage() peaks, sampled inside the gateway every 100 ms (written once a second). */
  readonly memoryPeaks: () => MemoryPeaks | undefined;
  /** CPU time (user + system, all threads) so far, in seconds. */
  readonly cpuSeconds: () => number;
  readonly stop: () => Promise<void>;
}

/** The gateway as deployed (auth off), from its sources or its bundle (`command`), in its own process so its memory and CPU can be measured alone. */
export async function startGatewayProcess(
  brokers: string,
  namespace: string,
  baseEnv: Readonly<Record<string, string>>,
  command: ServiceCommand,
  nodeOptions = "",
  cpuProfileDir?: string,
): Promise<GatewayProcess> {
  const port = await freePort();
  const samplerDir = await mkdtemp(join(tmpdir(), "bench-gateway-memory-"));
  const sampler = memorySampler(join(samplerDir, "memory.json"));
  const profiling = cpuProfileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir];
  const options = nodeOptions.split(" ").filter((o) => o !== "");
  const child: ChildProcess = spawn(process.execPath, [...command.loader, ...options, ...profiling, ...command.memorySampler, command.entry], {
    cwd: command.cwd,
    env: {
      ...baseEnv,
      ...command.env,
      ...sampler.env,
      KAFKA_BROKERS: brokers,
      TOPIC_NAMESPACE: namespace,
      INGEST_PORT: String(port),
      AUTH_DISABLED: "true",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine compiling the sources through tsx alone can take a minute.
  const deadline = Date.now() + READY_WITHIN_MS;
  while (
    (await fetch(`${url}/readyz`)
      .then((r) => r.status)
      .catch(() => 0)) !== 200
  ) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      await rm(samplerDir, { recursive: true, force: true });
      throw new Error(`the gateway did not become ready within ${READY_WITHIN_MS / 1000} s (its log lines are above); is Kafka at ${brokers} up?`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid ?? -1;
  return {
    url,
    peakRssMiB: () => peakRssMiB(pid),
    memoryPeaks: sampler.peaks,
    cpuSeconds: () => cpuSeconds(pid),
    stop: async () => {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
      await rm(samplerDir, { recursive: true, force: true });
    },
  };
}
