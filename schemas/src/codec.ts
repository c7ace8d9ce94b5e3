import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "./gen/udaconnect/v1/events_pb";
import { encodeLocationRecordedEvent } from "./location-recorded-codec";

/** The `content-type` header of every record: readers in any language can tell what the bytes are. */
export const EVENT_CONTENT_TYPE = "application/x-protobuf; messageType=udaconnect.v1.Event";

/** Check-ins, by far the most frequent event, skip reflection (same bytes: see location-recorded-codec.ts). */
export function encodeEvent(event: Event): Uint8Array {
  return encodeLocationRecordedEvent(event) ?? toBinary(EventSchema, event);
}

/**
 * Decodes a record value. Unknown fields (from a newer schema) are kept and
 * ignored; bytes that are not an Event throw.
 */
export function decodeEvent(bytes: Uint8Array): Event {
  return fromBinary(EventSchema, bytes);
}
