import { mayActFor, type Principal } from "@udaconnect/auth";

/** Who is calling: a verified principal, or "anyone" when auth is disabled (local experiments, old tests). */
export type Caller = Principal | "anyone";

/** May the caller write check-ins of `personId`? Operators and attendees for themselves. */
export function mayWriteFor(caller: Caller, personId: string): boolean {
  return caller === "anyone" || mayActFor(caller, personId);
}

/** Erasing people, and registering or updating anyone, is an operator's job. */
export function isOperator(caller: Caller): boolean {
  return caller === "anyone" || caller.role === "operator";
}

/**
 * May the caller register or update `personId`? Operators anyone; an attendee only the
 * person its token speaks for (its subject, as the identity provider issued it), so people
 * can register themselves. The outcome says why not, for the PERMISSION_DENIED message.
 */
export function mayManagePerson(caller: Caller, personId: string): { readonly allowed: true } | { readonly allowed: false; readonly reason: string } {
  if (isOperator(caller)) {
    return { allowed: true };
  }
  if (caller !== "anyone" && caller.role === "attendee") {
    return caller.subject === personId
      ? { allowed: true }
      : { allowed: false, reason: `an attendee token may register or update only its own person ("${caller.subject}"), not "${personId}"` };
  }
  return { allowed: false, reason: "this call needs an operator token, or an attendee token for its own person" };
}

/** The person a registration is for: an attendee that leaves person_id empty registers itself. */
export function registrantId(caller: Caller, requested: string): string {
  return requested === "" && caller !== "anyone" && caller.role === "attendee" ? caller.subject : requested;
}

/**
 * The oldest occurred_at a write may carry, or undefined for none. Devices
 * (attendees, and everything on StreamCheckIns, the device channel) are held
 * to the retention window; operators' RecordLocation(s) are not, because
 * importing legacy data (years old) goes through them. With auth disabled
 * the unary calls count as an operator's.
 */
export function oldestAllowed(caller: Caller, channel: "unary" | "stream", now: Date, maxAgeMs: number): Date | undefined {
  const isDevice = channel === "stream" || (caller !== "anyone" && caller.role === "attendee");
  return isDevice ? new Date(now.getTime() - maxAgeMs) : undefined;
}
