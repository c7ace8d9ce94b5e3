/**
 * Kafka's answers after which an idempotent producer cannot go on with its
 * producer id: the broker no longer agrees with its sequence numbers or epoch
 * (e.g. after a broker crashed and lost the tail of a partition, or expired the
 * producer's state). Every later send of that producer fails the same way, so
 * only a new producer (a new producer id, sequences from 0) gets the records in.
 */
const STATE_LOST = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "DUPLICATE_SEQUENCE_NUMBER",
  "INVALID_PRODUCER_EPOCH",
  "INVALID_PRODUCER_ID_MAPPING",
  "UNKNOWN_PRODUCER_ID",
  "PRODUCER_FENCED",
]);
/** The same errors by Kafka's numeric code (45, 46, 47, 49, 59, 90). */
const STATE_LOST_CODES = new Set([45, 46, 47, 49, 59, 90]);

/**
 * The name of the producer-state error `error` carries, if it carries one,
 * else undefined. Both clients are understood: kafkajs (KafkaJSProtocolError's
 * `type`/`code`, wrapped in KafkaJSNonRetriableError's `cause` or an aggregate's
 * `errors`) and @platformatic/kafka (ProtocolError's `apiId`/`apiCode` inside a
 * ResponseError's or MultipleErrors' `errors`), and a client's own sequence
 * check (a message naming an out-of-order or invalid sequence).
 */
export function producerStateLost(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 5) {
    return undefined;
  }
  const e = error as Record<string, unknown>;
  for (const name of [e.type, e.apiId]) {
    if (typeof name === "string" && STATE_LOST.has(name)) return name;
  }
  for (const code of [e.apiCode, typeof e.type === "string" ? e.code : undefined]) {
    if (typeof code === "number" && STATE_LOST_CODES.has(code)) return `KAFKA_ERROR_${code}`;
  }
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const nested of inner) {
    const found = producerStateLost(nested, depth + 1);
    if (found !== undefined) return found;
  }
  if (typeof e.message === "string" && /(out of order|invalid) sequence|sequence number.*(out of order|desync)/i.test(e.message)) {
    return "SEQUENCE_DESYNC";
  }
  return undefined;
}
