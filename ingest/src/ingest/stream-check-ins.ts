import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { CheckIn } from "@udaconnect/schemas";
import { mayWriteFor, oldestAllowed, type Caller } from "./access";
import { checkCheckIn } from "./check-in";
import { locationRecorded } from "./events";
import type { Clock, NewId, OutgoingEvent, SeenEventIds } from "./ports";
import { reasonOf } from "./rejection-reasons";
import { describeViolations } from "./violations";

/** Check-ins one StreamCheckIns batch may carry (one Kafka record batch per partition stays well under 1 MiB). */
export const MAX_CHECK_INS_PER_BATCH = 500;

export type CheckInStatus = "accepted" | "duplicate" | "rejected";

export interface CheckInVerdict {
  readonly eventId: string;
  readonly status: CheckInStatus;
  /** For "rejected": e.g. "INVALID_LATITUDE", "FORBIDDEN_PERSON". */
  readonly reason: string;
  /** For "rejected": names the field, e.g. "check_ins[2].latitude: must be between -90 and 90, got 91". */
  readonly detail: string;
}

/** Each check-in judged alone; `events` are those of the "accepted" verdicts, in order. */
export interface BatchDecision {
  readonly verdicts: readonly CheckInVerdict[];
  readonly events: readonly OutgoingEvent[];
}

export interface BatchDeps {
  readonly now: Clock;
  readonly newId: NewId;
  readonly maxCheckInAgeMs: number;
  readonly seenEventIds: SeenEventIds;
}

/**
 * Decides a batch check-in by check-in: a bad one is rejected with a reason
 * and its neighbours go on. A repeat of an event id (appended lately, or
 * earlier in the batch) is a retry: DUPLICATE, nothing appended.
 */
export function decideBatch(checkIns: readonly CheckIn[], caller: Caller, deps: BatchDeps): BatchDecision {
  const now = deps.now();
  const oldest = oldestAllowed(caller, "stream", now, deps.maxCheckInAgeMs);
  const recordedAt = timestampFromDate(now);
  const inBatch = new Set<string>();
  const verdicts: CheckInVerdict[] = [];
  const events: OutgoingEvent[] = [];
  checkIns.forEach((checkIn, index) => {
    const path = `check_ins[${index}]`;
    const checked = checkCheckIn(checkIn, path, now, oldest);
    if (!checked.ok) {
      verdicts.push(rejected(checkIn.eventId, reasonOf(checked.violations), describeViolations(checked.violations)));
      return;
    }
    const eventId = checked.value.eventId === "" ? deps.newId() : checked.value.eventId;
    if (!mayWriteFor(caller, checked.value.personId)) {
      const detail = `${path}.person_id: this token may not write check-ins of person "${checked.value.personId}"`;
      verdicts.push(rejected(eventId, "FORBIDDEN_PERSON", detail));
    } else if (inBatch.has(eventId) || deps.seenEventIds.has(eventId)) {
      verdicts.push({ eventId, status: "duplicate", reason: "", detail: "" });
    } else {
      inBatch.add(eventId);
      verdicts.push({ eventId, status: "accepted", reason: "", detail: "" });
      events.push(locationRecorded({ ...checked.value, eventId }, recordedAt));
    }
  });
  return { verdicts, events };
}

function rejected(eventId: string, reason: string, detail: string): CheckInVerdict {
  return { eventId, status: "rejected", reason, detail };
}
