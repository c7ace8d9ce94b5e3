import type { FastifyInstance } from "fastify";

/**
 * The methods each registered path answers, so that a known path asked with another
 * method gets 405 Method Not Allowed with an `Allow` header (RFC 9110 §15.5.6), not 404.
 * Call before any route is registered: it listens for routes as they are added.
 */
export function trackRouteMethods(app: FastifyInstance): (path: string) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook("onRoute", (route) => {
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    routes.push({ pattern: pathPattern(route.url), methods });
  });
  return (path) => {
    const allowed = new Set<string>();
    for (const route of routes) {
      if (route.pattern.test(path)) {
        for (const m of route.methods) allowed.add(m);
      }
    }
    return [...allowed].sort();
  };
}

/** "/v1/persons/:person_id/connections" → a RegExp matching its concrete paths; "*" matches the rest. */
function pathPattern(url: string): RegExp {
  const escaped = url
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part === "*" ? ".*" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${escaped}$`);
}
