import type { FastifyInstance } from "fastify";
import { parseTimeRange, parseInstant } from "../encounters/encounter-criteria";
import { pageCheckIns, type CheckIn, type CheckInCursor } from "../locations/page-locations";
import { findPerson } from "../persons/find-persons";
import { requireReaderOfPerson } from "./access";
import { consistentWithParameterSchema } from "./consistency-gate";
import { cursorParameterSchema, decodeCursor, encodeCursor } from "./cursor";
import { personIdParamsSchema, type PersonIdParams } from "./person-schemas";
import { invalidParameter, notFound, problemResponses, sendProblem } from "./problem";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type V1RouteDependencies } from "./v1-persons-routes";

const GEO_JSON = "application/geo+json";
/** Long enough for any person's history in one query; pages bound the answer anyway. */
const MAX_LOCATIONS_RANGE_DAYS = 366;

interface LocationsQuerystring {
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  consistent_with?: string;
}

const accuracySchema = {
  type: ["number", "null"],
  minimum: 0,
  description: "The device's reported accuracy in metres; null when it reported none.",
} as const;

const checkInSchema = {
  type: "object",
  required: ["id", "latitude", "longitude", "at", "accuracy_m"],
  properties: {
    id: { type: "string", format: "uuid", description: "Event id of the check-in." },
    latitude: { type: "number", minimum: -90, maximum: 90 },
    longitude: { type: "number", minimum: -180, maximum: 180 },
    at: { type: "string", format: "date-time", description: "When the check-in happened (RFC 3339, UTC)." },
    accuracy_m: accuracySchema,
  },
} as const;

const nextCursor = { type: ["string", "null"], description: "Pass as `cursor` for the next page; null on the last page." } as const;

const locationsJson = {
  type: "object",
  required: ["locations", "next_cursor"],
  properties: { locations: { type: "array", items: checkInSchema }, next_cursor: nextCursor },
} as const;

const locationsGeoJson = {
  type: "object",
  description: "RFC 7946 FeatureCollection of Points; next_cursor is a foreign member.",
  required: ["type", "features", "next_cursor"],
  properties: {
    type: { type: "string", enum: ["FeatureCollection"] },
    features: {
      type: "array",
      items: {
        type: "object",
        required: ["type", "id", "geometry", "properties"],
        properties: {
          type: { type: "string", enum: ["Feature"] },
          id: { type: "string", format: "uuid" },
          geometry: {
            type: "object",
            required: ["type", "coordinates"],
            properties: {
              type: { type: "string", enum: ["Point"] },
              coordinates: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2, description: "[longitude, latitude]" },
            },
          },
          properties: {
            type: "object",
            required: ["at", "accuracy_m"],
            properties: { at: { type: "string", format: "date-time" }, accuracy_m: accuracySchema },
          },
        },
      },
    },
    next_cursor: nextCursor,
  },
} as const;

