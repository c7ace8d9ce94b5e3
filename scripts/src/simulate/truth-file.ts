import type { Conference, ConferenceParameters } from "./conference";
import { whoMetWhom, type WhoMetWhom } from "./ground-truth";

export interface TruthDocument {
  readonly seed: number;
  readonly from: string;
  readonly to: string;
  readonly distance_m: number;
  readonly within_s: number;
  readonly persons: readonly string[];
  readonly check_ins: number;
  /** /v1/persons/{id}/connections: within distance_m AND within_s seconds, both in [from, to). */
  readonly met: Readonly<Record<string, readonly string[]>>;
  /** /api/persons/{id}/connection: within distance_m at any time in the range (the legacy meaning). */
  readonly met_at_any_time: Readonly<Record<string, readonly string[]>>;
}

/** The ground truth of a simulated conference, over its whole schedule. */
export function truthDocument(conference: Conference, parameters: ConferenceParameters, distanceM: number, withinS: number): TruthDocument {
  const from = parameters.start;
  const to = new Date(from.getTime() + parameters.sessions * parameters.sessionSeconds * 1000);
  const persons = conference.persons.map((p) => p.personId);
  return {
    seed: parameters.seed,
    from: from.toISOString(),
    to: to.toISOString(),
    distance_m: distanceM,
    within_s: withinS,
    persons,
    check_ins: conference.checkIns.length,
    met: asRecord(persons, whoMetWhom(conference.checkIns, { distanceM, withinS, from, to })),
    met_at_any_time: asRecord(persons, whoMetWhom(conference.checkIns, { distanceM, from, to })),
  };
}

function asRecord(persons: readonly string[], met: WhoMetWhom): Record<string, string[]> {
  return Object.fromEntries(persons.map((id) => [id, [...(met.get(id) ?? [])].sort()]));
}
