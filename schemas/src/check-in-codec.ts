import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import {
  StreamCheckInsRequestSchema,
  StreamCheckInsResponseSchema,
  type CheckInResult_Status,
  type StreamCheckInsRequest,
  type StreamCheckInsResponse,
} from "./gen/udaconnect/v1/ingest_pb";
import { ProtoWriter, messageFieldSize, stringFieldSize, text, timestampSize, varintSize, type Text } from "./wire-writer";

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

const CHECK_INS = 2;
const RESULTS = 2;
const CONSISTENCY_TOKEN = 3;

/**
 * A StreamCheckInsRequest whose check-ins are already encoded, by hand: the
 * message holds them as unknown fields of field number 2 (`check_ins`),
 * which protobuf-es's toBinary writes verbatim after `batch_id`, so the bytes
 * on the wire are exactly those of the reflective encoding of the same
 * request (ingest's tests compare them), at a fraction of the CPU. Meant for
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
    stringFieldSize(eventId) +
    stringFieldSize(personId) +
    (c.latitude == null ? 0 : 9) +
    (c.longitude == null ? 0 : 9) +
    messageFieldSize(timestampSize(c.occurredAt ?? undefined)) +
    (c.accuracyM == null ? 0 : 9)
  );
}

function writeCheckIn(out: ProtoWriter, c: CheckInFields, [eventId, personId]: Texts): void {
  out.string(0x0a, eventId);
  out.string(0x12, personId);
  if (c.latitude != null) out.double(0x19, c.latitude);
  if (c.longitude != null) out.double(0x21, c.longitude);
  out.timestamp(0x2a, c.occurredAt ?? undefined, timestampSize(c.occurredAt ?? undefined));
  if (c.accuracyM != null) out.double(0x31, c.accuracyM);
}

/** An enum is an int32 on the wire: a negative (unknown) value takes 10 bytes. */
function statusSize(status: number): number {
  return status === 0 ? 0 : 1 + (status < 0 ? 10 : varintSize(status));
}

function resultSize(r: CheckInResultFields, [eventId, reason, detail]: ResultTexts): number {
  return stringFieldSize(eventId) + statusSize(r.status) + stringFieldSize(reason) + stringFieldSize(detail);
}

function writeResult(out: ProtoWriter, r: CheckInResultFields, [eventId, reason, detail]: ResultTexts): void {
  out.string(0x0a, eventId);
  if (r.status !== 0) {
    out.byte(0x10);
    if (r.status < 0) out.varint64(BigInt(r.status));
    else out.varint(r.status);
  }
  out.string(0x1a, reason);
  out.string(0x22, detail);
}
