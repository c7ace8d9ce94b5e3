import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A run's owner: this process, named by pid and start time (a reused pid is another process). */
export function claimRunDir(home: string): string {
  const runsDir = join(home, "runs");
  const runDir = join(runsDir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, "owner"), `${process.pid} ${startTime(process.pid)}\n`);
  return runDir;
}

/** Marks a run whose processes are all stopped: what is left is evidence, kept on purpose. */
export function markFinished(runDir: string): void {
  writeFileSync(join(runDir, "finished"), `${new Date().toISOString()}\n`);
}

/**
 * Runs whose command is gone: the processes they left (found by CHAOS_RUN_DIR in their
 * environment, which everything a run starts inherits) are killed, and the folders of those
 * killed before they finished are removed (a finished run's folder is evidence, kept). Returns
 * how many folders were removed.
 */
export function cleanStaleRuns(home: string): number {
  const runsDir = join(home, "runs");
  if (!existsSync(runsDir)) return 0;
  let cleaned = 0;
  for (const name of readdirSync(runsDir)) {
    const runDir = join(runsDir, name);
    const [pid, start] = (existsSync(join(runDir, "owner")) ? readFileSync(join(runDir, "owner"), "utf8") : "").trim().split(" ");
    if (pid !== undefined && pid !== "" && startTime(Number(pid)) === start) continue;
    // Also for a finished run: a command stopped half-way through its cleanup leaves processes too.
    for (const orphan of processesMarked(runDir)) {
      try {
        process.kill(orphan, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    if (existsSync(join(runDir, "finished"))) continue;
    rmSync(runDir, { recursive: true, force: true });
    cleaned++;
  }
  return cleaned;
}

function processesMarked(runDir: string): number[] {
  const marker = `CHAOS_RUN_DIR=${runDir}`;
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(marker) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

function startTime(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[19];
  } catch {
    return undefined;
  }
}
