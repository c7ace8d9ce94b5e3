import { describeMemoryPeaks } from "@udaconnect/test-support";
import type { ProducerPerformanceResult } from "./kafka-perf";
import type { VariantResult } from "./run-variant";

/** The run's figures side by side: one column per variant run, then Kafka's own producer. */
export function report(results: readonly VariantResult[], kafka: ProducerPerformanceResult, recordSize: number, gateways: number): string {
  const perCheckIn = (seconds: number, r: VariantResult) => ((seconds * 1e6) / r.throughput.checkIns).toFixed(1);
  const gatewayWord = gateways === 1 ? "gateway" : `${gateways} gateways`;
  const rows: string[][] = [
    [
      "",
      ...results.map(
        (r) => `SDK -> gateway (${[`${r.variant.thread} thread`, r.variant.build, r.variant.nodeOptions].filter((p) => p !== "").join(", ")}) -> Kafka`,
      ),
      "Kafka ProducerPerformance",
    ],
    ["records", ...results.map((r) => String(r.throughput.checkIns)), String(kafka.records)],
    ["record size (bytes)", ...results.map(() => `${recordSize} (LocationRecorded)`), String(recordSize)],
    ["check-ins per StreamCheckIns batch (at most)", ...results.map((r) => String(r.throughput.batchSize)), "-"],
    ["records/s acknowledged", ...results.map((r) => r.throughput.perSecond.toFixed(0)), kafka.recordsPerSecond.toFixed(0)],
    ["ratio to ProducerPerformance", ...results.map((r) => `${(r.throughput.perSecond / kafka.recordsPerSecond).toFixed(2)} (target >= 0.5)`), "1"],
    [`${gatewayWord} CPU per check-in (µs)`, ...results.map((r) => `${perCheckIn(r.gatewayCpuSeconds, r)} (target <= 20)`), "-"],
    [`${gatewayWord} CPU use (cores)`, ...results.map((r) => (r.gatewayCpuSeconds / r.throughput.seconds).toFixed(2)), "-"],
    ["SDK process CPU per check-in (µs)", ...results.map((r) => perCheckIn(r.throughput.sdkCpuSeconds, r)), "-"],
    [
      "ack latency p50 / p99 (ms)",
      ...results.map((r) => `${r.latency.p50Ms.toFixed(1)} / ${r.latency.p99Ms.toFixed(1)} (one at a time)`),
      `${kafka.p50Ms} / ${kafka.p99Ms} (under full load)`,
    ],
    [gateways === 1 ? "gateway peak RSS (MiB)" : `gateway peak RSS (MiB, largest of ${gateways})`, ...results.map((r) => r.gatewayPeakRssMiB.toFixed(0)), "-"],
    [
      gateways === 1 ? "gateway peak memoryUsage(), main thread" : `gateway peak memoryUsage(), main thread (largest of ${gateways})`,
      ...results.map((r) => describeMemoryPeaks(r.gatewayMemory)),
      "-",
    ],
    ["SDK process peak RSS (MiB)", ...results.map((r) => r.throughput.sdkPeakRssMiB.toFixed(0)), "-"],
    ["machine load average (1 min, end of throughput)", ...results.map((r) => r.loadAverage.toFixed(1)), "-"],
    [
      "Kafka sends: count / records / ms each",
      ...results.map(
        (r) => `${r.sends.count} / ${(r.throughput.checkIns / r.sends.count).toFixed(0)} / ${((r.sends.seconds / r.sends.count) * 1000).toFixed(1)}`,
      ),
      "-",
    ],
  ];
  const width = rows.map((r) => r.map((c) => c.length)).reduce((a, b) => a.map((w, i) => Math.max(w, b[i] ?? 0)));
  const table = rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(width[i] ?? 0))
        .join("  |  ")
        .trimEnd(),
    )
    .join("\n");
  return `${table}\n\nCPU figures cover the throughput phase only (gateway: /proc/<pid>/stat, all threads; SDK: process.cpuUsage of this process).\nKafka: ${kafka.summary}`;
}
