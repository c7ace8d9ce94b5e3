import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import {
  CheckInResultSchema,
  CheckInSchema,
  StreamCheckInsRequestSchema,
  StreamCheckInsResponseSchema,
  type CheckInResult_Status,
  type StreamCheckInsRequest,
  type StreamCheckInsResponse,
} from "./gen/udaconnect/v1/ingest_pb";
import {
  ProtoWriter,
  doubleFieldSize,
  fieldNumber,
  fieldTag,
  inFieldOrder,
  int32FieldSize,
  messageFieldSize,
  stringFieldSize,
  text,
  timestampSize,
  varintSize,
  type Text,
} from "./wire-writer";

/** What a udaconnect.v1.CheckIn carries; a CheckIn message is one. An optional number left undefined (or null) is absent. */
export interface CheckInFields {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude?: number | undefined;
  readonly longitude?: number | undefined;
  readonly occurredAt?: { readonly seconds: bigint; readonly nanos: number } | undefined;
  readonly accuracyM?: number | undefined;
}

/** What a udaconnect.v1.CheckInResult carries. */
export interface CheckInResultFields {
  readonly eventId: string;
  readonly status: CheckInResult_Status;
  readonly reason: string;
  readonly detail: string;
}

// Field numbers of the repeated fields carried as unknown fields …
const CHECK_INS = fieldNumber(StreamCheckInsRequestSchema.field.checkIns, "repeated message");
const RESULTS = fieldNumber(StreamCheckInsResponseSchema.field.results, "repeated message");
const CONSISTENCY_TOKEN = fieldNumber(StreamCheckInsResponseSchema.field.consistencyToken, "string");
// … tags of udaconnect.v1.CheckIn …
const EVENT_ID = fieldTag(CheckInSchema.field.eventId, "string");
const PERSON_ID = fieldTag(CheckInSchema.field.personId, "string");
const LATITUDE = fieldTag(CheckInSchema.field.latitude, "double");
const LONGITUDE = fieldTag(CheckInSchema.field.longitude, "double");
const OCCURRED_AT = fieldTag(CheckInSchema.field.occurredAt, "message");
const ACCURACY_M = fieldTag(CheckInSchema.field.accuracyM, "double");
// … and of udaconnect.v1.CheckInResult.
const RESULT_EVENT_ID = fieldTag(CheckInResultSchema.field.eventId, "string");
const RESULT_STATUS = fieldTag(CheckInResultSchema.field.status, "enum");
const RESULT_REASON = fieldTag(CheckInResultSchema.field.reason, "string");
const RESULT_DETAIL = fieldTag(CheckInResultSchema.field.detail, "string");
// protobuf-es writes the known fields (batch_id) first, then the unknown ones in the order they were added.
inFieldOrder(StreamCheckInsRequestSchema.field.batchId, StreamCheckInsRequestSchema.field.checkIns);
inFieldOrder(StreamCheckInsResponseSchema.field.batchId, StreamCheckInsResponseSchema.field.results, StreamCheckInsResponseSchema.field.consistencyToken);
inFieldOrder(...(["eventId", "personId", "latitude", "longitude", "occurredAt", "accuracyM"] as const).map((name) => CheckInSchema.field[name]));
inFieldOrder(...(["eventId", "status", "reason", "detail"] as const).map((name) => CheckInResultSchema.field[name]));

/**
 * A StreamCheckInsRequest whose check-ins are already encoded, by hand: the
 * message holds them as unknown fields of field number 2 (`check_ins`),
 * which protobuf-es's toBinary writes verbatim after `batch_id`, so the bytes
 * on the wire are exactly those of the reflective encoding of the same
 * request (schemas/test/check-in-codec.test.ts compares them), at a fraction of the CPU. Meant for
 * sending only: in memory, `checkIns` is empty.
 */
export function preEncodedStreamCheckInsRequest(batchId: bigint, checkIns: readonly CheckInFields[]): StreamCheckInsRequest {
  const request = create(StreamCheckInsRequestSchema, { batchId });
  const texts = checkIns.map((c) => [text(c.eventId), text(c.personId)] as const);
  const sizes = checkIns.map((c, i) => checkInSize(c, texts[i] as Texts));
  request.$unknown = lengthDelimited(CHECK_INS, sizes, (out, i) => writeCheckIn(out, checkIns[i] as CheckInFields, texts[i] as Texts));
  return request;
}

