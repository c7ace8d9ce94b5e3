import type { PhaseDoneMessage } from "./device-protocol";
import type { MemoryPeaks } from "@udaconnect/test-support";
import type { ServiceBuild } from "../service-builds";
import type { ServiceName } from "./service-process";
import { spread, type Visibility } from "./visibility";

export interface PhaseFigures {
  readonly targetRate: number;
  readonly devices: readonly PhaseDoneMessage[];
  readonly polled: readonly Visibility[];
  readonly consistent: readonly Visibility[];
  readonly services: readonly { name: ServiceName; cpuSeconds: number; peakRssMiB: number; memory: MemoryPeaks | undefined }[];
  /** Wall time of the phase, its drain included. */
  readonly seconds: number;
  /** Share of all the machine's cores busy during the phase (every process, not only the bench's). */
  readonly machine: { readonly share: number; readonly iowait: number; readonly cores: number };
}

const RSS_BUDGET_MIB = 200;
/** Below this share of the target the rate counts as not reached. */
const REACHED = 0.97;
const mib = (bytes: number) => (bytes / 1_048_576).toFixed(0);
const ms = (value: number) => (Number.isNaN(value) ? "-" : value.toFixed(0));

export function printReport(phases: readonly PhaseFigures[], run: { devices: number; pollMs: number; persons: number; build: ServiceBuild }): void {
  console.log(
    `freshness: SDK acknowledgement (onAcknowledged) -> check-in readable through the query API; ` +
      `${run.devices} device processes, ${run.persons} people, /locations polled every ${run.pollMs} ms; ` +
      `services from their ${run.build === "bundle" ? "images' bundles (node dist/main.js)" : "sources (tsx)"}`,
  );
  const rows = [["phase", "reached/s", "polled /locations p50 / p99 / max ms (n)", "consistent_with p50 / p99 / max ms (n)", "not seen"]];
  for (const p of phases) {
    const seen = (v: readonly Visibility[]) => v.flatMap((x) => (x.kind === "seen" ? [x.ms] : []));
    const poll = spread(seen(p.polled));
    const token = spread(seen(p.consistent));
    const missing = [...p.polled, ...p.consistent].filter((x) => x.kind === "not-seen").length;
    rows.push([
      `${p.targetRate}/s`,
      reachedRate(p).toFixed(0),
      `${ms(poll.p50)} / ${ms(poll.p99)} / ${ms(poll.max)} (${seen(p.polled).length})`,
      `${ms(token.p50)} / ${ms(token.p99)} / ${ms(token.max)} (${seen(p.consistent).length})`,
      String(missing),
    ]);
  }
  table(rows);
  for (const p of phases) {
    for (const reason of new Set([...p.polled, ...p.consistent].flatMap((x) => (x.kind === "not-seen" ? [x.reason] : [])))) {
      console.log(`  ${p.targetRate}/s, not seen: ${reason}`);
    }
    console.log(`\n${p.targetRate}/s: ${verdict(p)}`);
    const window = Math.max(...p.devices.map((d) => d.windowSeconds));
    const serviceRows = [["service", "CPU s (share of one core)", "peak RSS MiB", "peak heap used of total / external / arrayBuffers MiB"]];
    for (const s of p.services) {
      const over = s.peakRssMiB > RSS_BUDGET_MIB ? ` (over ${RSS_BUDGET_MIB})` : "";
      const memory =
        s.memory === undefined ? "-" : `${mib(s.memory.heapUsed)} of ${mib(s.memory.heapTotal)} / ${mib(s.memory.external)} / ${mib(s.memory.arrayBuffers)}`;
      serviceRows.push([
        s.name,
        `${s.cpuSeconds.toFixed(1)} (${((s.cpuSeconds / p.seconds) * 100).toFixed(0)} %)`,
        `${s.peakRssMiB.toFixed(0)}${over}`,
        memory,
      ]);
    }
    const deviceCpu = p.devices.reduce((n, d) => n + d.cpuSeconds, 0);
    serviceRows.push([`devices (${p.devices.length})`, `${deviceCpu.toFixed(1)} (${((deviceCpu / p.seconds) * 100).toFixed(0)} %)`, "-", "-"]);
    table(serviceRows, "  ");
    console.log(
      `  clock: ${window.toFixed(1)} s sending + ${(p.seconds - window).toFixed(1)} s draining; peak RSS is since the services started (earlier phases included)`,
    );
  }
}

function reachedRate(p: PhaseFigures): number {
  const window = Math.max(...p.devices.map((d) => d.windowSeconds));
  return p.devices.reduce((n, d) => n + d.acknowledged, 0) / window;
}

/** Plainly whether the target rate held, and if not what was short. */
function verdict(p: PhaseFigures): string {
  const reached = reachedRate(p);
  const backlog = p.devices.reduce((n, d) => n + d.backlog, 0);
  const dropped = p.devices.reduce((n, d) => n + d.dropped, 0);
  const ours = p.services.reduce((n, s) => n + s.cpuSeconds, 0) + p.devices.reduce((n, d) => n + d.cpuSeconds, 0);
  const machineSeconds = p.machine.share * p.machine.cores * p.seconds;
  const busy =
    `the machine's ${p.machine.cores} cores were ${(p.machine.share * 100).toFixed(0)} % busy, ` +
    `${((ours / Math.max(machineSeconds, 1e-9)) * 100).toFixed(0)} % of that in the three services and the devices (Kafka, PostgreSQL and other processes the rest), ` +
    `${(p.machine.iowait * 100).toFixed(0)} % idle waiting for I/O (the devices' journals are fsync'd)`;
  const drained = p.devices.every((d) => d.drained) ? "all acknowledged afterwards" : "NOT all acknowledged within the 180 s drain";
  const tail = `${backlog} check-ins still queued on the devices when the clock stopped (${drained})${dropped > 0 ? `, ${dropped} dropped` : ""}`;
  if (reached >= REACHED * p.targetRate) return `target rate reached (${reached.toFixed(0)}/s acknowledged); ${busy}; ${tail}.`;
  const why = p.machine.share >= 0.9 ? "CPU: no core was left idle" : "not CPU-bound by the machine's figures: look at the services' logs";
  return `target rate NOT reached: ${reached.toFixed(0)} of ${p.targetRate} check-ins/s acknowledged; ${busy}; why: ${why}; ${tail}.`;
}

function table(rows: readonly string[][], indent = ""): void {
  const width = rows.map((r) => r.map((c) => c.length)).reduce((a, b) => a.map((w, i) => Math.max(w, b[i] ?? 0)));
  console.log(rows.map((r) => indent + r.map((c, i) => c.padEnd(width[i] ?? 0)).join("  |  ")).join("\n"));
}
