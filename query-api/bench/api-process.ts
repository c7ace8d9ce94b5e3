import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, memorySampler, peakRssMiB, type MemoryPeaks } from "@udaconnect/test-support";

const QUERY_API_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  /** Peak resident set size so far (VmHWM), MiB. */
  readonly peakRssMiB: () => number;
  /** process.memoryUsage() peaks so far, sampled in the process every 100 ms. */
  readonly memoryPeaks: () => MemoryPeaks | undefined;
  readonly stop: () => Promise<void>;
}

/**
 * The query API as deployed (src/main.ts), in its own process: a real client is another
 * process, and in-process the bench's JSON.parse of each ~400 KB answer would compete with
 * the server for one event loop. Auth off and no rate limit, as the in-process bench had.
 * `entry` is the script to run and its arguments (default the API as deployed).
 */
export async function startApiProcess(
  databaseUrl: string,
  baseEnv: Readonly<Record<string, string>>,
  cpuProfileDir?: string,
  entry: readonly string[] = ["src/main.ts"],
): Promise<ApiProcess> {
  const port = await freePort();
  const profiling = cpuProfileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir];
  const sampler = memorySampler(join(mkdtempSync(join(tmpdir(), "bench-query-")), "memory.json"));
  const child: ChildProcess = spawn(process.execPath, [...profiling, "--import", "tsx", ...sampler.execArgv, ...entry], {
    cwd: QUERY_API_DIR,
    env: {
      ...baseEnv,
      ...sampler.env,
      DATABASE_URL: databaseUrl,
      QUERY_API_PORT: String(port),
      PORT: String(port),
      AUTH_DISABLED: "true",
      QUERY_RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "ignore"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  while (
    (await fetch(`${url}/readyz`)
      .then((r) => r.status)
      .catch(() => 0)) !== 200
  ) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGTERM");
      throw new Error("the query API did not become ready within 300 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    peakRssMiB: () => peakRssMiB(child.pid ?? 0),
    memoryPeaks: sampler.peaks,
    stop: async () => {
      if (child.exitCode !== null) {
        return;
      }
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
