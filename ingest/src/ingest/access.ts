import { mayActFor, type Principal } from "@udaconnect/auth";

/** Who is calling: a verified principal, or "anyone" when auth is disabled (local experiments, old tests). */
export type Caller = Principal | "anyone";

/** May the caller write check-ins of `personId`? Operators and attendees for themselves. */
export function mayWriteFor(caller: Caller, personId: string): boolean {
  return caller === "anyone" || mayActFor(caller, personId);
}

/** Registering, updating and erasing people is an operator's job. */
export function isOperator(caller: Caller): boolean {
  return caller === "anyone" || caller.role === "operator";
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
