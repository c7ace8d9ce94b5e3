import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { bearerToken } from "./access";
import { ProblemType, sendProblem } from "./problem";

export interface RateLimit {
  /** Sustained requests per minute per token (or per client address without one); also the burst. */
  readonly perMinute: number;
  /** Port for tests. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 10_000;

/**
 * A token bucket per bearer token (hashed: the map must not hold credentials) on the data
 * routes; /healthz, /readyz and /metrics stay free for probes.
 */
export function registerRateLimit(app: FastifyInstance, limit: RateLimit): void {
  const now = limit.now ?? Date.now;
  const perMs = limit.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  app.addHook("onRequest", async (request, reply) => {
    if (!/^\/(v1|api)\//.test(request.url)) {
      return;
    }
    const token = bearerToken(request);
    const key = token === undefined ? `ip:${request.ip}` : createHash("sha256").update(token).digest("base64url");
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: limit.perMinute, at: t };
    bucket.tokens = Math.min(limit.perMinute, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    if (buckets.size >= MAX_BUCKETS && !buckets.has(key)) {
      buckets.clear();
    }
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      return sendProblem(request, reply.header("retry-after", String(retryAfter)), {
        type: ProblemType.rateLimited,
        title: "Too many requests",
        status: 429,
        detail: `more than ${limit.perMinute} requests per minute for this token; retry in ${retryAfter} s`,
      });
    }
    bucket.tokens -= 1;
  });
}
