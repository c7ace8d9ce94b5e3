import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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
        security: [],
        response: { 200: { description: "Alive.", ...statusSchema, examples: [{ status: "ok" }] } },
      },
    },
    async () => ({ status: "ok" }),
  );

  const readiness = async (request: FastifyRequest, reply: FastifyReply) => {
    const reason = await checkReadiness();
    if (reason === undefined) {
      return { status: "ok" };
    }
    request.log.warn(`not ready: ${reason}`);
    return sendProblem(request, reply, { type: ProblemType.unavailable, title: "Not ready", status: 503, detail: reason });
  };
  const readinessSchema = (operationId: string, summary: string) => ({
    operationId,
    tags: ["operations"],
    summary,
    security: [],
    response: { 200: { description: "Ready to serve queries.", ...statusSchema, examples: [{ status: "ok" }] }, ...problemResponses(503) },
  });
  app.get("/readyz", { schema: readinessSchema("readyz", "Readiness: the database answers and the projection is not too far behind") }, readiness);
  // The original exposed /health; the same check, so its probes and scripts keep working.
  app.get("/health", { schema: readinessSchema("health", "Readiness under the original's name: the same check as /readyz") }, readiness);
}