export function registerV1LocationsRoutes(app: FastifyInstance, deps: V1RouteDependencies): void {
  const { db, auth, consistency } = deps;
  app.get<{ Params: PersonIdParams; Querystring: LocationsQuerystring }>(
    "/v1/persons/:person_id/locations",
    {
      schema: {
        operationId: "v1ListLocations",
        tags: ["v1"],
        summary: "The person's check-ins in [from, to), by time",
        description: `JSON by default; GeoJSON with \`Accept: ${GEO_JSON}\`. from/to are optional; together at most ${MAX_LOCATIONS_RANGE_DAYS} days apart.`,
        security: [{ bearer: [] }],
        params: personIdParamsSchema,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            from: { type: "string", format: "date-time", description: "Inclusive start (RFC 3339)." },
            to: { type: "string", format: "date-time", description: "Exclusive end (RFC 3339)." },
            limit: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
            cursor: cursorParameterSchema,
            consistent_with: consistentWithParameterSchema,
          },
        },
        response: {
          200: {
            description: "A page of check-ins.",
            content: {
              "application/json": {
                schema: locationsJson,
                example: {
                  locations: [
                    {
                      id: "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29",
                      latitude: 35.0585136,
                      longitude: -106.5719566,
                      at: "2020-07-07T10:37:06.000Z",
                      accuracy_m: 8,
                    },
                  ],
                  next_cursor: null,
                },
              },
              [GEO_JSON]: {
                schema: locationsGeoJson,
                example: {
                  type: "FeatureCollection",
                  features: [
                    {
                      type: "Feature",
                      id: "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29",
                      geometry: { type: "Point", coordinates: [-106.5719566, 35.0585136] },
                      properties: { at: "2020-07-07T10:37:06.000Z", accuracy_m: 8 },
                    },
                  ],
                  next_cursor: null,
                },
              },
            },
          },
          ...problemResponses(400, 401, 403, 404, 429, 500, 503),
        },
      },
      preHandler: [requireReaderOfPerson(auth), consistency],
    },
    async (request, reply) => {
      const { person_id: personId } = request.params;
      const { from: fromText, to: toText, limit, cursor } = request.query;
      const range = parseRange(fromText, toText);
      if ("kind" in range) {
        return sendProblem(request, reply, invalidParameter(range.detail));
      }
      const after = cursor === undefined ? undefined : parseCheckInCursor(cursor);
      if (after === null) {
        return sendProblem(request, reply, invalidParameter("query parameter cursor is not a cursor this API returned"));
      }
      if ((await findPerson(db, personId)) === undefined) {
        return sendProblem(request, reply, notFound(`No person with id "${personId}"`));
      }
      const page = await pageCheckIns(db, { personId, ...range, limit, after });
      const next = page.next === undefined ? null : encodeCursor([page.next.occurredAt, page.next.id]);
      if (wantsGeoJson(request.headers.accept)) {
        return reply.type(GEO_JSON).send({ type: "FeatureCollection", features: page.checkIns.map(toFeature), next_cursor: next });
      }
      return reply.type("application/json; charset=utf-8").send({ locations: page.checkIns.map(toWire), next_cursor: next });
    },
  );
}

// GeoJSON only when asked for by name: a browser Accept of any type gets plain JSON.
function wantsGeoJson(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((part) => part.split(";")[0]?.trim().toLowerCase() === GEO_JSON);
}

function parseRange(fromText: string | undefined, toText: string | undefined) {
  if (fromText !== undefined && toText !== undefined) {
    return parseTimeRange(fromText, toText, MAX_LOCATIONS_RANGE_DAYS);
  }
  const from = fromText === undefined ? undefined : parseInstant(fromText);
  const to = toText === undefined ? undefined : parseInstant(toText);
  if ((fromText !== undefined && from === undefined) || (toText !== undefined && to === undefined)) {
    return { kind: "invalid-parameter" as const, parameter: "from", detail: "from and to must be RFC 3339 date-times" };
  }
  return { from, to };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/** null when malformed (a 400), so the database never sees a value it cannot cast. */
function parseCheckInCursor(cursor: string): CheckInCursor | null {
  const parts = decodeCursor(cursor, 2);
  const [occurredAt, id] = parts ?? [];
  return occurredAt !== undefined && id !== undefined && PG_TIMESTAMPTZ.test(occurredAt) && UUID.test(id) ? { occurredAt, id } : null;
}

function toWire(checkIn: CheckIn) {
  return {
    id: checkIn.id,
    latitude: checkIn.latitude,
    longitude: checkIn.longitude,
    at: checkIn.occurredAt.toISOString(),
    accuracy_m: checkIn.accuracyMetres,
  };
}

function toFeature(checkIn: CheckIn) {
  return {
    type: "Feature",
    id: checkIn.id,
    geometry: { type: "Point", coordinates: [checkIn.longitude, checkIn.latitude] },
    properties: { at: checkIn.occurredAt.toISOString(), accuracy_m: checkIn.accuracyMetres },
  };
}
