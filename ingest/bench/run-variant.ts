import { loadavg } from "node:os";
import type { MemoryPeaks } from "@udaconnect/test-support";
import type { KafkaThreadName } from "../src/kafka/record-producer";
import { startGatewayProcess } from "./gateway-process";
import type { ServiceBuild, ServiceBuilds } from "./service-builds";
import { sdkAckLatency, sdkThroughput, type LatencyResult, type ThroughputResult } from "./sdk-phases";

export interface Variant {
  /** Where the gateway's producers run (INGEST_KAFKA_THREAD). */
  readonly thread: KafkaThreadName;
  /** The gateway from its sources (tsx) or its image's bundle. */
  readonly build: ServiceBuild;
  /** Node.js options of the gateway processes, space-separated ("" for none). */
  readonly nodeOptions: string;
}

export interface VariantSettings {
  readonly brokers: string;
  readonly namespace: string;
  readonly gatewayEnv: Readonly<Record<string, string>>;
  readonly checkIns: number;
  readonly devices: number;
  /** Check-ins per StreamCheckIns batch, at most. */
  readonly batchSize: number;
  readonly latencySamples: number;
  readonly gateways: number;
  readonly builds: ServiceBuilds;
  readonly cpuProfileDir?: string;
}

export interface VariantResult {
  readonly variant: Variant;
  readonly throughput: ThroughputResult;
  /** CPU time of the gateway processes (all threads) during the throughput phase, seconds. */
  readonly gatewayCpuSeconds: number;
  readonly latency: LatencyResult;
  /** Largest VmHWM of the gateway processes over their whole run, MiB. */
  readonly gatewayPeakRssMiB: number;
  /** process.memoryUsage() peaks of the gateway processes (the largest of each field), if sampled. */
  readonly gatewayMemory: MemoryPeaks | undefined;
  readonly sends: { readonly count: number; readonly seconds: number };
  /** The machine's 1-minute load average when the throughput phase ended. */
  readonly loadAverage: number;
}

/** Fresh gateway processes of `variant`; the SDK's throughput phase, then its one-at-a-time latency. */
export async function runVariant(variant: Variant, settings: VariantSettings): Promise<VariantResult> {
  const env = { ...settings.gatewayEnv, INGEST_KAFKA_THREAD: variant.thread };
  // More than one gateway (instances behind a load balancer, devices spread over them) shows scaling out; the default is one.
  const started = await Promise.allSettled(
    Array.from({ length: settings.gateways }, () =>
      startGatewayProcess(
        settings.brokers,
        settings.namespace,
        env,
        settings.builds.command("ingest", variant.build),
        variant.nodeOptions,
        settings.cpuProfileDir,
      ),
    ),
  );
  const gateways = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(gateways.map((g) => g.stop()));
    throw failed.reason;
  }
  try {
    const urls = gateways.map((g) => g.url);
    const cpuBefore = gateways.map((g) => g.cpuSeconds());
    const throughput = await sdkThroughput(urls, settings.checkIns, settings.devices, settings.batchSize);
    const gatewayCpuSeconds = gateways.reduce((sum, g, i) => sum + g.cpuSeconds() - (cpuBefore[i] ?? 0), 0);
    const loadAverage = loadavg()[0] ?? Number.NaN;
    const perGateway = await Promise.all(urls.map(kafkaSends));
    const sends = { count: perGateway.reduce((n, g) => n + g.count, 0), seconds: perGateway.reduce((n, g) => n + g.seconds, 0) };
    const latency = await sdkAckLatency(urls[0] ?? "", settings.latencySamples);
    const gatewayPeakRssMiB = Math.max(...gateways.map((g) => g.peakRssMiB()));
    return {
      variant,
      throughput,
      gatewayCpuSeconds,
      latency,
      gatewayPeakRssMiB,
      gatewayMemory: largest(gateways.map((g) => g.memoryPeaks())),
      sends,
      loadAverage,
    };
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
  }
}

/** The gateway's own count of produce requests and their total time, from /metrics. */
async function kafkaSends(url: string): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return { count: value("udaconnect_ingest_kafka_send_seconds_count"), seconds: value("udaconnect_ingest_kafka_send_seconds_sum") };
}

function largest(peaks: readonly (MemoryPeaks | undefined)[]): MemoryPeaks | undefined {
  const known = peaks.filter((p): p is MemoryPeaks => p !== undefined);
  if (known.length === 0) return undefined;
  const most = (field: keyof MemoryPeaks) => Math.max(...known.map((p) => p[field]));
  return { rss: most("rss"), heapTotal: most("heapTotal"), heapUsed: most("heapUsed"), external: most("external"), arrayBuffers: most("arrayBuffers") };
}
