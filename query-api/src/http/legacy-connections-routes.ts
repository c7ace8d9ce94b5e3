import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { Connection } from "../legacy-connections/connection";
import { isInvalidParameter } from "../invalid-parameter";
import { DEFAULT_DISTANCE_METRES, MAX_DISTANCE_METRES, parseConnectionQuery, parseDistance } from "../legacy-connections/connection-criteria";
import { findConnections } from "../legacy-connections/find-connections";
import { findPerson } from "../persons/find-persons";
import { consistentWithParameterSchema } from "./consistency-gate";
import { PERSON_EXAMPLE, personIdParamsSchema, type PersonIdParams } from "./person-schemas";
import { invalidParameter, notFound, problemResponses, sendProblem } from "./problem";

interface ConnectionQuerystring {
  start_date: string;
  end_date: string;
  distance: number;
}

/** A check-in as the original API's location: the legacy routes answer it, alone or in a Connection. */
export const locationSchema = {
  $id: "Location",
  type: "object",
  required: ["id", "person_id", "latitude", "longitude", "creation_time"],
  properties: {
    id: { type: "string", format: "uuid", description: "Event id of the check-in.", examples: ["0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29"] },
    person_id: { type: "string", description: "Id of the person who checked in (a string).", examples: ["5"] },
    latitude: { type: "number", minimum: -90, maximum: 90, description: "WGS 84 degrees north.", examples: [35.0585136] },
    longitude: { type: "number", minimum: -180, maximum: 180, description: "WGS 84 degrees east.", examples: [-106.5719566] },
    creation_time: {
      type: "string",
      format: "date-time",
      description: "When the check-in happened: RFC 3339, UTC, always with milliseconds (2020-07-07T10:37:06.000Z).",
      examples: ["2020-07-07T10:37:06.000Z"],
    },
  },
} as const;

export const connectionSchema = {
  $id: "Connection",
  type: "object",
  required: ["person", "location"],
  properties: {
    person: { $ref: "Person#" },
    location: { $ref: "Location#" },
  },
} as const;

const CONNECTION_EXAMPLE = {
  person: PERSON_EXAMPLE,
  location: {
    id: "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29",
    person_id: "5",
    latitude: 35.0585136,
    longitude: -106.5719566,
    creation_time: "2020-07-07T10:37:06.000Z",
  },
};

const DATE_DESCRIPTION = "A calendar date YYYY-MM-DD, read as a UTC day.";

const querystringSchema = {
  type: "object",
  required: ["start_date", "end_date"],
  properties: {
    start_date: { type: "string", format: "date", description: `${DATE_DESCRIPTION} The window starts at 00:00Z of this day.`, examples: ["2020-01-01"] },
    end_date: {
      type: "string",
      format: "date",
      description: `${DATE_DESCRIPTION} Inclusive: the window ends before 00:00Z of the next day. Must not be before start_date.`,
      examples: ["2020-12-30"],
    },
    distance: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: MAX_DISTANCE_METRES,
      default: DEFAULT_DISTANCE_METRES,
      description: `Radius in metres (decimals allowed), above 0 and at most ${MAX_DISTANCE_METRES}; ${DEFAULT_DISTANCE_METRES} when omitted.`,
    },
    consistent_with: consistentWithParameterSchema,
  },
} as const;

/** `security`: the OpenAPI security of the legacy routes (LEGACY_API_AUTH); the caller registers the check itself. */
export function registerConnectionsRoutes(app: FastifyInstance, db: Kysely<Database>, security: readonly Record<string, string[]>[]): void {
  app.get<{ Params: PersonIdParams; Querystring: ConnectionQuerystring }>(
    "/api/persons/:person_id/connection",
    {
      schema: {
        operationId: "findConnections",
        tags: ["connections"],
        summary: "Whom the person met",
        description:
          "Every check-in of another registered person within `distance` metres of one of the person's own check-ins, " +
          "both inside [start_date 00:00Z, end_date + 1 day 00:00Z). Each check-in appears once, ordered by creation_time then id.",
        security,
        params: personIdParamsSchema,
        querystring: querystringSchema,
        response: {
          200: { description: "The connections, possibly none.", type: "array", items: { $ref: "Connection#" }, examples: [[CONNECTION_EXAMPLE]] },
          ...problemResponses(400, 401, 403, 404, 429, 500, 503),
        },
      },
      // Runs on the raw query string, before schema coercion would read " 5" or "0x10" as numbers.
      preValidation: async (request, reply) => {
        const distance: unknown = request.query.distance;
        const parsed = typeof distance === "string" ? parseDistance(distance) : undefined;
        if (parsed !== undefined && isInvalidParameter(parsed)) {
          return sendProblem(request, reply, invalidParameter(parsed.detail));
        }
      },
    },
    async (request, reply) => {
      const { person_id: personId } = request.params;
      const { start_date: startDate, end_date: endDate, distance } = request.query;
      const criteria = parseConnectionQuery({ startDate, endDate, distance });
      if (isInvalidParameter(criteria)) {
        return sendProblem(request, reply, invalidParameter(criteria.detail));
      }
      if ((await findPerson(db, personId)) === undefined) {
        return sendProblem(request, reply, notFound(`No person with id "${personId}"`));
      }
      const connections = await findConnections(db, { personId, ...criteria });
      return connections.map(toWire);
    },
  );
}

function toWire({ person, location }: Connection) {
  return { person, location: { ...location, creation_time: location.creation_time.toISOString() } };
}
