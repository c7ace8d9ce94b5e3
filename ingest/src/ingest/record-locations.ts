import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { CheckIn, RecordLocationRequest, RecordLocationsRequest } from "@udaconnect/schemas";
import { checkCheckIn, repeatedEventIds, type CheckedCheckIn } from "./check-in";
import { carryOut, type Decision, type Outcome } from "./decision";
import { locationRecorded } from "./events";
import type { Clock, IngestDependencies, NewId } from "./ports";
import type { FieldViolation } from "./violations";

/**
 * Check-ins one RecordLocations call may carry. They are appended in one
 * produce request and one person's check-ins share a partition, so they form
 * one record batch, which Kafka caps at message.max.bytes (1 MiB by default).
 * A LocationRecorded record is at most ~450 bytes with its key and headers.
 */
export const MAX_CHECK_INS_PER_CALL = 2_000;

export interface RecordLocationReply {
  readonly eventId: string;
}

export interface RecordLocationsReply {
  readonly acceptedCount: number;
  readonly eventIds: readonly string[];
}

/** `oldest`: the retention bound of occurred_at for this caller, if any (see oldestAllowed). */
type Deps = { readonly now: Clock; readonly newId: NewId; readonly oldest?: Date };

export function decideRecordLocation(request: RecordLocationRequest, deps: Deps): Decision<RecordLocationReply> {
  const now = deps.now();
  const checked = checkCheckIn(request.checkIn, "check_in", now, deps.oldest);
  if (!checked.ok) {
    return { outcome: "rejected", violations: checked.violations };
  }
  const event = toEvent(checked.value, now, deps.newId);
  return { outcome: "accepted", events: [event], reply: { eventId: event.event.eventId } };
}

/** All or nothing: one refused check-in refuses the call, so a client can resend the whole batch as it was. */
export function decideRecordLocations(checkIns: readonly CheckIn[], deps: Deps): Decision<RecordLocationsReply> {
  if (checkIns.length === 0) {
    return { outcome: "rejected", violations: [{ field: "check_ins", description: "at least one check-in is required" }] };
  }
  const now = deps.now();
  const path = (index: number) => `check_ins[${index}]`;
  const violations: FieldViolation[] = [];
  const accepted: CheckedCheckIn[] = [];
  checkIns.forEach((checkIn, index) => {
    const checked = checkCheckIn(checkIn, path(index), now, deps.oldest);
    if (checked.ok) {
      accepted.push(checked.value);
    } else {
      violations.push(...checked.violations);
    }
  });
  if (violations.length === 0) {
    violations.push(...repeatedEventIds(accepted, path));
  }
  if (violations.length > 0) {
    return { outcome: "rejected", violations };
  }
  const events = accepted.map((checkIn) => toEvent(checkIn, now, deps.newId));
  const eventIds = events.map((e) => e.event.eventId);
  return { outcome: "accepted", events, reply: { acceptedCount: events.length, eventIds } };
}

export type CollectedCheckIns =
  | { readonly outcome: "collected"; readonly checkIns: readonly CheckIn[] }
  | { readonly outcome: "too-many"; readonly limit: number };

/** Reads a client stream, refusing as soon as it exceeds `limit` so an endless stream cannot exhaust memory. */
export async function collectCheckIns(messages: AsyncIterable<RecordLocationsRequest>, limit = MAX_CHECK_INS_PER_CALL): Promise<CollectedCheckIns> {
  const checkIns: CheckIn[] = [];
  for await (const message of messages) {
    if (checkIns.length + message.checkIns.length > limit) {
      return { outcome: "too-many", limit };
    }
    checkIns.push(...message.checkIns);
  }
  return { outcome: "collected", checkIns };
}

export async function recordLocation(
  request: RecordLocationRequest,
  deps: IngestDependencies & { readonly oldest?: Date },
): Promise<Outcome<RecordLocationReply>> {
  const outcome = await carryOut(decideRecordLocation(request, deps), deps.appendEvents);
  rememberAppended(outcome, [outcome.outcome === "appended" ? outcome.reply.eventId : ""], deps);
  return outcome;
}

export async function recordLocations(
  checkIns: readonly CheckIn[],
  deps: IngestDependencies & { readonly oldest?: Date },
): Promise<Outcome<RecordLocationsReply>> {
  const outcome = await carryOut(decideRecordLocations(checkIns, deps), deps.appendEvents);
  rememberAppended(outcome, outcome.outcome === "appended" ? outcome.reply.eventIds : [], deps);
  return outcome;
}

/** So that a later StreamCheckIns retry of the same event is answered DUPLICATE. */
function rememberAppended(outcome: Outcome<unknown>, eventIds: readonly string[], deps: IngestDependencies): void {
  if (outcome.outcome === "appended") {
    deps.seenEventIds.add(eventIds);
  }
}

function toEvent(checkIn: CheckedCheckIn, now: Date, newId: NewId) {
  const eventId = checkIn.eventId === "" ? newId() : checkIn.eventId;
  return locationRecorded({ ...checkIn, eventId }, timestampFromDate(now));
}
