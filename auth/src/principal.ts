/**
 * Who a token speaks for.
 * - attendee: one person's device or browser; may write and read only that person's data.
 * - analyst: may read everything, write nothing.
 * - operator: may do everything, including registering, updating and erasing people.
 */
export type Role = "attendee" | "analyst" | "operator";

export const ROLES: readonly Role[] = Object.freeze(["attendee", "analyst", "operator"]);

export interface Principal {
  /** The person id for attendees; a free-form name (e.g. "ops-alice") for the other roles. */
  readonly subject: string;
  readonly role: Role;
}

/** May this principal write check-ins for, or read the connections of, `personId`? */
export function mayActFor(principal: Principal, personId: string): boolean {
  return principal.role === "operator" || (principal.role === "attendee" && principal.subject === personId);
}

/** May this principal read `personId`'s data? */
export function mayRead(principal: Principal, personId: string): boolean {
  return principal.role !== "attendee" || principal.subject === personId;
}
