import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { findPerson, listPersons } from "../persons/find-persons";
import { consistentWithParameterSchema } from "./consistency-gate";
import { PERSON_EXAMPLE, personIdParamsSchema, type PersonIdParams } from "./person-schemas";
import { notFound, problemResponses, sendProblem } from "./problem";

const querystring = { type: "object", properties: { consistent_with: consistentWithParameterSchema } } as const;

/** `security`: the OpenAPI security of the legacy routes (LEGACY_API_AUTH); the caller registers the check itself. */
export function registerPersonsRoutes(app: FastifyInstance, db: Kysely<Database>, security: readonly Record<string, string[]>[]): void {
  app.get(
    "/api/persons",
    {
      schema: {
        operationId: "listPersons",
        tags: ["persons"],
        summary: "Every registered person",
        description: "Ordered by last name, first name, then id.",
        security,
        querystring,
        response: {
          200: { description: "The registered persons.", type: "array", items: { $ref: "Person#" }, examples: [[PERSON_EXAMPLE]] },
          ...problemResponses(401, 429, 500, 503),
        },
      },
    },
    async () => listPersons(db),
  );

  app.get<{ Params: PersonIdParams }>(
    "/api/persons/:person_id",
    {
      schema: {
        operationId: "getPerson",
        tags: ["persons"],
        summary: "One registered person",
        security,
        params: personIdParamsSchema,
        querystring,
        response: {
          200: { description: "The person.", $ref: "Person#", examples: [PERSON_EXAMPLE] },
          ...problemResponses(400, 401, 403, 404, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const person = await findPerson(db, request.params.person_id);
      if (person === undefined) {
        return sendProblem(request, reply, notFound(`No person with id "${request.params.person_id}"`));
      }
      return person;
    },
  );
}
