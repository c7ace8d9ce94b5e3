import Fastify, { type FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { LogLevel } from "./config";
import { connectionSchema, registerConnectionsRoutes } from "./http/connections-routes";
import { registerErrorHandling } from "./http/error-handling";
import { registerHealthRoutes } from "./http/health-routes";
import { registerOpenApi } from "./http/openapi";
import { personSchema } from "./http/person-schemas";
import { registerPersonsRoutes } from "./http/persons-routes";
import { badRequest, problemSchema, sendProblem } from "./http/problem";
import { registerWebPage } from "./http/web-page-route";
import { pingDatabase } from "./postgres/create-database";

export interface AppDependencies {
  readonly db: Kysely<Database>;
  /** Omitted: no logging (tests). */
  readonly logLevel?: LogLevel;
}

/** The whole HTTP application, ready for inject() or listen(); it never listens by itself. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel === undefined ? false : { level: deps.logLevel },
    // Errors raised before routing (a malformed %-escape in the path) get problem+json too.
    frameworkErrors: (error, request, reply) => sendProblem(request, reply, badRequest(error.message)),
  });
  for (const schema of [problemSchema, personSchema, connectionSchema]) {
    app.addSchema(schema);
  }
  registerErrorHandling(app);
  await registerOpenApi(app);
  registerHealthRoutes(app, () => pingDatabase(deps.db));
  registerPersonsRoutes(app, deps.db);
  registerConnectionsRoutes(app, deps.db);
  await registerWebPage(app);
  return app;
}
