import { formatDuration } from "../cli/duration";
import type { StatusReport } from "./status-report";

/** The report for people: three aligned tables. */
export function formatStatus(report: StatusReport): string {
  const sections = [
    `Workloads in namespace ${report.namespace}:`,
    report.workloads.length === 0
      ? "  none"
      : table(
          ["KIND", "NAME", "READY", "UP-TO-DATE", "STATE"],
          report.workloads.map((w) => [
            w.kind,
            w.name,
            `${w.ready}/${w.desired}`,
            String(w.upToDate),
            w.state === "ready" ? "ready" : `${w.state}: ${w.message}`,
          ]),
        ),
    "",
    "Jobs (newest first):",
    report.jobs.length === 0
      ? "  none"
      : table(
          ["NAME", "COMPONENT", "OUTCOME", "STARTED", "DURATION"],
          report.jobs.map((j) => [
            j.name,
            j.component ?? "-",
            j.outcome === "failed" ? `failed: ${j.reason}` : j.outcome,
            j.startedAt ?? "-",
            j.durationSeconds === null ? (j.outcome === "running" ? "running" : "-") : formatDuration(j.durationSeconds * 1000),
          ]),
        ),
    "",
    ...projectionLines(report),
  ];
  return sections.join("\n");
}

function projectionLines({ projection }: StatusReport): string[] {
  if (projection.source === "unavailable") {
    return ["Projection lag: unknown", ...projection.reasons.map((r) => `  ${r}`)];
  }
  const from = projection.source === "query-api" ? "query-api /v1/projection/status" : "projector pods' /metrics";
  return [
    `Projection lag (from ${from}): ${projection.totalLag === null ? "unknown (end of the log unknown)" : `${projection.totalLag} records`}, newest check-in ${projection.newestCheckInAt ?? "none"}`,
    table(
      ["TOPIC", "PARTITION", "LAG"],
      projection.partitions.map((p) => [p.topic, String(p.partition), p.lag === null ? "?" : String(p.lag)]),
    ),
  ];
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")}`).join("\n");
}
