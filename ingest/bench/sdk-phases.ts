import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeviceClient, fileStorage, type DeviceClient } from "@udaconnect/device-sdk";

export interface ThroughputResult {
  readonly checkIns: number;
  /** Check-ins per StreamCheckIns batch the devices sent at most. */
  readonly batchSize: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU time of this (the SDK's) process over the phase, user + system, seconds. */
  readonly sdkCpuSeconds: number;
  /** Largest resident set size of this process sampled during the phase (every 50 ms), MiB. */
  readonly sdkPeakRssMiB: number;
}

/**
 * `devices` SDK clients (file-backed queues, fsync'd) each queue their share
 * of `checkIns` at once and send them in batches of at most `batchSize`; the clock runs from the first checkIn() to the last
 * acknowledgement written to the queues' journals (the CPU and memory
 * figures cover the same span). Device d talks to
 * gateway d mod (number of gateways).
 */
export async function sdkThroughput(gatewayUrls: readonly string[], checkIns: number, devices: number, batchSize: number): Promise<ThroughputResult> {
  const dir = await mkdtemp(join(tmpdir(), "bench-ingest-"));
  try {
    const clients = await Promise.all(
      Array.from({ length: devices }, async (_, d) =>
        createDeviceClient({
          gatewayUrl: gatewayUrls[d % gatewayUrls.length] ?? "",
          storage: await fileStorage(join(dir, `device-${d}`)),
          batchSize,
          maxInFlightBatches: 4,
          lingerMs: 0,
          maxQueued: checkIns,
        }),
      ),
    );
    const cpuBefore = process.cpuUsage();
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const started = performance.now();
    clients.forEach((client, d) => {
      for (let i = d; i < checkIns; i += devices) {
        client.checkIn({ personId: `bench-${i % 1000}`, latitude: 37.55 + (i % 100) / 10_000, longitude: -122.29, accuracyM: 8 });
      }
    });
    const flushed = await Promise.all(clients.map((c) => c.flush(300_000)));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    await Promise.all(clients.map((c) => c.close(0)));
    if (flushed.includes(false)) throw new Error("the SDK did not deliver every check-in within 300 s");
    const accepted = clients.reduce((sum, c) => sum + c.stats().accepted, 0);
    if (accepted !== checkIns) throw new Error(`expected ${checkIns} accepted check-ins, got ${accepted}`);
    return { checkIns, batchSize, seconds, perSecond: checkIns / seconds, sdkCpuSeconds: (cpu.user + cpu.system) / 1e6, sdkPeakRssMiB: peakRss / 1_048_576 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LatencyResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** One device checking in one position at a time: the time from checkIn() to its acknowledgement (queue journal included). */
export async function sdkAckLatency(gatewayUrl: string, samples: number): Promise<LatencyResult> {
  const dir = await mkdtemp(join(tmpdir(), "bench-ingest-latency-"));
  let client: DeviceClient | undefined;
  try {
    client = await createDeviceClient({ gatewayUrl, storage: await fileStorage(dir), lingerMs: 0 });
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      client.checkIn({ personId: "bench-latency", latitude: 37.55, longitude: -122.29 });
      if (!(await client.flush(10_000))) throw new Error("a check-in was not acknowledged within 10 s");
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    return { samples, p50Ms: at(0.5), p99Ms: at(0.99) };
  } finally {
    await client?.close(0);
    await rm(dir, { recursive: true, force: true });
  }
}
