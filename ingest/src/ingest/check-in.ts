import type { CheckIn } from "@udaconnect/schemas";
import type { LocationCheckIn } from "./events";
import { accuracyRule, degreesRule, eventIdRule, occurredAtRule, personIdRule } from "./field-rules";
import { ViolationCollector, type Checked, type FieldViolation } from "./violations";

/** A check-in that passed every rule; `eventId` is "" when the server is to assign one. */
export type CheckedCheckIn = LocationCheckIn;

/**
 * Checks one check-in; `path` names it in violations, e.g. "check_in" or
 * "check_ins[3]". `oldest` is the retention bound of occurred_at, when the caller is held to one.
 */
export function checkCheckIn(checkIn: CheckIn | undefined, path: string, now: Date, oldest?: Date): Checked<CheckedCheckIn> {
  if (checkIn === undefined) {
    return { ok: false, violations: [{ field: path, description: "required" }] };
  }
  const check = new ViolationCollector();
  const eventId = check.field(`${path}.event_id`, eventIdRule(checkIn.eventId));
  const personId = check.field(`${path}.person_id`, personIdRule(checkIn.personId));
  const latitude = check.field(`${path}.latitude`, degreesRule(checkIn.latitude, 90));
  const longitude = check.field(`${path}.longitude`, degreesRule(checkIn.longitude, 180));
  const occurredAt = check.field(`${path}.occurred_at`, occurredAtRule(checkIn.occurredAt, now, oldest));
  const accuracyM = check.field(`${path}.accuracy_m`, accuracyRule(checkIn.accuracyM));
  if (eventId === undefined || personId === undefined || latitude === undefined || longitude === undefined || occurredAt === undefined) {
    return { ok: false, violations: check.violations };
  }
  if (check.violations.length > 0) {
    return { ok: false, violations: check.violations };
  }
  // Two literals, not a spread that adds accuracy_m: V8 gives each such copy a shape of its own, ~1.5 µs per check-in.
  const value =
    accuracyM === undefined ? { eventId, personId, latitude, longitude, occurredAt } : { eventId, personId, latitude, longitude, occurredAt, accuracyM };
  return { ok: true, value };
}

/**
 * Two check-ins of one call with the same client-chosen event id would be
 * collapsed into one by every reader: that is a client bug, not a retry.
 */
export function repeatedEventIds(checkIns: readonly CheckedCheckIn[], path: (index: number) => string): FieldViolation[] {
  const firstIndexOf = new Map<string, number>();
  const violations: FieldViolation[] = [];
  checkIns.forEach(({ eventId }, index) => {
    if (eventId === "") {
      return;
    }
    const first = firstIndexOf.get(eventId);
    if (first === undefined) {
      firstIndexOf.set(eventId, index);
    } else {
      violations.push({ field: `${path(index)}.event_id`, description: `repeats ${path(first)}.event_id "${eventId}"` });
    }
  });
  return violations;
}
