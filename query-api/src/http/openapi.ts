import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema } from "fastify";
import { problemResponses } from "./problem";

/**
 * OpenAPI 3.1 generated from the route schemas (so register this before the routes),
 * served at /openapi.json (and /docs/json, where Swagger UI at /docs reads it). Shared schemas keep their $id
 * as their component name (components/schemas/Problem, not def-0).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "UdaConnect query API",
        version: "0.1.0",
        description:
          "Read API over the UdaConnect read models: registered persons, and whom a person met. " +
          "Every error is application/problem+json (RFC 9457).",
      },
      tags: [
        { name: "persons", description: "Registered attendees" },
        { name: "connections", description: "Who was near whom" },
        { name: "v1", description: "Versioned API: persons, check-ins, connections, projection status" },
        { name: "operations", description: "Probes for orchestrators" },
      ],
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "ES256 token from scripts/mint-token (absent when auth is disabled)." },
        },
      },
    },
    // Node answers any route 431 when the request line and headers exceed its limit.
    transform: ({ schema, url }: { schema: FastifySchema; url: string }) => ({
      schema: schema?.hide === true ? schema : { ...schema, response: { ...problemResponses(431), ...(schema?.response ?? {}) } },
      url,
    }),
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
