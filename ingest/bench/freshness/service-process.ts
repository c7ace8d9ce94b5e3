import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { openSync, closeSync } from "node:fs";
import { join } from "node:path";
import { cpuSeconds, freePort, memorySampler, peakRssMiB, type MemoryPeaks } from "@udaconnect/test-support";
import type { BenchedService, ServiceCommand } from "../service-builds";

/** The three services, each run as deployed (its main, from its bundle or its sources) in its own process. */
export type ServiceName = "gateway" | "projector" | "query-api";

export const SERVICES: Record<ServiceName, { readonly image: BenchedService; readonly portVariable: string }> = {
  gateway: { image: "ingest", portVariable: "INGEST_PORT" },
  projector: { image: "projector", portVariable: "PROJECTOR_PORT" },
  "query-api": { image: "query-api", portVariable: "QUERY_API_PORT" },
};

export interface ServiceProcess {
  readonly name: ServiceName;
  readonly url: string;
  readonly pid: number;
  /** Peak resident set size so far (VmHWM of /proc/<pid>/status), MiB. */
  readonly peakRssMiB: () => number;
  /** CPU time so far (user + system, /proc/<pid>/stat), seconds. */
  readonly cpuSeconds: () => number;
  /** process.memoryUsage() peaks, sampled inside the service every 100 ms (test-support's memory sampler). */
  readonly memoryPeaks: () => MemoryPeaks | undefined;
  readonly stop: () => Promise<void>;
}

/**
 * Starts a service by `command` with `env` (plus its port) and waits for its /readyz. Its stderr goes to
 * `<logDir>/<name>.log`. A preloaded sampler records process.memoryUsage() peaks, so that a
 * service over its memory budget shows where the memory went (heap, external, ArrayBuffers).
 */
export async function startService(name: ServiceName, command: ServiceCommand, env: Readonly<Record<string, string>>, logDir: string): Promise<ServiceProcess> {
  const { portVariable } = SERVICES[name];
  const port = await freePort();
  const sampler = memorySampler(join(logDir, `${name}.memory.json`));
  const log = openSync(join(logDir, `${name}.log`), "a");
  const child: ChildProcess = spawn(process.execPath, [...command.loader, ...command.memorySampler, command.entry], {
    cwd: command.cwd,
    env: { ...env, ...command.env, [portVariable]: String(port), ...sampler.env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  while (
    (await fetch(`${url}/readyz`)
      .then((r) => r.status)
      .catch(() => 0)) !== 200
  ) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`the ${name} did not become ready within 300 s: see ${join(logDir, `${name}.log`)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid ?? 0;
  return {
    name,
    url,
    pid,
    peakRssMiB: () => peakRssMiB(pid),
    cpuSeconds: () => cpuSeconds(pid),
    memoryPeaks: sampler.peaks,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
