export * from "./gen/udaconnect/v1/events_pb";
export * from "./gen/udaconnect/v1/ingest_pb";
export * from "./gen/udaconnect/v1/consistency_pb";
export * from "./topics";
export * from "./person-id";
export * from "./codec";
export { encodeLocationRecordedEvent } from "./location-recorded-codec";
export { preEncodedStreamCheckInsRequest, preEncodedStreamCheckInsResponse, type CheckInFields, type CheckInResultFields } from "./check-in-codec";
export * from "./consistency-token";
