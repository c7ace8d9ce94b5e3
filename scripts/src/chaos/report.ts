import { FAULT_KINDS } from "./fault-plan";
import type { Spread, Summary } from "./verdict";

const seconds = (ms: number | null) => (ms === null ? "-" : (ms / 1000).toFixed(1));
const pair = (s: Spread) => (s.count === 0 ? "-" : `${seconds(s.p50)} / ${seconds(s.max)}`);
const millis = (s: Spread) => (s.count === 0 ? "-" : `${s.p50} / ${s.p99} / ${s.max} ms (${s.count})`);

/** The summary as a table for people (stderr). */
export function summaryTable(s: Summary): string {
  const rows = [["fault", "injected", "down p50 / max s", "to ack p50 / max s", "to projection p50 / max s"]];
  for (const kind of FAULT_KINDS) {
    const f = s.faults.byKind[kind];
    if (f !== undefined) rows.push([kind, String(f.injected), pair(f.downMs), pair(f.toAckMs), pair(f.toProjectionMs)]);
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const table = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  const c = s.checkIns;
  return [
    `faults injected: ${s.faults.total}`,
    ...table.map((line) => `  ${line}`),
    ...s.faults.problems.map((p) => `  problem: ${p}`),
    `check-ins: ${c.queued} queued, ${c.acknowledged} acknowledged (${c.accepted} accepted, ${c.duplicateAnswers} answered duplicate), ${c.rejected} rejected, ${c.dropped} dropped`,
    `lost: ${s.lost.fromReadModel} missing from the read model, ${s.lost.fromLog} missing from the topic${s.lost.sample.length > 0 ? ` (e.g. ${s.lost.sample.slice(0, 3).join(", ")})` : ""}`,
    `doubled: ${s.doubled.readModelRows} doubled rows in the read model; ${s.doubled.logRecords} event ids appended twice to the topic (collapsed by the projection)`,
    `topic: ${s.log.records} records for ${s.checkIns.acknowledged} acknowledged check-ins, at most ${s.log.maxCopies} copies of one`,
    `projected without an acknowledgement (answer lost, device not told): ${s.unacknowledgedButProjected}`,
    `queues drained: ${s.queuesDrained ? "yes" : `NO (${s.undrainedDevices.join(", ")})`}; projection caught up: ${s.projectionCaughtUp ? "yes" : `NO (lag ${JSON.stringify(s.lag)})`}`,
    `ack latency p50 / p99 / max: during faults ${millis(s.ackLatencyMs.duringFaults)}; outside faults ${millis(s.ackLatencyMs.outsideFaults)}`,
    `restarts nobody asked for: ${
      Object.entries(s.unplannedExits)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} ${n}`)
        .join(", ") || "none"
    }`,
    s.ok ? "RESULT: nothing acknowledged was lost or doubled" : "RESULT: FAILED (see above)",
  ].join("\n");
}
