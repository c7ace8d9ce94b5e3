import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";

/**
 * Every successful GET answer is a function of the read model, so a hash of its body is
 * a strong validator: a client that sends it back in If-None-Match gets a 304.
 *
 * Hand-written rather than @fastify/etag (6.2), which tags every answer whatever its method
 * and status (a 404 problem or a POST's 202 would get a 304 for a matching If-None-Match,
 * where RFC 9110 §13.1.2 allows it only for GET and HEAD of a 2xx), compares If-None-Match
 * as one tag (not a list of them), and adds no Vary for the token and Accept the body depends on.
 */
export function registerEtags(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.method !== "GET" || reply.statusCode !== 200 || !(typeof payload === "string" || Buffer.isBuffer(payload))) {
      return payload;
    }
    const etag = `"${createHash("sha256").update(payload).digest("base64url").slice(0, 27)}"`;
    reply.header("etag", etag);
    const vary = reply.getHeader("vary");
    reply.header("vary", vary === undefined ? "Authorization, Accept" : `${String(vary)}, Authorization, Accept`);
    const ifNoneMatch = request.headers["if-none-match"];
    if (ifNoneMatch?.split(",").some((tag) => tag.trim() === etag)) {
      reply.code(304);
      return "";
    }
    return payload;
  });
}
