/** Person ids: 1–64 characters of [A-Za-z0-9_-] (legacy ids are decimal strings such as "5"). */
export const PERSON_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isPersonId(value: string): boolean {
  return PERSON_ID_PATTERN.test(value);
}
