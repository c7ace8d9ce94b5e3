import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** CPU time (user + system, ms) of the API process and of its PostgreSQL backends at one moment. */
export interface CpuSnapshot {
  readonly apiMs: number | undefined;
  readonly backendMs: ReadonlyMap<number, number>;
}

/**
 * Reads /proc, so it needs the API and PostgreSQL on this machine (else the figures are
 * missing). Latency on a shared two-core machine moves with everyone else's load; the CPU
 * a lookup consumes hardly does, so the bench reports both.
 */
export async function cpuSnapshot(db: Kysely<Database>, apiPid: number): Promise<CpuSnapshot> {
  const { rows } = await sql<{ pid: number }>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'udaconnect-query-api'`.execute(db);
  const backendMs = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) {
      backendMs.set(pid, ms);
    }
  }
  return { apiMs: processCpuMs(apiPid), backendMs };
}

/** CPU per lookup between two snapshots; a backend opened in between counts from zero. */
export function cpuPerLookup(before: CpuSnapshot, after: CpuSnapshot, lookups: number): { apiMs: number; databaseMs: number } {
  let databaseMs = 0;
  for (const [pid, ms] of after.backendMs) {
    databaseMs += ms - (before.backendMs.get(pid) ?? 0);
  }
  const apiMs = (after.apiMs ?? Number.NaN) - (before.apiMs ?? Number.NaN);
  return { apiMs: apiMs / lookups, databaseMs: after.backendMs.size === 0 ? Number.NaN : databaseMs / lookups };
}

function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "(comm) ": state is field 3 of proc(5), so utime (14) and stime (15) sit at 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
