/** A query parameter the caller got wrong: answered 400 invalid-parameter, naming it. */
export interface InvalidParameter {
  readonly kind: "invalid-parameter";
  readonly parameter: string;
  readonly detail: string;
}

export function isInvalidParameter<T>(value: T | InvalidParameter): value is InvalidParameter {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "invalid-parameter";
}
