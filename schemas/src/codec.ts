import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "./gen/udaconnect/v1/events_pb";

/** The `content-type` header of every record: readers in any language can tell what the bytes are. */
export const EVENT_CONTENT_TYPE = "application/x-protobuf; messageType=udaconnect.v1.Event";

export function encodeEvent(event: Event): Uint8Array {
  return toBinary(EventSchema, event);
}

/**
 * Decodes a record value. Unknown fields (from a newer schema) are kept and
 * ignored; bytes that are not an Event throw.
 */
export function decodeEvent(bytes: Uint8Array): Event {
  return fromBinary(EventSchema, bytes);
}
