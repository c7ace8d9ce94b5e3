/** What is wrong with one field of a request, named by its proto path, e.g. "check_ins[3].latitude". */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** Either the checked value or every reason it was refused. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly violations: readonly FieldViolation[] };

/** The outcome of one field rule: a normalised value or why it was refused. */
export type RuleResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly description: string };

export const valid = <T>(value: T): RuleResult<T> => ({ ok: true, value });
export const invalid = (description: string): RuleResult<never> => ({ ok: false, description });

/**
 * Collects violations while a request is checked field by field, so the
 * client learns about every problem at once rather than one per round trip.
 */
export class ViolationCollector {
  readonly #violations: FieldViolation[] = [];

  field<T>(field: string, result: RuleResult<T>): T | undefined {
    if (result.ok) {
      return result.value;
    }
    this.#violations.push({ field, description: result.description });
    return undefined;
  }

  get violations(): readonly FieldViolation[] {
    return this.#violations;
  }
}

const MAX_LISTED = 10;

/** One line naming each refused field, e.g. "check_ins[3].latitude: must be between -90 and 90, got 91". */
export function describeViolations(violations: readonly FieldViolation[]): string {
  const listed = violations.slice(0, MAX_LISTED).map((v) => `${v.field}: ${v.description}`);
  const more = violations.length - listed.length;
  return more > 0 ? `${listed.join("; ")}; and ${more} more` : listed.join("; ");
}
