import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Jiffies the whole machine spent busy, waiting for I/O and in total (all cores), from /proc/stat. */
export interface MachineCpu {
  readonly busy: number;
  readonly iowait: number;
  readonly total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), iowait: fields[4] ?? 0, total };
}

/** Shares of all cores busy and idle waiting for I/O between two readings (0–1), and how many cores there are. */
export function busyShare(before: MachineCpu, after: MachineCpu): { share: number; iowait: number; cores: number } {
  const total = Math.max(1, after.total - before.total);
  return { share: (after.busy - before.busy) / total, iowait: (after.iowait - before.iowait) / total, cores: cpus().length };
}
