import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

/**
 * CORS for the configured frontend origins ("*" admits any, echoing the caller's origin).
 * Browsers send the bearer token in a header, not a cookie, so credentials mode is never needed.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) {
    return;
  }
  await app.register(cors, {
    origin: origins.includes("*") ? true : [...origins],
    // POST for the original's writes (POST /api/persons, /api/locations): JSON bodies need Content-Type.
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["Authorization", "Content-Type", "If-None-Match"],
    exposedHeaders: ["ETag", "Location", "Retry-After", "WWW-Authenticate", "Allow"],
    maxAge: 600,
    // A preflight without Access-Control-Request-Method is still answered 204, as before the plugin.
    strictPreflight: false,
  });
}
