import type { FastifyInstance } from "fastify";
import { problemResponses, ProblemType, sendProblem } from "./problem";

/** Undefined when the service can answer queries, else why not (sent as the 503's detail). */
export type CheckReadiness = () => Promise<string | undefined>;

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
        summary: "Readiness: the database answers and the projection is not too far behind",
        response: { 200: { description: "Ready to serve queries.", ...statusSchema }, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      const reason = await checkReadiness();
      if (reason === undefined) {
        return { status: "ok" };
      }
      request.log.warn(`not ready: ${reason}`);
      return sendProblem(request, reply, { type: ProblemType.unavailable, title: "Not ready", status: 503, detail: reason });
    },
  );
}