/** The same for a StreamCheckInsResponse: results and consistency token pre-encoded, in field order; in memory only `batchId` is set. */
export function preEncodedStreamCheckInsResponse(batchId: bigint, results: readonly CheckInResultFields[], consistencyToken: string): StreamCheckInsResponse {
  const response = create(StreamCheckInsResponseSchema, { batchId });
  const texts = results.map((r) => [text(r.eventId), text(r.reason), text(r.detail)] as const);
  const sizes = results.map((r, i) => resultSize(r, texts[i] as ResultTexts));
  const fields = lengthDelimited(RESULTS, sizes, (out, i) => writeResult(out, results[i] as CheckInResultFields, texts[i] as ResultTexts));
  if (consistencyToken !== "") {
    const token = text(consistencyToken);
    fields.push(...lengthDelimited(CONSISTENCY_TOKEN, [token.length], (out) => out.raw(token)));
  }
  response.$unknown = fields;
  return response;
}

type Texts = readonly [eventId: Text, personId: Text];
type ResultTexts = readonly [eventId: Text, reason: Text, detail: Text];
type UnknownField = { no: number; wireType: WireType; data: Uint8Array };

/** Writes every body (`write(out, i)`, `sizes[i]` bytes) behind its length into one array; each unknown field is a view of its share. */
function lengthDelimited(no: number, sizes: readonly number[], write: (out: ProtoWriter, index: number) => void): UnknownField[] {
  let total = 0;
  for (const size of sizes) total += varintSize(size) + size;
  const out = new ProtoWriter(total);
  for (let i = 0; i < sizes.length; i++) {
    out.varint(sizes[i] as number);
    write(out, i);
  }
  const bytes = out.finish();
  const fields: UnknownField[] = [];
  let at = 0;
  for (const size of sizes) {
    const end = at + varintSize(size) + size;
    fields.push({ no, wireType: WireType.LengthDelimited, data: bytes.subarray(at, end) });
    at = end;
  }
  return fields;
}

function checkInSize(c: CheckInFields, [eventId, personId]: Texts): number {
  return (
    stringFieldSize(EVENT_ID, eventId) +
    stringFieldSize(PERSON_ID, personId) +
    (c.latitude == null ? 0 : doubleFieldSize(LATITUDE)) +
    (c.longitude == null ? 0 : doubleFieldSize(LONGITUDE)) +
    messageFieldSize(OCCURRED_AT, timestampSize(c.occurredAt ?? undefined)) +
    (c.accuracyM == null ? 0 : doubleFieldSize(ACCURACY_M))
  );
}

function writeCheckIn(out: ProtoWriter, c: CheckInFields, [eventId, personId]: Texts): void {
  out.string(EVENT_ID, eventId);
  out.string(PERSON_ID, personId);
  if (c.latitude != null) out.double(LATITUDE, c.latitude);
  if (c.longitude != null) out.double(LONGITUDE, c.longitude);
  out.timestamp(OCCURRED_AT, c.occurredAt ?? undefined, timestampSize(c.occurredAt ?? undefined));
  if (c.accuracyM != null) out.double(ACCURACY_M, c.accuracyM);
}

function resultSize(r: CheckInResultFields, [eventId, reason, detail]: ResultTexts): number {
  return (
    stringFieldSize(RESULT_EVENT_ID, eventId) +
    int32FieldSize(RESULT_STATUS, r.status) +
    stringFieldSize(RESULT_REASON, reason) +
    stringFieldSize(RESULT_DETAIL, detail)
  );
}

function writeResult(out: ProtoWriter, r: CheckInResultFields, [eventId, reason, detail]: ResultTexts): void {
  out.string(RESULT_EVENT_ID, eventId);
  out.int32(RESULT_STATUS, r.status);
  out.string(RESULT_REASON, reason);
  out.string(RESULT_DETAIL, detail);
}
