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
 * else undefined: @platformatic/kafka's ProtocolError (`apiId`/`apiCode`),
 * also inside a ResponseError's or MultipleErrors' `errors` or a `cause`, and
 * the client's own sequence check (a message naming an out-of-order or
 * invalid sequence).
 */
export function producerStateLost(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 5) {
    return undefined;
  }
  const e = error as Record<string, unknown>;
  if (typeof e.apiId === "string" && STATE_LOST.has(e.apiId)) return e.apiId;
  if (typeof e.apiCode === "number" && STATE_LOST_CODES.has(e.apiCode)) return `KAFKA_ERROR_${e.apiCode}`;
  const inner = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const nested of inner) {
    const found = producerStateLost(nested, depth + 1);
    if (found !== undefined) return found;
  }
  if (typeof e.message === "string" && /(out of order|invalid) sequence|sequence number.*(out of order|desync)/i.test(e.message)) {
    return "SEQUENCE_DESYNC";
  }
  return undefined;
}
