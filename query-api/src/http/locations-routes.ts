import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import type { Kysely } from "kysely";
import { mayRead } from "@udaconnect/auth";
import type { Database } from "@udaconnect/migrations";
import { findLocation, type Location } from "../locations/find-location";
import { isProblem, legacyCaller, requireLegacyToken, sendRefusal, type Authentication, type LegacyApiAuth } from "./access";
import { consistentWithParameterSchema } from "./consistency-gate";
import { forbidden, notFound, problemResponses, sendProblem } from "./problem";

export interface LegacyLocationsDependencies {
  readonly db: Kysely<Database>;
  readonly auth: Authentication;
  readonly mode: LegacyApiAuth;
  readonly consistency: preHandlerAsyncHookHandler;
  /** The OpenAPI security of the legacy routes in this mode. */
  readonly security: readonly Record<string, string[]>[];
}

const LOCATION_EXAMPLE = {
  id: "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29",
  person_id: "5",
  latitude: 35.0585136,
  longitude: -106.5719566,
  creation_time: "2020-07-07T10:37:06.000Z",
};

interface LocationParams {
  location_id: string;
}

export function registerLocationsRoutes(app: FastifyInstance, deps: LegacyLocationsDependencies): void {
  const { db, auth, mode } = deps;
  app.get<{ Params: LocationParams; Querystring: { consistent_with?: string } }>(
    "/api/locations/:location_id",
    {
      schema: {
        operationId: "getLocation",
        tags: ["locations"],
        summary: "One check-in, as the original API's location",
        description: "An attendee token may read only its own person's check-ins (403 for another's).",
        security: deps.security,
        params: {
          type: "object",
          required: ["location_id"],
          properties: {
            location_id: {
              type: "string",
              format: "uuid",
              description: "Event id of the check-in (the `id` of POST /api/locations' answer, or of a connection's location).",
              examples: ["0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29"],
            },
          },
        },
        querystring: { type: "object", properties: { consistent_with: consistentWithParameterSchema } },
        response: {
          200: { description: "The check-in.", $ref: "Location#", examples: [LOCATION_EXAMPLE] },
          ...problemResponses(400, 401, 403, 404, 429, 500, 503),
        },
      },
      // Refuses a caller without a token before the consistency wait; the handler checks whose check-in it is.
      preHandler: [requireLegacyToken(auth, mode), deps.consistency],
    },
    async (request, reply) => {
      const caller = await legacyCaller(auth, mode, request);
      if (isProblem(caller)) {
        return sendRefusal(request, reply, caller);
      }
      const location = await findLocation(db, request.params.location_id);
      if (location === undefined) {
        return sendProblem(request, reply, notFound(`No location with id "${request.params.location_id}"`));
      }
      if (!mayRead(caller, location.personId)) {
        return sendProblem(request, reply, forbidden("an attendee token may read only its own person's check-ins"));
      }
      return toWire(location);
    },
  );
}

function toWire(location: Location) {
  return {
    id: location.id,
    person_id: location.personId,
    latitude: location.latitude,
    longitude: location.longitude,
    creation_time: location.occurredAt.toISOString(),
  };
}
