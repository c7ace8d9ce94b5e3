import type { Parsed, Parser } from "./settings";

/** Parsers more than one process uses; a process keeps its own beside its declarations. */

/** Any text, as it is (a file path, a URL checked where it is used). */
export const text: Parser<string> = (value) => ({ value });

/** Text that is not only blanks, trimmed. */
export const nonBlank: Parser<string> = (value, name, fallback) =>
  value.trim() === "" ? { problem: `${name} must not be empty (unset it to use "${fallback ?? ""}")` } : { value: value.trim() };

export const boolean: Parser<boolean> = (value, name) => {
  const trimmed = value.trim();
  return trimmed === "true" || trimmed === "false" ? { value: trimmed === "true" } : { problem: `${name} must be "true" or "false", got "${value}"` };
};

export function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return (value, name) => {
    const trimmed = value.trim();
    return (allowed as readonly string[]).includes(trimmed)
      ? { value: trimmed as T }
      : { problem: `${name} must be one of ${allowed.join(", ")}, got "${value}"` };
  };
}

/** A whole number from `min` to `max` (no upper bound but JavaScript's safe integers when `max` is left out). */
export function integer(range: { readonly min: number; readonly max?: number }): Parser<number> {
  const { min, max } = range;
  return (value, name) => {
    const number = Number(value);
    if (/^\d{1,16}$/.test(value) && number >= min && number <= (max ?? Number.MAX_SAFE_INTEGER)) {
      return { value: number };
    }
    const bounds = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    return { problem: `${name} must be an integer ${bounds}, got "${value}"` };
  };
}

export const positiveInteger: Parser<number> = (value, name) =>
  /^\d{1,9}$/.test(value.trim()) && Number(value) > 0 ? { value: Number(value) } : { problem: `${name} must be a positive integer, got "${value}"` };

/** A parser's value turned into another (seconds into milliseconds); problems pass through. */
export function mapped<T, U>(parse: Parser<T>, map: (value: T) => U): Parser<U> {
  return (value, name) => {
    const parsed: Parsed<T> = parse(value, name, undefined);
    return "problem" in parsed ? parsed : { value: map(parsed.value) };
  };
}

export const postgresUrl: Parser<string> = (value, name) => {
  try {
    if (["postgres:", "postgresql:"].includes(new URL(value).protocol)) {
      return { value };
    }
  } catch {
    // Not a URL at all: the same answer as another scheme.
  }
  return { problem: `${name} must be a postgres:// or postgresql:// URL` };
};
