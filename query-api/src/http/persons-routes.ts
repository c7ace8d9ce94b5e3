import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { findPerson, listPersons } from "../persons/find-persons";
import { personIdParamsSchema, type PersonIdParams } from "./person-schemas";
import { notFound, problemResponses, sendProblem } from "./problem";

export function registerPersonsRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get(
    "/api/persons",
    {
      schema: {
        operationId: "listPersons",
        tags: ["persons"],
        summary: "Every registered person",
        description: "Ordered by last name, first name, then id.",
        response: {
          200: { description: "The registered persons.", type: "array", items: { $ref: "Person#" } },
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
        params: personIdParamsSchema,
        response: {
          200: { description: "The person.", $ref: "Person#" },
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
