import type { ConferenceParameters } from "./conference";
import type { SimulateArgs } from "./simulate-args";

/** Where the demo venue stands (Moscone Center); any place works. */
const ORIGIN = { latitude: 37.784, longitude: -122.4014 };

/** The conference parameters of a command line; `now` ends the default schedule. */
export function conferenceParameters(args: SimulateArgs, now: Date): ConferenceParameters {
  const sessionSeconds = args.sessionMinutes * 60;
  const lengthMs = args.sessions * sessionSeconds * 1000;
  // Ending a minute before now keeps every check-in in the past and within the gateway's retention window.
  const start = args.start ?? new Date(Math.floor(now.getTime() / 60_000) * 60_000 - 60_000 - lengthMs);
  return {
    seed: args.seed,
    attendees: args.attendees,
    booths: args.booths,
    start,
    sessions: args.sessions,
    sessionSeconds,
    checkInEverySeconds: args.checkInEverySeconds,
    idPrefix: args.idPrefix ?? `sim${args.seed}-`,
    origin: ORIGIN,
  };
}
