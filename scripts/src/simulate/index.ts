export {
  planConference,
  mulberry32,
  BOOTH_SPACING_M,
  JITTER_M,
  type Conference,
  type ConferenceParameters,
  type SimulatedCheckIn,
  type SimulatedPerson,
} from "./conference";
export { whoMetWhom, distanceMetres, type MeetingCriteria, type WhoMetWhom } from "./ground-truth";
export { sendConference, type SendOptions, type SendReport } from "./send-conference";
export { truthDocument, type TruthDocument } from "./truth-file";
