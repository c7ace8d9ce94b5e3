/**
 * bench-query --serializer: the /v1 connections route alone (with the ETag hook every GET
 * answer goes through) in a Fastify of its own, its 200 answer written by the serializer named
 * in argv[2] ("handwritten" or "fastify"). Two of these, one per serializer, answer the same
 * lookups in turn; DATABASE_URL and PORT come from the environment the bench gives it.
 */
import Fastify from "fastify";
import { registerEtags } from "../src/http/etag";
import { personSchema } from "../src/http/person-schemas";
import { problemSchema } from "../src/http/problem";
import { connectionSummarySchema, registerV1ConnectionsRoutes } from "../src/http/v1-connections-routes";
import { createDatabase } from "../src/postgres/create-database";
import { loadSerializerServerConfig } from "./config";

const serializer = process.argv[2] === "fastify" ? "fastify" : "handwritten";
const config = loadSerializerServerConfig();
const readModels = createDatabase(config.databaseUrl);
const app = Fastify({ logger: false });
for (const schema of [problemSchema, personSchema, connectionSummarySchema]) app.addSchema(schema);
registerEtags(app);
registerV1ConnectionsRoutes(app, { readModels, auth: "disabled", consistency: async () => {}, serializer });
app.get("/readyz", async () => ({ ready: true }));
await app.listen({ host: "127.0.0.1", port: config.port });
process.once("SIGTERM", () => void app.close().then(() => readModels.destroy()));
