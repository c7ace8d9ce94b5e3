import type { FastifyInstance } from "fastify";
import { problemResponses, ProblemType, sendProblem } from "./problem";

/** Resolves when the service can answer queries; rejects with the reason otherwise. */
export type CheckReadiness = () => Promise<void>;

const statusSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string", enum: ["ok"] } },
} as const;

export function registerHealthRoutes(app: FastifyInstance, checkReadiness: CheckReadiness): void {
  app.get(
    "/healthz",
    {
      schema: {
        operationId: "healthz",
        tags: ["operations"],
        summary: "Liveness: the process answers HTTP",
        response: { 200: { description: "Alive.", ...statusSchema } },
      },
    },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        operationId: "readyz",
        tags: ["operations"],
        summary: "Readiness: the database answers",
        response: { 200: { description: "Ready to serve queries.", ...statusSchema }, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      try {
        await checkReadiness();
        return { status: "ok" };
      } catch (error) {
        request.log.warn({ err: error }, "not ready: the database does not answer");
        return sendProblem(request, reply, {
          type: ProblemType.unavailable,
          title: "Not ready",
          status: 503,
          detail: "The database does not answer.",
        });
      }
    },
  );
}
