import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import { createLogger } from "@udaconnect/observability";
import type { LogLevel, QueryApiConfig } from "./config";
import type { EndOffsetsReader } from "./kafka/end-offsets";
import { requireLegacyReader, requireToken, type Authentication } from "./http/access";
import { consistencyGate } from "./http/consistency-gate";
import { connectionSchema, locationSchema, registerConnectionsRoutes } from "./http/legacy-connections-routes";
import { clientErrorHandler } from "./http/client-errors";
import { registerCors } from "./http/cors";
import { registerErrorHandling } from "./http/error-handling";
import { registerEtags } from "./http/etag";
import { registerHealthRoutes } from "./http/health-routes";
import { registerLegacyWriteRoutes, type IngestForWrites } from "./http/legacy-write-routes";
import { registerLocationsRoutes } from "./http/locations-routes";
import { registerMetrics } from "./http/metrics";
import { legacySecurity, registerOpenApi } from "./http/openapi";
import { personSchema } from "./http/person-schemas";
import { registerPersonsRoutes } from "./http/persons-routes";
import { badRequest, problemSchema, sendProblem } from "./http/problem";
import { registerProjectionStatusRoute } from "./http/projection-status-routes";
import { registerRateLimit } from "./http/rate-limit";
import { redactUrl } from "./http/redact-url";
import { connectionSummarySchema, registerV1ConnectionsRoutes } from "./http/v1-connections-routes";
import { registerV1LocationsRoutes } from "./http/v1-locations-routes";
import { personsPageSchema, registerV1PersonsRoutes } from "./http/v1-persons-routes";
import { registerWebPage } from "./http/web-page-route";
import { checkpointsCover, newestCheckInAt, projectedPartitions } from "./postgres/projection-checkpoints";
import { pingDatabase, type ReadModelClient } from "./postgres/create-database";
import { projectionLagProblem, projectionStatusReader } from "./projection/read-projection-status";

/** What the app takes of query-api's settings, as loadConfig returns them (a default lives only in config.ts). */
export type AppSettings = Pick<QueryApiConfig, "consistencyWaitMs" | "readyMaxLag" | "corsOrigins" | "rateLimitPerMinute" | "legacyApiAuth">;

export interface AppDependencies extends AppSettings {
  /** The read models: Kysely for most routes, and its pool for the /v1 connections lookup. */
  readonly readModels: ReadModelClient;
  /** Bearer-token verification, or "disabled" (everyone reads everything, legacy /api included). */
  readonly auth: Authentication;
  /** Omitted: no logging (tests). */
  readonly logLevel?: LogLevel;
  /** End of the log of the projected topics; omitted: end offsets unknown, readiness ignores lag. */
  readonly kafka?: { readonly endOffsets: EndOffsetsReader; readonly topics: readonly string[] };
  /** The ingest gateway behind POST /api/persons and /api/locations; omitted: they answer 501. */
  readonly ingest?: IngestForWrites;
}

/** The whole HTTP application, ready for inject() or listen(); it never listens by itself. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { readModels, auth } = deps;
  const { db } = readModels;
  const app = Fastify({
    ...(deps.logLevel === undefined ? { logger: false } : { loggerInstance: queryApiLogger(deps.logLevel) }),
    // Errors raised before routing (a malformed %-escape in the path) get problem+json too.
    frameworkErrors: (error, request, reply) => sendProblem(request, reply, badRequest(error.message)),
    clientErrorHandler,
    // Graceful close (server.ts): app.close() stops accepting, closes idle keep-alive connections,
    // answers requests arriving on busy ones 503 with Connection: close, and lets those in flight finish.
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // The original's bodies carry ids as numbers or strings, coordinates as numbers or decimal strings.
    ajv: { customOptions: { allowUnionTypes: true } },
  });
  for (const schema of [problemSchema, personSchema, locationSchema, connectionSchema, personsPageSchema, connectionSummarySchema]) {
    app.addSchema(schema);
  }
  registerErrorHandling(app);
  // Before any route: @fastify/swagger collects the routes registered after it.
  const mode = deps.legacyApiAuth;
  await registerOpenApi(app, { authDisabled: auth === "disabled" });
  await registerCors(app, deps.corsOrigins);
  if (deps.rateLimitPerMinute > 0) {
    await registerRateLimit(app, { perMinute: deps.rateLimitPerMinute });
  }
  registerMetrics(app);
  registerEtags(app);
  const readStatus = projectionStatusReader({
    projectedPartitions: () => projectedPartitions(db),
    newestCheckInAt: () => newestCheckInAt(db),
    endOffsets: deps.kafka === undefined ? undefined : { fetch: deps.kafka.endOffsets.fetchEndOffsets, topics: deps.kafka.topics },
    onKafkaError: (error) => app.log.warn({ err: error }, "end offsets unknown: Kafka did not answer"),
  });
  const maxLag = BigInt(deps.readyMaxLag);
  registerHealthRoutes(app, async () => {
    try {
      await pingDatabase(db);
    } catch (error) {
      app.log.warn({ err: error }, "the database does not answer");
      return "The database does not answer.";
    }
    return deps.kafka === undefined ? undefined : projectionLagProblem(readStatus, maxLag);
  });
  const consistency = consistencyGate((positions) => checkpointsCover(db, positions), deps.consistencyWaitMs);
  // The original's routes: the same rules as /v1, or open to callers without a token (LEGACY_API_AUTH=open).
  const security = legacySecurity(mode);
  await app.register(async (legacy) => {
    legacy.addHook("preHandler", requireLegacyReader(auth, mode));
    legacy.addHook("preHandler", consistency);
    registerPersonsRoutes(legacy, db, security);
    registerConnectionsRoutes(legacy, db, security);
  });
  registerLocationsRoutes(app, { db, auth, mode, consistency, security });
  registerLegacyWriteRoutes(app, { auth, mode, security, ingest: deps.ingest });
  registerV1PersonsRoutes(app, { db, auth, consistency });
  registerV1LocationsRoutes(app, { db, auth, consistency });
  registerV1ConnectionsRoutes(app, { readModels, auth, consistency });
  registerProjectionStatusRoute(app, readStatus, requireToken(auth));
  await registerWebPage(app);
  return app;
}

/** The services' one logger configuration, with Fastify's request fields (reqId comes from Fastify). */
function queryApiLogger(level: LogLevel): FastifyBaseLogger {
  return createLogger({
    service: "query-api",
    level,
    // The web page's ?token= kept out of every log line: a path inside a string, which pino's redact cannot reach.
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  });
}
