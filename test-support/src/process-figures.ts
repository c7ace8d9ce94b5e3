import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** Peak resident set size of a process so far (VmHWM of /proc/<pid>/status), MiB; NaN when it is gone. */
export function peakRssMiB(pid: number): number {
  try {
    return Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** CPU time of a process so far (user + system, /proc/<pid>/stat), seconds; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "(comm) ": state is field 3 of proc(5), so utime (14) and stime (15) sit at 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** The largest value each field of process.memoryUsage() reached in a process (bytes). */
export interface MemoryPeaks {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/**
 * Node options and environment that preload the memory sampler into a child process
 * (its peaks land in `file`), and the reader of that file (undefined before the first write).
 */
export function memorySampler(file: string): { execArgv: string[]; env: Record<string, string>; peaks: () => MemoryPeaks | undefined } {
  return {
    execArgv: ["--import", "@udaconnect/test-support/memory-sampler"],
    env: { MEMORY_SAMPLER_FILE: file },
    peaks: () => {
      try {
        return JSON.parse(readFileSync(file, "utf8")) as MemoryPeaks;
      } catch {
        return undefined;
      }
    },
  };
}

/** "heap used 40 of 60 / external 5 / arrayBuffers 1 MiB": where a process's memory went (heapTotal is V8's reservation). */
export function describeMemoryPeaks(peaks: MemoryPeaks | undefined): string {
  if (peaks === undefined) return "-";
  const mib = (bytes: number) => (bytes / 1_048_576).toFixed(0);
  return `heap used ${mib(peaks.heapUsed)} of ${mib(peaks.heapTotal)} / external ${mib(peaks.external)} / arrayBuffers ${mib(peaks.arrayBuffers)} MiB`;
}
