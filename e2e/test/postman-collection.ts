/** The Postman collection's shape, as far as the tests read it, and how its requests map to operations. */

export interface CollectionRequest {
  readonly method: string;
  readonly url: { readonly raw: string };
}

export interface CollectionItem {
  readonly name: string;
  readonly item?: readonly CollectionItem[];
  readonly request?: CollectionRequest;
  readonly event?: readonly { readonly listen: string; readonly script: { readonly exec: readonly string[] } }[];
}

export interface Collection {
  readonly info: { readonly schema: string };
  readonly item: readonly CollectionItem[];
}

/** What the Postman test reads of newman's run summary. */
export interface NewmanSummary {
  readonly run: {
    readonly stats: { readonly assertions: { readonly total: number; readonly failed: number } };
    readonly failures: readonly { readonly error: { readonly name: string; readonly message: string }; readonly source?: { readonly name?: string } }[];
    readonly executions: readonly { readonly item: { readonly name: string } }[];
  };
}

export interface NamedRequest extends CollectionRequest {
  readonly name: string;
  readonly tests: readonly string[];
}

/** Every request of the collection, folders flattened, in run order. */
export function collectionRequests(collection: Collection): NamedRequest[] {
  const walk = (items: readonly CollectionItem[]): NamedRequest[] =>
    items.flatMap((item) => {
      if (item.item !== undefined) return walk(item.item);
      if (item.request === undefined) return [];
      const tests = item.event?.filter((e) => e.listen === "test").flatMap((e) => e.script.exec) ?? [];
      return [{ name: item.name, method: item.request.method, url: item.request.url, tests }];
    });
  return walk(collection.item);
}

/**
 * "GET {{query_api_url}}/v1/persons/{}/connections": the base URL's variable, the path with
 * every parameter as {} (a {{variable}}, a :name or an OpenAPI {name}), no query string.
 */
export function operationKey(method: string, url: string): string {
  const [base, ...rest] = url.split(/(?<=\}\})(?=\/)/);
  const path = rest.join("").split("?")[0] ?? "";
  const template = path
    .split("/")
    .map((segment) => (segment.includes("{{") || /^(:\w+|\{\w+\})$/.test(segment) ? "{}" : segment))
    .join("/");
  return `${method.toUpperCase()} ${base}${template}`;
}

/** The key of an OpenAPI operation of the query API, or of an ingest RPC called over Connect. */
export const queryApiOperation = (method: string, path: string) => operationKey(method, `{{query_api_url}}${path}`);
export const ingestRpc = (typeName: string, method: string) => operationKey("POST", `{{ingest_url}}/${typeName}/${method}`);
