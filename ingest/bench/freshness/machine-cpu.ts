import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Jiffies the whole machine spent busy and in total (all cores), from /proc/stat. */
export interface MachineCpu {
  readonly busy: number;
  readonly total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** Share of all cores busy between two readings (0–1), and how many cores there are. */
export function busyShare(before: MachineCpu, after: MachineCpu): { share: number; cores: number } {
  return { share: (after.busy - before.busy) / Math.max(1, after.total - before.total), cores: cpus().length };
}
