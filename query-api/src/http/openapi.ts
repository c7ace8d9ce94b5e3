import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema } from "fastify";
import type { LegacyApiAuth } from "./access";
import { problemResponse } from "./problem";

export interface OpenApiOptions {
  /** AUTH_DISABLED=true: no route asks for a token, and the document says so. */
  readonly authDisabled: boolean;
}

type Security = readonly Record<string, string[]>[];

const BEARER: Security = [{ bearer: [] }];

/** The security the legacy routes declare: a bearer token, or (open) none or a bearer token. */
export function legacySecurity(mode: LegacyApiAuth): Security {
  return mode === "open" ? [{}, ...BEARER] : BEARER;
}

const ETAG = {
  ETag: { type: "string", description: "Strong validator of this answer; send it back in If-None-Match to get 304 while it is current." },
} as const;

/**
 * OpenAPI 3.1 generated from the route schemas (so register this before the routes),
 * served at /openapi.json (and /docs/json, where Swagger UI at /docs reads it). Shared schemas keep their $id
 * as their component name (components/schemas/Problem, not def-0). What every route shares is added here:
 * 431 and 405 (with Allow) on every operation, 400 on every one that takes parameters or a body, ETag, If-None-Match and 304 on every GET.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "UdaConnect query API",
        version: "0.1.0",
        description:
          "Read API over the UdaConnect read models: registered persons, and whom a person met; and the original UdaConnect's " +
          "routes (/api/…), including its two writes, which go through the ingest gateway as events. " +
          "Every error is application/problem+json (RFC 9457).",
      },
      // Relative: "Try it out" calls the server that served this document, whatever its host and port.
      servers: [{ url: "/", description: "The server that serves this document" }],
      tags: [
        { name: "persons", description: "Registered attendees (the original's routes)" },
        { name: "locations", description: "Check-ins (the original's routes)" },
        { name: "connections", description: "Who was near whom (the original's route)" },
        { name: "v1", description: "Versioned API: persons, check-ins, connections, projection status" },
        { name: "operations", description: "Probes for orchestrators" },
      ],
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "JWT",
            description: "ES256 token from the identity provider (here: scripts/mint-token; ./scripts/up prints some).",
          },
        },
      },
    },
    transform: ({ schema, url, route }: { schema: FastifySchema; url: string; route: { method: string | string[] } }) => ({
      schema: schema?.hide === true ? schema : declareShared(schema ?? {}, [route.method].flat().includes("GET"), options),
      url,
    }),
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

type Responses = Record<string, Record<string, unknown>>;

function declareShared(schema: FastifySchema, isGet: boolean, options: OpenApiOptions): FastifySchema {
  // Node answers any route 431 when the request line and headers exceed its limit; the error handler any
  // other method on a known path 405 with Allow, and any route with parameters or a body 400 when they break its schema.
  const validates = schema.querystring !== undefined || schema.params !== undefined || schema.body !== undefined;
  const responses: Responses = {
    ...(validates ? { 400: problemResponse(400) } : {}),
    405: problemResponse(405),
    431: problemResponse(431),
    ...((schema.response ?? {}) as Responses),
  } as Responses;
  const declared: FastifySchema & { security?: unknown } = { ...schema, response: responses };
  if (options.authDisabled) {
    declared.security = [];
  }
  for (const [status, response] of Object.entries(responses)) {
    responses[status] = withExampleBesideRef(response);
  }
  if (!isGet) {
    return declared;
  }
  const ok = responses["200"];
  if (ok !== undefined) {
    responses["200"] = { ...ok, headers: { ...((ok.headers as object | undefined) ?? {}), ...ETAG } };
    responses["304"] = { description: "Not modified: If-None-Match holds the current ETag. No body.", type: "null", headers: ETAG };
  }
  const headers = (schema.headers ?? { type: "object", properties: {} }) as { properties?: object };
  declared.headers = {
    ...headers,
    properties: {
      ...(headers.properties ?? {}),
      "if-none-match": { type: "string", description: "An ETag of an earlier answer: 304 without a body while it is still current." },
    },
  };
  return declared;
}

/** @fastify/swagger drops `examples` beside a `$ref`; as a media type's example it stays (JSON only: $ref answers are JSON). */
function withExampleBesideRef(response: Record<string, unknown>): Record<string, unknown> {
  const { $ref, examples, description, headers } = response as { $ref?: string; examples?: unknown[]; description?: string; headers?: unknown };
  if ($ref === undefined || examples?.[0] === undefined) {
    return response;
  }
  const media = { schema: { $ref }, example: examples[0] };
  return { description, ...(headers === undefined ? {} : { headers }), content: { "application/json": media } };
}
