import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { findPerson } from "../persons/find-persons";
import { pagePersons, type PersonCursor } from "../persons/page-persons";
import { requireReaderOfPerson, requireToken, type Authentication } from "./access";
import { consistentWithParameterSchema } from "./consistency-gate";
import { cursorParameterSchema, decodeCursor, encodeCursor } from "./cursor";
import { PERSON_EXAMPLE, personIdParamsSchema, type PersonIdParams } from "./person-schemas";
import { invalidParameter, notFound, problemResponses, sendProblem } from "./problem";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

interface PersonsQuerystring {
  limit: number;
  cursor?: string;
  q?: string;
  consistent_with?: string;
}

export const personsPageSchema = {
  $id: "PersonsPage",
  type: "object",
  required: ["persons", "next_cursor"],
  properties: {
    persons: { type: "array", items: { $ref: "Person#" } },
    next_cursor: { type: ["string", "null"], description: "Pass as `cursor` for the next page; null on the last page." },
  },
} as const;

export interface V1RouteDependencies {
  readonly db: Kysely<Database>;
  readonly auth: Authentication;
  readonly consistency: preHandlerAsyncHookHandler;
}

export function registerV1PersonsRoutes(app: FastifyInstance, deps: V1RouteDependencies): void {
  const { db, auth, consistency } = deps;
  app.get<{ Querystring: PersonsQuerystring }>(
    "/v1/persons",
    {
      schema: {
        operationId: "v1ListPersons",
        tags: ["v1"],
        summary: "Registered persons, a page at a time",
        description: "By last name, first name, then id. Keyset pagination: pages never repeat or skip a person.",
        security: [{ bearer: [] }],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
            cursor: cursorParameterSchema,
            q: { type: "string", maxLength: 100, description: 'Case-insensitive part of the name ("first last" or "last first").' },
            consistent_with: consistentWithParameterSchema,
          },
        },
        response: {
          200: { description: "A page of persons.", $ref: "PersonsPage#", examples: [{ persons: [PERSON_EXAMPLE], next_cursor: null }] },
          ...problemResponses(400, 401, 429, 500, 503),
        },
      },
      preHandler: [requireToken(auth), consistency],
    },
    async (request, reply) => {
      const { limit, cursor, q } = request.query;
      let after: PersonCursor | undefined;
      if (cursor !== undefined) {
        const parts = decodeCursor(cursor, 3);
        if (parts === undefined) {
          return sendProblem(request, reply, invalidParameter("query parameter cursor is not a cursor this API returned"));
        }
        after = { lastName: parts[0] ?? "", firstName: parts[1] ?? "", id: parts[2] ?? "" };
      }
      const page = await pagePersons(db, { limit, after, search: q });
      const next = page.next === undefined ? null : encodeCursor([page.next.lastName, page.next.firstName, page.next.id]);
      return { persons: page.persons, next_cursor: next };
    },
  );

  app.get<{ Params: PersonIdParams; Querystring: { consistent_with?: string } }>(
    "/v1/persons/:person_id",
    {
      schema: {
        operationId: "v1GetPerson",
        tags: ["v1"],
        summary: "One registered person",
        security: [{ bearer: [] }],
        params: personIdParamsSchema,
        querystring: { type: "object", additionalProperties: false, properties: { consistent_with: consistentWithParameterSchema } },
        response: {
          200: { description: "The person.", $ref: "Person#", examples: [PERSON_EXAMPLE] },
          ...problemResponses(400, 401, 403, 404, 429, 500, 503),
        },
      },
      preHandler: [requireReaderOfPerson(auth), consistency],
    },
    async (request, reply) => {
      const person = await findPerson(db, request.params.person_id);
      return person ?? sendProblem(request, reply, notFound(`No person with id "${request.params.person_id}"`));
    },
  );
}
