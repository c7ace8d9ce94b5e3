export * from "./gen/udaconnect/v1/events_pb";
export * from "./gen/udaconnect/v1/ingest_pb";
export * from "./gen/udaconnect/v1/consistency_pb";
export * from "./topics";
export * from "./location-retention";
export * from "./person-id";
export * from "./codec";
export { encodeLocationRecordedEvent } from "./location-recorded-codec";
export { checkInCount, preEncodedStreamCheckInsRequest, type CheckInFields, type PreEncodedStreamCheckInsRequest } from "./check-in-codec";
export * from "./consistency-token";
export {
  encodePosition,
  openPersonDetails,
  openPosition,
  sealPersonDetails,
  sealPosition,
  type DataKey,
  type PositionFields,
  type SealContext,
} from "./sealing";
