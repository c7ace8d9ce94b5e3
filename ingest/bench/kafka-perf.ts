import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const KAFKA_SH = fileURLToPath(new URL("../../infra/local/kafka.sh", import.meta.url));

export interface ProducerPerformanceResult {
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly summary: string;
}

/**
 * Kafka's own producer benchmark (the class behind kafka-producer-perf-test)
 * with the settings the gateway uses: acks=all, idempotence on.
 */
export async function producerPerformance(brokers: string, topic: string, records: number, recordSize: number): Promise<ProducerPerformanceResult> {
  const { stdout } = await promisify(execFile)(
    "bash",
    [
      KAFKA_SH,
      "run-class",
      "org.apache.kafka.tools.ProducerPerformance",
      "--topic",
      topic,
      "--num-records",
      String(records),
      "--record-size",
      String(recordSize),
      "--throughput",
      "-1",
      "--producer-props",
      `bootstrap.servers=${brokers}`,
      "acks=all",
      "enable.idempotence=true",
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  // The last line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, …"
  const summary = stdout.trim().split("\n").at(-1) ?? "";
  const match = /records sent, ([\d.]+) records\/sec.* (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/.exec(summary);
  if (match === null) throw new Error(`unexpected ProducerPerformance output: ${summary}`);
  return { records, recordsPerSecond: Number(match[1]), p50Ms: Number(match[2]), p99Ms: Number(match[3]), summary };
}
