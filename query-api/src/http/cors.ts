import type { FastifyInstance } from "fastify";

/**
 * CORS for the configured frontend origins ("*" admits any). Browsers send the bearer
 * token in a header, not a cookie, so credentials mode is never needed.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) {
    return;
  }
  const allowed = (origin: string) => origins.includes("*") || origins.includes(origin);
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && allowed(origin)) {
      reply.header("access-control-allow-origin", origin);
      reply.header("access-control-expose-headers", "ETag, Location, Retry-After, WWW-Authenticate, Allow");
      reply.header("vary", "Origin");
    }
  });
  app.options("/*", { schema: { hide: true } }, async (request, reply) => {
    if (request.headers.origin !== undefined && allowed(request.headers.origin)) {
      // POST for the original's writes (POST /api/persons, /api/locations): JSON bodies need Content-Type.
      reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
      reply.header("access-control-allow-headers", "Authorization, Content-Type, If-None-Match");
      reply.header("access-control-max-age", "600");
    }
    return reply.code(204).send();
  });
}
