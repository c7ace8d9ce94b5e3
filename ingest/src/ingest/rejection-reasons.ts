import type { FieldViolation } from "./violations";

/** A unary call is all or nothing: a check-in refused only because a neighbour was is counted under this reason. */
export const REFUSED_WITH_CALL = "REFUSED_WITH_CALL";

/** "check_ins[2].occurred_at" → "INVALID_OCCURRED_AT"; a missing check-in (never on the wire) → "INVALID_CHECK_IN". */
export function reasonOf(violations: readonly FieldViolation[]): string {
  const field = violations[0]?.field ?? "";
  const name = field.includes(".") ? field.slice(field.lastIndexOf(".") + 1) : "check_in";
  return `INVALID_${name.toUpperCase()}`;
}

/**
 * Why each of the `count` check-ins of a refused unary call was not appended,
 * for the metrics: the reason of its first refused field (as StreamCheckIns
 * reports it), or REFUSED_WITH_CALL for a valid one refused with the others.
 * Violations name check-ins as "check_in…" (RecordLocation) or "check_ins[i]…".
 */
export function refusedCheckInReasons(violations: readonly FieldViolation[], count: number): string[] {
  const byIndex = new Map<number, FieldViolation[]>();
  for (const violation of violations) {
    const match = /^check_ins?(?:\[(\d+)\])?(?:\.|$)/.exec(violation.field);
    if (match === null) continue;
    const index = Number(match[1] ?? 0);
    byIndex.set(index, [...(byIndex.get(index) ?? []), violation]);
  }
  return Array.from({ length: count }, (_, index) => {
    const own = byIndex.get(index);
    return own === undefined ? REFUSED_WITH_CALL : reasonOf(own);
  });
}
