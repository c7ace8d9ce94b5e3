import type { FastifyInstance } from "fastify";
import {
  DEFAULT_ENCOUNTER_DISTANCE_M,
  DEFAULT_WITHIN_S,
  MAX_ACCURACY_BOUND_M,
  MAX_ENCOUNTER_DISTANCE_M,
  MAX_RANGE_DAYS,
  MAX_WITHIN_S,
  parseEncounterQuery,
} from "../encounters/encounter-criteria";
import type { ConnectionSummary } from "../encounters/connection-summary";
import { findEncounters, findEncountersJson, MAX_ENCOUNTERS } from "../encounters/find-encounters";
import { ParallelSlots } from "../encounters/parallel-parts";
import type { ReadModelClient } from "../postgres/create-database";
import { isInvalidParameter } from "../invalid-parameter";
import { requireReaderOfPerson } from "./access";
import { consistentWithParameterSchema } from "./consistency-gate";
import { personIdParamsSchema, type PersonIdParams } from "./person-schemas";
import { invalidParameter, notFound, problemResponses, sendProblem, tooManyEncounters } from "./problem";
import type { V1RouteDependencies } from "./v1-persons-routes";

interface ConnectionsQuerystring {
  from: string;
  to: string;
  distance_m: number;
  within_s: number;
  max_accuracy_m?: number;
  consistent_with?: string;
}

const instant = { type: "string", format: "date-time" } as const;

export const connectionSummarySchema = {
  $id: "ConnectionSummary",
  type: "object",
  required: ["person", "encounters", "first_encounter_at", "last_encounter_at", "closest_distance_m", "closest_location"],
  properties: {
    person: { $ref: "Person#" },
    encounters: { type: "integer", minimum: 1, description: "Number of encounters: pairs of check-ins, one of each person." },
    first_encounter_at: { ...instant, description: "Earliest encounter time (an encounter happens at the later of its two check-ins)." },
    last_encounter_at: { ...instant, description: "Latest encounter time." },
    closest_distance_m: { type: "number", minimum: 0, description: "Spheroid distance of the closest encounter, metres." },
    closest_location: {
      type: "object",
      description: "The other person's check-in in the closest encounter (ties: earliest encounter, then lowest event id).",
      required: ["latitude", "longitude", "at"],
      properties: {
        latitude: { type: "number", minimum: -90, maximum: 90 },
        longitude: { type: "number", minimum: -180, maximum: 180 },
        at: instant,
      },
    },
  },
} as const;

const description =
  "An encounter is a pair of check-ins, one of the person and one of another registered person, both with occurred_at in " +
  "[from, to), at most `distance_m` metres apart (PostGIS spheroid) and at most `within_s` seconds apart. It happens at " +
  "the later of the two check-in times. One entry per person met, sorted by first encounter, then person id. " +
  `Limits: distance_m in (0, ${MAX_ENCOUNTER_DISTANCE_M}], within_s in [0, ${MAX_WITHIN_S}], max_accuracy_m in (0, ${MAX_ACCURACY_BOUND_M}], ` +
  `to after from, at most ${MAX_RANGE_DAYS} days; ` +
  `a lookup that would find more than ${MAX_ENCOUNTERS} encounters is refused with 422 (too-many-encounters).`;

/**
 * Lookups that may use a second database connection at once to halve their wait (two
 * cores do the two parts); more at a time would only queue on the same cores.
 */
const PARALLEL_LOOKUPS = 2;

/** The lookup runs raw statements on the pool as well as Kysely (shared-snapshot.ts): it takes both. */
export interface V1ConnectionsDependencies extends Omit<V1RouteDependencies, "db"> {
  readonly readModels: ReadModelClient;
  /**
   * Who writes the 200 answer's JSON: the hand-written byte writer (default: it measured
   * cheaper, see connections-json.ts) or Fastify's schema serializer, which stays selectable
   * so that `scripts/bench-query --serializer both` can measure the choice again.
   */
  readonly serializer?: "handwritten" | "fastify";
}

