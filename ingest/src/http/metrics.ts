import { createMetricsRegistry, scrape } from "@udaconnect/observability";
import { Counter, Gauge, Histogram } from "prom-client";
import type { CheckInVerdict } from "../ingest/stream-check-ins";

const SEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Unary calls take milliseconds; a StreamCheckIns stream stays open up to INGEST_MAX_STREAM_SECONDS. */
const RPC_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600];

/**
 * The gateway's metrics at /metrics: check-ins by outcome, Kafka send latency, batches in
 * flight, each RPC by method and status code, and Node.js's runtime metrics. Counted per
 * call or per batch, never per check-in, so that the hot path pays one update per batch.
 */
export class IngestMetrics {
  readonly #registry = createMetricsRegistry();
  readonly #accepted = new Counter({ name: "udaconnect_ingest_check_ins_accepted_total", help: "Check-ins appended to Kafka.", registers: [this.#registry] });
  readonly #duplicates = new Counter({
    name: "udaconnect_ingest_check_ins_duplicate_total",
    help: "Check-ins answered DUPLICATE (retries of recent event ids).",
    registers: [this.#registry],
  });
  readonly #rejected = new Counter({
    name: "udaconnect_ingest_check_ins_rejected_total",
    help: "Check-ins not appended, by reason (REFUSED_WITH_CALL: valid, refused with a bad neighbour in a unary call).",
    labelNames: ["reason"],
    registers: [this.#registry],
  });
  readonly #send = new Histogram({
    name: "udaconnect_ingest_kafka_send_seconds",
    help: "Time from a produce request to Kafka's acknowledgement (acks=all).",
    buckets: SEND_BUCKETS,
    registers: [this.#registry],
  });
  readonly #producerResets = new Counter({
    name: "udaconnect_ingest_kafka_producer_resets_total",
    help: "Idempotent producers replaced by a new one (new producer id) after Kafka refused their sequence numbers or epoch, by Kafka's error.",
    labelNames: ["reason"],
    registers: [this.#registry],
  });
  readonly #inFlightBatches = new Gauge({
    name: "udaconnect_ingest_in_flight_batches",
    help: "StreamCheckIns batches waiting for Kafka.",
    registers: [this.#registry],
  });
  readonly #rpcs = new Counter({
    name: "udaconnect_ingest_rpcs_total",
    help: "RPCs finished, by method and status code (Connect's names: ok, invalid_argument, unavailable …).",
    labelNames: ["method", "code"],
    registers: [this.#registry],
  });
  readonly #rpcSeconds = new Histogram({
    name: "udaconnect_ingest_rpc_duration_seconds",
    help: "Time from an RPC's start to its end (for StreamCheckIns, the stream's whole life), by method and status code.",
    labelNames: ["method", "code"],
    buckets: RPC_BUCKETS,
    registers: [this.#registry],
  });

  countAccepted(count: number): void {
    this.#accepted.inc(count);
  }

  /** Check-ins a unary call refused (all or nothing), one reason each. */
  countRejected(reasons: readonly string[]): void {
    for (const [reason, count] of tally(reasons)) this.#rejected.inc({ reason }, count);
  }

  countVerdicts(verdicts: readonly CheckInVerdict[]): void {
    let accepted = 0;
    let duplicates = 0;
    const rejected: string[] = [];
    for (const { status, reason } of verdicts) {
      if (status === "accepted") accepted++;
      else if (status === "duplicate") duplicates++;
      else rejected.push(reason);
    }
    this.#accepted.inc(accepted);
    this.#duplicates.inc(duplicates);
    this.countRejected(rejected);
  }

  readonly observeSend = (seconds: number): void => {
    this.#send.observe(seconds);
  };

  readonly countProducerReset = (reason: string): void => {
    this.#producerResets.inc({ reason });
  };

  batchStarted(): void {
    this.#inFlightBatches.inc();
  }

  batchEnded(): void {
    this.#inFlightBatches.dec();
  }

  /** One finished RPC; `code` in Connect's spelling ("ok" for success). */
  observeRpc(method: string, code: string, seconds: number): void {
    const labels = { method, code };
    this.#rpcs.inc(labels);
    this.#rpcSeconds.observe(labels, seconds);
  }

  scrape(): Promise<{ readonly contentType: string; readonly text: string }> {
    return scrape(this.#registry);
  }
}

function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
