import { PERSON_ID_PATTERN } from "@udaconnect/schemas";

export const PERSON_EXAMPLE = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" } as const;

export const personSchema = {
  $id: "Person",
  type: "object",
  required: ["id", "first_name", "last_name", "company_name"],
  properties: {
    id: { type: "string", description: 'Person id, a string ("5", not 5).', examples: ["5"] },
    first_name: { type: "string", examples: ["Taco"] },
    last_name: { type: "string", examples: ["Fargo"] },
    company_name: { type: "string", examples: ["Alpha Omega Upholstery"] },
  },
} as const;

export interface PersonIdParams {
  person_id: string;
}

export const personIdParamsSchema = {
  type: "object",
  required: ["person_id"],
  properties: {
    person_id: {
      type: "string",
      pattern: PERSON_ID_PATTERN.source,
      description:
        'Person id: a string of 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-" (legacy ids are decimal strings such as "5"). ' +
        "An id of another shape is rejected with 400, an unregistered one gets 404.",
      examples: ["5"],
    },
  },
} as const;