export function registerV1ConnectionsRoutes(app: FastifyInstance, deps: V1ConnectionsDependencies): void {
  const { readModels, auth, consistency } = deps;
  const parallel = new ParallelSlots(PARALLEL_LOOKUPS);
  app.get<{ Params: PersonIdParams; Querystring: ConnectionsQuerystring }>(
    "/v1/persons/:person_id/connections",
    {
      schema: {
        operationId: "v1FindConnections",
        tags: ["v1"],
        summary: "Whom the person met: within distance_m metres and within_s seconds",
        description,
        security: [{ bearer: [] }],
        params: personIdParamsSchema,
        querystring: {
          type: "object",
          additionalProperties: false,
          required: ["from", "to"],
          properties: {
            from: { ...instant, description: "Inclusive start (RFC 3339).", examples: ["2020-03-10T00:00:00Z"] },
            to: { ...instant, description: "Exclusive end (RFC 3339).", examples: ["2020-03-11T00:00:00Z"] },
            distance_m: { type: "number", exclusiveMinimum: 0, maximum: MAX_ENCOUNTER_DISTANCE_M, default: DEFAULT_ENCOUNTER_DISTANCE_M },
            within_s: { type: "integer", minimum: 0, maximum: MAX_WITHIN_S, default: DEFAULT_WITHIN_S },
            max_accuracy_m: {
              type: "number",
              exclusiveMinimum: 0,
              maximum: MAX_ACCURACY_BOUND_M,
              description:
                "Leaves out check-ins (the person's and the others') whose reported accuracy is worse than this many metres, " +
                "and check-ins that reported none. Absent: every check-in counts.",
              examples: [10],
            },
            consistent_with: consistentWithParameterSchema,
          },
        },
        response: {
          200: {
            description: "The persons met, possibly none.",
            type: "object",
            required: ["connections"],
            properties: { connections: { type: "array", items: { $ref: "ConnectionSummary#" } } },
            examples: [
              {
                connections: [
                  {
                    person: { id: "6", first_name: "Frank", last_name: "Shader", company_name: "USDA" },
                    encounters: 2,
                    first_encounter_at: "2020-03-10T10:05:00.000Z",
                    last_encounter_at: "2020-03-10T11:00:00.000Z",
                    closest_distance_m: 0,
                    closest_location: { latitude: 35.0585136, longitude: -106.5719237, at: "2020-03-10T10:58:00.000Z" },
                  },
                ],
              },
            ],
          },
          ...problemResponses(400, 401, 403, 404, 422, 429, 500, 503),
        },
      },
      preHandler: [requireReaderOfPerson(auth), consistency],
    },
    async (request, reply) => {
      const { person_id: personId } = request.params;
      const { from, to, distance_m: distanceMetres, within_s: withinSeconds, max_accuracy_m: maxAccuracyMetres } = request.query;
      const criteria = parseEncounterQuery({ from, to, distanceMetres, withinSeconds, maxAccuracyMetres });
      if (isInvalidParameter(criteria)) {
        return sendProblem(request, reply, invalidParameter(criteria.detail));
      }
      const outcome =
        deps.serializer === "fastify"
          ? await findEncounters(readModels, { personId, ...criteria }, { parallel })
          : await findEncountersJson(readModels, { personId, ...criteria }, { parallel });
      if (outcome.kind === "unknown-person") {
        return sendProblem(request, reply, notFound(`No person with id "${personId}"`));
      }
      if (outcome.kind === "too-many-encounters") {
        return sendProblem(request, reply, tooManyEncounters(outcome.limit));
      }
      if (Buffer.isBuffer(outcome.value)) {
        // Already the JSON of the 200 schema: a buffer is sent as it is, not serialised again.
        return reply.type("application/json; charset=utf-8").send(outcome.value);
      }
      return reply.send({ connections: outcome.value.map(toWire) });
    },
  );
}

/** A summary in the shape of connectionSummarySchema; Fastify's serializer (compiled from it) writes the JSON. */
function toWire(summary: ConnectionSummary) {
  const { person, encounters, firstEncounterAt, lastEncounterAt, closestDistanceMetres, closestLocation } = summary;
  return {
    person,
    encounters,
    first_encounter_at: firstEncounterAt,
    last_encounter_at: lastEncounterAt,
    closest_distance_m: closestDistanceMetres,
    closest_location: closestLocation,
  };
}
