import type { Person } from "../persons/person";

/**
 * One person met, summarised over every encounter: a pair of check-ins, one of each
 * person, both in [from, to), at most distance_m apart and at most within_s apart in time.
 * An encounter happens at the later of its two check-ins (when both had been there).
 */
export interface ConnectionSummary {
  readonly person: Person;
  readonly encounters: number;
  readonly firstEncounterAt: Date;
  readonly lastEncounterAt: Date;
  /** Spheroid metres of the closest encounter (ties: the earliest, then the lowest event id). */
  readonly closestDistanceMetres: number;
  /** Where and when the other person checked in, in the closest encounter. */
  readonly closestLocation: { readonly latitude: number; readonly longitude: number; readonly at: Date };
}
