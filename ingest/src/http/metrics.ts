import type { CheckInVerdict } from "../ingest/stream-check-ins";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's counters, exposed in Prometheus text format at /metrics.
 * Hand-written: four series do not justify a client library.
 */
export class IngestMetrics {
  #accepted = 0;
  #duplicates = 0;
  readonly #rejected = new Map<string, number>();
  readonly #sendBuckets = LATENCY_BUCKETS.map(() => 0);
  #sendCount = 0;
  #sendSum = 0;
  #inFlightBatches = 0;

  countAccepted(count: number): void {
    this.#accepted += count;
  }

  /** Check-ins a unary call refused (all or nothing), one reason each. */
  countRejected(reasons: readonly string[]): void {
    for (const reason of reasons) this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1);
  }

  countVerdicts(verdicts: readonly CheckInVerdict[]): void {
    for (const { status, reason } of verdicts) {
      if (status === "accepted") this.#accepted++;
      else if (status === "duplicate") this.#duplicates++;
      else this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1);
    }
  }

  readonly observeSend = (seconds: number): void => {
    this.#sendCount++;
    this.#sendSum += seconds;
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.#sendBuckets[i] = (this.#sendBuckets[i] ?? 0) + 1;
    });
  };

  batchStarted(): void {
    this.#inFlightBatches++;
  }

  batchEnded(): void {
    this.#inFlightBatches--;
  }

  exposition(): string {
    const lines = [
      "# HELP udaconnect_ingest_check_ins_accepted_total Check-ins appended to Kafka.",
      "# TYPE udaconnect_ingest_check_ins_accepted_total counter",
      `udaconnect_ingest_check_ins_accepted_total ${this.#accepted}`,
      "# HELP udaconnect_ingest_check_ins_duplicate_total Check-ins answered DUPLICATE (retries of recent event ids).",
      "# TYPE udaconnect_ingest_check_ins_duplicate_total counter",
      `udaconnect_ingest_check_ins_duplicate_total ${this.#duplicates}`,
      "# HELP udaconnect_ingest_check_ins_rejected_total Check-ins not appended, by reason (REFUSED_WITH_CALL: valid, refused with a bad neighbour in a unary call).",
      "# TYPE udaconnect_ingest_check_ins_rejected_total counter",
      ...[...this.#rejected].map(([reason, n]) => `udaconnect_ingest_check_ins_rejected_total{reason="${reason}"} ${n}`),
      "# HELP udaconnect_ingest_kafka_send_seconds Time from a produce request to Kafka's acknowledgement (acks=all).",
      "# TYPE udaconnect_ingest_kafka_send_seconds histogram",
      ...LATENCY_BUCKETS.map((b, i) => `udaconnect_ingest_kafka_send_seconds_bucket{le="${b}"} ${this.#sendBuckets[i] ?? 0}`),
      `udaconnect_ingest_kafka_send_seconds_bucket{le="+Inf"} ${this.#sendCount}`,
      `udaconnect_ingest_kafka_send_seconds_sum ${this.#sendSum}`,
      `udaconnect_ingest_kafka_send_seconds_count ${this.#sendCount}`,
      "# HELP udaconnect_ingest_in_flight_batches StreamCheckIns batches waiting for Kafka.",
      "# TYPE udaconnect_ingest_in_flight_batches gauge",
      `udaconnect_ingest_in_flight_batches ${this.#inFlightBatches}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}
