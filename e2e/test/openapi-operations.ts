/**
 * The query API's operations as its served OpenAPI document (/openapi.json) describes them,
 * and a valid request of each built from the document alone: required parameters from their
 * examples or types, a body from the body schema's example, with the person (and check-in)
 * under test put where the operation names one.
 */

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Record<string, unknown>;
}

interface OperationObject {
  operationId?: string;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, MediaType> };
}

interface MediaType {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  security?: Record<string, string[]>[];
}

export interface Operation {
  readonly operationId: string;
  readonly method: string;
  /** As in the document: /api/persons/{person_id}. */
  readonly path: string;
  /** Needs a bearer token by the document (a non-empty security requirement). */
  readonly secured: boolean;
  readonly parameters: readonly Parameter[];
  readonly bodySchema?: Record<string, unknown>;
  /** The body's example (the media type's, else the schema's, else one from each property's example). */
  readonly bodyExample?: Record<string, unknown>;
}

/** Whose data a request is about. */
export interface Target {
  readonly personId: string;
  /** The event id of one of the person's check-ins. */
  readonly locationId: string;
}

export interface HttpRequest {
  readonly method: string;
  /** Path and query, to append to the server's base URL. */
  readonly url: string;
  readonly body?: string;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

export async function fetchOperations(queryApiUrl: string): Promise<Operation[]> {
  const document = (await (await fetch(`${queryApiUrl}/openapi.json`)).json()) as OpenApiDocument;
  return operationsOf(document);
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => {
        const security = op.security ?? document.security ?? [];
        return {
          operationId: op.operationId ?? `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          secured: security.some((requirement) => Object.keys(requirement).length > 0) && !security.some((r) => Object.keys(r).length === 0),
          parameters: op.parameters ?? [],
          bodySchema: op.requestBody?.content?.["application/json"]?.schema,
          bodyExample: exampleOf(op.requestBody?.content?.["application/json"]),
        };
      }),
  );
}

export function requestFor(operation: Operation, target: Target, now: Date = new Date()): HttpRequest {
  let path = operation.path;
  const query = new URLSearchParams();
  for (const p of operation.parameters) {
    if (p.in === "path") {
      path = path.replace(`{${p.name}}`, encodeURIComponent(pathValue(p, operation.path, target)));
    } else if (p.in === "query" && p.required === true) {
      query.set(p.name, queryValue(p));
    }
  }
  const search = query.toString();
  const url = `${path}${search === "" ? "" : `?${search}`}`;
  return operation.bodySchema === undefined
    ? { method: operation.method, url }
    : { method: operation.method, url, body: JSON.stringify(bodyFor(operation, target, now)) };
}

function exampleOf(media: MediaType | undefined): Record<string, unknown> | undefined {
  if (media === undefined) return undefined;
  const example = media.example ?? Object.values(media.examples ?? {})[0]?.value ?? (media.schema?.examples as unknown[] | undefined)?.[0];
  if (example !== undefined) return example as Record<string, unknown>;
  const properties = Object.entries((media.schema?.properties ?? {}) as Record<string, { examples?: unknown[] }>);
  const values = properties.filter(([, p]) => p.examples?.[0] !== undefined).map(([name, p]) => [name, p.examples?.[0]]);
  return values.length === 0 ? undefined : Object.fromEntries(values);
}

function pathValue(p: Parameter, path: string, target: Target): string {
  if (p.name === "person_id" || (p.name === "id" && path.startsWith("/api/persons"))) return target.personId;
  if (p.name === "location_id" || (p.name === "id" && path.startsWith("/api/locations"))) return target.locationId;
  const example = (p.schema.examples as unknown[] | undefined)?.[0];
  if (example === undefined) throw new Error(`no value for path parameter ${p.name} of ${path}: teach openapi-operations.ts which resource it names`);
  return String(example);
}

function queryValue(p: Parameter): string {
  const s = p.schema;
  const example = (s.examples as unknown[] | undefined)?.[0];
  if (example !== undefined) return String(example);
  if (s.format === "date-time") return p.name === "to" ? "2020-03-11T00:00:00Z" : "2020-03-10T00:00:00Z";
  if (s.format === "date") return p.name === "end_date" ? "2020-03-11" : "2020-03-10";
  if (s.default !== undefined) return String(s.default);
  if (s.type === "integer" || s.type === "number") return String(s.minimum ?? 1);
  return "5";
}

/**
 * The schema's example with the target's person id in it (person_id, or a person's own id),
 * and every date-time a minute ago (attendees may only write recent check-ins).
 */
function bodyFor(operation: Operation, target: Target, now: Date): Record<string, unknown> {
  const { path, bodyExample } = operation;
  if (bodyExample === undefined) throw new Error(`the body of ${operation.operationId} has no example to build a request from: give its schema one`);
  const body: Record<string, unknown> = { ...bodyExample };
  const properties = (operation.bodySchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  if ("person_id" in properties) body.person_id = target.personId;
  else if ("id" in properties && path.startsWith("/api/persons")) body.id = target.personId;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) {
      body[name] = new Date(now.getTime() - 60_000).toISOString();
    }
  }
  return body;
}

/** Sends the request with `authorization` (none when undefined). */
export async function send(baseUrl: string, request: HttpRequest, authorization: string | undefined): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (request.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${baseUrl}${request.url}`, { method: request.method, headers, body: request.body });
}
