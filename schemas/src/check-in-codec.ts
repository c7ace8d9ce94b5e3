import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { CheckInSchema, StreamCheckInsRequestSchema, type StreamCheckInsRequest } from "./gen/udaconnect/v1/ingest_pb";
import {
  ProtoWriter,
  doubleFieldSize,
  fieldNumber,
  fieldTag,
  inFieldOrder,
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

// The field carried as unknown fields, and the tags of udaconnect.v1.CheckIn.
const CHECK_INS = fieldNumber(StreamCheckInsRequestSchema.field.checkIns, "repeated message");
const EVENT_ID = fieldTag(CheckInSchema.field.eventId, "string");
const PERSON_ID = fieldTag(CheckInSchema.field.personId, "string");
const LATITUDE = fieldTag(CheckInSchema.field.latitude, "double");
const LONGITUDE = fieldTag(CheckInSchema.field.longitude, "double");
const OCCURRED_AT = fieldTag(CheckInSchema.field.occurredAt, "message");
const ACCURACY_M = fieldTag(CheckInSchema.field.accuracyM, "double");
// protobuf-es writes the known fields (batch_id) first, then the unknown ones.
inFieldOrder(StreamCheckInsRequestSchema.field.batchId, StreamCheckInsRequestSchema.field.checkIns);
inFieldOrder(...(["eventId", "personId", "latitude", "longitude", "occurredAt", "accuracyM"] as const).map((name) => CheckInSchema.field[name]));

/**
 * A StreamCheckInsRequest whose check-ins are already encoded, by hand: they
 * ride in `$unknown` as fields numbered like `check_ins`, which protobuf-es's
 * toBinary writes verbatim after `batch_id`, so the bytes on the wire are
 * exactly those of the reflective encoding of the same request
 * (schemas/test/check-in-codec.test.ts compares them), for a quarter to a
 * third less of the SDK's CPU per check-in (docs/ingest.md).
 *
 * The surprise: IN MEMORY `checkIns` IS EMPTY. Anything that reads the
 * message before it is serialized (an interceptor, a log line, toJson, a
 * JSON transport) sees a batch without check-ins; count them with
 * checkInCount. The device SDK sends these only over its own binary
 * transport.
 */
export type PreEncodedStreamCheckInsRequest = StreamCheckInsRequest & { readonly checkIns: readonly [] };

export function preEncodedStreamCheckInsRequest(batchId: bigint, checkIns: readonly CheckInFields[]): PreEncodedStreamCheckInsRequest {
  const request = create(StreamCheckInsRequestSchema, { batchId });
  const texts = checkIns.map((c) => [text(c.eventId), text(c.personId)] as const);
  const sizes = checkIns.map((c, i) => checkInSize(c, texts[i] as Texts));
  request.$unknown = lengthDelimited(CHECK_INS, sizes, (out, i) => writeCheckIn(out, checkIns[i] as CheckInFields, texts[i] as Texts));
  return request as PreEncodedStreamCheckInsRequest;
}

/** The check-ins a StreamCheckInsRequest carries, pre-encoded (in its unknown fields) or not. */
export function checkInCount(request: StreamCheckInsRequest): number {
  let count = request.checkIns.length;
  for (const field of request.$unknown ?? []) {
    if (field.no === CHECK_INS) count++;
  }
  return count;
}

type Texts = readonly [eventId: Text, personId: Text];
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
