import { createHash } from "node:crypto";
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { bearerToken } from "./access";

export interface RateLimit {
  /** Sustained requests per minute per token (or per client address without one); also the burst. */
  readonly perMinute: number;
  /** Port for tests. */
  readonly now?: () => number;
}

/** Thrown by the plugin when a key has spent its requests; the error handler answers it as problem+json. */
export class RateLimitExceeded extends Error {
  readonly statusCode = 429;
}

/** Only the data routes are limited: /healthz, /readyz and /metrics stay free for probes. */
const DATA_ROUTES = /^\/(v1|api)\//;

/**
 * @fastify/rate-limit on the data routes, keyed by bearer token (hashed: the store must not hold
 * credentials) or by client address without one, checked on request before any authentication.
 * Retry-After only: the x-ratelimit-* headers are not part of the API's contract.
 */
export async function registerRateLimit(app: FastifyInstance, limit: RateLimit): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: "onRequest",
    max: limit.perMinute,
    timeWindow: 60_000,
    store: tokenBuckets(limit),
    allowList: (request) => !DATA_ROUTES.test(request.url),
    keyGenerator: keyOf,
    addHeaders: { "x-ratelimit-limit": false, "x-ratelimit-remaining": false, "x-ratelimit-reset": false, "retry-after": true },
    addHeadersOnExceeding: { "x-ratelimit-limit": false, "x-ratelimit-remaining": false, "x-ratelimit-reset": false },
    errorResponseBuilder: (_request, context) =>
      new RateLimitExceeded(`more than ${limit.perMinute} requests per minute for this token; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`),
  });
}

function keyOf(request: FastifyRequest): string {
  const token = bearerToken(request);
  return token === undefined ? `ip:${request.ip}` : createHash("sha256").update(token).digest("base64url");
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 10_000;

/**
 * A token bucket per key, as the plugin's store. Its own LocalStore counts fixed one-minute
 * windows, which would let a client spend twice the limit across a window's edge and tell a
 * limited client to wait for the window's end (up to 60 s) instead of for its next request
 * (60 / limit s). The plugin reads `current > max` as exceeded and `ttl` as Retry-After.
 */
function tokenBuckets(limit: RateLimit): FastifyRateLimitStoreCtor {
  const now = limit.now ?? Date.now;
  const perMs = limit.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  return class TokenBuckets implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: limit.perMinute, at: t };
      bucket.tokens = Math.min(limit.perMinute, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      if (buckets.size >= MAX_BUCKETS && !buckets.has(key)) {
        buckets.clear();
      }
      buckets.set(key, bucket);
      if (bucket.tokens < 1) {
        callback(null, { current: limit.perMinute + 1, ttl: (1 - bucket.tokens) / perMs });
        return;
      }
      bucket.tokens -= 1;
      callback(null, { current: limit.perMinute - Math.floor(bucket.tokens), ttl: (limit.perMinute - bucket.tokens) / perMs });
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
