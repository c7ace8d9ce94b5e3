import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";

const PAGE_URL = new URL("../web/index.html", import.meta.url);

/**
 * Serves the one-page UI at `/`. Its inline script and style are allowed by hash, so the
 * Content-Security-Policy forbids everything else: no other script, no foreign origin.
 */
export async function registerWebPage(app: FastifyInstance): Promise<void> {
  const html = await readFile(PAGE_URL, "utf8");
  const policy = contentSecurityPolicy(html);
  app.get("/", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").header("content-security-policy", policy).send(html),
  );
}

function contentSecurityPolicy(html: string): string {
  const script = hashOf(html, /<script>([\s\S]*?)<\/script>/);
  const style = hashOf(html, /<style>([\s\S]*?)<\/style>/);
  return [
    "default-src 'none'",
    `script-src '${script}'`,
    `style-src '${style}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function hashOf(html: string, element: RegExp): string {
  const content = element.exec(html)?.[1];
  if (content === undefined) {
    throw new Error(`web page has no ${element.source} element`);
  }
  return `sha256-${createHash("sha256").update(content, "utf8").digest("base64")}`;
}
