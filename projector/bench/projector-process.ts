import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, memorySampler, peakRssMiB, testMasterKeysFile, type MemoryPeaks } from "@udaconnect/test-support";

const PROJECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface ProjectorProcess {
  /** Throws when the process has exited (then see its log lines above). */
  readonly assertRunning: () => void;
  /** Peak resident set size so far (VmHWM), MiB. */
  readonly peakRssMiB: () => number;
  /** process.memoryUsage() peaks so far, sampled in the process every 100 ms. */
  readonly memoryPeaks: () => MemoryPeaks | undefined;
  readonly stop: () => Promise<void>;
}

/**
 * The projector as deployed (src/main.ts) in its own process, so that its memory is its own
 * and not the bench's (which holds every generated check-in). Logs warnings and errors only,
 * to the bench's stderr.
 */
export async function startProjectorProcess(settings: {
  databaseUrl: string;
  kafkaBrokers: string;
  topicNamespace: string;
  groupId: string;
  path: string;
}): Promise<ProjectorProcess> {
  const sampler = memorySampler(join(mkdtempSync(join(tmpdir(), "bench-projector-")), "memory.json"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", ...sampler.execArgv, "src/main.ts"], {
    cwd: PROJECTOR_DIR,
    env: {
      PATH: settings.path,
      ...sampler.env,
      DATABASE_URL: settings.databaseUrl,
      KAFKA_BROKERS: settings.kafkaBrokers,
      TOPIC_NAMESPACE: settings.topicNamespace,
      PROJECTOR_GROUP_ID: settings.groupId,
      PROJECTOR_PORT: String(await freePort()),
      // Required (docs/erasure.md); the bench's events are in clear, so no key is ever unwrapped.
      UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile(),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    assertRunning: () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the projector process exited (${child.exitCode ?? child.signalCode}): see its log above`);
    },
    peakRssMiB: () => peakRssMiB(child.pid ?? 0),
    memoryPeaks: sampler.peaks,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
